"""Reading the records behind Ofsted's Annex A lists, for a period and a viewer.

Each list is read child by child: the children the viewer sees who have a record for the
list in the period, 500 at a time (``specs.chunks``), and for each batch their records in a
few queries, whatever the batch holds. So the queries grow with the batches, never with the
rows (a test pins it).

Two sources fill the lists: the CIN census records (``locus.statutory``, brought in by the
CIN census import) and the legal-status episodes recorded by hand or by the SSDA903 import
(``people.LegalStatusEpisode``). **The census first**: a child with a census record for a
list in the period (a CIN episode for List 6, a child protection plan for List 7) is listed
from the census only; their hand-recorded episodes of that status are left out, as they
record the same plan a second time. A child with no census record for the list is listed
from their hand-recorded episodes. So no child is listed twice for one plan.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from locus.access import scopes
from locus.access.fields import PersonField
from locus.access.models import Worker
from locus.common import periods
from locus.exports.specs import chunks
from locus.people.models import Allocation, LegalStatus, LegalStatusEpisode, Person
from locus.people.selectors import visible_fields, with_fields
from locus.statutory.models import (
    ChildProtectionPlan,
    CINAssessment,
    CINEpisode,
    CINPlan,
    Section47Enquiry,
)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it has fewer)."""
    if months < 0:
        raise ValueError(f"months must not be negative, not {months}")
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    """The six months Annex A covers, up to and including ``end``, and the twelve months
    its "in the last 12 months" columns count over."""

    end: dt.date

    @property
    def start(self) -> dt.date:
        return months_before(self.end, 6) + dt.timedelta(days=1)

    @property
    def year_start(self) -> dt.date:
        return months_before(self.end, 12) + dt.timedelta(days=1)

    def holds(self, day: dt.date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def overlap_q(self, start: str = "start", end: str = "end") -> Q:
        """A record that held at some time in the period (started by its end, not ended
        before its start)."""
        return periods.during_q(self.start, self.end, start=start, end=end)


@dataclass
class Row:
    """One row of a list: the child, who holds them now, and the list's own cells (by
    Annex A's column name). ``key`` names the record for the audit trail."""

    key: str
    person: Person
    cells: dict[str, Any] = field(default_factory=dict)

    @property
    def allocation(self) -> Allocation | None:
        held = getattr(self.person, "open_allocations", [])
        return held[0] if held else None


def _people(viewer: Worker, having: Iterable[QuerySet[Any]]) -> Iterator[list[Person]]:
    """The children the viewer sees with a record in any of ``having`` (querysets of
    records with a ``person_id``), by LA child id, in batches, with their fields, holders
    and census details.

    Only children whose legal status the viewer may see (``access/fields.py``): every list
    puts a child in it by that status (a referral to children's social care, an assessment,
    a section 47 enquiry, a plan, care), so a child on a list tells it to a role whose row
    withholds it, whatever the cells say."""
    seen = scopes.people_visible_to(viewer, shared=False).values("id")
    wanted = Q()
    for records in having:
        wanted |= Q(pk__in=records.values("person_id"))
    people = (
        Person.objects.filter(wanted, pk__in=seen)
        .select_related("census_child")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.current()
                .select_related("worker", "team")
                .order_by("start", "id"),
                to_attr="open_allocations",
            )
        )
        .order_by("la_child_id", "id")
    )
    for chunk in chunks(people):
        shown = with_fields(viewer, chunk, seen=True)
        yield [p for p in shown if PersonField.LEGAL_STATUS in visible_fields(p)]


def _by_person(records: Iterable[Any]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    for record in records:
        found[record.person_id].append(record)
    return found


def _dates_by_person(records: QuerySet[Any], *names: str) -> dict[int, list[dt.date]]:
    """Each person's dates in ``names`` (those not empty): one query."""
    found: dict[int, list[dt.date]] = defaultdict(list)
    for person_id, *days in records.values_list("person_id", *names):
        found[person_id].extend(d for d in days if d is not None)
    return found


# --- List 3: referrals ---------------------------------------------------------------------


def referrals(viewer: Worker, period: Period) -> Iterator[Row]:
    """Every referral (a census CIN episode's referral) in the period, with how many the
    child had in the 12 months to the period's end and whether it came within 12 months of
    an earlier one (a re-referral)."""
    in_period = CINEpisode.objects.filter(referral_date__range=(period.start, period.end))
    for people in _people(viewer, [in_period]):
        ids = [p.pk for p in people]
        earliest = months_before(period.start, 12)
        dates = _dates_by_person(
            CINEpisode.objects.filter(
                person_id__in=ids, referral_date__range=(earliest, period.end)
            ),
            "referral_date",
        )
        episodes = _by_person(in_period.filter(person_id__in=ids).order_by("referral_date", "id"))
        for person in people:
            mine = dates[person.pk]
            for e in episodes[person.pk]:
                since = months_before(e.referral_date, 12)
                yield Row(
                    f"3:cin-episode:{e.pk}",
                    person,
                    {
                        "referral": e,
                        "in_year": sum(period.year_start <= d <= period.end for d in mine),
                        "again": any(since <= d < e.referral_date for d in mine),
                    },
                )


# --- List 4: assessments -------------------------------------------------------------------


def assessments(viewer: Worker, period: Period) -> Iterator[Row]:
    """Every assessment open at some time in the period: started by its end and not
    authorised before its start (one never authorised counts while its episode is open)."""
    in_period = CINAssessment.objects.filter(start__lte=period.end).filter(
        Q(authorised__gte=period.start)
        | Q(authorised__isnull=True, episode__closure_date__isnull=True)
        | Q(authorised__isnull=True, episode__closure_date__gte=period.start)
    )
    for people in _people(viewer, [in_period]):
        found = _by_person(
            in_period.filter(person_id__in=[p.pk for p in people]).order_by("start", "id")
        )
        for person in people:
            for a in found[person.pk]:
                yield Row(f"4:cin-assessment:{a.pk}", person, {"assessment": a})


# --- List 5: section 47 enquiries and initial conferences -----------------------------------


def enquiries(viewer: Worker, period: Period) -> Iterator[Row]:
    """Every section 47 enquiry that started, or whose initial conference was held, in the
    period; with the child's enquiries and initial conferences in the last 12 months."""
    in_period = Section47Enquiry.objects.filter(
        Q(start__range=(period.start, period.end)) | Q(icpc_date__range=(period.start, period.end))
    )
    for people in _people(viewer, [in_period]):
        ids = [p.pk for p in people]
        year = (period.year_start, period.end)
        started = _dates_by_person(
            Section47Enquiry.objects.filter(person_id__in=ids, start__range=year), "start"
        )
        # An initial conference is the enquiry's, or the episode's own (the census holds one
        # on the episode too): counted once for each episode and day.
        conferences: dict[int, set[tuple[int, dt.date | None]]] = defaultdict(set)
        for person_id, episode_id, day in Section47Enquiry.objects.filter(
            person_id__in=ids, icpc_date__range=year
        ).values_list("person_id", "episode_id", "icpc_date"):
            conferences[person_id].add((episode_id, day))
        for person_id, episode_id, day in CINEpisode.objects.filter(
            person_id__in=ids, initial_cpc_date__range=year
        ).values_list("person_id", "id", "initial_cpc_date"):
            conferences[person_id].add((episode_id, day))
        found = _by_person(in_period.filter(person_id__in=ids).order_by("start", "id"))
        plan_starts = _spans(ChildProtectionPlan, ids, "end")
        for person in people:
            for s47 in found[person.pk]:
                plans = {start for start, _ in plan_starts[s47.episode_id]}
                yield Row(
                    f"5:section47:{s47.pk}",
                    person,
                    {
                        "enquiry": s47,
                        # The census starts a plan on the day of the conference that made it.
                        "plan": (s47.icpc_date in plans) if s47.icpc_date else None,
                        "enquiries": len(started[person.pk]),
                        "conferences": len(conferences[person.pk]),
                    },
                )


# --- Lists 6 to 8: children in need, on plans, in care ---------------------------------------


def _episodes(status: str, period: Period) -> QuerySet[LegalStatusEpisode]:
    return LegalStatusEpisode.objects.open_during(period.start, period.end).filter(status=status)


def _open_on(episodes: Iterable[LegalStatusEpisode], day: dt.date) -> set[str]:
    return {e.status for e in episodes if periods.held_on(e.start, e.end, day)}


Spans = dict[int, list[tuple[dt.date, dt.date | None]]]


def _spans(model: Any, ids: list[int], until: str) -> Spans:
    """The start and end (``until``) of each of ``model``'s records for these people, by
    episode: one query, read as plain values (no model objects to build)."""
    found: Spans = defaultdict(list)
    for episode_id, start, end in model.objects.filter(person_id__in=ids).values_list(
        "episode_id", "start", until
    ):
        found[episode_id].append((start, end))
    return found


def _case_status(
    episode: CINEpisode, period: Period, statuses: set[str], parts: tuple[Spans, Spans, Spans]
) -> str:
    """Annex A's case status as it stood at the period's end, the first that holds:
    looked after, on a child protection plan, on a child in need plan, an assessment open,
    or the episode closed."""
    end = period.end
    if episode.closure_date is not None and episode.closure_date <= end:
        return "Closed episode"
    if LegalStatus.LOOKED_AFTER in statuses:
        return "Looked after child"

    cp_plans, plans, assessments = parts
    for spans, status in (
        (cp_plans, "Child Protection plan"),
        (plans, "Child in need plan"),
        (assessments, "Open assessment"),
    ):
        if any(start <= end and _after(until, end) for start, until in spans[episode.pk]):
            return status
    return ""


def _after(day: dt.date | None, end: dt.date) -> bool:
    """Not ended by ``end``: no end yet, or a later one."""
    return day is None or day > end


def _hand_status(episode: LegalStatusEpisode, period: Period, statuses: set[str]) -> str:
    if episode.end is not None and episode.end <= period.end:
        return "Closed episode"
    if LegalStatus.LOOKED_AFTER in statuses:
        return "Looked after child"
    if LegalStatus.CHILD_PROTECTION in statuses:
        return "Child Protection plan"
    return ""


def children_in_need(viewer: Worker, period: Period) -> Iterator[Row]:
    """List 6: every CIN episode open at some time in the period (a referral closed with no
    further action is a referral, in List 3, not a child in need), census first; for a child
    with none in the census, their hand-recorded child in need (s.17) episodes."""
    census = CINEpisode.objects.filter(
        period.overlap_q("referral_date", "closure_date"), referral_nfa=False
    )
    hand = _episodes(LegalStatus.CHILD_IN_NEED, period)
    for people in _people(viewer, [census, hand]):
        ids = [p.pk for p in people]
        from_census = _by_person(census.filter(person_id__in=ids).order_by("referral_date", "id"))
        parts = (
            _spans(ChildProtectionPlan, ids, "end"),
            _spans(CINPlan, ids, "end"),
            _spans(CINAssessment, ids, "authorised"),
        )
        held = _by_person(
            LegalStatusEpisode.objects.filter(person_id__in=ids).order_by("start", "id")
        )
        for person in people:
            statuses = _open_on(held[person.pk], period.end)
            for e in from_census[person.pk]:
                yield Row(
                    f"6:cin-episode:{e.pk}",
                    person,
                    {"census": e, "case_status": _case_status(e, period, statuses, parts)},
                )
            if from_census[person.pk]:
                continue
            for ep in held[person.pk]:
                if ep.status == LegalStatus.CHILD_IN_NEED and _overlaps(ep, period):
                    yield Row(
                        f"6:episode:{ep.pk}",
                        person,
                        {"episode": ep, "case_status": _hand_status(ep, period, statuses)},
                    )


def _overlaps(episode: LegalStatusEpisode, period: Period) -> bool:
    return periods.held_during(episode.start, episode.end, period.start, period.end)


def child_protection(viewer: Worker, period: Period) -> Iterator[Row]:
    """List 7: every child protection plan open at some time in the period, census first;
    for a child with none in the census, their hand-recorded child protection episodes."""
    census = ChildProtectionPlan.objects.filter(period.overlap_q())
    hand = _episodes(LegalStatus.CHILD_PROTECTION, period)
    for people in _people(viewer, [census, hand]):
        ids = [p.pk for p in people]
        plans = _by_person(census.filter(person_id__in=ids).order_by("start", "id"))
        earlier = _by_person(
            ChildProtectionPlan.objects.filter(person_id__in=ids, start__lt=period.end)
        )
        held = _by_person(
            LegalStatusEpisode.objects.filter(
                person_id__in=ids, status=LegalStatus.CHILD_PROTECTION
            ).order_by("start", "id")
        )
        for person in people:
            for plan in plans[person.pk]:
                # The census's own count when the return gave one; else the plans it holds.
                before = sum(p.start < plan.start for p in earlier[person.pk])
                previous = plan.previous_plans if plan.previous_plans is not None else before
                yield Row(f"7:cp-plan:{plan.pk}", person, {"plan": plan, "previous": previous})
            if plans[person.pk]:
                continue
            mine = held[person.pk]
            for ep in mine:
                if _overlaps(ep, period):
                    previous = sum(o.end is not None and o.end < ep.start for o in mine)
                    yield Row(f"7:episode:{ep.pk}", person, {"episode": ep, "previous": previous})


def children_in_care(viewer: Worker, period: Period) -> Iterator[Row]:
    """List 8: every period of care open at some time in the period, one row each, with its
    latest legal status by the period's end. A period of care is a run of looked-after
    episodes, each starting the day the one before it ended (as the SSDA903 import records a
    change of legal status)."""
    hand = _episodes(LegalStatus.LOOKED_AFTER, period)
    for people in _people(viewer, [hand]):
        held = _by_person(
            LegalStatusEpisode.objects.filter(
                person_id__in=[p.pk for p in people], status=LegalStatus.LOOKED_AFTER
            ).order_by("start", "id")
        )
        for person in people:
            runs = _runs(held[person.pk])
            for i, run in enumerate(runs):
                shown = [e for e in run if e.start <= period.end]
                began, last = run[0].start, run[-1].end
                if not shown or (last is not None and last < period.start):
                    continue
                again = any(
                    r[-1].end is not None and period.year_start <= r[-1].end < began
                    for r in runs[:i]
                )
                yield Row(
                    f"8:episode:{shown[-1].pk}",
                    person,
                    {"episode": shown[-1], "began": began, "ceased": last, "again": again},
                )


def _runs(episodes: list[LegalStatusEpisode]) -> list[list[LegalStatusEpisode]]:
    runs: list[list[LegalStatusEpisode]] = []
    for e in episodes:
        if runs and runs[-1][-1].end is not None and runs[-1][-1].end == e.start:
            runs[-1].append(e)
        else:
            runs.append([e])
    return runs
