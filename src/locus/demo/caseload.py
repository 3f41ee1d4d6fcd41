"""Whom a demo worker holds, read as the pages read it: the house's caseload selector
(``people.selectors.caseload_for``), so that a story picks its children from the caseload
the persona's own home page lists, by name, and never from a read of its own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from locus.access.models import Worker
from locus.people.models import Allocation, Person
from locus.people.selectors import caseload_for, current_holders


def held_by(worker: Worker, *, team: bool = False) -> QuerySet[Person]:
    """The people allocated now to ``worker`` (with ``team``, to anyone in their team), by
    name: family name, given name, then id."""
    return caseload_for(viewer=worker, team=team, statuses=False)


def held_ids(worker: Worker, *, team: bool = False) -> QuerySet[Any]:
    """:func:`held_by`'s ids, as a subquery (``id__in=held_ids(worker)``)."""
    return held_by(worker, team=team).values("id")


def held_allocations(worker: Worker) -> list[Allocation]:
    """``worker``'s open allocations, in :func:`held_by`'s order (each with its team and
    agency): the cases a story may hand on."""
    return [a for p in held_by(worker) for a in current_holders(p) if a.worker_id == worker.pk]
