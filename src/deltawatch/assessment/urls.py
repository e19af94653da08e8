"""Pages of the assessment app (绩效考核 / 对照学习)."""
from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.schemes, name="schemes"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("runs/<int:pk>/publish/", views.publish, name="publish"),
    path("runs/<int:pk>/units/<str:region_code>/", views.scorecard, name="scorecard"),
    path("<slug:code>/", views.scheme, name="scheme"),
    path("<slug:code>/run/", views.scheme_run, name="scheme_run"),
    path("<slug:code>/adjustments/", views.adjustment_add, name="adjustment_add"),
    path("<slug:code>/benchmarks/", views.benchmark_add, name="benchmark_add"),
    path("<slug:code>/benchmarks/<int:pk>/delete/", views.benchmark_delete, name="benchmark_delete"),
    path("<slug:code>/peers/", views.peer_set, name="peer_set"),
    path("<slug:code>/peers/cluster/", views.recluster, name="recluster"),
]
