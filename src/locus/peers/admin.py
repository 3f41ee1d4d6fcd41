from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from locus.common.admin import CaseRecordAdmin, ReadOnlyAdmin, register_case_records
from locus.peers.models import Association, GroupMembership, PeerMapPurpose


@admin.register(Association)
class AssociationAdmin(CaseRecordAdmin):
    """What a relationship says (its kind, nature, places, note) may be corrected here; whom it
    joins, its provenance and its period may not: re-pointing it would put a child on a map
    nobody linked them to, provenance is who said it and how sure they were (and the team it
    was recorded in, whose managers may end or change it), and ending one
    someone else recorded needs a reason on file (peers.services.association_end)."""

    list_display = ("person", "other", "other_label", "relationship", "nature", "source")
    list_filter = ("nature", "relationship", "source")
    list_select_related = ("person", "other")
    raw_id_fields = ("contexts",)
    readonly_fields = (
        "person",
        "other",
        "source",
        "confidence",
        "recorded_by",
        "recorded_at",
        "recorded_in_team",
        "valid_from",
        "valid_until",
        "ended_by",
        "ended_at",
        "end_reason",
        "replaces",
    )

    # A relationship is recorded through its page (peers.services), with its provenance.
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


# Read only: a membership shows the group to whoever sees the member, and ends with a reason
# (peers.services).
register_case_records(
    {GroupMembership: ("person group role since until", "", "person group", "")},
    read_only=True,
)


@admin.register(PeerMapPurpose)
class PeerMapPurposeAdmin(ReadOnlyAdmin):
    """Why a worker asked for peers' names: kept for review, never added, changed or deleted."""

    list_display = ("recorded_at", "worker", "person", "purpose", "expires_at")
    list_filter = ("purpose",)
    list_select_related = ("worker", "person")
    search_fields = ("worker__username", "reason")
    date_hierarchy = "recorded_at"
