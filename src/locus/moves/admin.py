from django.contrib import admin

from locus.common.admin import ReadOnlyCaseRecordAdmin
from locus.moves.models import ManagedMove


@admin.register(ManagedMove)
class ManagedMoveAdmin(ReadOnlyCaseRecordAdmin):
    # Read only: a move is a decision of the schools (moves.services), not the IT role's.
    list_display = ("person", "from_school", "to_school", "moved_on", "decided_by")
    list_select_related = ("person", "from_school", "to_school")
    raw_id_fields = ("person", "from_school", "to_school", "panel_meeting", "recorded_by")
