from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("tasks/", views.inbox, name="inbox"),
    path("tasks/review/", views.review_queue, name="review"),
    path("tasks/notifications/", views.notifications, name="notifications"),
    path("tasks/notifications/read/", views.mark_read, name="mark_read"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/act/", views.act, name="act"),
    path("tasks/<int:pk>/instruct/", views.instruct_view, name="instruct"),
    path("tasks/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("tasks/<int:pk>/milestones/<int:milestone>/done/", views.milestone_done, name="milestone_done"),
    path("tasks/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/units/", views.league, name="league"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/export", views.plan_export, name="plan_export"),
    path("plans/<int:pk>/schedule/", views.plan_schedule, name="schedule"),
    path("plans/<int:pk>/calendar/", views.plan_calendar, name="calendar"),
    path("plans/<int:pk>/baseline/", views.freeze, name="freeze"),
]
