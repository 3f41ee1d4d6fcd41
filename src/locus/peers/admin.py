from django.contrib import admin

from locus.common.admin import ReadOnlyAdmin, register_case_records
from locus.peers.models import Association, GroupMembership, PeerMapPurpose

register_case_records(
    {
        Association: (
            "person other other_label relationship nature peer_role source valid_from valid_until",
            "nature relationship source",
            "person other",
            "person other recorded_by contexts replaces",
        ),
    }
)
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
