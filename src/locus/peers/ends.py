"""What a map may draw once relationships and memberships end.

See docs/peer-maps.md, "Ended relationships and memberships".

A map answers "who is this child with", so an association or a group membership that has
ended is never drawn on one: not on today's map, not on a map "as at" a past day, not on a
meeting's stored map, whatever day the end was recorded on or backdated to. Its history stays
on the person's page (the "Ended" tables) for those who may see the child.

An end takes effect at once (``common.services.check_period`` refuses an end in the future),
so a relationship ended today is gone from today's maps, although ``open_on(today)`` would
still count its end day.

Revising a relationship ends its record and starts a new one (``replaces``): the relationship
itself goes on. So an old record still draws on a past map while the record that replaced it
(or the one that replaced that) is open; once the latest is ended, none of them does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.db.models import QuerySet

from locus.common.clock import today
from locus.peers.models import Association, GroupMembership

A = TypeVar("A", bound=Association)


def ended_for_good(rows: Iterable[Association]) -> set[int]:
    """The ids among ``rows`` whose relationship has ended: the record has an end and no
    record that replaced it, through every revision, is still open.

    No query when no row has an end (today's maps, mostly); else one per step along the revisions.
    """
    # Each ended record, by the record to look at next (itself, to begin with).
    waiting: dict[int, list[int]] = {}
    for a in rows:
        if a.valid_until is not None:
            waiting.setdefault(a.pk, []).append(a.pk)
    ended: set[int] = set()
    while waiting:
        successors = {
            replaces: (pk, until)
            for replaces, pk, until in Association.objects.filter(
                replaces_id__in=list(waiting)
            ).values_list("replaces_id", "id", "valid_until")
        }
        following: dict[int, list[int]] = {}
        for pk, origins in waiting.items():
            nxt = successors.get(pk)
            if nxt is None:
                ended.update(origins)  # ended, and not by a revision: the relationship is over
            elif nxt[1] is not None:
                following.setdefault(nxt[0], []).extend(origins)  # revised, then ended again
        waiting = following
    return ended


def associations_on(day: dt.date) -> QuerySet[Association]:
    """The records a map of ``day`` starts from: today's, those with no end (so one ended
    today is already gone); a past day's, those that held on it, to pass through
    :func:`still_open` once read."""
    if day >= today():
        return Association.objects.current().open_on(day)
    return Association.objects.open_on(day)


def still_open(rows: Sequence[A]) -> list[A]:
    """``rows`` without those whose relationship has ended (see :func:`ended_for_good`)."""
    gone = ended_for_good(rows)
    return [a for a in rows if a.pk not in gone]


def ended_association_ids(ids: Iterable[object]) -> set[int]:
    """Which of the association ``ids`` (from a stored map) have ended for good; two queries
    when some record has an end, one when none has."""
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted:
        return set()
    return ended_for_good(Association.objects.filter(id__in=wanted).only("id", "valid_until"))


def memberships_on_map(day: dt.date) -> QuerySet[GroupMembership]:
    """The group memberships a map of ``day`` may draw: begun by then and not ended (a
    membership has no revisions: a move between groups ends one and starts another)."""
    return GroupMembership.objects.current().open_on(day)
