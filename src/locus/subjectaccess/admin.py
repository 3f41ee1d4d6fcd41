"""Subject access requests in the admin: read only. A request is logged and worked on its
own pages (/data/subject-access/), where each step is checked and its deadline worked out."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from locus.common.admin import CaseRecordAdmin
from locus.subjectaccess.models import SubjectAccessPackage, SubjectAccessRequest


class ReadOnlyAdmin(CaseRecordAdmin):
    def _never(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    has_add_permission = has_change_permission = _never


@admin.register(SubjectAccessRequest)
class SubjectAccessRequestAdmin(ReadOnlyAdmin):
    list_display = ("reference", "received_on", "due_on", "extended_to", "status", "assigned_to")
    list_filter = ("status",)
    list_select_related = ("assigned_to",)
    raw_id_fields = ("person", "assigned_to", "recorded_by")


@admin.register(SubjectAccessPackage)
class SubjectAccessPackageAdmin(ReadOnlyAdmin):
    list_display = ("request", "made_by", "made_at", "redactions")
    list_select_related = ("request", "made_by")
    raw_id_fields = ("request", "made_by")
