"""Writes for visits and protected homes: each atomic, permitted, validated, then audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NotRequired, TypedDict, Unpack

from django.db import transaction

from locus.access import outreach as rules
from locus.access import policies, scopes
from locus.access.context_cases import is_casework_worker, referrals_visible_to
from locus.access.models import Agency, Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.casework.models import Referral
from locus.common import clock
from locus.common import services as kit
from locus.common.errors import InvalidTransition
from locus.common.modelkit import choice_values
from locus.common.services import (
    Problems,
    check_known_fields,
    clean_text,
    create_audited,
    permitted,
    recorded,
    today,
)
from locus.incidents.models import Incident
from locus.outreach.models import (
    Consent,
    Guardian,
    HomeConsent,
    Visit,
    VisitPerson,
    VisitPlan,
    VisitStatus,
    Weekday,
)
from locus.outreach.selectors import RECORD_BACK, planned_dates
from locus.people.models import Person
from locus.places.models import Context

MAX_TEXT = 5000
MAX_SHORT = 300
#: How far ahead an ending's last visit may be: a visit tomorrow, not months of visits still
#: due on a plan that says it has ended.
ENDS_AHEAD = dt.timedelta(days=1)


def _text(problems: Problems, field: str, value: str, missing: str, *, required: bool) -> str:
    value = (value or "").strip()
    if not required and not value:
        return ""
    return clean_text(problems, field, value, missing=missing, limit=MAX_TEXT, what="text")


def _with_links(actor: Worker, obj: VisitPlan | Visit, **links: Sequence[Worker | Agency]) -> None:
    """Link a new row to its workers and agencies (each many-to-many field named), and audit
    it with them (links are not columns, so the row's own snapshot would leave them out)."""
    for name, rows in links.items():
        getattr(obj, name).set(rows)
    after = snapshot(obj)
    after.update({name: sorted(x.pk for x in rows) for name, rows in links.items()})
    record_change(actor=actor, action=ChangeAction.CREATE, obj=obj, after=after)


class PlanFields(TypedDict):
    """What a visit plan records beside its place: the one list that :func:`visit_plan_create`
    takes as keywords and :func:`visit_plans_create` as each plan."""

    purpose: str
    weekday: int | None
    start_time: dt.time | None
    end_time: dt.time | None
    starts_on: dt.date | None
    workers: Sequence[Worker]
    every_weeks: NotRequired[int]  # 1: every week
    ends_on: NotRequired[dt.date | None]
    agencies: NotRequired[Sequence[Agency]]
    partners: NotRequired[str]


PLAN_FIELDS = tuple(PlanFields.__annotations__)


@transaction.atomic
def visit_plan_create(*, actor: Worker, context: Context, **plan: Unpack[PlanFields]) -> VisitPlan:
    """Plan regular visits to a public place: who goes (workers with accounts, and partners
    by name), for which agencies, on which weekday and hours, how often, from and until.
    A worker from outside the team working the place's case goes for an agency taking part
    (``rules.may_go``)."""
    permitted(rules.can_plan_visits, actor, context)
    return _plan_create(actor, context, plan)


@transaction.atomic
def visit_plans_create(
    *, actor: Worker, context: Context, plans: Sequence[PlanFields]
) -> list[VisitPlan]:
    """Several plans for one place at once (a rota's evenings), each checked, written and
    audited as :func:`visit_plan_create` does one: the right to plan visits there
    (``rules.can_plan_visits``) is asked once, not once a plan. One plan refused refuses them
    all."""
    permitted(rules.can_plan_visits, actor, context)
    return [_plan_create(actor, context, plan) for plan in plans]


def _plan_create(actor: Worker, context: Context, given: PlanFields) -> VisitPlan:
    """One plan, checked, written and audited, in the caller's transaction: the caller
    (:func:`visit_plan_create`, :func:`visit_plans_create`) has asked whether ``actor`` may
    plan visits at ``context``."""
    check_known_fields("visit_plan_create", dict(given), PLAN_FIELDS)
    purpose, weekday, workers = given["purpose"], given["weekday"], given["workers"]
    start_time, end_time, starts_on = given["start_time"], given["end_time"], given["starts_on"]
    every_weeks, ends_on = given.get("every_weeks", 1), given.get("ends_on")
    agencies, partners = given.get("agencies", ()), given.get("partners", "")
    problems = Problems()
    purpose = _text(problems, "purpose", purpose, "Say what the visits are for", required=True)
    problems.check(weekday in choice_values(Weekday), "weekday", "Choose the day of the week")
    problems.check(1 <= every_weeks <= 8, "every_weeks", "Visit every 1 to 8 weeks")
    problems.check(start_time is not None, "start_time", "Enter the time the visits start")
    problems.check(end_time is not None, "end_time", "Enter the time the visits end")
    if start_time and end_time:
        problems.check(end_time > start_time, "end_time", "The visits must end after they start")
    problems.check(starts_on is not None, "starts_on", "Enter the date of the first visit")
    if starts_on and ends_on:
        problems.check(ends_on >= starts_on, "ends_on", "The last date must be after the first")
    problems.check(bool(workers), "workers", "Choose at least one worker who goes")
    casework = [w for w in workers if is_casework_worker(w)]
    problems.check(
        len(casework) == len(workers),
        "workers",
        "Choose active practitioners or managers in a team",
    )
    chairs = [w for w in casework if not rules.goes_at_all(w)]
    problems.check(
        not chairs,
        "workers",
        "A conference chair does not go on the visits: they chair the place's case",
    )
    casework = [w for w in casework if w not in chairs]
    # Who goes is kept as the plan's workers and agencies: a worker from outside the case's
    # team goes for their agency, so it takes part (and they stop going if they leave it).
    outside = sorted(
        {w.team.agency.name for w in casework if w.team and not rules.may_go(w, context, agencies)}
    )
    problems.check(
        not outside,
        "agencies",
        "Choose the agency of each worker who goes from outside the case's team: "
        + ", ".join(outside),
    )
    partners = "\n".join(line.strip() for line in partners.splitlines() if line.strip())
    problems.check(len(partners) <= MAX_TEXT, "partners", "Name fewer partners")
    problems.raise_if_any()
    assert weekday is not None and start_time and end_time and starts_on  # checked above
    plan = VisitPlan.objects.create(
        context=context,
        purpose=purpose,
        weekday=weekday,
        every_weeks=every_weeks,
        start_time=start_time,
        end_time=end_time,
        starts_on=starts_on,
        ends_on=ends_on,
        partners=partners,
        team_id=actor.team_id,
        **recorded(actor),
    )
    _with_links(actor, plan, workers=workers, agencies=agencies)
    return plan


@transaction.atomic
def visit_plan_end(
    *, actor: Worker, plan: VisitPlan, last_on: dt.date | None, reason: str
) -> VisitPlan:
    """End a plan's visits (the place reclaimed, the work done), saying why: no visit is
    planned after ``last_on`` (today or earlier, or tomorrow at the latest), so none after it
    is due. The visits recorded stay; who ended it, when and why are kept on the plan. A
    later last date is refused: the plan would read as ended while its visits stayed due."""
    # Read afresh and held: a page loaded before someone else ended it must not end it again.
    kit.lock(plan)
    permitted(rules.can_end_visits, actor, plan)
    if plan.ended_at is not None:
        raise InvalidTransition("These visits have already ended")
    problems = Problems()
    latest = plan.visits.order_by("-on").values_list("on", flat=True).first()
    if last_on is None:
        problems.add("last_on", "Enter the date of the last visit")
    elif last_on > today() + ENDS_AHEAD:
        problems.add(
            "last_on",
            "The visits end now: enter today's date, an earlier one, or tomorrow's at the latest",
        )
    elif last_on < plan.starts_on:
        problems.add("last_on", "The visits start after that date: end them on or after it")
    elif latest is not None and last_on < latest:
        problems.add(
            "last_on",
            f"A visit is recorded on {latest:%-d %B %Y}: end the visits on or after it",
        )
    elif plan.ends_on is not None and last_on > plan.ends_on:
        problems.add("last_on", f"The visits already end on {plan.ends_on:%-d %B %Y}")
    reason = kit.clean_reason(
        problems, reason or "", missing="Say why the visits end", limit=MAX_TEXT
    )
    problems.raise_if_any()
    ended = {"ended_at": clock.now(), "ended_by": actor, "ended_reason": reason}
    return kit.save_changes(actor=actor, obj=plan, fields={"ends_on": last_on, **ended})


def _check_date(problems: Problems, plan: VisitPlan, on: dt.date | None) -> None:
    problems.check(on is not None, "on", "Enter the date of the visit")
    if on is None:
        return
    problems.check(on <= today(), "on", "A visit is recorded once its day has come")
    problems.check(on >= today() - RECORD_BACK, "on", "Record visits of the last 90 days only")
    problems.check(on >= plan.starts_on, "on", "The plan's visits start later than that date")
    problems.check(
        plan.ends_on is None or on <= plan.ends_on, "on", "The plan's visits ended before that date"
    )
    problems.check(
        not plan.visits.filter(on=on).exists(), "on", "A visit on that date is already recorded"
    )


def _is_planned(plan: VisitPlan, on: dt.date) -> bool:
    """Whether ``on`` is one of the plan's planned dates (its weekday, in its rhythm)."""
    return planned_dates(plan, on, on) == [on]


def _check_links(
    problems: Problems,
    actor: Worker,
    plan: VisitPlan,
    incident: Incident | None,
    referral: Referral | None,
) -> None:
    """A visit's follow-up links only an incident at the plan's place, or a referral about
    it, that the recorder sees lastingly (as the form offers): one elsewhere would point
    everyone who sees the plan at another place's record, and one seen only through
    emergency access would keep, for good, what the four hours showed."""
    place = plan.context.name
    with scopes.lasting_sight_only():
        sees_incident = incident is not None and policies.can_view_incident(actor, incident)
        sees_referral = (
            referral is not None and referrals_visible_to(actor).filter(pk=referral.pk).exists()
        )
    if incident is not None:
        if not sees_incident:
            problems.add("incident", "Choose an incident you can see")
        else:
            problems.check(
                incident.context_id == plan.context_id, "incident", f"Choose an incident at {place}"
            )
    if referral is not None:
        if not sees_referral:
            problems.add("referral", "Choose a referral you can see")
        else:
            problems.check(
                referral.context_id == plan.context_id,
                "referral",
                f"Choose a referral about {place}",
            )


@transaction.atomic
def visit_record(
    *,
    actor: Worker,
    plan: VisitPlan,
    on: dt.date | None,
    start_time: dt.time | None,
    end_time: dt.time | None,
    went: Sequence[Worker],
    observed: str,
    met_count: int | None,
    engaged_count: int | None,
    went_others: str = "",
    people: Iterable[Person] = (),
    concerns: str = "",
    incident: Incident | None = None,
    referral: Referral | None = None,
    guardians: Iterable[str] = (),
    guardians_note: str = "",
) -> Visit:
    """Record a visit made: when, who went, what they saw, how many young people they met and
    engaged (and, of those, whom they may name), concerns and their follow-up, guardians met.
    A visit on a day the plan did not plan (workers went back between its dates) is kept as
    ``unplanned``: it is shown so, and takes no planned date as done.

    Naming a child is never a way to sight: the recorder names only children they see in
    their own right, and the link to an incident or referral only one they see.
    """
    # Held: a form loaded before the visits ended is checked against the plan as it is now,
    # and of two workers recording the same date at once the second is told it is recorded.
    kit.lock(plan)
    permitted(rules.can_record_visit, actor, plan)
    problems = Problems()
    _check_date(problems, plan, on)
    problems.check(start_time is not None, "start_time", "Enter the time the visit started")
    if start_time and end_time:
        problems.check(end_time > start_time, "end_time", "The visit must end after it started")
    went_others = (went_others or "").strip()
    problems.check(len(went_others) <= MAX_SHORT, "went_others", "Name fewer people")
    problems.check(bool(went) or bool(went_others), "went", "Say who went")
    problems.check(all(w.is_active for w in went), "went", "Choose workers who are active")
    named = set(plan.workers.values_list("id", flat=True))
    problems.check(
        all(w.pk in named for w in went), "went", "Choose who went from the workers on the plan"
    )
    observed = _text(problems, "observed", observed, "Say what you saw", required=True)
    problems.check(met_count is not None and met_count >= 0, "met_count", "Enter how many you met")
    problems.check(
        engaged_count is not None and engaged_count >= 0,
        "engaged_count",
        "Enter how many you engaged (0 if none)",
    )
    met, engaged = met_count or 0, engaged_count or 0
    problems.check(
        engaged <= met, "engaged_count", "You cannot engage more young people than you met"
    )
    met_named = list(dict.fromkeys(people))
    problems.check(
        len(met_named) <= met,
        "people",
        "You named more young people than you met: add them to the count",
    )
    problems.check(
        policies.can_name_people(actor, met_named) if met_named else True,
        "people",
        "Name only young people whose records you see",
    )
    concerns = _text(problems, "concerns", concerns, "", required=False)
    _check_links(problems, actor, plan, incident, referral)
    kinds = list(dict.fromkeys(guardians))
    problems.check(
        all(k in choice_values(Guardian) for k in kinds), "guardians", "Choose from the list"
    )
    guardians_note = (guardians_note or "").strip()
    problems.check(len(guardians_note) <= MAX_SHORT, "guardians_note", "Shorten the note")
    problems.check(
        Guardian.OTHER not in kinds or bool(guardians_note),
        "guardians_note",
        "Say who the other guardians were",
    )
    problems.raise_if_any()
    assert on is not None  # checked above
    visit = Visit.objects.create(
        plan=plan,
        on=on,
        status=VisitStatus.MADE,
        unplanned=not _is_planned(plan, on),
        start_time=start_time,
        end_time=end_time,
        went_others=went_others,
        observed=observed,
        met_count=met,
        engaged_count=engaged,
        concerns=concerns,
        incident=incident,
        referral=referral,
        guardians=kinds,
        guardians_note=guardians_note,
        **recorded(actor),
    )
    _with_links(actor, visit, went=went)
    for person in met_named:
        create_audited(actor, VisitPerson, visit=visit, person=person)
    return visit


@transaction.atomic
def visit_missed(*, actor: Worker, plan: VisitPlan, on: dt.date | None, reason: str) -> Visit:
    """Record that a planned visit did not happen, and why (staff off sick, weather...). Only
    a planned date is missed: nothing was due on another day."""
    kit.lock(plan)  # held, as for a visit made
    permitted(rules.can_record_visit, actor, plan)
    problems = Problems()
    _check_date(problems, plan, on)
    if on is not None and not problems.errors.get("on"):
        problems.check(
            _is_planned(plan, on),
            "on",
            "No visit was planned on that date: choose one of the plan's dates",
        )
    reason = _text(problems, "reason", reason, "Say why the visit was missed", required=True)
    problems.raise_if_any()
    return create_audited(
        actor,
        Visit,
        plan=plan,
        on=on,
        status=VisitStatus.MISSED,
        missed_reason=reason,
        **recorded(actor),
    )


@transaction.atomic
def home_consent_record(
    *, actor: Worker, home: Context, consent: str, on: dt.date | None, reason: str
) -> HomeConsent:
    """Record the household's consent to the protective work at their home, as it stands on
    ``on``. A refusal, or consent not sought, needs its reason: refusing does not stop
    safeguarding action (the case goes on), so the record says why it went on without it."""
    permitted(rules.can_record_consent, actor, home)
    problems = Problems()
    problems.check(
        consent in choice_values(Consent), "consent", "Choose given, refused or not sought"
    )
    problems.check(on is not None, "on", "Enter the date")
    if on is not None:
        problems.check(on <= today(), "on", "The date cannot be in the future")
    reason = _text(
        problems,
        "reason",
        reason,
        "Say why consent was refused or not sought",
        required=consent in (Consent.REFUSED, Consent.NOT_SOUGHT),
    )
    problems.raise_if_any()
    return create_audited(
        actor, HomeConsent, home=home, consent=consent, on=on, reason=reason, **recorded(actor)
    )
