"""Context cases built through the services, in the ``world`` of tests/factories.py.

The usual case: ``partner_worker`` (security at the Mare Street Shopping
Centre, a partner organisation) refers the centre; ``social_worker`` (children's
social care, team A) screens it, leads the case and assesses; ``team_manager``
(team A's manager) signs off. Each helper takes the case one step further.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from locus.access.models import Worker
from locus.casework import services
from locus.casework.models import (
    Approval,
    ConferenceAttendee,
    ConferenceDecision,
    ContextAssessment,
    ContextCase,
    ContextConference,
    ContextPlan,
    DomainFinding,
    Evidence,
    GoalProgress,
    PlanAction,
    PlanActionUpdate,
    PlanChild,
    PlanGoal,
    PlanReview,
    Referral,
    ReferralChild,
    ReferralContext,
    ThresholdLevel,
)
from locus.casework.services import AttendeeInput, FindingInput, ProgressInput
from locus.common import clock
from locus.common.services import today
from locus.sharing.vocab import SAFEGUARDING
from tests.factories import World

# Every model a casework service writes (for nothing_written).
CASEWORK_MODELS = (
    Referral,
    ReferralContext,
    ReferralChild,
    ContextCase,
    ContextAssessment,
    DomainFinding,
    Evidence,
    ContextConference,
    ConferenceAttendee,
    ConferenceDecision,
    ContextPlan,
    PlanGoal,
    PlanAction,
    PlanActionUpdate,
    PlanChild,
    PlanReview,
    GoalProgress,
    Approval,
)
SUMMARY = "Older males approach young people near the food court after school and offer lifts."


def level(name: str) -> ThresholdLevel:
    return ThresholdLevel.objects.get(name__startswith=name)


def refer(world: World, **fields: Any) -> Referral:
    values: dict[str, Any] = {
        "actor": world.partner_worker,
        "about": "context",
        "context": world.shopping_centre,
        "summary": SUMMARY,
        "received_on": today(),
        "basis": SAFEGUARDING,
    }
    values.update(fields)
    return services.referral_record(**values)


def screen(world: World, referral: Referral, **fields: Any) -> Referral:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "referral": referral,
        "level": level("Level 2"),
        "decision": "assessment",
        "reason": "Several referrals about the centre: assess it as a context.",
        "lead": world.social_worker,
    }
    values.update(fields)
    return services.referral_screen(**values)


def open_case(world: World, **fields: Any) -> ContextCase:
    referral = screen(world, refer(world), **fields)
    assert referral.case is not None
    return referral.case


def fill(world: World, assessment: ContextAssessment, **fields: Any) -> ContextAssessment:
    findings = {
        f.key: FindingInput(
            strengths="Security staff know the young people by name.",
            concerns="No one covers the car park after 6pm.",
            rating="amber",
        )
        for f in assessment.findings.all()
    }
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "assessment": assessment,
        "findings": findings,
        "capacity_analysis": "Guardians are willing; the car park is the gap.",
        "recommendation": "conference",
    }
    values.update(fields)
    return services.assessment_save(**values)


def refer_child(world: World, *contexts: Any) -> Referral:
    """social_worker refers Ciara (her own case), naming these contexts."""
    return refer(
        world,
        actor=world.social_worker,
        about="child",
        children=[world.csc_child],
        other_contexts=list(contexts),
    )


def submit(world: World, case: ContextCase, **fill_fields: Any) -> ContextCase:
    """social_worker starts, fills in and submits the case's assessment."""
    services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    fill(world, case.assessment, **fill_fields)
    services.assessment_submit(
        actor=world.social_worker, assessment=case.assessment, manager=world.team_manager
    )
    return refreshed(case)


def assess(world: World, case: ContextCase, **fill_fields: Any) -> ContextCase:
    """Submitted, then approved by team_manager."""
    case = submit(world, case, **fill_fields)
    services.assessment_approve(actor=world.team_manager, assessment=case.assessment)
    return refreshed(case)


def submitted_case(world: World, **fill_fields: Any) -> ContextCase:
    return submit(world, open_case(world), **fill_fields)


def assessed_case(world: World, **fill_fields: Any) -> ContextCase:
    return assess(world, open_case(world), **fill_fields)


def refreshed(case: ContextCase) -> ContextCase:
    return ContextCase.objects.get(pk=case.pk)


def conference_of(case: ContextCase) -> ContextConference:
    return case.conferences.get()


def schedule(
    world: World,
    conference: ContextConference,
    *,
    when: dt.datetime | None = None,
    chair: Worker | None = None,
) -> ContextConference:
    """Set for now unless ``when`` says otherwise: after the assessment's approval (which
    called the conference), and recordable at once."""
    return services.conference_schedule(
        actor=world.social_worker,
        conference=conference,
        when=when or clock.now(),
        location="Hackney Service Centre, room 2",
        # Independent of the case: not its lead or assessor (social_worker) or their manager.
        chair=chair or world.other_social_worker,
    )


def attendees(world: World) -> list[AttendeeInput]:
    return [
        AttendeeInput(attendance="attended", worker=world.social_worker),
        AttendeeInput(attendance="attended", worker=world.other_social_worker, role="Chair"),
        AttendeeInput(attendance="attended", worker=world.team_manager),
        AttendeeInput(attendance="attended", worker=world.partner_worker),
        AttendeeInput(
            attendance="attended",
            name="Pat Residents",
            organisation="Mare Street Residents' Association",
        ),
        AttendeeInput(attendance="apologies", worker=world.police_analyst),
    ]


def hold(world: World, conference: ContextConference, **fields: Any) -> ContextConference:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "conference": conference,
        "attendees": attendees(world),
        "minutes": "The assessment was presented. The centre agreed to extend security patrols.",
        "decisions": ["A context safeguarding plan is needed"],
        "plan_agreed": True,
        "basis": SAFEGUARDING,
    }
    values.update(fields)
    return services.conference_record(**values)


def planned_case(world: World) -> ContextCase:
    """Assessed, conference held, a plan agreed with one goal and one action (not approved)."""
    return plan_agreed(world, assessed_case(world))


def plan_agreed(world: World, case: ContextCase) -> ContextCase:
    """The assessed case's conference held, agreeing a plan with one goal and one action."""
    schedule(world, conference_of(case))
    return plan_goal_action(world, held(world, case))


def held(world: World, case: ContextCase) -> ContextCase:
    """The case's conference, already scheduled (with its chair), held, agreeing a plan."""
    hold(world, conference_of(case))
    return refreshed(case)


def plan_goal_action(world: World, case: ContextCase) -> ContextCase:
    """One goal and one action on the plan the case's conference agreed."""
    goal = services.goal_add(
        actor=world.social_worker,
        plan=case.plan,
        statement="Young people are safe in the car park after school",
        measure="Incidents reported at the centre; young people's safety maps",
        domain_key="guardianship",
    )
    add_action(world, case.plan, goal=goal)
    return refreshed(case)


def add_action(world: World, plan: ContextPlan, **fields: Any) -> PlanAction:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "plan": plan,
        "description": "Security patrol of the car park from 3pm to 7pm",
        "agency": world.partner,
        "owner": world.partner_worker,
        "due_on": today() + dt.timedelta(days=28),
    }
    values.update(fields)
    return services.action_add(**values)


def submit_plan(world: World, case: ContextCase) -> ContextCase:
    """social_worker asks team_manager to approve the plan."""
    services.plan_submit(actor=world.social_worker, plan=case.plan, manager=world.team_manager)
    return refreshed(case)


def active_case(world: World) -> ContextCase:
    return active(world, planned_case(world))


def active(world: World, case: ContextCase) -> ContextCase:
    """The case's agreed plan asked of team_manager and approved: its first review due."""
    case = submit_plan(world, case)
    services.plan_approve(actor=world.team_manager, plan=case.plan)
    return refreshed(case)


def finish_actions(world: World, case: ContextCase, status: str = "done") -> None:
    for action in PlanAction.objects.filter(plan__case=case).exclude(
        status__in=("done", "stopped")
    ):
        services.action_update(
            actor=world.social_worker, action=action, status=status, note="Finished: patrols ran"
        )


def request_closure(world: World, case: ContextCase, **fields: Any) -> ContextCase:
    """social_worker asks team_manager to close the case, with the closure's evidence: every
    domain re-rated green and each goal achieved (the actions must be finished first)."""
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "case": case,
        "outcome": "improved",
        "reason": "The goals are met: no incident at the centre this quarter.",
        "manager": world.team_manager,
        "ratings": {f.key: "green" for f in DomainFinding.objects.filter(assessment__case=case)},
        "goal_outcomes": {
            g.pk: ProgressInput("achieved", "No incidents")
            for g in PlanGoal.objects.filter(plan__case=case)
        },
    }
    values.update(fields)
    return services.closure_request(**values)


def closed(world: World, case: ContextCase, **closure: Any) -> ContextCase:
    """Closure asked for (``closure``: the request's fields) and approved by team_manager."""
    request_closure(world, case, **closure)
    services.closure_approve(actor=world.team_manager, case=refreshed(case))
    case = refreshed(case)
    assert case.status == "closed"
    return case


def review(world: World, case: ContextCase, decision: str = "continue", **fields: Any) -> Any:
    due = case.plan.reviews.get(status="due")
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "review": due,
        "held_on": today(),
        "summary": "Patrols started; one incident this quarter against five before.",
        "progress": {
            g.pk: ProgressInput("improving", "Fewer incidents")
            for g in case.plan.goals.filter(status="open")
        },
        "decision": decision,
    }
    values.update(fields)
    return services.review_record(**values)


def worker(world: World, name: str) -> Worker:
    return world.persona(name)


def home_plan(world: World) -> ContextPlan:
    """A context plan about a family's home (a restricted place: its name is an address),
    led by ``social_worker``: agreed at the conference, not yet approved."""
    referral = screen(world, refer(world, actor=world.social_worker, context=world.home))
    assert referral.case is not None
    case = assess(world, referral.case)
    hold(world, schedule(world, conference_of(case)))
    plan = refreshed(case).plan
    assert plan is not None
    return plan
