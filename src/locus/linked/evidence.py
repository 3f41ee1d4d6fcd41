"""The evidence that links cases, loaded from the database as the arrays ``locus.analysis`` takes.

Two loaders: one for a handful of children (a caseload, one child's page), which reads only their
neighbourhood so it costs the same in a borough or a country, and one for the whole borough. Both
give database ids back beside every index so the caller can turn results into records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from locus.analysis.linked import Evidence
from locus.analysis.network import NATURES, OPEN_END, build_network
from locus.incidents.models import Incident, Involvement
from locus.peers.models import Association
from locus.people.models import Allocation

EPOCH = dt.date(1970, 1, 1)
_ASSOCIATION_COLUMNS = ("id", "person_id", "other_id", "nature")


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
    place_ids: np.ndarray  # index -> Context.id
    association_ids: np.ndarray  # edge index -> Association.id

    def person_index(self, ids: Iterable[int]) -> np.ndarray:
        """Indices of the given person ids (all must have been loaded)."""
        wanted = np.fromiter(ids, dtype=np.int64)
        found = np.searchsorted(self.person_ids, wanted)
        return found.astype(np.int64)


def _open_associations() -> Any:
    return Association.objects.current().filter(other__isnull=False)


def _assemble(
    associations: Sequence[tuple[int, int, int, str]],
    incidents: Sequence[tuple[int, int, dt.date]],
    involvements: Sequence[tuple[int, int]],
    extra_people: Iterable[int] = (),
) -> LoadedEvidence:
    """Map ids to dense indices and build the network and incident arrays."""
    assoc = np.array([row[:3] for row in associations], dtype=np.int64).reshape(-1, 3)
    # A person with two roles in one incident (harmed and reporter, say) is one involvement here.
    inv = np.unique(np.array(involvements, dtype=np.int64).reshape(-1, 2), axis=0)
    incident_ids = np.array([row[0] for row in incidents], dtype=np.int64)
    order = np.argsort(incident_ids, kind="stable")
    incident_ids = incident_ids[order]
    raw_places = np.array([row[1] for row in incidents], dtype=np.int64)[order]
    days = np.array([day_number(row[2]) for row in incidents], dtype=np.int64)[order]
    # Involvements in incidents that were not loaded (outside the window) carry no evidence.
    keep = np.isin(inv[:, 1], incident_ids)
    inv = inv[keep]

    person_ids = np.unique(
        np.concatenate(
            [assoc[:, 1], assoc[:, 2], inv[:, 0], np.fromiter(extra_people, dtype=np.int64)]
        )
    )
    place_ids, place_index = np.unique(raw_places, return_inverse=True)
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
    )
    return LoadedEvidence(
        evidence=evidence,
        person_ids=person_ids,
        incident_ids=incident_ids,
        place_ids=place_ids,
        association_ids=assoc[:, 0],
    )


def _merged_windows(
    incidents: Iterable[tuple[int, int, dt.date]], window_days: int
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Per place, the date ranges within ``window_days`` of one of the given incidents."""
    pad = dt.timedelta(days=window_days)
    spans: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for _id, place, day in sorted(incidents, key=lambda row: (row[1], row[2])):
        lo, hi = day - pad, day + pad
        ranges = spans.setdefault(place, [])
        if ranges and lo <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(hi, ranges[-1][1]))
        else:
            ranges.append((lo, hi))
    return spans


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _incident_rows(queryset: Any) -> list[tuple[int, int, dt.date]]:
    # TruncDate uses the current time zone, so an incident at 00:30 BST falls on the right day.
    return list(
        queryset.annotate(day=TruncDate("occurred_at")).values_list("id", "context_id", "day")
    )


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
    near_q = Q(pk__in=[])
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
