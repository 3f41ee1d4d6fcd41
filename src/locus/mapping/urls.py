from django.urls import path

from locus.common.urls import routes
from locus.mapping import views

_MEETING = "<int:meeting_id>/"
_CHILD = "children/<str:person_id>/"

urlpatterns = routes(
    ("", views.meetings_list, "meetings"),
    ("propose/", views.meeting_propose, "meeting-propose"),
    (_MEETING, views.meeting_page, "meeting"),
)

# The form pages that move a meeting on: (route, name), the name keying views.STEPS.
urlpatterns += [
    path(_MEETING + route, views.meeting_step, {"step": name}, name=name)
    for route, name in (
        ("schedule/", "meeting-schedule"),
        ("invite/", "meeting-invite"),
        ("minutes/", "meeting-minutes"),
        (f"{_CHILD}share/", "meeting-share"),
        (f"{_CHILD}share/withdraw/", "meeting-share-withdraw"),
        ("attendance/confirm/", "meeting-confirm-attendance"),
        ("decisions/add/", "meeting-decision"),
        ("close/", "meeting-close"),
        ("cancel/", "meeting-cancel"),
        ("interventions/add/", "intervention-add"),
        ("interventions/<int:intervention_id>/update/", "intervention-update"),
    )
]
