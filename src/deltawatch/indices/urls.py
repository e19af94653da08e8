"""Pages of the indices app."""
from django.urls import path

from . import views

app_name = "indices"

urlpatterns = [
    path("", views.index_list, name="list"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/publish/", views.publish, name="publish"),
    path("start/", views.start, name="start"),
    path("jobs/<int:pk>/", views.job_status, name="job"),
]
