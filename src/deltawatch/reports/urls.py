"""Pages of the reports app (通报 / 评估报告)."""
from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_create, name="create"),
    path("content.css", views.content_css, name="css"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/text/", views.report_text, name="text"),
    path("<int:pk>/check/", views.report_check, name="check"),
    path("<int:pk>/<str:action>/", views.report_move, name="move"),
    path("<int:pk>/file.<str:format>", views.report_download, name="download"),
]
