"""A reporting region's pages: its forms and the entry grid of one form (views_entry)."""

from django.urls import path

from . import views_entry

urlpatterns = [
    path("forms/", views_entry.forms_list, name="forms"),
    path("forms/<int:pk>/", views_entry.form_page, name="form"),
    path("forms/<int:pk>/cell/", views_entry.save_cell, name="form_cell"),
    path("forms/<int:pk>/paste/", views_entry.paste, name="form_paste"),
    path("forms/<int:pk>/note/", views_entry.save_note, name="form_note"),
    path("forms/<int:pk>/history/<str:code>/<int:year>/", views_entry.history, name="form_history"),
    path("forms/<int:pk>/report/", views_entry.report, name="form_report"),
    path("forms/<int:pk>/explain/", views_entry.explain, name="form_explain"),
    path("forms/<int:pk>/act/", views_entry.act, name="form_act"),
]
