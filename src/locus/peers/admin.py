from django.contrib import admin

from locus.common.admin import CaseRecordAdmin
from locus.peers.models import Association, GroupMembership


@admin.register(Association)
class AssociationAdmin(CaseRecordAdmin):
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
    list_select_related = ("person", "other")
    raw_id_fields = ("person", "other", "recorded_by", "contexts")


@admin.register(GroupMembership)
class GroupMembershipAdmin(CaseRecordAdmin):
    list_display = ("person", "group", "role", "since", "until")
    list_select_related = ("person", "group")
    raw_id_fields = ("person", "group", "recorded_by")
