from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

from locus.access.fields import PersonField, admin_fields, column_shown
from locus.common.admin import CaseRecordAdmin, NeverWritten, ReadOnlyCaseRecordAdmin
from locus.people.models import Allocation, LegalStatusEpisode, Person


class PersonFieldsAdmin(CaseRecordAdmin):
    """Shows a person's fields by the field table: every administrator their row, whatever
    Django's superuser flag says (a field left out of the form is left unchanged on save).
    Nor does the list search or filter by a field the row lacks, offered or typed into the
    address (``?ethnicity=...``): which children it found would tell it all the same."""

    #: The field of the table without which the records are not shown at all.
    needs: str = PersonField.NAME

    def _keep(self, request: HttpRequest, names: Any) -> Any:
        shown = admin_fields(request.user)  # type: ignore[arg-type]
        return [n for n in names if not isinstance(n, str) or column_shown(n, shown)]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_view_permission(request, obj):
            return False
        return self.needs in admin_fields(request.user)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) and self.has_view_permission(request)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self._keep(request, super().get_fields(request, obj))

    def get_list_display(self, request: HttpRequest) -> Any:
        return self._keep(request, super().get_list_display(request))

    def get_list_filter(self, request: HttpRequest) -> Any:
        return self._keep(request, super().get_list_filter(request))

    def get_search_fields(self, request: HttpRequest) -> Any:
        return self._keep(request, super().get_search_fields(request))

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        shown = admin_fields(request.user) if request is not None else frozenset()  # type: ignore[arg-type]
        if not column_shown(lookup.split(LOOKUP_SEP, 1)[0], shown):
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Person)
class PersonAdmin(PersonFieldsAdmin):
    list_display = ("family_name", "given_name", "kind", "date_of_birth", "la_child_id")
    list_filter = ("kind",)
    search_fields = ("family_name", "given_name", "la_child_id", "upn")
    raw_id_fields = ("home",)
    # A home is seen through its residents (access/RULES.md): moving someone into one here
    # would show its address to whoever sees them. Homes change on the person's own page.
    readonly_fields = ("created_at", "recorded_by", "recorded_in_team", "home")

    # A person is recorded through their page (people.services), which looks for duplicates.
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(LegalStatusEpisode)
class EpisodeAdmin(NeverWritten, PersonFieldsAdmin):
    """Read only: an open episode shows the child to its agency, and an ending needs its
    reason (``people.services.episode_start``, ``episode_end``, ``episode_change``)."""

    needs = PersonField.LEGAL_STATUS
    fields = (
        "person",
        "status",
        "cp_category",
        "lac_legal_status",
        "agency",
        "start",
        "end",
        "end_reason",
    )
    list_display = ("person", "status", "start", "end", "agency")
    list_filter = ("status",)
    list_select_related = ("person", "agency")
    raw_id_fields = ("person",)


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyCaseRecordAdmin):
    fields = ("person", "worker", "team", "start", "end", "end_reason")
    list_display = ("person", "worker", "team", "start", "end")
    list_select_related = ("person", "worker", "team__agency")
    raw_id_fields = ("person", "worker")
