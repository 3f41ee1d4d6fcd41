"""Reads that answer 'may this viewer see these?' for many records at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import BooleanField, Case, Value, When

from locus.access import scopes
from locus.access.models import Agency, Worker


def visible_person_ids(
    viewer: Worker, person_ids: Iterable[int], *, break_glass: bool = True, shared: bool = True
) -> set[int]:
    """Which of ``person_ids`` the viewer may see, in one query.

    Pages use it to name the people they may and to show only a role or an
    initial for the rest. ``break_glass=False``: leaving out emergency sight;
    ``shared=False``: leaving out what a forum shared.
    """
    ids = {pid for pid in person_ids if pid is not None}
    if not ids:
        return set()
    visible = scopes.people_visible_to(viewer, break_glass=break_glass, shared=shared)
    return set(visible.filter(id__in=ids).values_list("id", flat=True))


def visible_person_ids_by_right(
    viewer: Worker, person_ids: Iterable[int]
) -> tuple[set[int], set[int]]:
    """Which of ``person_ids`` the viewer sees in their own right, and which at all (a forum
    share too), in one query: a page may name a shared child yet must not go through them
    to the rest of their record (their relationships, groups, places)."""
    ids = {pid for pid in person_ids if pid is not None}
    if not ids:
        return set(), set()
    own = scopes.person_filter(viewer, shared=False)
    visible = scopes.people_visible_to(viewer).filter(id__in=ids)
    if own is None:
        seen = set(visible.values_list("id", flat=True))
        return seen, seen
    rows = visible.annotate(
        own=Case(When(own, then=Value(True)), default=Value(False), output_field=BooleanField())
    ).values_list("id", "own")
    pairs = list(rows)
    return {pk for pk, mine in pairs if mine}, {pk for pk, _ in pairs}


def all_agencies() -> list[Agency]:
    """Every agency, by name: reference data any worker may read (an agency names no child)."""
    return list(Agency.objects.order_by("name"))
