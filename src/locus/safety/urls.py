"""A child's safety maps and context weightings: mounted under /people/<person_id>/safety/."""

from locus.common.urls import routes
from locus.safety import views

_SESSION = "sessions/<int:session_id>/"

urlpatterns = routes(
    ("", views.history_page, "person-safety"),
    ("sessions/add/", views.session_add, "person-safety-session-add"),
    (_SESSION, views.session_page, "person-safety-session"),
    (f"{_SESSION}mark/", views.mark_add, "person-safety-mark"),
    ("marks/<int:mark_id>/amend/", views.mark_amend, "person-safety-amend"),
    ("weighting/add/", views.weighting_add, "person-safety-weighting"),
)
