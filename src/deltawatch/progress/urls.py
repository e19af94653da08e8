from django.urls import path

from . import views

app_name = "progress"

urlpatterns = [
    path("", views.board, name="board"),
    path("changes/", views.changes, name="changes"),
    path("export", views.export, name="export"),
    path("run/", views.run, name="run"),
]
