from django.contrib import admin

from locus.common.admin import ReadOnlyCaseRecordAdmin, register_case_records
from locus.mapping import models
from locus.sharing.admin import BASIS_FIELDS


@admin.register(models.Meeting)
class MeetingAdmin(ReadOnlyCaseRecordAdmin):
    list_display = ("title", "status", "scheduled_for", "proposed_by", "article6")
    list_filter = ("status", "article6")
    list_select_related = ("proposed_by",)
    raw_id_fields = ("group", "proposed_by", "minutes_recorded_by")
    search_fields = ("title",)
    # Whether and when a meeting was held decides the share (and closing ends it): only
    # through mapping.services, with its checks, never by setting the status here. The basis
    # is the sharing register's too: changed only through the meeting's own forms. The
    # proposer's team decides who organises it (access/meetings.py): kept as proposed.
    readonly_fields = (
        "status",
        "proposer_team",
        "scheduled_for",
        "minutes_recorded_by",
        "map_snapshot",
        *BASIS_FIELDS,
    )


@admin.register(models.MeetingChild)
class MeetingChildAdmin(ReadOnlyCaseRecordAdmin):
    list_display = ("meeting", "person", "holder")
    list_select_related = ("meeting", "person", "holder")
    raw_id_fields = ("meeting", "person", "holder", "holder_team")
    # A holder's agreement is about this child at this meeting: moving the link to another
    # child (or meeting) would share a child nobody agreed to bring.
    readonly_fields = ("meeting", "person")


@admin.register(models.Invitee)
class InviteeAdmin(ReadOnlyCaseRecordAdmin):
    # Confirmed attendance decides who sees the children (the forum share): it is the
    # worker's own word, given through mapping.services, so the admin cannot set it.
    list_display = ("meeting", "worker", "reason", "attendance", "confirmed_at")
    list_filter = ("attendance", "reason")
    list_select_related = ("meeting", "worker")
    raw_id_fields = ("meeting", "worker", "invited_by")
    # Nor hand a confirmed attendance to another worker or meeting. The team kept when they
    # were invited decides which managers may open the meeting (access/meetings.py).
    readonly_fields = ("meeting", "worker", "team", "attendance", "confirmed_at")


@admin.register(models.ShareAgreement)
class ShareAgreementAdmin(ReadOnlyCaseRecordAdmin):
    # Only a child's holder or their manager agrees to share (mapping.services.share_agree):
    # an administrator may read an agreement here, never make or change one.
    list_display = ("child", "agreed_by", "agreed_at", "article6")
    list_select_related = ("child", "agreed_by")
    readonly_fields = ("child", "agreed_by", "agreed_at", *BASIS_FIELDS, "fields")


register_case_records(
    {
        models.Decision: (
            "meeting text recorded_at",
            "",
            "meeting",
            "meeting recorded_by",
        ),
        models.Intervention: (
            "description meeting owner agency due_on status",
            "status",
            "meeting owner agency",
            "meeting person group owner created_by",
        ),
        models.InterventionUpdate: (
            "action status at by",
            "",
            "action by",
            "action by",
        ),
    },
    read_only=True,
)
