from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from locus.common.admin import CaseRecordAdmin
from locus.mapping.models import (
    Decision,
    Intervention,
    InterventionUpdate,
    Invitee,
    Meeting,
    MeetingChild,
    ShareAgreement,
)


@admin.register(Meeting)
class MeetingAdmin(CaseRecordAdmin):
    list_display = ("title", "status", "scheduled_for", "proposed_by", "lawful_basis")
    list_filter = ("status", "lawful_basis")
    list_select_related = ("proposed_by",)
    raw_id_fields = ("group", "proposed_by", "minutes_recorded_by")
    search_fields = ("title",)
    # Whether and when a meeting was held decides the share (and closing ends it): only
    # through mapping.services, with its checks, never by setting the status here.
    readonly_fields = ("status", "scheduled_for", "minutes_recorded_by", "map_snapshot")


@admin.register(MeetingChild)
class MeetingChildAdmin(CaseRecordAdmin):
    list_display = ("meeting", "person", "holder")
    list_select_related = ("meeting", "person", "holder")
    raw_id_fields = ("meeting", "person", "holder", "holder_team")
    # A holder's agreement is about this child at this meeting: moving the link to another
    # child (or meeting) would share a child nobody agreed to bring.
    readonly_fields = ("meeting", "person")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(Invitee)
class InviteeAdmin(CaseRecordAdmin):
    # Confirmed attendance decides who sees the children (the forum share): it is the
    # worker's own word, given through mapping.services, so the admin cannot set it.
    list_display = ("meeting", "worker", "reason", "attendance", "confirmed_at")
    list_filter = ("attendance", "reason")
    list_select_related = ("meeting", "worker")
    raw_id_fields = ("meeting", "worker", "invited_by")
    # Nor hand a confirmed attendance to another worker or meeting.
    readonly_fields = ("meeting", "worker", "attendance", "confirmed_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(ShareAgreement)
class ShareAgreementAdmin(CaseRecordAdmin):
    # Only a child's holder or their manager agrees to share (mapping.services.share_agree):
    # an administrator may read an agreement here, never make or change one.
    list_display = ("child", "agreed_by", "agreed_at", "lawful_basis")
    list_select_related = ("child", "agreed_by")
    readonly_fields = (
        "child",
        "agreed_by",
        "agreed_at",
        "lawful_basis",
        "lawful_basis_other",
        "fields",
    )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(CaseRecordAdmin):
    list_display = ("meeting", "text", "recorded_at")
    list_select_related = ("meeting",)
    raw_id_fields = ("meeting", "recorded_by")


@admin.register(Intervention)
class InterventionAdmin(CaseRecordAdmin):
    list_display = ("description", "meeting", "owner", "agency", "due_on", "status")
    list_filter = ("status",)
    list_select_related = ("meeting", "owner", "agency")
    raw_id_fields = ("meeting", "person", "group", "owner", "created_by")


@admin.register(InterventionUpdate)
class InterventionUpdateAdmin(CaseRecordAdmin):
    list_display = ("action", "status", "at", "by")
    list_select_related = ("action", "by")
    raw_id_fields = ("action", "by")
