from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from locus.common.admin import AuditedAdmin, ReadOnlyCaseRecordAdmin
from locus.places.models import Context, Enrolment


@admin.register(Context)
class ContextAdmin(AuditedAdmin):
    # Not a CaseRecordAdmin: a place nobody is linked to (a mistyped bus stop) may be
    # deleted; any place a person, group, association or incident refers to may not
    # (AuditedAdmin refuses every deletion that would take or change another row).
    list_display = ("name", "kind", "postcode", "responsible_agency")
    list_filter = ("kind",)
    list_select_related = ("responsible_agency",)
    search_fields = ("name", "postcode")
    readonly_fields = ("created_at", "recorded_by", "recorded_in_team")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Context]:
        # A home whose address is withheld is for its holding team alone (access/places.py),
        # administrators included: the admin site does not list or open it either.
        return super().get_queryset(request).filter(address_withheld=False)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyCaseRecordAdmin):
    # Read only: an enrolment shows the pupil to the school's agency, and leaving needs its
    # reason (places.services.enrolment_create, enrolment_end).
    fields = ("person", "school", "start", "end", "leave_reason", "leave_reason_detail")
    list_display = ("person", "school", "start", "end")
    list_select_related = ("person", "school")
    raw_id_fields = ("person", "school")
