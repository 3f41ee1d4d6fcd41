from django.contrib import admin

from locus.common.admin import AuditedAdmin
from locus.places.models import Context, Enrolment


@admin.register(Context)
class ContextAdmin(AuditedAdmin):
    list_display = ("name", "kind", "postcode", "responsible_agency")
    list_filter = ("kind",)
    search_fields = ("name", "postcode")
    readonly_fields = ("created_at", "recorded_by")


@admin.register(Enrolment)
class EnrolmentAdmin(AuditedAdmin):
    list_display = ("person", "school", "start", "end")
    raw_id_fields = ("person", "school")
