"""Reads that answer 'may this viewer see these?' for many records at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.db.models.functions import Trim

from locus.access import scopes
from locus.access.models import SYSTEM_USERNAME, Agency, Worker
from locus.common.queries import ids_among
from locus.people.models import Person
from locus.places.models import ContextKind


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


def people_seen_lastingly(viewer: Worker) -> QuerySet[Person]:
    """The people the viewer sees lastingly (:func:`seen_lastingly`), as a query a list
    (one a file is made from) is narrowed by."""
    return scopes.people_visible_to(viewer, break_glass=False, shared=False)


def seen_lastingly(viewer: Worker, person_ids: Iterable[int]) -> set[int]:
    """Which of ``person_ids`` the viewer sees lastingly (``policies.sees_lastingly``, for
    many at once, in one query): in their own right, neither through a forum share (which the
    meeting's closing ends) nor through emergency access (which ends in four hours). A file
    names only these: it keeps what it names after the sight that showed it has ended."""
    return visible_person_ids(viewer, person_ids, break_glass=False, shared=False)


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


def withhold_unseen_places(
    viewer: Worker, rows: Iterable[Any], *, seen: set[int] | None = None
) -> None:
    """For rows that name where something happened (an incident, or a version of one): blank
    the place of each the viewer may not see, and mark it ``place_withheld``, in one query.

    An incident is seen through the children in it, its place by its own rule
    (``scopes.contexts_visible_to``): an incident at a home shows a role without the home
    address that it was a home (``naming.PLACE_WITHHELD``), never which, nor "not known".
    The rows are read for a page and never saved. ``seen``: the places among theirs the
    viewer sees, when the caller has read them already.
    """
    # Only a home can be withheld from a reader of an incident there: every other place an
    # incident is at, its reader sees (``scopes._places_of_incidents``); so a list with no
    # home among its places costs no query. The rows come with their place read.
    rows = list(rows)
    homes = [r for r in rows if r.context_id is not None and r.context.kind == ContextKind.HOME]
    if seen is None:
        # merged=True: an older version of an incident may name a duplicate since merged.
        seen = ids_among(
            scopes.contexts_visible_to(viewer, merged=True), {r.context_id for r in homes}
        )
    for row in rows:
        row.place_withheld = False
    for row in homes:
        row.place_withheld = row.context_id not in seen
        if row.place_withheld:
            row.context = None


def all_agencies() -> list[Agency]:
    """Every agency, by name: reference data any worker may read (an agency names no child)."""
    return list(Agency.objects.order_by("name"))


def without_email(workers: QuerySet[Worker]) -> QuerySet[Worker]:
    """Those of ``workers`` with no work email, made before every account had one: separation
    of duties compares each only with itself (``policies.same_person``). Not the system
    account, which nobody signs in with."""
    bare = workers.alias(bare_email=Trim("email")).filter(bare_email="")
    return bare.exclude(username=SYSTEM_USERNAME)


def administrator_exists() -> bool:
    """Whether an administrator other than the command line's own account exists who may act
    as one (``scopes.is_administrator``: active, at scope all, their access confirmed). Then
    ``locus createadmin``, which makes the first administrator and asks nobody to confirm it,
    makes no more: further administrators are added on the admin site, where another
    administrator confirms each (``access/provisioning.py``), never the one who added it. An
    administrator whose access waits does not count: were they the only one, nobody could
    ever confirm them, nor anyone else."""
    others = Worker.objects.filter(scopes.administrators_q())
    return others.exclude(username=SYSTEM_USERNAME).exists()
