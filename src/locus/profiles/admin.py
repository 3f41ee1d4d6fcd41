from django.contrib import admin

from locus.common.admin import ReadOnlyCaseRecordAdmin
from locus.profiles.models import ProfileItem


@admin.register(ProfileItem)
class ProfileItemAdmin(ReadOnlyCaseRecordAdmin):
    # Read only: an item is the child's words or a worker's, ended with a reason
    # (profiles.services); the admin would rewrite whose words they were.
    list_display = ("person", "kind", "text", "own_words", "recorded_on", "ended_on")
    list_filter = ("kind", "own_words")
    list_select_related = ("person",)
    raw_id_fields = ("person", "peer", "place", "recorded_by", "ended_by", "replaces")
