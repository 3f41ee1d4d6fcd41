"""Demo context cases, added to a generated borough: one at every stage of Level 2 work.

Call :func:`add_demo_context_cases` after ``generate_borough`` (and after the
demo accounts exist). It acts as the demo personas through the services, so
the cases, approvals and audit trail are exactly what the app makes:

* a **new referral** from the police about the H5 bus route, awaiting the
  front door's decision; an earlier referral by ``social.worker`` about one
  of her children names the same route, so the screening page shows both;
* an **assessment under way** of Marsh Lane Fields (two domains written up,
  with evidence);
* a **plan with overdue actions** at the Kingsgate Shopping Centre, referred by
  the centre's security (a partner organisation): assessed, conferenced with
  partners, a plan with goals, actions for security, police, youth work and the
  centre's manager, children linked, approved, some actions now overdue;
* a case **closed after improvement**: the stairwell of Block C, Rowan Estate,
  whose review found the goals met; ``social.worker`` asked to close it with the
  action done, every domain re-rated and the goal's outcome, and
  ``team.manager``, the manager she named, approved.

* a **conference this morning** about Lockmead Estate, to record: its
  assessment was signed off by ``practice.manager`` (the team's second
  manager), and ``conference.chair``, of the Safeguarding and Quality
  Assurance Unit, chairs it;
* an **assessment awaiting sign-off** of Rowan Estate, referred by
  ``housing.officer`` (the housing association, a partner organisation) and
  asked of ``team.manager``.

The other sign-offs are asked of ``team.manager`` by name and given by them; the
conferences are chaired by ``conference.chair`` (independent of the lead).
``housing.officer`` came to the stairwell's conference and fixed its door, so
sees that case's goals and the association's own action.

So that the stages read as the months they took, each step is written with the
clock (``locus.common.clock``) running from the day it happened: the services
stamp its rows, deadlines and audit with that day, and nothing is moved
afterwards. Safe to call again: it adds nothing if the demo cases are there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from locus.access import scopes
from locus.access.models import Agency, Worker
from locus.casework import selectors, services
from locus.casework.models import (
    ContextAssessment,
    ContextCase,
    ContextPlan,
    DomainFinding,
    PlanGoal,
    Referral,
    ThresholdLevel,
)
from locus.casework.reference import ensure_reference_data
from locus.casework.services import AttendeeInput, FindingInput, ProgressInput
from locus.common import clock
from locus.common.services import today
from locus.demo.caseload import held_by
from locus.people.models import LegalStatusEpisode, Person, PersonKind
from locus.places.models import Context
from locus.sharing.vocab import POLICE_DISCLOSURE, SAFEGUARDING

MARKER = "Demo: groups of older males approach young people by the food court"


def _persona(username: str) -> Worker | None:
    return Worker.objects.filter(username=username, is_active=True).first()


def _first_in_team(team_name: str) -> Worker | None:
    return (
        Worker.objects.filter(team__name=team_name, is_active=True)
        .order_by("last_name", "first_name", "id")
        .first()
    )


def _place(name: str) -> Context | None:
    return Context.objects.filter(name=name).order_by("id").first()


def _level(prefix: str) -> ThresholdLevel:
    return ThresholdLevel.objects.get(name__startswith=prefix)


class _StoryClock:
    """Tells the stories step by step, each on its own day: the clock runs from so many days
    before the stories began, so the services stamp every row (and its audit) with the day
    the step happened and nothing is moved afterwards."""

    def __init__(self) -> None:
        self.began = clock.now()
        self._step: contextlib.AbstractContextManager[None] | None = None

    def days_ago(self, days: int) -> None:
        self.stop()
        self._step = clock.running_from(self.began - dt.timedelta(days=days))
        self._step.__enter__()

    def stop(self) -> None:
        if self._step is not None:
            self._step.__exit__(None, None, None)
            self._step = None


@dataclass(frozen=True)
class _Cast:
    """Who acts in the stories: the lead social worker, her manager (who signs off), the
    independent conference chair, and the partners who may be missing from a borough."""

    lead: Worker
    manager: Worker
    second_manager: Worker
    chair: Worker
    agency: Agency  # the lead's own
    police: Worker | None
    yjs: Worker | None
    security: Worker | None
    youth_worker: Worker | None
    housing: Worker | None


def _fill(
    actor: Worker,
    assessment: ContextAssessment,
    texts: dict[str, tuple[str, str, str]],
    analysis: str = "",
    recommendation: str = "",
) -> None:
    services.assessment_save(
        actor=actor,
        assessment=assessment,
        findings={key: FindingInput(*value) for key, value in texts.items()},
        capacity_analysis=analysis,
        recommendation=recommendation,
    )


def _assess_fully(lead: Worker, manager: Worker, case: ContextCase, place: str) -> None:
    assessment = _write_assessment(lead, manager, case, place)
    services.assessment_approve(actor=manager, assessment=assessment, note="A clear analysis.")


def _write_assessment(
    lead: Worker, manager: Worker, case: ContextCase, place: str
) -> ContextAssessment:
    """The lead writes the whole assessment and asks ``manager`` to sign it off."""
    assessment = services.assessment_start(actor=lead, assessment=case.assessment)
    texts = {
        f.key: (
            f"Staff and neighbours at {place} know many of the young people and step in.",
            f"Places at {place} out of sight of any adult after dark.",
            "amber",
        )
        for f in assessment.findings.all()
    }
    _fill(
        lead,
        assessment,
        texts,
        analysis=f"{place} has willing guardians but gaps in time and space that older "
        "young people exploit. Safety depends on closing those gaps with the people "
        "who run the place.",
        recommendation="conference",
    )
    services.evidence_add(
        actor=lead,
        assessment=assessment,
        domain_key=next(iter(texts)),
        text="Safety mapping with six young people: four marked the place amber or red.",
        source="young_person",
    )
    return services.assessment_submit(actor=lead, assessment=assessment, manager=manager)


class _Outcome(TypedDict):
    """What a conference minuted and decided."""

    minutes: str
    decisions: list[str]


def _hold_conference(
    lead: Worker,
    case: ContextCase,
    chair: Worker,
    people: list[AttendeeInput],
    **outcome: Unpack[_Outcome],
) -> ContextPlan:
    """The case's conference, held yesterday: it agreed a plan, which it returns."""
    conference = case.conferences.get()
    services.conference_schedule(
        actor=lead,
        conference=conference,
        when=clock.now() - dt.timedelta(days=1),
        location="Hackney Service Centre, conference room 2",
        chair=chair,
    )
    services.conference_record(
        actor=lead,
        conference=conference,
        attendees=people,
        plan_agreed=True,
        basis=SAFEGUARDING,
        **outcome,
    )
    return ContextPlan.objects.get(case=case)


def _goals(lead: Worker, plan: ContextPlan, *goals: tuple[str, str, str]) -> list[PlanGoal]:
    """The plan's goals, each (statement, measure, domain key or "")."""
    return [
        services.goal_add(
            actor=lead, plan=plan, statement=statement, measure=measure, domain_key=domain
        )
        for statement, measure, domain in goals
    ]


def _agree(lead: Worker, manager: Worker, plan: ContextPlan, note: str = "") -> None:
    """The lead asks her manager to sign the plan off, and the manager approves it."""
    services.plan_submit(actor=lead, plan=plan, manager=manager)
    services.plan_approve(actor=manager, plan=plan, note=note)


def _close(
    lead: Worker,
    manager: Worker,
    case: ContextCase,
    goal_outcomes: dict[int, ProgressInput],
    *,
    outcome: str,
    reason: str,
    note: str,
    before_approval: Callable[[], object] = lambda: None,
) -> ContextCase:
    """The lead asks her manager to close the case, every domain re-rated green and each
    goal's outcome given, and the manager approves (after ``before_approval``: the story
    moving on to the day they do, when it is not the same day)."""
    services.closure_request(
        actor=lead,
        case=ContextCase.objects.get(pk=case.pk),
        outcome=outcome,
        reason=reason,
        manager=manager,
        ratings={f.key: "green" for f in DomainFinding.objects.filter(assessment__case=case)},
        goal_outcomes=goal_outcomes,
    )
    before_approval()
    return services.closure_approve(
        actor=manager, case=ContextCase.objects.get(pk=case.pk), note=note
    )


def _children_of(lead: Worker, case: ContextCase, limit: int = 3) -> list[Person]:
    """Children linked to the context whom the lead sees in their own right (a child shared
    with them at a meeting is not one they may name on a plan), their own caseload first."""
    linked = selectors.linked_child_ids(case)
    ids = set(
        scopes.people_visible_to(lead, shared=False, break_glass=False)
        .filter(id__in=linked)
        .values_list("id", flat=True)
    )
    mine = set(held_by(lead).values_list("id", flat=True))
    people = sorted(
        Person.objects.filter(id__in=ids, kind=PersonKind.YOUNG_PERSON),
        key=lambda p: (p.pk not in mine, p.family_name, p.given_name, p.pk),
    )
    return people[:limit]


def _link_children(lead: Worker, plan: ContextPlan, children: list[Person]) -> None:
    for child in children:
        episode = (
            LegalStatusEpisode.objects.current()
            .filter(person=child)
            .order_by("start", "id")
            .first()
        )
        services.plan_child_add(actor=lead, plan=plan, person=child, episode=episode)


def _owner(worker: Worker | None, fallback: Worker) -> tuple[Any, Any]:
    chosen = worker or fallback
    assert chosen.team is not None
    return chosen, chosen.team.agency


def _open_case(
    referrer: Worker,
    lead: Worker,
    context: Context,
    summary: str,
    level: str,
    reason: str,
    **referred: Any,
) -> ContextCase:
    """A referral about the context, decided by the lead: assess it (a new case)."""
    referral = services.referral_record(
        actor=referrer,
        about="context",
        context=context,
        summary=summary,
        received_on=today(),
        **{"basis": SAFEGUARDING, **referred},
    )
    referral = services.referral_screen(
        actor=lead,
        referral=referral,
        level=_level(level),
        decision="assessment",
        reason=reason,
        lead=lead,
    )
    assert referral.case is not None
    return referral.case


@transaction.atomic
def add_demo_context_cases() -> list[ContextCase]:
    """Add the demo context cases; returns the cases added (none when already there)."""
    story = _StoryClock()
    try:
        return _add_cases(story)
    finally:
        story.stop()


def _add_cases(story: _StoryClock) -> list[ContextCase]:
    lead = _persona("social.worker")
    manager = _persona("team.manager")
    second_manager = _persona("practice.manager")
    if lead is None or manager is None or second_manager is None:
        return []
    if Referral.objects.filter(summary__startswith=MARKER).exists():
        return []
    ensure_reference_data()  # seeded by a migration; gone only if something emptied the tables
    assert lead.team is not None
    cast = _Cast(
        lead=lead,
        manager=manager,
        second_manager=second_manager,
        agency=lead.team.agency,
        police=_persona("police.analyst"),
        yjs=_persona("yjs.worker"),
        security=_first_in_team("Centre Security"),
        youth_worker=_first_in_team("Detached Youth Work Team"),
        housing=_persona("housing.officer"),
        chair=(
            _persona("conference.chair")
            or Worker.objects.filter(team__name="Assessment Team", role="manager", is_active=True)
            .order_by("id")
            .first()
            or manager
        ),
    )
    centre = _place("Kingsgate Shopping Centre")
    fields = _place("Marsh Lane Fields")
    stairwell = _place("Stairwell, Block C, Rowan Estate")
    bus = _place("Bus route H5 (Kingsgate to Stoke Rise)")
    lockmead = _place("Lockmead Estate")
    rowan = _place("Rowan Estate")
    if None in (centre, fields, stairwell, bus, lockmead, rowan):
        return []
    assert centre and fields and stairwell and bus and lockmead and rowan
    cases = [
        _plan_with_overdue_actions(story, cast, centre),
        _closed_after_improvement(story, cast, stairwell),
        _assessment_under_way(story, cast, fields),
        _conference_to_record(story, cast, lockmead),
        _assessment_to_sign_off(story, cast, rowan),
    ]
    _new_referral(story, cast, bus, centre)
    return cases


def _plan_with_overdue_actions(story: _StoryClock, cast: _Cast, centre: Context) -> ContextCase:
    """The shopping centre: referred by its security, assessed, conferenced with partners, a
    plan approved, and some of its actions now overdue."""
    lead, manager, security = cast.lead, cast.manager, cast.security
    story.days_ago(105)
    case = _open_case(
        security or lead,
        lead,
        centre,
        MARKER + " after school, offering lifts and food. Our staff have moved them "
        "on twice this month; they come back to the car park.",
        "Complex",
        "Repeated concerns from the centre and police incidents there: assess the "
        "centre as a context and bring it to conference.",
        referring_agency=None if security else centre.responsible_agency,
        referrer_name="" if security else "Centre security supervisor",
    )
    _assess_fully(lead, manager, case, centre.name)
    story.days_ago(70)
    people = [
        AttendeeInput(attendance="attended", worker=lead),
        AttendeeInput(attendance="attended", worker=manager),
    ]
    for worker in (security, cast.police, cast.youth_worker):
        if worker is not None:
            people.append(AttendeeInput(attendance="attended", worker=worker))
    if cast.yjs is not None:
        people.append(AttendeeInput(attendance="apologies", worker=cast.yjs))
    people.append(
        AttendeeInput(
            attendance="attended",
            name="Centre manager",
            organisation="Kingsgate Shopping Centre",
            role="Centre management",
        )
    )
    plan = _hold_conference(
        lead,
        case,
        cast.chair,
        people,
        minutes="The assessment was presented. The centre's guardians are willing; the car "
        "park and the food court after 4pm are the gaps. Partners agreed a plan for the "
        "context, not for any one young person.",
        decisions=[
            "A context safeguarding plan is needed",
            "Security, police and detached youth work to cover the after-school hours",
        ],
    )
    safe_car_park, trusted = _goals(
        lead,
        plan,
        (
            "Young people are safe in the car park and food court after school",
            "Incidents recorded at the centre, month by month; young people's safety maps",
            "guardianship",
        ),
        (
            "Young people know a trusted adult at the centre they can go to",
            "Young people's own reports in direct work and detached sessions",
            "strengths_needs",
        ),
    )
    # (goal, owner or None for a partner named below, description, days until due): the
    # plan ages 70 days below, so the first three are then overdue.
    work = [
        (safe_car_park, security, "Security patrols of the car park, 3pm to 7pm on schooldays", 21),
        (safe_car_park, None, "Replace the broken lighting on car park level 2", 28),
        (safe_car_park, cast.police, "Police community support officers visit the food court", 42),
        (trusted, lead, "Direct work with the linked children on their routes home", 50),
        (
            trusted,
            cast.youth_worker,
            "Detached youth work sessions at the centre on Thursdays",
            150,
        ),
    ]
    actions = []
    for goal_for, worker, description, days in work:
        owner, agency = _owner(worker, lead)
        actions.append(
            services.action_add(
                actor=lead,
                plan=plan,
                goal=goal_for,
                owner=owner if worker is not None else None,
                owner_name="" if worker is not None else "Centre manager",
                agency=agency if worker is not None else centre.responsible_agency or cast.agency,
                description=description,
                due_on=today() + dt.timedelta(days=days),
            )
        )
    patrol = actions[0]
    _link_children(lead, plan, _children_of(lead, case))
    _agree(lead, manager, plan, note="Agreed at conference.")
    services.action_update(
        actor=security or lead,
        action=patrol,
        status="in_progress",
        note="Patrols started; the car park is covered three days out of five so far.",
    )
    return case


def _closed_after_improvement(story: _StoryClock, cast: _Cast, stairwell: Context) -> ContextCase:
    """The stairwell: a plan whose review found the goal met, closed with the manager's
    approval."""
    lead, manager = cast.lead, cast.manager
    story.days_ago(164)
    closed = _open_case(
        cast.police or lead,
        lead,
        stairwell,
        "Young people are being held in the stairwell of Block C; the entry door "
        "does not lock and there is no lighting on the upper landings.",
        "Complex",
        "A place where young people are held against their will: assess it.",
    )
    _assess_fully(lead, manager, closed, stairwell.name)
    story.days_ago(104)
    plan = _hold_conference(
        lead,
        closed,
        cast.chair,
        [
            AttendeeInput(attendance="attended", worker=lead),
            AttendeeInput(attendance="attended", worker=manager),
            (
                AttendeeInput(attendance="attended", worker=cast.housing)
                if cast.housing is not None
                else AttendeeInput(
                    attendance="attended",
                    name="Estate manager",
                    organisation="Rowan Estate housing office",
                )
            ),
        ],
        minutes="The landlord agreed to fix the door and light the landings; the estate "
        "safety team will walk the block after school.",
        decisions=["A context safeguarding plan is needed"],
    )
    (goal,) = _goals(
        lead,
        plan,
        (
            "The stairwell is no longer used to hold or harm young people",
            "Incidents at Block C; residents' and young people's reports",
            "",
        ),
    )
    housing = cast.housing
    door = services.action_add(
        actor=lead,
        plan=plan,
        goal=goal,
        owner=housing,
        agency=housing.team.agency
        if housing is not None and housing.team is not None
        else stairwell.responsible_agency or cast.agency,
        owner_name="" if housing is not None else "Rowan Estate housing office",
        description="Fit a self-closing, locking entry door and light the upper landings",
        due_on=today() + dt.timedelta(days=28),
    )
    _agree(lead, manager, plan)
    services.action_update(
        actor=lead,
        action=door,
        status="done",
        note="Door fitted and lights working; checked on a visit.",
    )
    story.days_ago(14)
    review = plan.reviews.get(status="due")
    services.review_record(
        actor=lead,
        review=review,
        held_on=today(),
        summary="No incident at Block C since the door was fixed; residents say the "
        "stairwell is quiet after school.",
        progress={goal.pk: ProgressInput("achieved", "No incidents in twelve weeks")},
        decision="close",
    )
    # The closure's evidence: the door is done, every domain re-rated, the goal's outcome.
    _close(
        lead,
        manager,
        closed,
        {goal.pk: ProgressInput("achieved", "No incidents in twelve weeks")},
        outcome="improved",
        reason="The review found the goal met: no incident at Block C in twelve weeks.",
        note="The context is safer: close.",
    )
    return closed


def _assessment_under_way(story: _StoryClock, cast: _Cast, fields: Context) -> ContextCase:
    """Marsh Lane Fields: an assessment with two domains written up, with evidence."""
    lead = cast.lead
    story.days_ago(18)
    under_way = _open_case(
        cast.police or lead,
        lead,
        fields,
        "Three robberies of young people on the towpath by Marsh Lane Fields this "
        "term, all after dark.",
        "Level 2",
        "A pattern at one place: assess the fields and the towpath.",
    )
    assessment = services.assessment_start(actor=lead, assessment=under_way.assessment)
    keys = [f.key for f in assessment.findings.all()]
    _fill(
        lead,
        assessment,
        {
            keys[0]: (
                "Young people use the fields for football and value them.",
                "They cross the towpath in the dark to get home.",
                "amber",
            ),
            keys[1]: (
                "Park keepers lock up at dusk.",
                "Nobody is on the towpath after dusk.",
                "red",
            ),
        },
    )
    services.evidence_add(
        actor=lead,
        assessment=assessment,
        domain_key=keys[1],
        text="Parks team rota: no staff on site after 5pm in winter.",
        source="professional",
    )
    return under_way


def _estate_case(
    cast: _Cast, referrer: Worker | None, estate: Context, summary: str
) -> ContextCase:
    """A referral about a housing estate, screened at Level 2 by the lead (a new case)."""
    return _open_case(
        referrer or cast.lead,
        cast.lead,
        estate,
        summary,
        "Level 2",
        "Concerns about the estate itself, where young people are drawn into harm: assess it.",
    )


def held_this_morning(began: dt.datetime) -> dt.datetime:
    """When the Lockmead Estate conference was held: at 9:30 on the morning the stories were
    told, or the morning before when they were told before 10:30 (it is over an hour before
    it may be recorded, and never in the future)."""
    local = timezone.localtime(began)
    morning = local.replace(hour=9, minute=30, second=0, microsecond=0)
    if local - morning < dt.timedelta(hours=1):
        morning = timezone.make_aware(
            dt.datetime.combine(morning.date() - dt.timedelta(days=1), dt.time(9, 30))
        )
    return morning


def _conference_to_record(story: _StoryClock, cast: _Cast, estate: Context) -> ContextCase:
    """Lockmead Estate: referred, assessed, the assessment signed off by the team's second
    manager (``team.manager`` is away) ten days ago, the conference arranged within its
    deadline and held this morning: its chair records it, before it is due."""
    story.days_ago(40)
    case = _estate_case(
        cast,
        cast.police,
        estate,
        "Younger teenagers are being recruited to carry for older males who meet "
        "them by the Lockmead Estate garages.",
    )
    story.days_ago(10)
    _assess_fully(cast.lead, cast.second_manager, case, estate.name)
    story.days_ago(7)
    services.conference_schedule(
        actor=cast.lead,
        conference=case.conferences.get(),
        when=held_this_morning(story.began),
        location="Lockmead Estate community hall",
        chair=cast.chair,
    )
    return case


def _assessment_to_sign_off(story: _StoryClock, cast: _Cast, estate: Context) -> ContextCase:
    """Rowan Estate: referred by the housing association, assessed by the lead and waiting
    in ``team.manager``'s My work for sign-off."""
    story.days_ago(30)
    case = _estate_case(
        cast,
        cast.housing,
        estate,
        "Residents report young people being brought to empty flats on the estate by "
        "adults who do not live there.",
    )
    story.days_ago(2)
    _write_assessment(cast.lead, cast.manager, case, estate.name)
    return case


def _new_referral(story: _StoryClock, cast: _Cast, bus: Context, centre: Context) -> None:
    """The H5 bus route: a new referral awaiting the front door, with an earlier one (about a
    child on the lead's caseload) naming the same route."""
    lead = cast.lead
    held = list(held_by(lead).filter(kind=PersonKind.YOUNG_PERSON)[:1])
    if held:
        story.days_ago(12)
        earlier = services.referral_record(
            actor=lead,
            about="child",
            children=held,
            other_contexts=[bus, centre],
            summary="She says older boys ride the H5 with her after school and get off at "
            "her stop.",
            received_on=today(),
            basis=SAFEGUARDING,
        )
        services.referral_screen(
            actor=lead,
            referral=earlier,
            level=_level("Level 1"),
            decision="level_1",
            reason="Work with her on her journey home; watch for other referrals about the H5.",
        )
    story.days_ago(0)
    services.referral_record(
        actor=cast.police or lead,
        about="context",
        context=bus,
        summary="Drivers on the H5 report the same group of older teenagers riding between "
        "Kingsgate and Stoke Rise at the end of the school day, and younger pupils getting "
        "off early to avoid them.",
        received_on=today(),
        basis=POLICE_DISCLOSURE,
    )
