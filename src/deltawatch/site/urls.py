from django.urls import path

from . import geo, views

app_name = "site"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("overview/map.csv", views.overview_map_csv, name="overview_map_csv"),
    path("overview/statuses.csv", views.overview_status_csv, name="overview_status_csv"),
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/inbox/", views.feedback_inbox, name="feedback_inbox"),
    path("feedback/inbox/<int:pk>/", views.feedback_answer, name="feedback_answer"),
    path("geo/yrd41-cities.json", geo.yrd41_cities, name="geo_yrd41"),
]
