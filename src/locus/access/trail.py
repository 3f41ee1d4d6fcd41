"""Who reads, in the audit trail, what a worker typed into a search.

A search's read record keeps what was asked: the words typed (a child's name, a home's
postcode or address), a date of birth, an identifier, the filters chosen, in its detail.
That is the worker's own act, and asking why they searched for it is the auditor's job (the
information governance lead): the auditor reads it, and so does the worker who typed it.
The IT administrator runs the system and reads no casework: what was typed may name a child
or give the postcode of a home whose address is withheld from them (``access.places``), so
they read which fields were searched, never what was typed: "Search text not shared with
your role". What the system chose from a fixed list is no typed text, and they read it: the
export and its format, the page's name, a kind or a status chosen from the list's own
(:func:`typed` says which). The trail's page, its CSV and spreadsheet, and the admin site's
read records all ask :func:`reads_search_text` and :func:`typed`; the admin site shows a
read's detail through :func:`detail_as_read`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from django.apps import apps

from locus.access.models import Role, Worker
from locus.access.provisioning import confirmed

SEARCH_TEXT_WITHHELD = "Search text not shared with your role"
#: A sign-in attempt's username that names no account, as the admin site shows it.
NOT_AN_ACCOUNT = "Not an account: what was typed is not shown"


def reads_search_text(viewer: Worker, actor_id: int | None) -> bool:
    """Whether ``viewer`` reads what the worker ``actor_id`` typed into a search (and the
    other values a read's detail keeps of what they asked): the auditor, and the worker
    themselves; nobody whose access waits to be confirmed (``access/provisioning.py``)."""
    if not confirmed(viewer):
        return False
    return viewer.role == Role.AUDITOR or (actor_id is not None and actor_id == viewer.pk)


#: The keys of a read's detail whose text the system chose, at every place a read is logged:
#: the export (a list's key) and its file format, the page's name, the way in ("api", "admin
#: list"), an import's state, the trail's or a school roll's view, a retention rule, a read
#: limit, an API token's prefix, whom a warning was for, how a duplicate check ended. A key is
#: added here only once every place that logs it has been read: one whose value may be text
#: a worker typed (a search, a name, a date of birth, an identifier, a filter) stays out.
CHOSEN_KEYS = frozenset(
    {
        "export",
        "format",
        "page",
        "via",
        "state",
        "show",
        "showing",
        "rule",
        "limit",
        "token",
        "for",
        "duplicate_check",
    }
)
#: Filters a worker picks from a list, but that some pages log as the address gave them (a
#: hand-made address may say anything): read only when the value is one of the project's
#: own choices of that name (a model's ``kind`` or ``status``), or "open" (the lists' default
#: of every open status).
LISTED_KEYS = frozenset({"kind", "status"})


@cache
def _choices(key: str) -> frozenset[str]:
    """Every value a model's field named ``key`` may take from its choices."""
    values = {"open"}
    for model in apps.get_models():
        for found in model._meta.concrete_fields:
            if found.name == key and found.choices:
                values |= {str(value) for value, _ in found.flatchoices}
    return frozenset(values)


def typed(key: str, value: Any) -> bool:
    """Whether ``value``, kept under ``key`` in a read's detail (at its top: a nested one's
    keys name no choice), may be text a worker typed, so withheld from whom
    :func:`reads_search_text` refuses: any text but one the system chose (:data:`CHOSEN_KEYS`)
    or one of a list's own choices (:data:`LISTED_KEYS`). Numbers, yes-or-no answers and
    blanks are no text."""
    if not isinstance(value, str) or not value:
        return False
    if key in CHOSEN_KEYS:
        return False
    return key not in LISTED_KEYS or value not in _choices(key)


def _listed(value: Any) -> Any:
    """An item of a list in a read's detail: the ids of what a page showed (numbers, or
    numbers as text) are kept; any other text is withheld."""
    if isinstance(value, str):
        return value if value.isdigit() else SEARCH_TEXT_WITHHELD
    return _as_read(value)


def _as_read(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _as_read(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_listed(item) for item in value]
    if isinstance(value, str) and value:
        # Text outside a list is what was asked: typed words, a date of birth, an identifier
        # (even one of digits only, as an NHS number is).
        return SEARCH_TEXT_WITHHELD
    return value


def detail_as_read(detail: Any, viewer: Worker, actor_id: int | None) -> Any:
    """A read's detail as ``viewer`` may read it whole (the admin site's read record): as
    kept for a viewer who reads search text; for anyone else, every text the worker may have
    typed (:func:`typed`; within a list or a nested part, any text but an id) reads
    :data:`SEARCH_TEXT_WITHHELD`, and what the system chose, the ids of what a page showed,
    counts and yes-or-no answers stay."""
    if reads_search_text(viewer, actor_id):
        return detail
    if isinstance(detail, Mapping):
        return {
            key: value if isinstance(value, str) and not typed(key, value) else _as_read(value)
            for key, value in detail.items()
        }
    return _as_read(detail)


def attempt_username(username: str, *, names_an_account: bool) -> str:
    """A sign-in attempt's username as whoever reads the sign-in records sees it: one that
    names an account, as typed; anything else is :data:`NOT_AN_ACCOUNT`. What names no
    account is often a password typed into the username box (or half of one). The attempt
    keeps it, as the lockout counts attempts by what was typed, but nobody reads it."""
    return username if names_an_account else NOT_AN_ACCOUNT
