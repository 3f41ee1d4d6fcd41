"""Subject access requests in the admin: read only. A request is logged and worked on its
own pages (/data/subject-access/), where each step is checked and its deadline worked out."""

from django.contrib import admin

# Read-only like a case note: the same admin, not a copy of it.
from locus.notes.admin import ReadOnlyRecordAdmin as ReadOnlyAdmin
from locus.subjectaccess.models import SubjectAccessPackage, SubjectAccessRequest


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
