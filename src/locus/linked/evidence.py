"""The evidence that links cases, loaded from the database as the arrays ``locus.analysis`` takes.

Two loaders: one for a handful of children (a caseload, one child's page), which reads only their
neighbourhood so it costs the same in a borough or a country, and one for the whole borough. Both
give database ids back beside every index so the caller can turn results into records.

Both apply the managers' co-presence rules (``places.CoPresenceRule``, docs/busy-places.md) as
they load, in the same queries: an incident at a place whose rule excludes it, or in hours at a
place whose rule keeps only out-of-hours co-presence, keeps every other kind of evidence (the
children in it share it) but is given a place of its own, so it is at the same place as no other
incident. A narrower window per place is carried as ``place_window`` (``LoadedEvidence.windows``
gives the analysis its ``place_window`` argument); :func:`keep_meaningful` applies the rule for a
school's own pupils to the links found for a caseload.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    FilteredRelation,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, ExtractHour, TruncDate
from django.utils import timezone

from locus.analysis.busy import out_of_hours
from locus.analysis.linked import Evidence, Link, LinkRows
from locus.analysis.network import NATURES, OPEN_END, build_network
from locus.common.periods import held_on
from locus.incidents.models import Incident, Involvement
from locus.peers.models import Association
from locus.people.models import Allocation
from locus.places.models import RESTRICTED_KINDS, ContextKind, CoPresenceMode, Enrolment

EPOCH = dt.date(1970, 1, 1)
_ASSOCIATION_COLUMNS = ("id", "person_id", "other_id", "nature")
# A place with no narrower window of its own: the page's window applies.
NO_PLACE_RULE = 2**31 - 1
# The place id carried by an incident recorded with no place (a missing episode where the
# child was is not known): no context has id 0. It gives no co-presence (a place index of its
# own, as an excluded place's incident has), only shared-incident evidence.
NO_PLACE_ID = 0

# Kinds of place that put nobody at the same place as anyone (RULES.md, counts): a home or a
# peer group points at particular children, and its page counts only the incidents its viewer
# may see. Another child's incident there would link them to the viewer's child, telling of an
# incident, and a child, the viewer may not see. Children in one incident there still share it.
NO_CO_PRESENCE_KINDS = RESTRICTED_KINDS

# One incident as loaded: id, place, day, local hour (-1 unless the place's rule is out of
# hours), the place's kind, and the place's rule in force (mode and days, or None).
IncidentRow = tuple[int, int, dt.date, int, str, str | None, int | None]


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def from_day_number(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


@dataclass(frozen=True)
class LoadedEvidence:
    """The arrays for the analysis, and the database ids behind each index."""

    evidence: Evidence
    person_ids: np.ndarray  # index -> Person.id
    incident_ids: np.ndarray  # index -> Incident.id
    place_ids: np.ndarray  # index -> Context.id (an incident that gives no co-presence has
    # a place index of its own, with its real place's id)
    association_ids: np.ndarray  # edge index -> Association.id
    # Per place index: the days of a manager's narrower window, -1 where the place gives no
    # co-presence, NO_PLACE_RULE where no rule narrows it.
    place_window: np.ndarray
    place_is_school: np.ndarray  # per place index

    def windows(self, window_days: int) -> np.ndarray:
        """Each place's window on a page whose window is ``window_days`` (-1: none)."""
        return np.minimum(self.place_window, window_days)

    def person_index(self, ids: Iterable[int]) -> np.ndarray:
        """Indices of the given person ids (all must have been loaded)."""
        wanted = np.fromiter(ids, dtype=np.int64)
        found = np.searchsorted(self.person_ids, wanted)
        return found.astype(np.int64)


def _open_associations() -> Any:
    return Association.objects.current().filter(other__isnull=False)


def _gives_co_presence(row: IncidentRow) -> bool:
    """Whether the rule at the incident's place lets it be at the same place as another:
    not at a home or in a peer group (:data:`NO_CO_PRESENCE_KINDS`), not where the place is
    excluded, and only out of hours where the rule says so."""
    mode, hour = row[5], row[3]
    if row[1] == NO_PLACE_ID or row[4] in NO_CO_PRESENCE_KINDS or mode == CoPresenceMode.EXCLUDE:
        return False
    return mode != CoPresenceMode.OUT_OF_HOURS or bool(out_of_hours([hour])[0])


def _give_co_presence(incidents: Sequence[IncidentRow]) -> np.ndarray:
    """``_gives_co_presence`` for every row at once (a busy place has thousands)."""
    modes = [row[5] for row in incidents]
    excluded = np.array([mode == CoPresenceMode.EXCLUDE for mode in modes], dtype=bool)
    in_hours = np.array([mode == CoPresenceMode.OUT_OF_HOURS for mode in modes], dtype=bool)
    hours = np.array([row[3] for row in incidents], dtype=np.int64)
    placed = np.array(
        [row[1] != NO_PLACE_ID and row[4] not in NO_CO_PRESENCE_KINDS for row in incidents],
        dtype=bool,
    )
    return placed & ~excluded & (~in_hours | out_of_hours(hours))


def _places(incidents: Sequence[IncidentRow]) -> tuple[np.ndarray, ...]:
    """``(place_ids, place_index, place_window, place_is_school)`` for incidents sorted by id."""
    raw_places = np.array([row[1] for row in incidents], dtype=np.int64)
    shared = _give_co_presence(incidents)
    place_ids, place_index = np.unique(raw_places[shared], return_inverse=True)
    index = np.empty(len(incidents), dtype=np.int64)
    index[shared] = place_index
    # An incident that gives no co-presence: a place index of its own, after the real ones.
    alone = np.flatnonzero(~shared)
    index[alone] = place_ids.size + np.arange(alone.size)
    rule = {row[1]: row for row in incidents}
    window = np.array(
        [
            rule[p][6] if rule[p][5] == CoPresenceMode.WINDOW else NO_PLACE_RULE
            for p in place_ids.tolist()
        ],
        dtype=np.int64,
    )
    school = np.array([rule[p][4] == ContextKind.SCHOOL for p in place_ids.tolist()], dtype=bool)
    return (
        np.concatenate([place_ids, raw_places[alone]]),
        index,
        np.concatenate([window, np.full(alone.size, -1, dtype=np.int64)]),
        np.concatenate(
            [
                school,
                np.array(
                    [incidents[i][4] == ContextKind.SCHOOL for i in alone.tolist()], dtype=bool
                ),
            ]
        ),
    )


def _assemble(
    associations: Sequence[tuple[int, int, int, str]],
    incidents: Sequence[IncidentRow],
    involvements: Sequence[tuple[int, int]],
    extra_people: Iterable[int] = (),
) -> LoadedEvidence:
    """Map ids to dense indices and build the network and incident arrays."""
    assoc = np.array([row[:3] for row in associations], dtype=np.int64).reshape(-1, 3)
    # A person with two roles in one incident (harmed and reporter, say) is one involvement here.
    inv = np.unique(np.array(involvements, dtype=np.int64).reshape(-1, 2), axis=0)
    incidents = sorted(incidents, key=lambda row: row[0])
    incident_ids = np.array([row[0] for row in incidents], dtype=np.int64)
    days = np.array([day_number(row[2]) for row in incidents], dtype=np.int64)
    place_ids, place_index, place_window, place_is_school = _places(incidents)
    # Involvements in incidents that were not loaded (outside the window) carry no evidence.
    keep = np.isin(inv[:, 1], incident_ids)
    inv = inv[keep]

    person_ids = np.unique(
        np.concatenate(
            [assoc[:, 1], assoc[:, 2], inv[:, 0], np.fromiter(extra_people, dtype=np.int64)]
        )
    )
    nature_code = {name: code for code, name in enumerate(NATURES)}
    network = build_network(
        len(person_ids),
        np.searchsorted(person_ids, assoc[:, 1]),
        np.searchsorted(person_ids, assoc[:, 2]),
        nature=np.array([nature_code[row[3]] for row in associations], dtype=np.int8),
        since=np.zeros(len(assoc), dtype=np.int32),
        until=np.full(len(assoc), OPEN_END, dtype=np.int32),
    )
    evidence = Evidence(
        network=network,
        involved_person=np.searchsorted(person_ids, inv[:, 0]),
        involved_incident=np.searchsorted(incident_ids, inv[:, 1]),
        incident_place=place_index.astype(np.int64),
        incident_day=days,
        n_places=len(place_ids),
    )
    return LoadedEvidence(
        evidence=evidence,
        person_ids=person_ids,
        incident_ids=incident_ids,
        place_ids=place_ids,
        association_ids=assoc[:, 0],
        place_window=place_window,
        place_is_school=place_is_school,
    )


def _merged_windows(
    incidents: Iterable[IncidentRow], window_days: int
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Per place, the date ranges within ``window_days`` (or the place's narrower window) of
    one of the given incidents that give co-presence."""
    spans: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for row in sorted(incidents, key=lambda row: (row[1], row[2])):
        if not _gives_co_presence(row):
            continue
        place, day = row[1], row[2]
        narrower = row[6] if row[5] == CoPresenceMode.WINDOW and row[6] is not None else None
        pad = dt.timedelta(days=min(window_days, narrower if narrower is not None else window_days))
        lo, hi = day - pad, day + pad
        ranges = spans.setdefault(place, [])
        if ranges and lo <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(hi, ranges[-1][1]))
        else:
            ranges.append((lo, hi))
    return spans


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# An incident's place id, NO_PLACE_ID for none.
_PLACE = Coalesce("context_id", Value(NO_PLACE_ID), output_field=BigIntegerField())


def _incident_rows(queryset: Any) -> list[IncidentRow]:
    # TruncDate and ExtractHour use the current time zone, so an incident at 00:30 BST falls on
    # the right day and hour. The place's rule in force comes in the same query (a join on its
    # partial unique index), and the hour is worked out only where an out-of-hours rule needs it.
    in_force = FilteredRelation(
        "context__co_presence_rules",
        condition=Q(context__co_presence_rules__ended_at__isnull=True),
    )
    hour = Case(
        When(rule__mode=CoPresenceMode.OUT_OF_HOURS, then=ExtractHour("occurred_at")),
        default=Value(-1),
    )
    # An incident with no place comes as NO_PLACE_ID, so every row's place is an integer.
    queryset = queryset.annotate(rule=in_force, place=_PLACE)
    if connection.vendor == "sqlite":
        return _local_days(
            queryset.annotate(utc=Cast("occurred_at", CharField())).values_list(
                "id", "place", "utc", "context__kind", "rule__mode", "rule__window_days"
            )
        )
    return list(
        queryset.annotate(day=TruncDate("occurred_at"), hour=hour).values_list(
            "id", "place", "day", "hour", "context__kind", "rule__mode", "rule__window_days"
        )
    )


def _local_days(
    rows: Iterable[tuple[int, int, str, str, str | None, int | None]],
) -> list[IncidentRow]:
    """SQLite's rows (``occurred_at`` as its stored UTC text) with the local day and hour, as
    ``TruncDate``/``ExtractHour`` give them: those call Python once per row on SQLite (most of
    a caseload's evidence load at a busy place), here one time-zone lookup per distinct minute
    (every time-zone change falls on a whole minute)."""
    rows = list(rows)
    if not rows:
        return []
    minutes = np.array([row[2][:16] for row in rows], dtype="datetime64[m]").astype(np.int64)
    distinct, back = np.unique(minutes, return_inverse=True)
    zone = timezone.get_current_timezone()
    offsets = np.array(
        [
            dt.datetime.fromtimestamp(m * 60, zone).utcoffset() // dt.timedelta(minutes=1)  # type: ignore[operator]
            for m in distinct.tolist()
        ],
        dtype=np.int64,
    )
    local = minutes + offsets[back.reshape(-1)]
    days = (local // (24 * 60)).astype("datetime64[D]").tolist()
    hours = ((local % (24 * 60)) // 60).tolist()
    return [
        (pk, place, day, hour if mode == CoPresenceMode.OUT_OF_HOURS else -1, kind, mode, window)
        for (pk, place, _utc, kind, mode, window), day, hour in zip(rows, days, hours, strict=True)
    ]


def load_around(person_ids: Iterable[int], *, window_days: int) -> LoadedEvidence:
    """The evidence that can link these people to anyone: their associations and their
    associates' associations, their incidents, and every incident at the same places within
    the window (with who was involved). A constant number of queries, whatever the borough's size.
    """
    focus = set(person_ids)
    first = list(
        _open_associations()
        .filter(Q(person_id__in=focus) | Q(other_id__in=focus))
        .values_list(*_ASSOCIATION_COLUMNS)
    )
    ring = {p for row in first for p in row[1:3]} - focus
    second = (
        list(
            _open_associations()
            .filter(Q(person_id__in=ring) | Q(other_id__in=ring))
            .values_list(*_ASSOCIATION_COLUMNS)
        )
        if ring
        else []
    )
    associations = list({row[0]: row for row in [*first, *second]}.values())

    own = _incident_rows(
        Incident.objects.filter(
            restricted=False,
            id__in=Involvement.objects.filter(person_id__in=focus).values("incident_id"),
        )
    )
    # The child's own incidents always (their shared-incident evidence), and every incident
    # near one that gives co-presence.
    near_q = Q(pk__in=[row[0] for row in own])
    for place, ranges in _merged_windows(own, window_days).items():
        for lo, hi in ranges:
            # A range on the column itself, not on its date, so the (context, occurred_at)
            # index answers it.
            near_q |= Q(
                context_id=place,
                occurred_at__gte=_start_of(lo),
                occurred_at__lt=_start_of(hi + dt.timedelta(days=1)),
            )
    near = Incident.objects.filter(near_q, restricted=False)
    nearby = _incident_rows(near) if own else []
    # Who was involved, by the same filter as a subquery: at a busy place ``nearby`` runs to
    # ten thousand incidents, and passing their ids back as parameters cost more than the query.
    involvements = (
        list(
            Involvement.objects.filter(incident_id__in=near.values("id")).values_list(
                "person_id", "incident_id"
            )
        )
        if own
        else []
    )
    return _assemble(associations, nearby, involvements, extra_people=focus)


def load_borough() -> LoadedEvidence:
    """Every open association and every incident with who was involved (four queries)."""
    associations = list(_open_associations().values_list(*_ASSOCIATION_COLUMNS))
    incidents = _incident_rows(Incident.objects.filter(restricted=False))
    involvements = list(
        Involvement.objects.filter(incident__restricted=False).values_list(
            "person_id", "incident_id"
        )
    )
    held = Allocation.objects.current().values_list("person_id", flat=True)
    return _assemble(associations, incidents, involvements, extra_people=held)


def keep_meaningful(loaded: LoadedEvidence, links: Sequence[Link]) -> list[Link]:
    """``links`` without the co-presence at a school's own site between its own pupils, and
    without the links left with no evidence at all (docs/busy-places.md): two children each on
    a school's roll on the day of their incident there were at their own school, which links no
    one. At another school, or for a child not on its roll, the co-presence stands.

    One query, for the rolls of the schools in the links' co-presence (none when there is none).
    """
    at_school = {
        (link.a, link.b, t)
        for link in links
        for t in link.co_presence
        if loaded.place_is_school[t[2]]
    }
    if not at_school:
        return list(links)
    rolls = _rolls(loaded, at_school)
    kept: list[Link] = []
    for link in links:
        remaining = tuple(t for t in link.co_presence if not _own_school(loaded, rolls, link, t))
        if remaining == link.co_presence:
            kept.append(link)
        elif remaining or link.direct_edges or link.shared_associates or link.shared_incidents:
            kept.append(dataclasses.replace(link, co_presence=remaining))
    return kept


def keep_meaningful_rows(loaded: LoadedEvidence, rows: LinkRows) -> LinkRows:
    """:func:`keep_meaningful` on the links as columns: the same links and evidence kept, with
    Python work only for the co-presence rows at schools."""
    at = np.flatnonzero(loaded.place_is_school[rows.co_place])
    if not at.size:
        return rows
    link_of = np.repeat(np.arange(len(rows)), np.diff(rows.co_ptr))[at]
    found = [
        (a, b, (own, theirs, place))
        for a, b, own, theirs, place in zip(
            rows.a[link_of].tolist(),
            rows.b[link_of].tolist(),
            rows.co_incident_a[at].tolist(),
            rows.co_incident_b[at].tolist(),
            rows.co_place[at].tolist(),
            strict=True,
        )
    ]
    rolls = _rolls(loaded, set(found))
    keep_co = np.ones(len(rows.co_place), dtype=bool)
    for row, (a, b, triple) in zip(at.tolist(), found, strict=True):
        keep_co[row] = not _own_school(loaded, rolls, Link(a, b, (), (), (), ()), triple)
    if keep_co.all():
        return rows
    totals = np.concatenate([[0], np.cumsum(keep_co)])
    remaining = totals[rows.co_ptr[1:]] - totals[rows.co_ptr[:-1]]
    other = np.diff(rows.direct_ptr) + np.diff(rows.shared_ptr) + np.diff(rows.incident_ptr)
    return take_rows(rows, np.flatnonzero((remaining > 0) | (other > 0)), keep_co=keep_co)


def _take(ptr: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The new pointer array and the row positions of links ``chosen`` (in that order)."""
    lens = np.diff(ptr)[chosen]
    new_ptr = np.zeros(len(chosen) + 1, dtype=np.int64)
    np.cumsum(lens, out=new_ptr[1:])
    starts = np.repeat(ptr[chosen] - new_ptr[:-1], lens)
    return new_ptr, np.arange(new_ptr[-1], dtype=np.int64) + starts


def take_rows(rows: LinkRows, chosen: np.ndarray, *, keep_co: np.ndarray | None = None) -> LinkRows:
    """Links ``chosen`` of ``rows`` (indices, in the order wanted), each with its evidence;
    ``keep_co``: which co-presence rows to keep (all by default)."""
    co_ptr = rows.co_ptr
    co = (rows.co_incident_a, rows.co_incident_b, rows.co_place)
    if keep_co is not None:
        totals = np.concatenate([[0], np.cumsum(keep_co)])
        co_ptr = totals[co_ptr]
        co = tuple(column[keep_co] for column in co)
    direct_ptr, direct = _take(rows.direct_ptr, chosen)
    shared_ptr, shared = _take(rows.shared_ptr, chosen)
    incident_ptr, incidents = _take(rows.incident_ptr, chosen)
    new_co_ptr, co_rows = _take(co_ptr, chosen)
    return LinkRows(
        a=rows.a[chosen],
        b=rows.b[chosen],
        direct_ptr=direct_ptr,
        direct_edges=rows.direct_edges[direct],
        shared_ptr=shared_ptr,
        shared_associates=rows.shared_associates[shared],
        incident_ptr=incident_ptr,
        shared_incidents=rows.shared_incidents[incidents],
        co_ptr=new_co_ptr,
        co_incident_a=co[0][co_rows],
        co_incident_b=co[1][co_rows],
        co_place=co[2][co_rows],
    )


AMONG_AS_JSON = 100  # ids above which SQLite is given them as one parameter


def among(column: str, ids: Iterable[int]) -> Q:
    """``column`` is one of ``ids``. On SQLite the ids go as one JSON parameter: a caseload's
    neighbourhood is ten thousand people, and Django prepares each bound value one by one."""
    ids = sorted({int(i) for i in ids})
    if connection.vendor == "sqlite" and len(ids) > AMONG_AS_JSON:
        return Q(**{f"{column}__in": RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])})
    return Q(**{f"{column}__in": ids})


def _rolls(
    loaded: LoadedEvidence, at_school: set[tuple[int, int, tuple[int, int, int]]]
) -> dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]]:
    """(person id, school id) -> their periods on its roll, for the people and schools given."""
    if not at_school:
        return {}
    people = {int(loaded.person_ids[i]) for a, b, _t in at_school for i in (a, b)}
    schools = {int(loaded.place_ids[t[2]]) for _a, _b, t in at_school}
    rolls: dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]] = {}
    for person, school, start, end in Enrolment.objects.filter(
        among("person_id", people), school_id__in=schools
    ).values_list("person_id", "school_id", "start", "end"):
        rolls.setdefault((person, school), []).append((start, end))
    return rolls


def _own_school(
    loaded: LoadedEvidence,
    rolls: dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]],
    link: Link,
    triple: tuple[int, int, int],
) -> bool:
    """Whether both children were on the roll of the school where this co-presence was, each
    on the day of their own incident there."""
    own, theirs, place = triple
    if not loaded.place_is_school[place]:
        return False
    school = int(loaded.place_ids[place])
    days = loaded.evidence.incident_day
    return all(
        any(
            held_on(start, end, from_day_number(int(days[incident])))
            for start, end in rolls.get((int(loaded.person_ids[person]), school), [])
        )
        for person, incident in ((link.a, own), (link.b, theirs))
    )


def busy_flags(loaded: LoadedEvidence, busy: Collection[int]) -> np.ndarray:
    """Per place index of ``loaded``: whether the place is busy, given the busy place ids
    (``places.selectors.busy_places()``, detected or under a manager's rule). The linked-cases
    ordering takes this as its per-place "busy" array."""
    return np.isin(loaded.place_ids, np.fromiter(busy, dtype=np.int64))
