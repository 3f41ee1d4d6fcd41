from locus.common.urls import routes
from locus.mapping import views

_MEETING = "<int:meeting_id>/"
_CHILD = f"{_MEETING}children/<str:person_id>/"
_INTERVENTION = f"{_MEETING}interventions/<int:intervention_id>/"

urlpatterns = routes(
    ("", views.meetings_list, "meetings"),
    ("propose/", views.meeting_propose, "meeting-propose"),
    (_MEETING, views.meeting_page, "meeting"),
    (f"{_MEETING}schedule/", views.meeting_schedule, "meeting-schedule"),
    (f"{_MEETING}invite/", views.meeting_invite, "meeting-invite"),
    (f"{_MEETING}minutes/", views.meeting_minutes, "meeting-minutes"),
    (f"{_CHILD}share/", views.share_agree, "meeting-share"),
    (f"{_CHILD}share/withdraw/", views.share_withdraw, "meeting-share-withdraw"),
    (f"{_MEETING}attendance/confirm/", views.attendance_confirm, "meeting-confirm-attendance"),
    (f"{_MEETING}decisions/add/", views.decision_add, "meeting-decision"),
    (f"{_MEETING}close/", views.meeting_close, "meeting-close"),
    (f"{_MEETING}cancel/", views.meeting_cancel, "meeting-cancel"),
    (f"{_MEETING}interventions/add/", views.intervention_add, "intervention-add"),
    (f"{_INTERVENTION}update/", views.intervention_update, "intervention-update"),
)
