from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("<str:code>/", views.detail, name="detail"),
]
