from django.contrib import admin

from locus.common.admin import ReadOnlyCaseRecordAdmin, is_admin_user
from locus.incidents.models import Incident, Involvement


class InvolvementInline(admin.TabularInline):
    model = Involvement
    raw_id_fields = ("person",)
    extra = 0

    # Inline rows would bypass the audit; involvements are changed through services.
    def has_view_permission(self, request, obj=None):
        return is_admin_user(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ReadOnlyCaseRecordAdmin):
    # Read only: the reporting agency and the restriction decide who sees the incident and the
    # people in it; an incident is amended with a reason (incidents.services.incident_amend).
    list_display = ("occurred_at", "kind", "context", "reporting_agency")
    list_filter = ("kind", "reporting_agency")
    list_select_related = ("context", "reporting_agency")
    raw_id_fields = ("context", "recorded_by")
    inlines = [InvolvementInline]
