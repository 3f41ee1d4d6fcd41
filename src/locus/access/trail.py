"""Who reads, in the audit trail, what a worker typed into a search.

A search's read record keeps what was asked: the words typed (a child's name, a home's
postcode or address), a date of birth, an identifier, the filters chosen, in its detail.
That is the worker's own act, and asking why they searched for it is the auditor's job (the
information governance lead): the auditor reads it, and so does the worker who typed it.
The IT administrator runs the system and reads no casework: what was typed may name a child
or give the postcode of a home whose address is withheld from them (``access.places``), so
they read which fields were searched, never what was typed: "Search text not shared with
your role". The trail's page, its CSV and spreadsheet, and the admin site's read records all
ask :func:`reads_search_text`; the admin site shows a read's detail through
:func:`detail_as_read`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from locus.access.models import Role, Worker

SEARCH_TEXT_WITHHELD = "Search text not shared with your role"
#: A sign-in attempt's username that names no account, as the admin site shows it.
NOT_AN_ACCOUNT = "Not an account: what was typed is not shown"


def reads_search_text(viewer: Worker, actor_id: int | None) -> bool:
    """Whether ``viewer`` reads what the worker ``actor_id`` typed into a search (and the
    other values a read's detail keeps of what they asked): the auditor, and the worker
    themselves."""
    if not viewer.is_active:
        return False
    return viewer.role == Role.AUDITOR or (actor_id is not None and actor_id == viewer.pk)


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
    kept for a viewer who reads search text; for anyone else, every text the worker typed
    or chose reads :data:`SEARCH_TEXT_WITHHELD`, and the ids of what a page showed, counts
    and yes-or-no answers stay."""
    if reads_search_text(viewer, actor_id):
        return detail
    return _as_read(detail)


def attempt_username(username: str, *, names_an_account: bool) -> str:
    """A sign-in attempt's username as whoever reads the sign-in records sees it: one that
    names an account, as typed; anything else is :data:`NOT_AN_ACCOUNT`. What names no
    account is often a password typed into the username box (or half of one). The attempt
    keeps it, as the lockout counts attempts by what was typed, but nobody reads it."""
    return username if names_an_account else NOT_AN_ACCOUNT
