from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from locus.common.admin import AccessLoggedAdmin, CaseRecordAdmin
from locus.peers.models import Association, GroupMembership, PeerMapPurpose


@admin.register(Association)
class AssociationAdmin(CaseRecordAdmin):
    list_display = (
        "person",
        "other",
        "other_label",
        "relationship",
        "nature",
        "peer_role",
        "source",
        "valid_from",
        "valid_until",
    )
    list_filter = ("nature", "relationship", "source")
    list_select_related = ("person", "other")
    raw_id_fields = ("person", "other", "recorded_by", "contexts", "replaces")


@admin.register(GroupMembership)
class GroupMembershipAdmin(CaseRecordAdmin):
    list_display = ("person", "group", "role", "since", "until")
    list_select_related = ("person", "group")
    raw_id_fields = ("person", "group", "recorded_by")


@admin.register(PeerMapPurpose)
class PeerMapPurposeAdmin(AccessLoggedAdmin):
    """Why a worker asked for peers' names: kept for review, never added, changed or deleted."""

    list_display = ("recorded_at", "worker", "person", "purpose", "expires_at")
    list_filter = ("purpose",)
    list_select_related = ("worker", "person")
    search_fields = ("worker__username", "reason")
    date_hierarchy = "recorded_at"

    def _never(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    has_add_permission = has_change_permission = has_delete_permission = _never
