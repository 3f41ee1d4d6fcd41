from django.contrib import admin

from locus.common.admin import CaseRecordAdmin
from locus.panels import models as panel


@admin.register(panel.PanelMeeting)
class PanelMeetingAdmin(CaseRecordAdmin):
    list_display = ("title", "kind", "status", "meets_on", "chair", "review_on")
    list_filter = ("kind", "status")
    list_select_related = ("chair",)
    raw_id_fields = ("chair", "created_by", "held_recorded_by")
    search_fields = ("title",)


@admin.register(panel.PanelAttendee)
class PanelAttendeeAdmin(CaseRecordAdmin):
    # Being on the list is what lets a worker see the meeting: change it with care.
    list_display = ("meeting", "worker", "name", "organisation", "attendance")
    list_select_related = ("meeting", "worker")
    raw_id_fields = ("meeting", "worker", "added_by")


@admin.register(panel.AgendaItem)
class AgendaItemAdmin(CaseRecordAdmin):
    list_display = ("meeting", "kind", "person", "context")
    list_filter = ("kind",)
    list_select_related = ("meeting", "person", "context")
    raw_id_fields = ("meeting", "person", "context", "holder", "holder_team", "added_by")


@admin.register(panel.PanelDecision)
class PanelDecisionAdmin(CaseRecordAdmin):
    list_display = ("meeting", "item", "text", "recorded_at")
    list_select_related = ("meeting", "item")
    raw_id_fields = ("meeting", "item", "recorded_by")


@admin.register(panel.PanelAction)
class PanelActionAdmin(CaseRecordAdmin):
    list_display = ("description", "meeting", "owner", "agency", "due_on", "status")
    list_filter = ("status",)
    list_select_related = ("meeting", "owner", "agency")
    raw_id_fields = ("meeting", "item", "owner", "created_by", "plan_action")


@admin.register(panel.ActionProgress)
class ActionProgressAdmin(CaseRecordAdmin):
    list_display = ("action", "previous_status", "status", "at", "by")
    list_select_related = ("action", "by")
    raw_id_fields = ("action", "by")
