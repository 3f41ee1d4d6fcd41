"""The audit trail in Django's admin: readable by administrators, never editable.

Reading it is itself logged (record type ``audit.accessevent`` and so on), as
every admin read is.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest

from locus.access.models import Worker
from locus.access.trail import attempt_username, detail_as_read
from locus.audit.describe import readable_values
from locus.audit.models import AccessEvent, ChangeEvent, SignInEvent
from locus.common import admin as admin_kit


class ReadOnlyAdmin(admin_kit.ReadOnlyAdmin):
    list_select_related = ("actor",)
    date_hierarchy = "at"

    #: What an event says: a change's values, a read's detail (what was searched). Each is read
    #: on the event as its reader may read it (:meth:`as_read`), never filtered by in the
    #: list's address (``?after__ethnicity=WBRI``), which would tell the withheld values by
    #: the events it found.
    CONTENT = frozenset({"before", "after", "detail"})

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if lookup.split(LOOKUP_SEP, 1)[0] in self.CONTENT:
            return False
        return super().lookup_allowed(lookup, value, request)

    def as_read(self, event: Any, viewer: Worker) -> None:
        """Put on ``event`` (never saved) only what ``viewer`` may read of it."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        """The event as its reader may read it (:meth:`as_read`): never saved here."""
        event = super().get_object(request, object_id, from_field)
        if event is not None:
            self.as_read(event, request.user)  # type: ignore[arg-type]
        return event


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "record_type", "record_id", "purpose")
    list_filter = ("action", "record_type")
    search_fields = ("actor__username", "record_id")

    def as_read(self, event: Any, viewer: Worker) -> None:
        """What its worker typed into a search only for a viewer who reads it
        (``access/trail.py``), as on the trail's own page."""
        event.detail = detail_as_read(event.detail, viewer, event.actor_id)


@admin.register(ChangeEvent)
class ChangeEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "record_type", "record_id")
    list_filter = ("action", "record_type")
    search_fields = ("actor__username", "record_id")

    def as_read(self, event: Any, viewer: Worker) -> None:
        """Only the values the administrator may read, as on the trail's own page (a
        withheld home's address is its holding team's)."""
        event.before, event.after = readable_values(event, viewer)


def _names_an_account() -> Exists:
    return Exists(Worker.objects.filter(username=OuterRef("username")))


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdmin):
    list_select_related = ("worker",)
    list_display = ("at", "account", "succeeded", "ip_address")
    list_filter = ("succeeded",)
    search_fields = ("username",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignInEvent]:
        return super().get_queryset(request).annotate(names_an_account=_names_an_account())

    @admin.display(description="username")
    def account(self, event: Any) -> str:
        """What was typed only where it names an account (``access.trail``)."""
        known = event.worker_id is not None or event.names_an_account
        return attempt_username(event.username, names_an_account=known)

    def as_read(self, event: Any, viewer: Worker) -> None:
        known = event.worker_id is not None or bool(getattr(event, "names_an_account", False))
        event.username = attempt_username(event.username, names_an_account=known)
