"""Pages of the intake app (文件解析)."""
from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.documents, name="documents"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/targets/<int:draft>/", views.decide_target, name="decide_target"),
    path("<int:pk>/tasks/<int:draft>/", views.decide_task, name="decide_task"),
    path("<int:pk>/tasks/reject-section/", views.reject_section, name="reject_section"),
]
