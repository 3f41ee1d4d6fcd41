"""Case notes and chronologies: mounted under /notes/. A subject is "person", "case" or
"group" and its id; anything else answers 404 (``access.notes.access_subject``)."""

from locus.common.urls import routes
from locus.notes import views

_SUBJECT = "<str:kind>/<int:subject_id>/"
_NOTE = "<int:note_id>/"

urlpatterns = routes(
    (_NOTE, views.note_page, "note"),
    (f"{_NOTE}correct/", views.note_correct, "note-correct"),
    (f"{_NOTE}in-error/", views.note_in_error, "note-in-error"),
    (_SUBJECT, views.chronology_page, "chronology"),
    (f"{_SUBJECT}print/", views.chronology_print, "chronology-print"),
    (f"{_SUBJECT}add/", views.note_add, "note-add"),
)
