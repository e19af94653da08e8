"""Pages of the observations app: 数据导入 (upload, confirm) and the import history."""
from django.urls import path

from . import views

app_name = "observations"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("upload/confirm/", views.confirm, name="confirm"),
    path("imports/", views.history, name="history"),
    path("imports/<int:pk>/", views.batch, name="batch"),
]
