from django.contrib import admin

from locus.common.admin import CaseRecordAdmin
from locus.people.models import Allocation, LegalStatusEpisode, Person


@admin.register(Person)
class PersonAdmin(CaseRecordAdmin):
    list_display = ("family_name", "given_name", "kind", "date_of_birth", "la_child_id")
    list_filter = ("kind",)
    search_fields = ("family_name", "given_name", "la_child_id", "upn")
    raw_id_fields = ("home",)
    readonly_fields = ("created_at", "recorded_by")


@admin.register(LegalStatusEpisode)
class EpisodeAdmin(CaseRecordAdmin):
    list_display = ("person", "status", "start", "end", "agency")
    list_filter = ("status",)
    list_select_related = ("person", "agency")
    raw_id_fields = ("person",)


@admin.register(Allocation)
class AllocationAdmin(CaseRecordAdmin):
    list_display = ("person", "worker", "team", "start", "end")
    list_select_related = ("person", "worker", "team__agency")
    raw_id_fields = ("person", "worker")
