from django.contrib import admin

from locus.common.admin import AuditedAdmin
from locus.people.models import Allocation, LegalStatusEpisode, Person


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("family_name", "given_name", "kind", "date_of_birth", "la_child_id")
    list_filter = ("kind",)
    search_fields = ("family_name", "given_name", "la_child_id", "upn")
    raw_id_fields = ("home",)
    readonly_fields = ("created_at", "recorded_by")


@admin.register(LegalStatusEpisode)
class EpisodeAdmin(AuditedAdmin):
    list_display = ("person", "status", "start", "end", "agency")
    list_filter = ("status",)
    raw_id_fields = ("person",)


@admin.register(Allocation)
class AllocationAdmin(AuditedAdmin):
    list_display = ("person", "worker", "team", "start", "end")
    raw_id_fields = ("person", "worker")
