"""The office's and reviewers' pages: cycles, completeness, review, validation, outliers (views_office)."""

from django.urls import path

from . import views_office as views

urlpatterns = [
    path("", views.cycles, name="cycles"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
    path("cycles/<int:pk>/urge/", views.urge, name="urge"),
    path("review/", views.review, name="review"),
    path("validate/", views.validate, name="validate"),
    path("outliers/", views.outliers, name="outliers"),
    path("outliers/<int:pk>/verify/", views.verify, name="verify_flag"),
]
