"""Case notes in the admin: read only. A note is corrected or marked entered in error on its
own pages, which keep the history; an edit here would change what was written silently."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from locus.common.admin import CaseRecordAdmin
from locus.notes.models import CaseNote, NoteRevision


class ReadOnlyRecordAdmin(CaseRecordAdmin):
    def _never(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    has_add_permission = has_change_permission = _never


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyRecordAdmin):
    list_display = ("summary", "kind", "contact_on", "author", "in_error_at")
    list_filter = ("kind",)
    list_select_related = ("author",)
    raw_id_fields = (
        "person",
        "case",
        "group",
        "present_workers",
        "children",
        "author",
        "in_error_by",
    )


@admin.register(NoteRevision)
class NoteRevisionAdmin(ReadOnlyRecordAdmin):
    list_display = ("note", "corrected_by", "corrected_at")
    list_select_related = ("note", "corrected_by")
    raw_id_fields = ("note", "corrected_by")
