"""A place's timeline: what happened at a context, on one axis, for one viewer.

The timeline is built from :data:`SOURCES`, a tuple of functions ``(viewer, context) ->
Iterable[Event]``. Each source reads its own records through its own app's scoped reads
and decides what of them the viewer may be told: an incident the viewer may not see is
never an event, a partner is given only its own agency's actions, an assessment's ratings
only to those who may read the assessment. Adding a source (visits, safety ratings, a
hotspot's status) is one function here and one line in :data:`SOURCES`; the page, its
filter and its paging take the new events as they come.

Beside the events, two reads of the place's incidents as counts: :func:`weekly_incidents`
(the chart) and :func:`before_and_after` (the plan's start, in words). Both count what
``places.selectors.incidents_counted`` counts (the same as the page's "by kind" table), so
the numbers on one page agree with each other.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from locus.access import context_cases as case_rules
from locus.access.models import Worker
from locus.casework.models import (
    Approval,
    ApprovalOutcome,
    ApprovalSubject,
    ConferenceStatus,
    ContextAssessment,
    ContextCase,
    PlanAction,
    PlanActionUpdate,
)
from locus.common import clock
from locus.forums.models import ActionStatus
from locus.incidents.selectors import InvolvementView, incidents_for, involvement_views
from locus.outreach.models import VisitStatus
from locus.outreach.selectors import visits_for_context
from locus.places.models import Context
from locus.places.selectors import incidents_counted
from locus.safety.disclosure import THRESHOLD
from locus.safety.selectors import AreaRow, area_ratings_for_context

# --- The events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One thing on a place's timeline.

    ``kind`` is the word the page filters by ("Incident", "Case", "Rating"): a source
    chooses it, and the filter offers the kinds the timeline holds. ``detail`` is plain
    text the page escapes. ``involved`` names people only as their source allowed
    (an incident's people: a name, or ``None`` for someone the viewer may not see);
    the page's audit lists those it shows.
    """

    when: dt.datetime | dt.date
    kind: str
    title: str
    detail: str = ""
    url: str | None = None
    by: str = ""
    involved: tuple[InvolvementView, ...] = field(default=(), compare=False)
    #: The record shown, as the audit names it ("incidents.incident:12"), where the event
    #: shows one of a record's own words (an incident's summary); "" otherwise.
    record: str = ""

    @property
    def at(self) -> dt.datetime:
        """When, as an aware time: a day-only event stands at the start of its day."""
        if isinstance(self.when, dt.datetime):
            return self.when
        return timezone.make_aware(dt.datetime.combine(self.when, dt.time.min))

    @property
    def day(self) -> dt.date:
        return _local_day(self.when) if isinstance(self.when, dt.datetime) else self.when

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, dt.datetime)

    @property
    def people_shown(self) -> set[int]:
        return {v.person_id for v in self.involved if v.name}


Source = Callable[[Worker, Context], Iterable[Event]]


def _local_day(when: dt.datetime) -> dt.date:
    """The day a recorded time fell on, in the borough's time zone."""
    return timezone.localtime(when).date()


# --- Incidents -----------------------------------------------------------------------------


INCIDENT = "incidents.incident"


def incident_events(viewer: Worker, context: Context) -> Iterable[Event]:
    """The incidents at the place the viewer may see (``incidents.selectors.incidents_for``):
    one read, however many there are. Who was involved is read for the page shown only
    (:func:`name_people`), not for every incident of a busy place."""
    incidents = incidents_for(viewer=viewer).filter(context=context).prefetch_related(None)
    for incident in incidents:
        yield Event(
            when=incident.occurred_at,
            kind="Incident",
            title=incident.get_kind_display(),
            detail=incident.summary,
            url=reverse("incident", args=[incident.pk]),
            by=f"Reported by {incident.reporting_agency.name}",
            record=f"{INCIDENT}:{incident.pk}",
        )


def _incident_people(viewer: Worker, ids: list[int]) -> dict[int, list[InvolvementView]]:
    """Who was involved in each of these incidents (already scoped by their source), named
    only where the viewer may see them: two reads for the lot."""
    incidents = list(incidents_for(viewer=viewer).filter(pk__in=ids))
    return involvement_views(viewer=viewer, incidents=incidents)


#: How the people in a page's events are read, by the kind of record the event shows: a
#: source whose events name people adds its reader here (one read per page, not per event).
PEOPLE: dict[str, Callable[[Worker, list[int]], dict[int, list[InvolvementView]]]] = {
    INCIDENT: _incident_people,
}


def name_people(viewer: Worker, events: Sequence[Event]) -> list[Event]:
    """The events of the page shown, each with its people (``involved``) as their record's
    reader in :data:`PEOPLE` names them to the viewer."""
    wanted: dict[str, list[int]] = {}
    for event in events:
        kind, _, pk = event.record.partition(":")
        if kind in PEOPLE:
            wanted.setdefault(kind, []).append(int(pk))
    found = {kind: PEOPLE[kind](viewer, ids) for kind, ids in wanted.items()}
    out = []
    for event in events:
        kind, _, pk = event.record.partition(":")
        people = found.get(kind, {}).get(int(pk)) if kind in found else None
        out.append(replace(event, involved=tuple(people)) if people else event)
    return out


# --- The context case's life ---------------------------------------------------------------


def _cases(viewer: Worker, context: Context) -> list[ContextCase]:
    """The place's cases the viewer may see, with everything their events need, in a fixed
    number of queries (one per relation, not per case or per event)."""
    return list(
        case_rules.cases_visible_to(viewer)
        .filter(context=context)
        .select_related(
            "lead", "threshold_level", "assessment__assessor", "plan", "closure_requested_by"
        )
        .prefetch_related(
            # Only the referrals the viewer may open: another agency's referral says who
            # told whom what about the place.
            Prefetch(
                "referrals",
                queryset=case_rules.referrals_visible_to(viewer).select_related("referring_agency"),
            ),
            "assessment__findings",
            "conferences",
            "plan__reviews",
            Prefetch("plan__actions", queryset=PlanAction.objects.select_related("agency")),
            Prefetch(
                "plan__actions__updates",
                queryset=PlanActionUpdate.objects.select_related("from_team").order_by("at", "id"),
            ),
            Prefetch("approvals", queryset=Approval.objects.select_related("by")),
            "threshold_revisions__before",
            "threshold_revisions__after",
        )
        .order_by("opened_at", "id")
    )


def _case_url(case: ContextCase, page: str = "context-case") -> str:
    return reverse(page, args=[case.pk])


def case_events(viewer: Worker, context: Context) -> Iterable[Event]:
    """A case's life at the place: opened from its referrals, assessed, conferenced, planned,
    reviewed, acted on and closed, and its domain ratings and re-ratings (kind "Rating").
    Partners see only their own agency's actions and not the assessment
    (``access.context_cases``). One read of the place's cases serves both: the viewer's scope
    is the costly part of the query to build."""
    all_actions = case_rules.sees_all_actions(viewer)
    for case in _cases(viewer, context):
        url = _case_url(case)
        yield Event(
            case.opened_at,
            "Case",
            "Context case opened",
            f"At {case.threshold_level}, led by {case.lead}",
            url,
        )
        for referral in case.referrals.all():
            decided = f": {referral.get_decision_display()}" if referral.decision else ""
            yield Event(
                referral.received_on,
                "Case",
                f"Referral received from {referral.referring_agency.name}",
                f"{referral.get_status_display()}{decided}",
                reverse("context-referral", args=[referral.pk]),
            )
        for revision in case.threshold_revisions.all():
            yield Event(
                revision.at,
                "Case",
                f"Threshold changed from {revision.before} to {revision.after}",
                revision.reason,
                url,
            )
        yield from _assessment_events(viewer, case)
        yield from _conference_events(case)
        yield from _plan_events(viewer, case, all_actions=all_actions)
        yield from _closure_events(case)
        yield from _rating_events(viewer, case)


def _assessment(viewer: Worker, case: ContextCase) -> ContextAssessment | None:
    """The case's assessment, for a viewer who may read it (a partner may not)."""
    if not case_rules.can_view_assessment(viewer, case):
        return None
    return getattr(case, "assessment", None)


def _assessment_events(viewer: Worker, case: ContextCase) -> Iterable[Event]:
    assessment = _assessment(viewer, case)
    if assessment is None:
        return
    url = _case_url(case, "context-assessment")
    if assessment.started_at:
        yield Event(
            assessment.started_at,
            "Case",
            "Assessment started",
            "",
            url,
            f"by {assessment.assessor}" if assessment.assessor_id else "",
        )
    if assessment.approved_at:
        recommends = assessment.get_recommendation_display()
        yield Event(
            assessment.approved_at,
            "Case",
            "Assessment completed and signed off",
            f"Recommends: {recommends}" if recommends else "",
            url,
        )


def _conference_events(case: ContextCase) -> Iterable[Event]:
    url = _case_url(case, "context-conference")
    for conference in case.conferences.all():
        when = conference.scheduled_for or conference.recorded_at
        if when is None:
            continue
        if conference.status == ConferenceStatus.HELD:
            detail = {True: "A plan was agreed", False: "No plan was agreed", None: ""}[
                conference.plan_agreed
            ]
            yield Event(when, "Case", "Context conference held", detail, url)
        else:
            where = f"At {conference.location}" if conference.location else ""
            yield Event(when, "Case", "Context conference scheduled", where, url)


def _plan_events(viewer: Worker, case: ContextCase, *, all_actions: bool) -> Iterable[Event]:
    plan = getattr(case, "plan", None)
    if plan is None:
        return
    url = _case_url(case, "context-plan")
    if plan.approved_at:
        yield Event(plan.approved_at, "Case", "Plan agreed and approved", "", url)
    for review in plan.reviews.all():
        if review.held_on:
            yield Event(review.held_on, "Case", "Plan reviewed", review.get_decision_display(), url)
    if plan.ended_at:
        yield Event(plan.ended_at, "Case", "Plan ended", "", url)
    today = clock.today()
    for action in plan.actions.all():
        if not all_actions and action.agency_id != viewer.agency_id:
            continue
        what = f"{action.description} ({action.agency.name})"
        # A partner reads an action given to it from the hand-over into it on
        # (case_rules.updates_shown).
        updates, _earlier = case_rules.updates_shown(
            action.updates.all(), viewer=viewer, whole=all_actions
        )
        for update in updates:
            yield Event(update.at, "Case", _update_title(update), f"{what}: {update.note}", url)
        if not action.is_finished:
            title = "Action overdue" if action.due_on < today else "Action due"
            yield Event(action.due_on, "Case", title, what, url)


def _update_title(update: PlanActionUpdate) -> str:
    if not update.previous_status:
        return "Action agreed"
    if update.status == ActionStatus.DONE:
        return "Action completed"
    if update.status == ActionStatus.STOPPED:
        return "Action stopped"
    return f"Action updated: {update.get_status_display().lower()}"


def _closure_events(case: ContextCase) -> Iterable[Event]:
    url = _case_url(case, "context-closure")
    outcome = case.get_closure_outcome_display()
    because = f"{outcome}. {case.closure_reason}" if outcome else case.closure_reason
    if case.closure_requested_at:
        who = f"by {case.closure_requested_by}" if case.closure_requested_by_id else ""
        yield Event(case.closure_requested_at, "Case", "Closure requested", because, url, who)
    for approval in case.approvals.all():
        if approval.subject != ApprovalSubject.CLOSURE:
            continue
        by = f"by {approval.by}"
        if approval.outcome == ApprovalOutcome.APPROVED:
            yield Event(approval.at, "Case", "Closure approved: case closed", because, url, by)
        else:
            yield Event(approval.at, "Case", "Closure not approved", approval.note, url, by)


# --- Ratings and re-ratings ----------------------------------------------------------------


def _rating(value: str) -> str:
    return value.capitalize() if value else "not rated"


def _rating_events(viewer: Worker, case: ContextCase) -> Iterable[Event]:
    """The case's domain ratings: as the assessment rated them, and as the closure re-rated
    them (``ContextCase.closure_ratings``), each domain beside its earlier rating. Ratings rate
    the place's domains, never a child. Read from the case as :func:`_cases` loaded it."""
    assessment = _assessment(viewer, case)
    if assessment is None:
        return
    findings = list(assessment.findings.all())
    rated = [f for f in findings if f.rating]
    when = assessment.approved_at or assessment.submitted_at
    if rated and when:
        yield Event(
            when,
            "Rating",
            "Domains rated at assessment",
            "; ".join(f"{f.title}: {_rating(f.rating)}" for f in rated),
            _case_url(case, "context-assessment"),
        )
    again = case.closure_ratings or {}
    if again and case.closure_requested_at:
        yield Event(
            case.closure_requested_at,
            "Rating",
            "Domains re-rated for closure",
            "; ".join(
                f"{f.title}: {_rating(f.rating)} to {_rating(again[f.key])}"
                for f in findings
                if f.key in again
            ),
            _case_url(case, "context-closure"),
        )


def safety_events(viewer: Worker, context: Context) -> Iterable[Event]:
    """How young people rated the place in their own safety maps, month by month: counts of
    children, suppressed as on the area picture (``safety.selectors``), and nothing for a
    viewer who may not see the area picture. No child and none of their words."""
    for row in area_ratings_for_context(viewer, context):
        yield Event(row.month, "Safety rating", _safety_title(row), _safety_detail(row))


def _safety_title(row: AreaRow) -> str:
    month = row.month.strftime("%B %Y")
    if row.counts.total is None:
        return (
            f"Fewer than {THRESHOLD} young people marked this place on their safety maps in {month}"
        )
    return f"{row.counts.total} young people marked this place on their safety maps in {month}"


def _safety_detail(row: AreaRow) -> str:
    if row.counts.total is None:
        return "Numbers this small are not shown, so that nobody can be recognised."
    shown = (("red", row.red), ("amber", row.amber), ("green", row.green))
    return ", ".join(f"{word}: {'withheld' if n is None else n}" for word, n in shown) + "."


def visit_events(viewer: Worker, context: Context) -> Iterable[Event]:
    """Visits to reclaim the place (``outreach.selectors``), made or missed, as counts of the
    young people met: who they were is on the visit's own page, named to those who may see
    them."""
    for line in visits_for_context(viewer, context):
        visit = line.visit
        url = reverse("visit-plan", args=[visit.plan_id])
        record = f"outreach.visit:{visit.pk}"
        if visit.status == VisitStatus.MISSED:
            yield Event(visit.on, "Visit", "Visit missed", visit.missed_reason, url, record=record)
            continue
        met = f"Met {visit.met_count} young {'person' if visit.met_count == 1 else 'people'}"
        parts = [f"{met}, {visit.engaged_count} engaged.", visit.observed, visit.concerns]
        yield Event(
            visit.on,
            "Visit",
            "Visit made (unplanned)" if visit.unplanned else "Visit made",
            " ".join(p.strip() for p in parts if p.strip()),
            url,
            by=", ".join(line.went),
            record=record,
        )


# --- The timeline --------------------------------------------------------------------------

#: Every source of the place page's timeline, in no particular order (events are sorted).
SOURCES: tuple[Source, ...] = (
    incident_events,
    case_events,  # with each case's ratings, from the same read of the place's cases
    safety_events,
    visit_events,
)


def timeline_for(
    viewer: Worker, context: Context, sources: Sequence[Source] = SOURCES
) -> list[Event]:
    """Every event the sources give this viewer at the place, newest first."""
    events = [event for source in sources for event in source(viewer, context)]
    events.sort(key=lambda e: (e.at, e.has_time), reverse=True)
    return events


def kinds_of(events: Iterable[Event]) -> list[tuple[str, int]]:
    """The kinds the events hold and how many of each, by kind name: the filter's choices."""
    return sorted(Counter(e.kind for e in events).items())


def of_kinds(events: list[Event], kinds: Iterable[str]) -> list[Event]:
    """The events of the kinds asked for (all of them when none is asked for)."""
    wanted = set(kinds)
    return [e for e in events if e.kind in wanted] if wanted else events


@dataclass(frozen=True)
class Month:
    label: str
    events: list[Event]


def by_month(events: Iterable[Event]) -> list[Month]:
    """Events (newest first) grouped under their month; what is still to come (an action due,
    a conference booked) is grouped first as "Coming up", soonest first."""
    today = clock.today()

    def key(e: Event) -> str:
        return "Coming up" if e.day > today else f"{e.day:%B %Y}"

    months = [Month(label, list(group)) for label, group in groupby(events, key=key)]
    if months and months[0].label == "Coming up":
        months[0].events.reverse()  # the soonest first
    return months


# --- Incidents as counts -------------------------------------------------------------------

CHART_WEEKS = 52


@dataclass(frozen=True)
class Week:
    start: dt.date  # a Monday
    count: int


@dataclass(frozen=True)
class WeeklyChart:
    weeks: list[Week]
    #: The Monday of the week the plan started, if it started within the chart.
    plan_week: dt.date | None = None

    @property
    def total(self) -> int:
        return sum(w.count for w in self.weeks)

    @property
    def peak(self) -> int:
        return max((w.count for w in self.weeks), default=0)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def weekly_incidents(
    days: Sequence[dt.date], *, weeks: int = CHART_WEEKS, plan_start: dt.date | None = None
) -> WeeklyChart:
    """How many of ``days`` (the days incidents happened on) fall in each of the last
    ``weeks`` weeks, Monday to Sunday, this week last."""
    first = _monday(clock.today()) - dt.timedelta(weeks=weeks - 1)
    counts = Counter(_monday(day) for day in days if day >= first)
    mondays = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    plan_week = _monday(plan_start) if plan_start and plan_start >= first else None
    return WeeklyChart([Week(m, counts.get(m, 0)) for m in mondays], plan_week)


BEFORE_AFTER_WEEKS = 12


@dataclass(frozen=True)
class BeforeAfter:
    """Incidents in the weeks before a plan started and in those since, at most ``weeks``
    each side."""

    started: dt.date
    case_id: int
    weeks_before: int
    before: int
    days_after: int
    after: int

    @property
    def weeks_after(self) -> float:
        return self.days_after / 7

    @property
    def too_soon(self) -> bool:
        return self.days_after < 7

    @property
    def rate_before(self) -> float:
        return self.before / self.weeks_before

    @property
    def rate_after(self) -> float:
        return self.after / self.weeks_after if self.days_after else 0.0

    @property
    def change(self) -> str:
        """The change in plain words: fewer, more or about the same per week."""
        if self.rate_after < self.rate_before * 0.9:
            return "fewer"
        if self.rate_after > self.rate_before * 1.1:
            return "more"
        return "about the same number of"


def plan_started(cases: Iterable[ContextCase]) -> ContextCase | None:
    """Of the place's cases the viewer sees (``casework.selectors.context_cases_for``, which
    reads each with its plan), the latest whose plan was approved."""
    started = [c for c in cases if getattr(c, "plan", None) and c.plan.approved_at]
    return max(started, key=lambda c: (c.plan.approved_at, c.pk), default=None)


def before_and_after(
    days: Sequence[dt.date], case: ContextCase | None, *, weeks: int = BEFORE_AFTER_WEEKS
) -> BeforeAfter | None:
    """How many of ``days`` fall in the ``weeks`` weeks before ``case``'s plan was approved,
    and since (up to ``weeks`` weeks, today included). None without a started plan."""
    if case is None or case.plan.approved_at is None:
        return None
    started = _local_day(case.plan.approved_at)
    end = min(started + dt.timedelta(weeks=weeks), clock.today() + dt.timedelta(days=1))
    return BeforeAfter(
        started=started,
        case_id=case.pk,
        weeks_before=weeks,
        before=sum(1 for d in days if started - dt.timedelta(weeks=weeks) <= d < started),
        days_after=(end - started).days,
        after=sum(1 for d in days if started <= d < end),
    )


@dataclass(frozen=True)
class Counts:
    chart: WeeklyChart
    before_after: BeforeAfter | None


def incident_counts(viewer: Worker, context: Context, case: ContextCase | None) -> Counts:
    """The chart and the before-and-after of the place's incidents, counted as the page's
    "by kind" table counts them (``places.selectors.incidents_counted``: at a public place
    every incident but restricted intelligence the viewer may not see; at a home only those
    the viewer sees), from one read of the days they happened on."""
    since = _monday(clock.today()) - dt.timedelta(weeks=CHART_WEEKS - 1)
    if case is not None and case.plan.approved_at is not None:
        plan_since = _local_day(case.plan.approved_at) - dt.timedelta(weeks=BEFORE_AFTER_WEEKS)
        since = min(since, plan_since)
    times = incidents_counted(viewer, context).filter(occurred_at__gte=_midnight(since))
    days = [_local_day(t) for t in times.values_list("occurred_at", flat=True)]
    before_after = before_and_after(days, case)
    plan_start = before_after.started if before_after else None
    return Counts(weekly_incidents(days, plan_start=plan_start), before_after)


# --- The chart's drawing -------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week: Week


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    #: The SVG text-anchor: "end" for a label that would run past the right edge.
    anchor: str = "start"


# About how wide a 12px label is per letter, in the drawing's units: enough to tell whether a
# label starting at a bar would be cut off by the chart's right edge.
LETTER_WIDTH = 8


def _tick(x: float, label: str) -> Tick:
    """A label starting at ``x``, or, where it would not fit before the right edge (this
    month's label at the last week), ending at the edge instead."""
    if x + LETTER_WIDTH * len(label) > CHART_WIDTH:
        return Tick(CHART_WIDTH, label, "end")
    return Tick(x, label)


# The drawing's own units (the SVG scales to its column): a plot area with room on the left
# for the counts and below for the months.
CHART_WIDTH, CHART_HEIGHT, LEFT, BOTTOM, TOP = 640, 200, 36, 24, 12


def chart_drawing(chart: WeeklyChart) -> dict[str, object]:
    """Where each bar, month label and the plan's line go in the SVG, for the template."""
    step = (CHART_WIDTH - LEFT) / max(len(chart.weeks), 1)
    plot = CHART_HEIGHT - BOTTOM - TOP
    peak = max(chart.peak, 1)
    bars = [
        Bar(
            round(LEFT + i * step + 1, 1),
            round(TOP + plot - plot * w.count / peak, 1),
            round(step - 2, 1),
            round(plot * w.count / peak, 1),
            w,
        )
        for i, w in enumerate(chart.weeks)
    ]
    # A label at the first week of every other month keeps a year's axis readable.
    months = [
        _tick(b.x, f"{b.week.start:%b}")
        for i, b in enumerate(bars)
        if i == 0 or b.week.start.month != bars[i - 1].week.start.month
    ][::2]
    plan = next((b.x for b in bars if b.week.start == chart.plan_week), None)
    return {
        "bars": bars,
        "months": months,
        "plan_x": plan,
        "plan_label": None if plan is None else _tick(plan, "Plan"),
        "peak": chart.peak,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": LEFT,
        "top": TOP,
        "base": CHART_HEIGHT - BOTTOM,
    }
