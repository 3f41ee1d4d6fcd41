from django.contrib import admin

from locus.common.admin import ReadOnlyCaseRecordAdmin, register_case_records
from locus.panels import models as panel
from locus.sharing.admin import BASIS_FIELDS


@admin.register(panel.PanelMeeting)
class PanelMeetingAdmin(ReadOnlyCaseRecordAdmin):
    list_display = ("title", "kind", "status", "meets_on", "chair", "review_on")
    list_filter = ("kind", "status")
    list_select_related = ("chair",)
    raw_id_fields = ("chair", "created_by", "held_recorded_by")
    search_fields = ("title",)
    # The setter's and chair's teams decide who organises it (access/panel_meetings.py).
    readonly_fields = (*BASIS_FIELDS, "created_by_team", "chair_team")


register_case_records(
    {
        # Being on the list is what lets a worker see the meeting: read only, as every
        # panel record is (the panels' services check each change and keep its history).
        panel.PanelAttendee: (
            "meeting worker name organisation attendance",
            "",
            "meeting worker",
            "meeting worker added_by",
        ),
        panel.AgendaItem: (
            "meeting kind person context",
            "kind",
            "meeting person context",
            "meeting person context holder holder_team added_by",
        ),
        panel.PanelDecision: (
            "meeting item text recorded_at",
            "",
            "meeting item",
            "meeting item recorded_by",
        ),
        panel.PanelAction: (
            "description meeting owner agency due_on status",
            "status",
            "meeting owner agency",
            "meeting item owner created_by plan_action",
        ),
        panel.ActionProgress: (
            "action previous_status status at by",
            "",
            "action by",
            "action by",
        ),
    },
    read_only=True,
)
