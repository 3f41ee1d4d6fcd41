from django.contrib import admin

from locus.common.admin import AuditedAdmin
from locus.peers.models import Association, GroupMembership


@admin.register(Association)
class AssociationAdmin(AuditedAdmin):
    list_display = (
        "person",
        "other",
        "other_label",
        "relationship",
        "nature",
        "source",
        "valid_from",
        "valid_until",
    )
    list_filter = ("nature", "relationship", "source")
    raw_id_fields = ("person", "other", "recorded_by", "contexts")


@admin.register(GroupMembership)
class GroupMembershipAdmin(AuditedAdmin):
    list_display = ("person", "group", "role", "since", "until")
    raw_id_fields = ("person", "group", "recorded_by")
