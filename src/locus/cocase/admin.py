from django.contrib import admin

from locus.cocase.models import (
    Decision,
    Intervention,
    InterventionUpdate,
    Invitee,
    Meeting,
    MeetingChild,
)
from locus.common.admin import CaseRecordAdmin


@admin.register(Meeting)
class MeetingAdmin(CaseRecordAdmin):
    list_display = ("title", "status", "scheduled_for", "proposed_by", "lawful_basis")
    list_filter = ("status", "lawful_basis")
    list_select_related = ("proposed_by",)
    raw_id_fields = ("group", "proposed_by", "minutes_recorded_by")
    search_fields = ("title",)


@admin.register(MeetingChild)
class MeetingChildAdmin(CaseRecordAdmin):
    list_display = ("meeting", "person", "holder")
    list_select_related = ("meeting", "person", "holder")
    raw_id_fields = ("meeting", "person", "holder", "holder_team")


@admin.register(Invitee)
class InviteeAdmin(CaseRecordAdmin):
    # Attendance decides who sees the children (the forum share): change it with care.
    list_display = ("meeting", "worker", "reason", "attendance")
    list_filter = ("attendance", "reason")
    list_select_related = ("meeting", "worker")
    raw_id_fields = ("meeting", "worker", "invited_by")


@admin.register(Decision)
class DecisionAdmin(CaseRecordAdmin):
    list_display = ("meeting", "text", "recorded_at")
    list_select_related = ("meeting",)
    raw_id_fields = ("meeting", "recorded_by")


@admin.register(Intervention)
class InterventionAdmin(CaseRecordAdmin):
    list_display = ("description", "meeting", "owner", "agency", "due", "status")
    list_filter = ("status",)
    list_select_related = ("meeting", "owner", "agency")
    raw_id_fields = ("meeting", "person", "group", "owner", "created_by")


@admin.register(InterventionUpdate)
class InterventionUpdateAdmin(CaseRecordAdmin):
    list_display = ("intervention", "status", "at", "by")
    list_select_related = ("intervention", "by")
    raw_id_fields = ("intervention", "by")
