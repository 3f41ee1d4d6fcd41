from django.urls import path

from locus.mapping import views

urlpatterns = [
    path("", views.meetings_list, name="meetings"),
    path("propose/", views.meeting_propose, name="meeting-propose"),
    path("<int:meeting_id>/", views.meeting_page, name="meeting"),
    path("<int:meeting_id>/schedule/", views.meeting_schedule, name="meeting-schedule"),
    path("<int:meeting_id>/invite/", views.meeting_invite, name="meeting-invite"),
    path("<int:meeting_id>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path(
        "<int:meeting_id>/children/<str:person_id>/share/",
        views.share_agree,
        name="meeting-share",
    ),
    path(
        "<int:meeting_id>/children/<str:person_id>/share/withdraw/",
        views.share_withdraw,
        name="meeting-share-withdraw",
    ),
    path(
        "<int:meeting_id>/attendance/confirm/",
        views.attendance_confirm,
        name="meeting-confirm-attendance",
    ),
    path("<int:meeting_id>/decisions/add/", views.decision_add, name="meeting-decision"),
    path("<int:meeting_id>/close/", views.meeting_close, name="meeting-close"),
    path("<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("<int:meeting_id>/interventions/add/", views.intervention_add, name="intervention-add"),
    path(
        "<int:meeting_id>/interventions/<int:intervention_id>/update/",
        views.intervention_update,
        name="intervention-update",
    ),
]
