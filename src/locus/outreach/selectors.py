"""Reads for visits and protected homes, always for a viewer, in a fixed number of queries.

A young person met on a visit is named only to a viewer who sees them in their own right
(``visible_person_ids(..., shared=False)``): a visit is the place's work, and a forum share
shows a child's shared fields on the child's page, not the places they were met at.
Everyone else who sees the visit sees the count of young people met and engaged, never who
they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from locus.access import outreach as rules
from locus.access import scopes
from locus.access.context_cases import cases_visible_to, referrals_visible_to, sees_all_actions
from locus.access.models import Agency, Worker
from locus.access.selectors import all_agencies, visible_person_ids
from locus.casework.models import ContextCase, PlanAction, Referral
from locus.common import periods
from locus.common.queries import word_begins
from locus.common.services import today
from locus.incidents.models import Incident, Involvement
from locus.outreach.models import HomeConsent, Visit, VisitPerson, VisitPlan
from locus.people.models import Person
from locus.places.models import Context

#: How far back an unrecorded planned visit stays due (overdue), and how far ahead it shows.
DUE_BACK = dt.timedelta(days=28)
DUE_AHEAD = dt.timedelta(days=7)
#: A visit's date may be recorded up to this long after it (a late write-up), never ahead.
RECORD_BACK = dt.timedelta(days=90)


def planned_dates(plan: VisitPlan, start: dt.date, end: dt.date) -> list[dt.date]:
    """The plan's visit dates from ``start`` to ``end`` (both included): its weekday, every
    ``every_weeks`` weeks from the first such weekday on or after ``starts_on``, until
    ``ends_on``."""
    first = plan.starts_on + dt.timedelta(days=(plan.weekday - plan.starts_on.weekday()) % 7)
    step = 7 * plan.every_weeks
    last = min(end, plan.ends_on) if plan.ends_on else end
    if last < first:
        return []
    skip = max(0, -(-(start - first).days // step))  # whole steps before ``start``, rounded up
    day = first + dt.timedelta(days=skip * step)
    dates = []
    while day <= last:
        dates.append(day)
        day += dt.timedelta(days=step)
    return dates


def due_dates(plan: VisitPlan, recorded: Iterable[dt.date], on: dt.date) -> list[dt.date]:
    """The planned dates not yet recorded, from four weeks back to a week ahead of ``on``."""
    done = set(recorded)
    return [d for d in planned_dates(plan, on - DUE_BACK, on + DUE_AHEAD) if d not in done]


def _recordable(plan: VisitPlan, day: dt.date, on: dt.date) -> bool:
    """Whether a visit may be recorded on ``day`` when today is ``on``, as the service
    checks it: its day has come, within ``RECORD_BACK``, within the plan's dates (the date
    already recorded is checked apart)."""
    ended = plan.ends_on is not None and day > plan.ends_on
    return on - RECORD_BACK <= day <= on and day >= plan.starts_on and not ended


def day_to_record(plan: VisitPlan, asked: dt.date | None = None) -> dt.date | None:
    """The date a visit form opens with, one it accepts: ``asked`` (a planned date's link)
    when a visit may be recorded on it, else the plan's earliest planned date up to today
    still to record (the next in its rhythm; overdue first, as My work lists them), else
    today (an extra visit) when a visit may be recorded today; None when none may (the plan
    starts later or has ended, or today is recorded). One query."""
    on = today()
    recorded = set(plan.visits.filter(on__gte=on - RECORD_BACK).values_list("on", flat=True))
    if asked is not None and _recordable(plan, asked, on) and asked not in recorded:
        return asked
    due = [day for day in due_dates(plan, recorded, on) if day <= on]
    if due:
        return due[0]
    return on if _recordable(plan, on, on) and on not in recorded else None


def day_to_mark_missed(plan: VisitPlan, asked: dt.date | None = None) -> dt.date | None:
    """The date a missed-visit form opens with, one it accepts: ``asked`` (a planned date's
    link) when it may be marked missed, else the plan's latest planned date that may (up to
    today, within ``RECORD_BACK``, not yet recorded); None when none may. One query."""
    on = today()
    recorded = set(plan.visits.filter(on__gte=on - RECORD_BACK).values_list("on", flat=True))
    open_days = [day for day in planned_dates(plan, on - RECORD_BACK, on) if day not in recorded]
    if asked in open_days:
        return asked
    return open_days[-1] if open_days else None


# --- Visits, as a viewer sees them ------------------------------------------------------------


@dataclass
class VisitLine:
    visit: Visit
    names: list[str]
    went: list[str]
    shown_ids: list[int] = field(default_factory=list)
    incident_shown: bool = False
    referral_shown: bool = False


def _visits() -> QuerySet[Visit]:
    return Visit.objects.select_related("plan__context", "recorded_by").prefetch_related(
        Prefetch("went", queryset=Worker.objects.order_by("last_name", "first_name", "id")),
        Prefetch("people", queryset=VisitPerson.objects.select_related("person").order_by("id")),
    )


def _lines(viewer: Worker, visits: Sequence[Visit]) -> list[VisitLine]:
    """Each visit with the names of the young people met that ``viewer`` may see (one query
    for sight, and one each for the incidents and referrals it links that they see)."""
    met = {link.person_id for v in visits for link in v.people.all()}
    # In their own right, as at an incident there: a share names the child on their page only.
    seen = visible_person_ids(viewer, met, shared=False)
    incidents = {v.incident_id for v in visits if v.incident_id}
    referrals = {v.referral_id for v in visits if v.referral_id}
    incidents_seen = (
        set(
            scopes.incidents_visible_to(viewer)
            .filter(id__in=incidents)
            .values_list("id", flat=True)
        )
        if incidents
        else set()
    )
    referrals_seen = (
        set(referrals_visible_to(viewer).filter(id__in=referrals).values_list("id", flat=True))
        if referrals
        else set()
    )
    lines = []
    for v in visits:
        named = [link for link in v.people.all() if link.person_id in seen]
        lines.append(
            VisitLine(
                visit=v,
                names=[link.person.full_name for link in named],
                went=[str(w) for w in v.went.all()],
                shown_ids=[link.person_id for link in named],
                incident_shown=v.incident_id in incidents_seen,
                referral_shown=v.referral_id in referrals_seen,
            )
        )
    return lines


def people_shown(lines: Iterable[VisitLine]) -> list[int]:
    """The ids of the young people ``lines`` name, for the page's audit record."""
    return sorted({pid for line in lines for pid in line.shown_ids})


def records_shown(lines: Iterable[VisitLine]) -> dict[str, list[int]]:
    """The incidents and referrals ``lines`` link to (those the viewer may open), by id, for
    the page's audit record."""
    lines = list(lines)
    return {
        "incidents_shown": [
            ln.visit.incident_id for ln in lines if ln.incident_shown and ln.visit.incident_id
        ],
        "referrals_shown": [
            ln.visit.referral_id for ln in lines if ln.referral_shown and ln.visit.referral_id
        ],
    }


def visits_for_context(viewer: Worker, context: Context) -> list[VisitLine]:
    """The visits to ``context`` that ``viewer`` may see, newest first (for the context's
    page and its timeline): a fixed number of queries whatever the number of visits."""
    plans = rules.plans_visible_to(viewer).filter(context=context)
    visits = list(_visits().filter(plan__in=plans))
    return _lines(viewer, visits)


# --- Plans --------------------------------------------------------------------------------------


def plans_for(viewer: Worker) -> QuerySet[VisitPlan]:
    """Every visit plan the viewer sees, newest first, with its context (for paging)."""
    return rules.plans_visible_to(viewer).select_related("context").order_by("-starts_on", "-id")


@dataclass
class PlanView:
    plan: VisitPlan
    workers: list[Worker]
    agencies: list[Agency]
    lines: list[VisitLine]
    due: list[dt.date]
    may_record: bool
    may_end: bool = False
    on: dt.date = field(default_factory=today)


def plan_workers(plan: VisitPlan) -> list[Worker]:
    """The workers who go on the plan's visits, by name."""
    return list(plan.workers.select_related("team__agency").order_by("last_name", "id"))


def plan_detail(viewer: Worker, plan: VisitPlan) -> PlanView:
    """A plan's page: who goes, for whom, when; its visits as the viewer sees them; the
    planned dates still to record."""
    visits = list(_visits().filter(plan=plan))
    on = today()
    return PlanView(
        plan=plan,
        workers=plan_workers(plan),
        agencies=list(plan.agencies.order_by("name")),
        lines=_lines(viewer, visits),
        due=due_dates(plan, (v.on for v in visits), on),
        may_record=rules.can_record_visit(viewer, plan),
        may_end=plan.ended_at is None and rules.can_end_visits(viewer, plan),
        on=on,
    )


@dataclass(frozen=True)
class DueVisit:
    plan: VisitPlan
    on: dt.date

    @property
    def overdue(self) -> bool:
        return self.on < today()


def visits_due(viewer: Worker) -> list[DueVisit]:
    """The planned visits the viewer goes on that are not yet recorded, from four weeks back
    to a week ahead, soonest first (for My work): two queries, whatever the number of plans.
    A plan that names a worker who no longer goes on it (``rules.goes_on``) is left out."""
    on = today()
    plans = list(
        rules.goes_on(viewer)
        .filter(periods.during_q(on - DUE_BACK, on + DUE_AHEAD, start="starts_on", end="ends_on"))
        .filter(id__in=rules.plans_visible_to(viewer).values("id"))
        .select_related("context")
        .prefetch_related(
            Prefetch(
                "visits",
                queryset=Visit.objects.filter(on__gte=on - DUE_BACK).only("id", "plan_id", "on"),
            )
        )
    )
    due = [
        DueVisit(plan, day)
        for plan in plans
        for day in due_dates(plan, (v.on for v in plan.visits.all()), on)
    ]
    return sorted(due, key=lambda d: (d.on, d.plan.context.name, d.plan.pk))


# --- Choices for the forms ----------------------------------------------------------------------


def plan_choices(viewer: Worker) -> tuple[list[Context], list[Worker], list[Agency]]:
    """What a new plan may name: the places the viewer may plan visits to, the workers who
    may go (practitioners and managers in a team, not a conference chair's), every agency."""
    return (
        list(rules.plannable_contexts(viewer).order_by("name", "id")),
        list(rules.workers_who_may_go()),
        all_agencies(),
    )


def nameable_people(viewer: Worker, plan: VisitPlan) -> QuerySet[Person]:
    """Young people the recorder may name on a visit, by name: those linked to the place (in
    an incident there that the recorder sees, or on the plan of a case about it that they see,
    ``access.context_cases.cases_visible_to``) whom they see in their own right. An incident
    or a case they may not see (restricted police intelligence; a case a partner takes no part
    in) links nobody: offering a child through it would tell them it exists and names her.
    There may be thousands: the form shows a few and searches the rest (``ListSearch``)."""
    context = plan.context
    incidents = scopes.incidents_visible_to(viewer).filter(context=context)
    at_place = Involvement.objects.filter(incident__in=incidents).values("person_id")
    cases = cases_visible_to(viewer).filter(context=context).values("id")
    on_plan = Person.objects.filter(context_plan_links__plan__case__in=cases).values("id")
    return (
        scopes.people_visible_to(viewer, shared=False, break_glass=False)
        .filter(Q(id__in=at_place) | Q(id__in=on_plan))
        .order_by("family_name", "given_name", "id")
    )


def name_holds(word: str) -> Q:
    """A young person with a word of their given, family or known-as name beginning ``word``
    (a visit form's search of :func:`nameable_people`)."""
    return (
        word_begins("given_name", word)
        | word_begins("family_name", word)
        | word_begins("known_as", word)
    )


def links_offered(viewer: Worker, plan: VisitPlan) -> tuple[list[Incident], list[Referral]]:
    """The incidents at the place and the referrals about it that the viewer sees lastingly,
    newest first, for a visit's "a concern was followed up" links: the visit keeps its link
    for good, so never one seen only through emergency access (break-glass)."""
    with scopes.lasting_sight_only():
        incidents = list(
            scopes.incidents_visible_to(viewer)
            .filter(context=plan.context)
            .order_by("-occurred_at", "-id")[:50]
        )
        referrals = list(
            referrals_visible_to(viewer).filter(context=plan.context).order_by("-id")[:50]
        )
    return incidents, referrals


# --- A protected home ----------------------------------------------------------------------------


@dataclass
class HomeView:
    home: Context
    cases: list[ContextCase]
    consents: list[HomeConsent]
    actions: list[PlanAction]
    hidden_actions: int
    may_record_consent: bool

    @property
    def consent(self) -> HomeConsent | None:
        return self.consents[0] if self.consents else None


def home_protection(viewer: Worker, home: Context) -> HomeView:
    """A home's protective work: the household's consent and its history, and the protective
    actions on its cases' plans (a partner sees only its own agency's)."""
    cases = list(cases_visible_to(viewer).filter(context=home).order_by("-opened_at", "-id"))
    actions = PlanAction.objects.filter(plan__case__in=cases).exclude(protective="")
    every = list(actions.select_related("agency", "owner", "plan__case").order_by("due_on", "id"))
    shown = (
        every if sees_all_actions(viewer) else [a for a in every if a.agency_id == viewer.agency_id]
    )
    return HomeView(
        home=home,
        cases=cases,
        consents=list(HomeConsent.objects.filter(home=home).select_related("recorded_by")),
        actions=shown,
        hidden_actions=len(every) - len(shown),
        may_record_consent=rules.can_record_consent(viewer, home),
    )
