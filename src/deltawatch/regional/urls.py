"""Pages of the regional app."""
from django.urls import path

from . import views

app_name = "regional"

urlpatterns = [
    path("", views.disparity, name="disparity"),
]
