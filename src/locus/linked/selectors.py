"""Linked cases: children held by other workers or agencies whom the evidence links to ours.

``locus.analysis`` finds the links; this module loads the evidence, words each link in plain
language and applies need to know. A worker who may not see the other child learns only that a
linked case exists, which agency and team hold it and how to reach its worker: never the child's
name, and never evidence that is only about that child (their own dates, their own incidents).

Nothing here scores or ranks a child (docs/domain.md). A caseload's links are listed by the kind
and amount of evidence (``locus.analysis.triage``), never by a number given to a child; clusters
by size. The counts are evidence to judge, not a measure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import overload

import numpy as np
from django.http import Http404

from locus.access import policies, scopes
from locus.access.fields import named_ids
from locus.access.models import Team, Worker
from locus.access.selectors import visible_person_ids
from locus.analysis import triage
from locus.analysis.groups import meeting_groups
from locus.analysis.linked import Link, LinkRows, LinkTable, find_link_rows, find_links, link_table
from locus.analysis.network import NATURES
from locus.common.ids import parse_id
from locus.incidents.models import Incident, IncidentKind
from locus.linked import borough_evidence
from locus.linked.evidence import (
    NO_PLACE_ID,
    LoadedEvidence,
    among,
    busy_flags,
    day_number,
    from_day_number,
    keep_meaningful,
    keep_meaningful_rows,
    load_around,
    load_borough,
    take_rows,
)
from locus.linked.models import LinkReview
from locus.peers.models import Association
from locus.people.models import Allocation, Person
from locus.people.selectors import caseload_for
from locus.places.selectors import busy_places

DEFAULT_WINDOW_DAYS = 30
# A connected group of linked children larger than this is shown as the closer-knit groups within
# it, each with a note of the whole: a list of 200 children is not something a meeting can act on.
SPLIT_ABOVE = 12


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _months(numbers: Iterable[int]) -> str:
    names = sorted({(from_day_number(n).year, from_day_number(n).month) for n in numbers})
    labels = [f"{dt.date(y, m, 1):%B %Y}" for y, m in names]
    if len(labels) <= 2:
        return " and ".join(labels)
    return f"{labels[0]} to {labels[-1]}"


def _place_phrase(places: Sequence[int], place_names: dict[int, str]) -> str:
    named = sorted({place_names[p] for p in places if p in place_names})
    hidden = len({p for p in places if p not in place_names and p != NO_PLACE_ID})
    # A missing episode recorded with no place: not known, rather than a place kept from view.
    parts = [*named, *(["a place not known"] if NO_PLACE_ID in places else [])]
    if hidden == 1:
        parts.append("a place you cannot see")
    elif hidden:
        parts.append(f"{hidden} places you cannot see")
    return " and ".join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass
class Evidence:
    """What a link rests on, ready to show: sentences and the records the viewer may open."""

    reasons: list[str] = field(default_factory=list)
    associations: list[Association] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    associates: list[Person] = field(default_factory=list)
    # Where the two were around the same time (names, or "a place you cannot see"), and whether
    # that is all there is: such links are many at busy places, so pages list them apart.
    places: list[str] = field(default_factory=list)
    only_places: bool = False


@dataclass(frozen=True)
class EvidenceCounts:
    """How much evidence of each kind a link rests on, and the day of the latest: what a review
    keeps, so that new evidence can bring a reviewed link back up."""

    n_direct: int
    n_shared_incidents: int
    n_shared_associates: int
    n_co_presence: int
    latest: dt.date | None
    window_days: int

    def grew_since(self, review: LinkReview) -> bool:
        """Whether there is more evidence now than when ``review`` was made: more of a kind,
        or a later day (co-presence counts only compare at the same time window)."""
        more = (
            self.n_direct > review.n_direct
            or self.n_shared_incidents > review.n_shared_incidents
            or self.n_shared_associates > review.n_shared_associates
            or (
                self.window_days == review.window_days and self.n_co_presence > review.n_co_presence
            )
        )
        later = self.latest is not None and (
            review.latest_evidence_on is None or self.latest > review.latest_evidence_on
        )
        return more or later


@dataclass
class LinkedCase:
    child: Person
    other: Person | None  # None: the viewer may not know who the other child is
    other_id: int
    holders: list[Allocation]
    evidence: Evidence
    # The strongest kind of evidence (locus.analysis.triage): what the list is ordered by.
    tier: int = triage.RISK_ASSOCIATION
    counts: EvidenceCounts | None = None
    review: LinkReview | None = None  # the viewing team's, if any

    @property
    def tier_words(self) -> str:
        return triage.TIER_WORDS[self.tier]

    @property
    def strong(self) -> bool:
        return self.tier in triage.STRONG_TIERS

    @property
    def new_since_review(self) -> bool:
        return (
            self.review is not None
            and self.counts is not None
            and self.counts.grew_since(self.review)
        )

    @property
    def reviewed(self) -> bool:
        """Reviewed, and nothing new since: listed at the bottom."""
        return self.review is not None and not self.new_since_review


class CaseloadLinks:
    """A caseload's linked cases, strongest evidence first (never a measure of a child).

    Found as arrays (``_LinkTable``): a caseload at a busy place has thousands of weak links, of
    which a page shows ten. ``strong``, ``weak`` and ``reviewed`` are sequences that build a
    link's objects only when taken from; ``fill_cases`` then words and names the ones shown
    (``links`` gives every link, filled).
    """

    def __init__(self, focus: Sequence[Person], window_days: int, table: _LinkTable | None):
        self.focus = list(focus)
        self.window_days = window_days
        self._table = table

    def _cases(self, part: str) -> Sequence[LinkedCase]:
        if self._table is None:
            return []
        return _Cases(self._table, self._table.parts[part])

    @property
    def strong(self) -> Sequence[LinkedCase]:
        """Links shown by default: strong evidence, not reviewed (or new evidence since)."""
        return self._cases("strong")

    @property
    def weak(self) -> Sequence[LinkedCase]:
        """Links on weaker evidence, not reviewed: summarised until asked for."""
        return self._cases("weak")

    @property
    def reviewed(self) -> Sequence[LinkedCase]:
        return self._cases("reviewed")

    @cached_property
    def links(self) -> list[LinkedCase]:
        """Every link, in order, worded and named."""
        if self._table is None:
            return []
        cases = list(_Cases(self._table, self._table.order))
        self._table.fill(cases)
        return cases

    @property
    def only_places(self) -> int:
        """How many links rest only on being at the same places."""
        return 0 if self._table is None else int(self._table.only_places.sum())

    def __len__(self) -> int:
        return 0 if self._table is None else len(self._table.order)

    def case_for(self, other_id: int | None) -> LinkedCase | None:
        """The link to ``other_id`` (one child in focus), not yet filled; None if none."""
        if self._table is None or other_id is None:
            return None
        found = np.flatnonzero(self._table.other_ids == other_id)
        return self._table.case(int(found[0])) if found.size else None

    @cached_property
    def weak_by_team(self) -> list[HoldingTeam]:
        """The weaker links by the team holding the other child: how many, on what evidence,
        and whom to call. A busy place gives hundreds of these; a worker acts on the teams."""
        return [] if self._table is None else self._table.weak_by_team()

    @cached_property
    def by_child(self) -> list[ChildCounts]:
        """Per child of the caseload with any link: how many strong, weaker and reviewed, in
        the caseload's order. One child with many links otherwise fills the list's pages; this
        lets the worker take one child at a time."""
        if self._table is None:
            return []
        child_ids = self._table.child_ids
        per_part = {}
        for part, rows in self._table.parts.items():
            ids, counts = np.unique(child_ids[rows], return_counts=True)
            per_part[part] = dict(zip(ids.tolist(), counts.tolist(), strict=True))
        found = [
            ChildCounts(child, *(per_part[part].get(child.pk, 0) for part in PARTS))
            for child in self.focus
        ]
        return [c for c in found if c.strong or c.weak or c.reviewed]

    def propose(self) -> list[ChildLinks]:
        """Per child with strong links: the query proposing a meeting about them."""
        grouped = {child.pk: ChildLinks(child) for child in self.focus}
        for case in self.strong:
            grouped[case.child.pk].closer.append(case)
        return [entry for entry in grouped.values() if entry.closer]


#: The three lists of a caseload's links, in the order a page offers them.
PARTS = ("strong", "weak", "reviewed")


@dataclass
class ChildCounts:
    """One child of a caseload and how many of their links are in each list."""

    child: Person
    strong: int
    weak: int
    reviewed: int


@dataclass
class ChildLinks:
    """One child and their linked cases on strong evidence."""

    child: Person
    closer: list[LinkedCase] = field(default_factory=list)

    @property
    def propose_people(self) -> list[tuple[int, bool]]:
        """Whom a meeting about this child and their closer links is proposed about, each as
        (id, named on the page): the page carries a child it does not name by a reference of
        the viewer's session, never her id (``break_glass.people_query``)."""
        return [(self.child.pk, True), *((c.other_id, c.other is not None) for c in self.closer)]


@dataclass
class HoldingTeam:
    """Linked children held in one team: how many, on which kinds of evidence, and the
    workers to contact."""

    team: Team
    cases: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)
    # Workers in the team holding others of these children, not listed (a busy team's
    # weaker links can be held by hundreds: whom to call first is what a worker needs).
    more_workers: int = 0

    def order(self) -> tuple[str, str]:
        return (self.team.agency.name, self.team.name)


#: How many workers a team's summary of weaker links names to contact.
CONTACTS_PER_TEAM = 5


@dataclass
class _TeamTally:
    """A team's weaker links while they are counted: per tier, per worker holding them, and
    one allocation of each worker's (to read their team and name from)."""

    cases: int = 0
    tiers: dict[int, int] = field(default_factory=dict)
    held: dict[int, int] = field(default_factory=dict)
    allocation: dict[int, int] = field(default_factory=dict)

    def contacts(self) -> list[int]:
        """The allocations of the workers holding most of the team's links, first seen first
        among equals."""
        busiest = sorted(self.held, key=lambda w: -self.held[w])[:CONTACTS_PER_TEAM]
        return [self.allocation[w] for w in busiest]


def _open_allocations(person_ids: Iterable[int]) -> dict[int, list[Allocation]]:
    held: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in (
        Allocation.objects.current()
        .filter(person_id__in=set(person_ids))
        .select_related("worker", "team__agency")
        .order_by(*_HOLDER_ORDER)
    ):
        held[allocation.person_id].append(allocation)
    return held


# Who holds a case, in the order pages list them (the first is whom the summaries name).
_HOLDER_ORDER = ("team__agency__name", "team__name", "worker__last_name", "id")


class _Wording:
    """Turns analysis links into sentences, naming only what the viewer may see."""

    def __init__(
        self,
        viewer: Worker,
        loaded: LoadedEvidence,
        links: Sequence[Link],
        window_days: int,
        people: dict[int, Person],
    ):
        """``people``: those the viewer may name, among the links' associates in common."""
        self.loaded = loaded
        self.window_days = window_days
        ev = loaded.evidence
        edge_ids = {int(loaded.association_ids[e]) for link in links for e in link.direct_edges}
        self.associations = Association.objects.in_bulk(edge_ids)
        self.people = people
        # Only incidents of the viewer's own child can be shown: co-presence incidents of the
        # other child are their own record. Only their places are worded.
        own = [i for link in links for i in link.shared_incidents]
        own += [pair[0] for link in links for pair in link.co_presence]
        place_idx = {int(p) for p in ev.incident_place[own] if p >= 0}
        self.place_names = dict(
            scopes.contexts_visible_to(viewer)
            .filter(id__in=[int(loaded.place_ids[p]) for p in place_idx])
            .values_list("id", "name")
        )
        self._place_names: dict[int, str] = {}
        own_incidents = {int(loaded.incident_ids[i]) for i in own}
        self.incidents = (
            scopes.incidents_visible_to(viewer).select_related("context").in_bulk(own_incidents)
        )

    def place(self, incident_index: int) -> int:
        return int(self.loaded.place_ids[self.loaded.evidence.incident_place[incident_index]])

    def day(self, incident_index: int) -> int:
        return int(self.loaded.evidence.incident_day[incident_index])

    def place_name(self, incident_index: int) -> str:
        place = self.place(incident_index)
        name = self._place_names.get(place)
        if name is None:
            name = self._place_names[place] = _place_phrase([place], self.place_names)
        return name

    def words(self, link: Link) -> Evidence:
        out = Evidence()
        if not (link.direct_edges or link.shared_associates or link.shared_incidents):
            # Only being at the same places: pages list these by place and holder, with no
            # sentence each (at a busy place there are hundreds).
            out.only_places = True
            out.places = sorted({self.place_name(own) for own, _theirs, _ in link.co_presence})
            return out
        for edge in link.direct_edges:
            association = self.associations.get(int(self.loaded.association_ids[edge]))
            if association is None:  # ended since the evidence was loaded
                continue
            out.associations.append(association)
            out.reasons.append(
                f"Directly associated: {association.get_relationship_display().lower()}, "
                f"{association.get_nature_display().lower()}, recorded from "
                f"{association.get_source_display().lower()} since "
                f"{association.valid_from:%B %Y}"
            )
        if link.shared_associates:
            ids = [int(self.loaded.person_ids[c]) for c in link.shared_associates]
            out.associates = [self.people[i] for i in ids if i in self.people]
            out.reasons.append(_plural(len(ids), "associate") + " in common")
        if link.shared_incidents:
            self._incident_reason(out, link.shared_incidents)
        if link.co_presence:
            self._co_presence_reason(out, link.co_presence)
        return out

    def _incident_reason(self, out: Evidence, incidents: Sequence[int]) -> None:
        by_place: dict[int, list[int]] = defaultdict(list)
        for i in incidents:
            by_place[self.place(i)].append(self.day(i))
            shown = self.incidents.get(int(self.loaded.incident_ids[i]))
            if shown is not None:
                out.incidents.append(shown)
        parts = [
            f"{_plural(len(days), 'incident')} at {_place_phrase([place], self.place_names)} "
            f"in {_months(days)}"
            for place, days in sorted(by_place.items())
        ]
        out.reasons.append("Both involved in " + "; ".join(parts))

    def _co_presence_reason(self, out: Evidence, pairs: Sequence[tuple[int, int, int]]) -> None:
        # Worded from our child's incidents only: the other child's dates are theirs.
        by_place: dict[int, set[int]] = defaultdict(set)
        for own, _theirs, _place in pairs:
            by_place[self.place(own)].add(own)
        for place, found in sorted(by_place.items()):
            # In the incidents' order (a set's own order would depend on how they were loaded).
            own_incidents = sorted(found)
            out.places.append(self.place_name(own_incidents[0]))
            days = [self.day(i) for i in own_incidents]
            for i in own_incidents:
                shown = self.incidents.get(int(self.loaded.incident_ids[i]))
                if shown is not None and shown not in out.incidents:
                    out.incidents.append(shown)
            out.reasons.append(
                f"Both at {_place_phrase([place], self.place_names)} within "
                f"{_plural(self.window_days, 'day')} of each other, around "
                f"{_plural(len(days), 'incident')} involving this child in {_months(days)}"
            )


# Incident kinds that are harm to a child: a shared one of these lists first in its tier.
HARM_KINDS = frozenset(IncidentKind.values) - {IncidentKind.MISSING, IncidentKind.OTHER}
_RISK = NATURES.index("risk")
_NO_DAY = -(2**31)  # a link with no dated evidence (associates in common only)


def _busy_places(loaded: LoadedEvidence) -> np.ndarray | None:
    """One flag per loaded place: whether being there together means little (detected from
    the data, or under a manager's co-presence rule: docs/busy-places.md)."""
    return busy_flags(loaded, busy_places())


def _segments(ptr: np.ndarray) -> np.ndarray:
    """The link each row of a pointer array's rows belongs to."""
    return np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))


def _segment_sum(ptr: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Per link, how many of its rows are flagged."""
    totals = np.concatenate([[0], np.cumsum(flags, dtype=np.int64)])
    return totals[ptr[1:]] - totals[ptr[:-1]]


def _triage(
    viewer: Worker, loaded: LoadedEvidence, rows: LinkRows
) -> tuple[triage.Triage, np.ndarray]:
    """Each link's tier and the order to list them in, and the counts a review keeps (one
    row per link: direct, shared incidents, associates in common, co-presence, latest day).

    A shared incident counts as harm only when the viewer may see it: its kind is not theirs
    to learn (nor to be ordered by) otherwise. Worked out from the columns (two queries),
    whatever the number of links.
    """
    ev = loaded.evidence
    n = len(rows)
    latest = np.full(n, _NO_DAY, dtype=np.int64)
    shared = loaded.incident_ids[rows.shared_incidents]
    harm_ids = set(
        scopes.incidents_visible_to(viewer)
        .filter(id__in=np.unique(shared).tolist(), kind__in=HARM_KINDS)
        .values_list("id", flat=True)
        if len(shared)
        else []
    )
    harm = np.isin(shared, np.fromiter(harm_ids, dtype=np.int64, count=len(harm_ids)))
    edges = loaded.association_ids[rows.direct_edges]
    # A direct association counts from the day it was recorded (if it still exists).
    since = dict(
        Association.objects.filter(id__in=np.unique(edges).tolist()).values_list("id", "valid_from")
        if len(edges)
        else []
    )
    edge_day = np.array(
        [day_number(since[e]) if e in since else _NO_DAY for e in edges.tolist()], dtype=np.int64
    )
    np.maximum.at(latest, _segments(rows.direct_ptr), edge_day)
    np.maximum.at(latest, _segments(rows.incident_ptr), ev.incident_day[rows.shared_incidents])
    co_link = _segments(rows.co_ptr)
    np.maximum.at(latest, co_link, ev.incident_day[rows.co_incident_a])
    counts = np.stack(
        [
            np.diff(rows.direct_ptr),
            np.diff(rows.incident_ptr),
            np.diff(rows.shared_ptr),
            np.diff(rows.co_ptr),
            latest,
        ]
    )
    busy = _busy_places(loaded)
    order = triage.triage(
        n_direct=counts[0],
        n_risk_direct=_segment_sum(rows.direct_ptr, ev.network.nature[rows.direct_edges] == _RISK),
        n_shared_incidents=counts[1],
        n_harm_incidents=_segment_sum(rows.incident_ptr, harm),
        n_shared_associates=counts[2],
        n_co_presence=counts[3],
        latest_day=latest,
        busy=busy,
        co_presence_link=co_link if busy is not None else None,
        co_presence_place=rows.co_place if busy is not None else None,
    )
    return order, counts


class _LinkTable:
    """A caseload's links as columns, in the caseload's order (then the other child's id), with
    their tiers, counts and reviews; a link's objects are built when a page takes it."""

    def __init__(
        self,
        viewer: Worker,
        loaded: LoadedEvidence,
        rows: LinkRows,
        focus: Sequence[Person],
        holders: _FirstHolders,
        reviews: dict[tuple[int, int], LinkReview],
        window_days: int,
    ):
        self.viewer, self.loaded, self.rows, self.window_days = viewer, loaded, rows, window_days
        self.by_id = {p.pk: p for p in focus}
        self.first_holder = holders
        self.child_ids = loaded.person_ids[rows.a]
        self.other_ids = loaded.person_ids[rows.b]
        self.only_places = (
            (np.diff(rows.direct_ptr) == 0)
            & (np.diff(rows.shared_ptr) == 0)
            & (np.diff(rows.incident_ptr) == 0)
        )
        result, self.counts = _triage(viewer, loaded, rows)
        self.tier = result.tier
        self.order = result.order
        self.reviews: dict[int, LinkReview] = {}
        if reviews:
            keys = (self.child_ids << 32) | self.other_ids
            by_key = np.argsort(keys, kind="stable")
            for (child, other), review in reviews.items():
                at = int(np.searchsorted(keys, (child << 32) | other, sorter=by_key))
                if at < len(keys) and keys[by_key[at]] == (child << 32) | other:
                    self.reviews[int(by_key[at])] = review
        reviewed = np.zeros(len(rows), dtype=bool)
        for k, review in self.reviews.items():
            reviewed[k] = not self.evidence_counts(k).grew_since(review)
        strong = np.isin(self.tier, list(triage.STRONG_TIERS))
        shown = self.order
        self.parts = {
            "strong": shown[strong[shown] & ~reviewed[shown]],
            "weak": shown[~strong[shown] & ~reviewed[shown]],
            "reviewed": shown[reviewed[shown]],
        }
        self._cases: dict[int, LinkedCase] = {}
        self._filled: set[int] = set()
        self._summary: list[HoldingTeam] | None = None

    def evidence_counts(self, k: int) -> EvidenceCounts:
        direct, incidents, associates, co_presence, latest = self.counts[:, k].tolist()
        return EvidenceCounts(
            n_direct=direct,
            n_shared_incidents=incidents,
            n_shared_associates=associates,
            n_co_presence=co_presence,
            latest=None if latest == _NO_DAY else from_day_number(latest),
            window_days=self.window_days,
        )

    def case(self, k: int) -> LinkedCase:
        """Link ``k``, without its wording and naming until ``fill`` (built once)."""
        found = self._cases.get(k)
        if found is None:
            found = self._cases[k] = LinkedCase(
                child=self.by_id[int(self.child_ids[k])],
                other=None,
                other_id=int(self.other_ids[k]),
                holders=[],
                evidence=Evidence(),
                tier=int(self.tier[k]),
                counts=self.evidence_counts(k),
                review=self.reviews.get(k),
            )
        return found

    def fill(self, cases: Iterable[LinkedCase], *, summary: bool = False) -> None:
        """Word, name and give holders to ``cases`` (links of this table), in a few queries
        however many; ``summary``: with the holders the weaker links' summary names, in the
        same queries (``weak_by_team``)."""
        index = {id(case): k for k, case in self._cases.items()}
        todo = [(index[id(c)], c) for c in cases if index[id(c)] not in self._filled]
        other_ids = [case.other_id for _k, case in todo]
        links = [self.rows.link(k) for k, _case in todo]
        associates = {int(self.loaded.person_ids[c]) for x in links for c in x.shared_associates}
        # Who may be named, the linked children and their associates in common together.
        wanted = {*other_ids, *associates}
        people = Person.objects.in_bulk(
            named_ids(self.viewer, visible_person_ids(self.viewer, wanted))
        )
        holders = self._holders(other_ids, summary and self._summary is None)
        wording = _Wording(self.viewer, self.loaded, links, self.window_days, people)
        for (k, case), link in zip(todo, links, strict=True):
            case.other = people.get(case.other_id)
            case.holders = holders.get(case.other_id, [])
            case.evidence = wording.words(link)
            self._filled.add(k)

    def _holders(self, person_ids: list[int], summary: bool) -> dict[int, list[Allocation]]:
        """The open allocations of ``person_ids``, by person, and (``summary``) the weaker
        links' summary by holding team, in one query."""
        groups = self._weak_groups() if summary else {}
        chosen = {a for tally in groups.values() for a in tally.contacts()}
        held: dict[int, list[Allocation]] = defaultdict(list)
        if not person_ids and not chosen:
            return held
        wanted = set(person_ids)
        found: dict[int, Allocation] = {}
        for allocation in (
            Allocation.objects.current()
            .filter(among("person_id", wanted) | among("id", chosen))
            .select_related("worker", "team__agency")
            .order_by(*_HOLDER_ORDER)
        ):
            if allocation.pk in chosen:
                found[allocation.pk] = allocation
            if allocation.person_id in wanted:
                held[allocation.person_id].append(allocation)
        if summary:
            self._summary = sorted(
                (
                    HoldingTeam(
                        team=found[tally.contacts()[0]].team,
                        cases=tally.cases,
                        tiers={triage.TIER_WORDS[t]: n for t, n in tally.tiers.items()},
                        workers=[found[a].worker for a in tally.contacts()],
                        more_workers=len(tally.held) - len(tally.contacts()),
                    )
                    for tally in groups.values()
                ),
                key=HoldingTeam.order,
            )
        return held

    def _weak_groups(self) -> dict[int, _TeamTally]:
        """Per team holding a weaker link's other child (its first holder): how many links,
        how many of each tier, and the workers to contact (those holding most of them, at
        most :data:`CONTACTS_PER_TEAM`), each with one allocation of theirs there. Counted
        as columns (a busy place gives tens of thousands of weaker links); teams, tiers and
        workers each in the order the links first name them."""
        weak = self.parts["weak"]
        holders = self.first_holder
        others = self.other_ids[weak]
        at = np.searchsorted(holders.person, others)
        held = at < len(holders.person)
        held[held] = holders.person[at[held]] == others[held]
        at = at[held]
        team, worker = holders.team[at], holders.worker[at]
        allocation, tier = holders.allocation[at], self.tier[weak][held]
        teams: dict[int, _TeamTally] = {}
        for key, _first, n in _first_seen(team):
            teams[key] = _TeamTally(cases=n)
        for key, _first, n in _first_seen(team * len(triage.TIER_WORDS) + tier):
            team_id, tier_id = divmod(key, len(triage.TIER_WORDS))
            teams[team_id].tiers[tier_id] = n
        for key, first, n in _first_seen((team << 32) | worker):
            tally = teams[key >> 32]
            tally.held[key & 0xFFFFFFFF] = n
            tally.allocation[key & 0xFFFFFFFF] = int(allocation[first])
        return teams

    def weak_by_team(self) -> list[HoldingTeam]:
        """The weaker links grouped by the first holder's team (one query, none if ``fill``
        was asked for the summary)."""
        if self._summary is None:
            self._holders([], True)
        return self._summary or []


def _first_seen(keys: np.ndarray) -> Iterator[tuple[int, int, int]]:
    """Each distinct key, where it first comes and how many times, in the order of first
    coming."""
    distinct, first, counts = np.unique(keys, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return zip(distinct[order].tolist(), first[order].tolist(), counts[order].tolist(), strict=True)


class _Cases(Sequence[LinkedCase]):
    """Some of a table's links, in order: a link's objects are built only when taken."""

    def __init__(self, table: _LinkTable, positions: np.ndarray):
        self._table, self._positions = table, positions

    def __len__(self) -> int:
        return len(self._positions)

    @overload
    def __getitem__(self, at: int) -> LinkedCase: ...
    @overload
    def __getitem__(self, at: slice) -> list[LinkedCase]: ...
    def __getitem__(self, at: int | slice) -> LinkedCase | list[LinkedCase]:
        if isinstance(at, slice):
            return [self._table.case(k) for k in self._positions[at].tolist()]
        return self._table.case(int(self._positions[at]))

    def __iter__(self) -> Iterator[LinkedCase]:
        return iter(self[:])


def fill_cases(
    result: CaseloadLinks, cases: Iterable[LinkedCase], *, summary: bool = False
) -> None:
    """Word and name the linked cases a page shows (taken from ``result``), in one go;
    ``summary``: the weaker links' summary by holding team too, in the same queries."""
    if result._table is not None:
        result._table.fill(cases, summary=summary)


@dataclass(frozen=True)
class _FirstHolders:
    """Each held child's first holder in the order pages list holders, as columns sorted by
    the child's id."""

    person: np.ndarray
    team: np.ndarray
    worker: np.ndarray
    allocation: np.ndarray


def _first_holders(
    person_ids: np.ndarray, excluded: set[int], focus_ids: Sequence[int]
) -> tuple[np.ndarray, _FirstHolders]:
    """Of ``person_ids``: who is held by a worker not ``excluded`` (and not in the focus),
    and each held child's first holder. One query for both."""
    rows = np.array(
        Allocation.objects.current()
        .filter(among("person_id", person_ids.tolist()))
        .order_by(*_HOLDER_ORDER)
        .values_list("person_id", "team_id", "worker_id", "id"),
        dtype=np.int64,
    ).reshape(-1, 4)
    person, first = np.unique(rows[:, 0], return_index=True)
    holders = _FirstHolders(person, rows[first, 1], rows[first, 2], rows[first, 3])
    other = ~np.isin(rows[:, 2], list(excluded)) & ~np.isin(rows[:, 0], list(focus_ids))
    return np.unique(rows[other, 0]), holders


def linked_cases(
    *,
    viewer: Worker,
    focus: Sequence[Person],
    exclude_holders: Iterable[int],
    window_days: int = DEFAULT_WINDOW_DAYS,
    review_team: int | None = None,
    ahead: bool = False,
) -> CaseloadLinks:
    """Children held by other workers who are linked to ``focus`` (a caseload or one child),
    strongest evidence first (``locus.analysis.triage``).

    ``exclude_holders`` are the workers whose cases do not count as "other" (the caseload's
    worker, or the child's own case holders). ``review_team``: the team whose reviews of these
    links are shown (the caseload's), if any. The links a page shows are worded and named by
    ``fill_cases`` (``CaseloadLinks.links``: all of them).

    ``ahead``: find the links in the borough's evidence loaded ahead (``borough_evidence``) when
    it is fresh, and ask for it when it is not: the same links, without reading a caseload's
    neighbourhood from the database.
    """
    if not focus:
        return CaseloadLinks(focus=[], window_days=window_days, table=None)
    focus_ids = [p.pk for p in focus]
    loaded = _evidence_for(focus_ids, window_days, ahead=ahead)
    rows = find_link_rows(
        loaded.evidence,
        loaded.person_index(focus_ids),
        window_days=window_days,
        place_window=loaded.windows(window_days),  # places' rules (docs/busy-places.md)
    )
    # Only the children held by other workers: the links to anyone else dropped (each link's
    # evidence is about its own pair, so this is the same as finding only theirs).
    linked = loaded.person_ids[rows.b]
    held_by_others, first_holders = _first_holders(
        np.unique(linked), set(exclude_holders), focus_ids
    )
    rows = take_rows(rows, np.flatnonzero(np.isin(linked, held_by_others)))
    rows = keep_meaningful_rows(loaded, rows)  # a school's own pupils (docs/busy-places.md)
    # The tie-break within a tier: the caseload's order, then the other child's id (never
    # their name, which would order by what the viewer may not know).
    position = np.zeros(len(loaded.person_ids), dtype=np.int64)
    position[loaded.person_index(focus_ids)] = np.arange(len(focus_ids))
    rows = take_rows(rows, np.lexsort((rows.b, position[rows.a])))
    table = _LinkTable(
        viewer,
        loaded,
        rows,
        focus,
        first_holders,
        _reviews(review_team, focus_ids),
        window_days,
    )
    return CaseloadLinks(focus=focus, window_days=window_days, table=table)


def _evidence_for(focus_ids: Sequence[int], window_days: int, *, ahead: bool) -> LoadedEvidence:
    """The borough's evidence loaded ahead (``ahead``, when fresh and covering every child in
    focus), else the evidence around the focus, read now."""
    if ahead:
        borough = borough_evidence.fresh_evidence(ask=True)
        if borough is not None and np.isin(focus_ids, borough.person_ids).all():
            return borough
    return load_around(focus_ids, window_days=window_days)


def _reviews(team_id: int | None, focus_ids: Sequence[int]) -> dict[tuple[int, int], LinkReview]:
    """The team's reviews of links from ``focus_ids``: nobody else's (one query)."""
    if team_id is None:
        return {}
    return {
        (r.child_id, r.other_id): r
        for r in LinkReview.objects.filter(team_id=team_id, child_id__in=focus_ids).select_related(
            "reviewed_by"
        )
    }


# ---------------------------------------------------------------------------
# Borough-wide clusters


@dataclass
class ClusterMember:
    person_id: int
    person: Person | None  # None: the viewer may not know who this child is
    holders: list[Allocation]


@dataclass
class Cluster:
    """Children whose cases are linked, directly or through one another."""

    person_ids: list[int]
    agency_ids: set[int]
    pairs: int
    direct: int
    shared_associates: int
    shared_incidents: int
    co_presence: int
    part_of: int | None = None  # the whole network's size when this is one community in it
    members: list[ClusterMember] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)  # names, once members are filled in
    workers: int = 0

    @property
    def size(self) -> int:
        return len(self.person_ids)

    @property
    def propose_people(self) -> list[tuple[int, bool]]:
        """The cluster's children, each as (id, named on the page), once its members are
        filled in: the page carries those it does not name by one reference of the viewer's
        session, never their ids (``break_glass.cluster_query``)."""
        return [(m.person_id, m.person is not None) for m in self.members]

    def summary(self) -> str:
        kinds = (
            (self.shared_associates, "with associates in common"),
            (self.shared_incidents, "involved in the same incidents"),
            (self.co_presence, "at the same places at around the same time"),
        )
        parts = [_plural(self.direct, "direct association")] if self.direct else []
        parts += [f"{_plural(n, 'pair')} {words}" for n, words in kinds if n]
        return "; ".join(parts)


@dataclass
class BoroughClusters:
    clusters: list[Cluster]
    window_days: int
    linked_children: int


def borough_clusters(
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    across_agencies: bool = False,
    with_weaker: bool = False,
) -> BoroughClusters:
    """Every cluster of linked cases held by more than one worker, largest first.

    Members are bare ids here, the same for every viewer; ``fill_members`` adds names and
    holders for the page shown, so a borough of thousands of clusters costs a few queries.
    Seconds of work at borough size: pages read it worked out ahead (``linked.clusters``).
    """
    return _borough_clusters(window_days, across_agencies, with_weaker)


def _borough_clusters(
    window_days: int, across_agencies: bool, with_weaker: bool
) -> BoroughClusters:
    loaded = load_borough()
    holders: dict[int, set[int]] = defaultdict(set)
    agencies: dict[int, set[int]] = defaultdict(set)
    for person_id, worker_id, agency_id in Allocation.objects.current().values_list(
        "person_id", "worker_id", "team__agency_id"
    ):
        holders[person_id].add(worker_id)
        agencies[person_id].add(agency_id)
    held = loaded.person_index(sorted(holders))
    table = link_table(
        loaded.evidence, held, window_days=window_days, place_window=loaded.windows(window_days)
    )
    if not with_weaker:
        # Clusters rest on the evidence the linked-cases list shows by default: chains of weak
        # links (one associate in common, being at the same places) join most of a borough
        # into one network that no meeting could act on, and cost the most to split.
        strong = triage.strong(
            n_direct=table.n_direct,
            n_shared_incidents=table.n_shared_incidents,
            n_shared_associates=table.n_shared_associates,
        )
        table = LinkTable(**{f.name: getattr(table, f.name)[strong] for f in fields(table)})
    n = len(loaded.person_ids)
    # How strongly a pair holds its group together (never a measure of a child): a recorded
    # association or a shared incident counts for more than being at the same busy place.
    weight = (
        3.0 * table.n_direct
        + 2.0 * table.n_shared_incidents
        + table.n_shared_associates
        + 0.25 * table.n_co_presence
    )
    key, component = meeting_groups(n, table.a, table.b, weight, max_size=SPLIT_ABOVE)
    sizes = np.bincount(component[component >= 0]) if len(table.a) else np.zeros(0, dtype=np.int64)
    linked = key >= 0

    groups: dict[int, list[int]] = defaultdict(list)
    for index in np.flatnonzero(linked):
        groups[int(key[index])].append(int(index))
    found: dict[int, Cluster] = {}
    for k, members in groups.items():
        ids = [int(loaded.person_ids[i]) for i in members]
        whole = int(sizes[component[members[0]]])
        found[k] = Cluster(
            person_ids=ids,
            agency_ids=set().union(*(agencies[i] for i in ids)),
            pairs=0,
            direct=0,
            shared_associates=0,
            shared_incidents=0,
            co_presence=0,
            part_of=whole if whole > SPLIT_ABOVE else None,
        )
    for i in range(len(table.a)):
        ka, kb = int(key[table.a[i]]), int(key[table.b[i]])
        if ka != kb:  # a link between two communities of one network
            continue
        c = found[ka]
        c.pairs += 1
        c.direct += int(table.n_direct[i] > 0)
        c.shared_associates += int(table.n_shared_associates[i] > 0)
        c.shared_incidents += int(table.n_shared_incidents[i] > 0)
        c.co_presence += int(table.n_co_presence[i] > 0)

    def worth_showing(c: Cluster) -> bool:
        workers = set().union(*(holders[i] for i in c.person_ids))
        return len(workers) > 1 and (not across_agencies or len(c.agency_ids) > 1)

    shown = sorted(
        (c for c in found.values() if worth_showing(c) and c.pairs),
        key=lambda c: (-c.size, min(c.person_ids)),
    )
    return BoroughClusters(
        clusters=shown,
        window_days=window_days,
        linked_children=sum(c.size for c in shown),
    )


def fill_members(viewer: Worker, shown: Sequence[Cluster]) -> None:
    """Names (where the viewer may see them) and case holders for the clusters on one page."""
    ids = [i for c in shown for i in c.person_ids]
    holders = _open_allocations(ids)
    # In their own right: the children a child is clustered with come from her record
    # (relationships, incidents, places), which a forum share does not bring.
    people = Person.objects.in_bulk(
        named_ids(viewer, visible_person_ids(viewer, ids, shared=False))
    )
    for c in shown:
        c.members = sorted(
            (ClusterMember(i, people.get(i), holders.get(i, [])) for i in c.person_ids),
            key=lambda m: (m.person is None, str(m.person or ""), m.person_id),
        )
        held = [h for m in c.members for h in m.holders]
        c.agencies = sorted({h.team.agency.name for h in held})
        c.workers = len({h.worker_id for h in held})


# ---------------------------------------------------------------------------
# Bringing linked children to a meeting


def linked_together(
    viewer: Worker, person_ids: Iterable[int], *, window_days: int = DEFAULT_WINDOW_DAYS
) -> set[int]:
    """Which of ``person_ids`` the evidence joins into one group with a child the viewer sees.

    A child counts when a chain of links (direct association, associates in common, the same
    incidents, the same place within the window) runs from a child the viewer sees to them,
    through children in ``person_ids`` only. A worker who coordinates borough-wide sees the
    clusters of children they may not name, so for them one cluster of such children counts
    too (the largest group in the set that the links join together). This is what lets a
    worker bring a linked case to a meeting knowing only who holds it.
    """
    ids = sorted(set(person_ids))
    if len(ids) < 2:
        return set()
    loaded = load_around(ids, window_days=window_days)
    index = loaded.person_index(ids)
    members = np.zeros(len(loaded.person_ids), dtype=bool)
    members[index] = True
    neighbours: dict[int, set[int]] = defaultdict(set)
    found = find_links(
        loaded.evidence,
        index,
        candidates=members,
        window_days=window_days,
        place_window=loaded.windows(window_days),
    )
    for link in keep_meaningful(loaded, found):
        a, b = int(loaded.person_ids[link.a]), int(loaded.person_ids[link.b])
        neighbours[a].add(b)
        neighbours[b].add(a)
    # From children seen lastingly in one's own right, as ``mapping.selectors.linked_child_ids``.
    reached = _reach(visible_person_ids(viewer, ids, shared=False, break_glass=False), neighbours)
    if policies.can_view_borough_links(viewer):
        # One cluster of children the viewer may not name, as the borough page shows them
        # (linked directly or through one another): the largest such group in the set, not
        # every child with a link, so a long list of ids cannot sweep in the borough.
        groups: list[set[int]] = []
        for start in ids:
            if start not in reached and neighbours[start] and not any(start in g for g in groups):
                groups.append(_reach({start}, neighbours))
        if groups:
            reached |= max(groups, key=lambda g: (len(g), -min(g)))
        # A child linked to nobody in the set is no part of a cluster (the proposal still
        # offers the children the viewer sees, in their own right).
        return {i for i in reached if neighbours[i]}
    return reached


def _reach(start: set[int], neighbours: dict[int, set[int]]) -> set[int]:
    """Everyone the links join to ``start``, ``start`` included."""
    reached = set(start)
    frontier = list(reached)
    while frontier:
        for other in neighbours[frontier.pop()] - reached:
            reached.add(other)
            frontier.append(other)
    return reached


# --- Whose caseload ------------------------------------------------------------------------


def caseload_holders_for(viewer: Worker) -> list[Worker]:
    """Whose caseload's linked cases the viewer may choose: their own, or a team manager's
    whole team's (active workers). A worker whose access waits for a second person
    (``access/provisioning.py``) stays on the list: it gives them no work, it reads the
    children allocated to them today, which their manager oversees all the more while they
    can act on none of it."""
    if viewer.team_id is None or not policies.manages_a_team(viewer):
        return [viewer]
    return list(
        Worker.objects.filter(team_id=viewer.team_id, is_active=True).order_by(
            "last_name", "first_name", "id"
        )
    )


def caseload_holder(viewer: Worker, asked: str | None) -> Worker:
    """Whose caseload: the viewer's own, or (for their manager) a team member's; else 404."""
    if not asked or asked == str(viewer.pk):
        return viewer
    holder = Worker.objects.filter(pk=parse_id(asked)).first()
    if holder is None or not policies.can_view_linked_cases_of(viewer, holder):
        raise Http404("Not found")
    return holder


def caseload_seen_by(viewer: Worker, holder: Worker) -> list[Person]:
    """The children ``holder`` holds now that ``viewer`` sees, by name."""
    return list(caseload_for(viewer=viewer, holder=holder, statuses=False))


def holder_ids(person: Person) -> list[int]:
    """The workers who hold ``person``'s case now (whose own links the page leaves out)."""
    return list(
        Allocation.objects.current().filter(person=person).values_list("worker_id", flat=True)
    )


def link_to_review(
    viewer: Worker, holder: Worker, child_id: object, other_id: object, window_days: int
) -> LinkedCase:
    """The link between a child on ``holder``'s caseload and another child, as the viewer's
    page shows it now; 404 unless the viewer may review that caseload's links and the pair is
    one of them (a child they may not see, or no link, answers the same). ``other_id``: the
    id the page's reference to a child it does not name stands for (``web.refs.person_in``)."""
    if not policies.can_review_links_of(viewer, holder):
        raise Http404("Not found")
    child, other = parse_id(child_id), parse_id(other_id)
    focus = [p for p in caseload_seen_by(viewer, holder) if p.pk == child]
    found = linked_cases(
        viewer=viewer,
        focus=focus,
        exclude_holders=[holder.pk],
        window_days=window_days,
        review_team=holder.team_id,
    )
    case = found.case_for(other)
    if case is None:
        raise Http404("Not found")
    fill_cases(found, [case])
    return case


# For the linked cases page and its API, which offer the same two readings.
def links_for(
    viewer: Worker, *, child: Person | None, holder: Worker | None, window_days: int
) -> CaseloadLinks:
    """One ``child``'s links, read around them (their own case holders left out, the viewer's
    team's reviews shown); else ``holder``'s caseload's, read from the evidence loaded ahead."""
    if child is not None:
        return linked_cases(
            viewer=viewer,
            focus=[child],
            exclude_holders=holder_ids(child),
            window_days=window_days,
            review_team=viewer.team_id,
        )
    assert holder is not None, "a child or a caseload's holder"
    # The caseload's team's reviews, shown to that team only (not an administrator's).
    team = holder.team_id if holder.team_id == viewer.team_id else None
    return linked_cases(
        viewer=viewer,
        focus=caseload_seen_by(viewer, holder),
        exclude_holders=[holder.pk],
        window_days=window_days,
        review_team=team,
        ahead=True,
    )
