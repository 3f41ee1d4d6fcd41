"""Casework governance that a practice audit would accept, via services and pages.

Each test here failed on the code before: threshold and decision disagreed, the manager
was made lead and assessor, any manager (or the administrator) signed off, the lead
chaired "independently", a case closed with its action still planned and every domain
red, and referrals were read by agencies that had no part in them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.access import context_cases as policies
from locus.access.models import Role, Worker
from locus.casework import selectors, services
from locus.casework.models import (
    ContextCase,
    ContextConference,
    PlanGoal,
    Referral,
    SignOffRequest,
    ThresholdRevision,
)
from locus.common import clock
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from tests.casework.helpers import (
    CASEWORK_MODELS,
    active_case,
    add_action,
    assessed_case,
    conference_of,
    finish_actions,
    level,
    open_case,
    planned_case,
    refer,
    refreshed,
    request_closure,
    review,
    screen,
    submit,
    submit_plan,
    submitted_case,
)
from tests.factories import World, client_for, last_change, make_worker, nothing_written
from tests.frozen_clock import FrozenClock
from tests.mapping.test_views import errors_of, url
from tests.sharing.helpers import BASIS_POST

pytestmark = pytest.mark.django_db


def second_manager(world: World) -> Any:
    """Another manager of team A (the case's team), to pass a sign-off to."""
    return make_worker(
        world.system, team=world.csc_team_a, role=Role.MANAGER, username="second_manager"
    )


# --- 1. Screening: threshold and decision agree; the threshold is revised with a reason ----------


def test_universal_cannot_go_with_a_level_2_assessment(world: World) -> None:
    referral = refer(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        screen(world, referral, level=level("Universal"))
    assert "leads to 'No further action'" in error.value.errors["decision"][0]
    assert not ContextCase.objects.exists()


@pytest.mark.parametrize(
    ("name", "decision"),
    [
        ("Universal", "nfa"),
        ("Additional needs", "nfa"),
        ("Level 1", "level_1"),
        ("Level 2", "assessment"),
        ("Complex", "assessment"),
    ],
)
def test_each_level_leads_to_its_decision(world: World, name: str, decision: str) -> None:
    assert level(name).suggested_decision == decision


def test_the_screening_page_refuses_a_decision_that_disagrees_with_the_level(
    world: World,
) -> None:
    referral = refer(world)
    with nothing_written(*CASEWORK_MODELS):
        response = client_for(world.team_manager).post(
            url("context-referral", referral.pk),
            {
                "level": level("Universal").pk,
                "decision": "assessment",
                "context": world.shopping_centre.pk,
                "lead": world.social_worker.pk,
                "reason": "Assess it",
            },
        )
    assert any(
        "leads to" in e and "choose that decision" in e
        for e in errors_of(response.content.decode())
    )


def test_the_threshold_is_revised_with_a_reason_and_the_history_shows(world: World) -> None:
    case = open_case(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.threshold_revise(
            actor=world.social_worker, case=case, level=level("Universal"), reason=""
        )
    assert set(error.value.errors) == {"level", "reason"}
    services.threshold_revise(
        actor=world.social_worker,
        case=case,
        level=level("Complex"),
        reason="Two more robberies: bring it to conference",
    )
    assert refreshed(case).threshold_level == level("Complex")
    revision = ThresholdRevision.objects.get(case=case)
    assert (revision.before, revision.after, revision.by) == (
        level("Level 2"),
        level("Complex"),
        world.social_worker,
    )
    assert last_change(revision).actor == world.social_worker  # audited
    change = last_change(refreshed(case))
    assert change.before["threshold_level_id"] == level("Level 2").pk
    assert change.after["threshold_level_id"] == level("Complex").pk
    html = client_for(world.team_manager).get(url("context-case", case.pk)).content.decode()
    assert "Threshold history" in html and "Two more robberies" in html
    with pytest.raises(NotPermitted):
        services.threshold_revise(
            actor=world.yjs_worker, case=case, level=level("Level 2"), reason="x"
        )


# --- 2. Sign-offs: asked of a named manager, only they give it --------------------------------


def test_the_screener_is_not_made_lead_and_the_starter_is_not_made_assessor(world: World) -> None:
    referral = refer(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        screen(world, referral, actor=world.team_manager, lead=None)
    assert set(error.value.errors) == {"lead"}
    case = open_case(world, actor=world.team_manager)
    assert case.lead == world.social_worker
    services.assessment_start(actor=world.team_manager, assessment=case.assessment)
    assert refreshed(case).assessment.assessor == world.social_worker


def test_a_sign_off_is_asked_of_a_named_manager_and_only_they_give_it(world: World) -> None:
    second = second_manager(world)
    case = submitted_case(world)
    asked = SignOffRequest.objects.get(case=case, subject="assessment")
    assert (asked.manager, asked.requested_by) == (world.team_manager, world.social_worker)
    # Another eligible manager, the author, and the administrator may not give it.
    for other in (second, world.social_worker, world.admin):
        assert not policies.can_sign_off(other, case, "assessment")
        with pytest.raises(NotPermitted):
            services.assessment_approve(actor=other, assessment=case.assessment)
    # Passed on, with a reason: now only the second manager.
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.sign_off_reassign(
            actor=world.social_worker, request=asked, manager=world.admin, reason=""
        )
    assert set(error.value.errors) == {"manager", "reason"}
    services.sign_off_reassign(
        actor=world.social_worker, request=asked, manager=second, reason="On leave this week"
    )
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=world.team_manager, assessment=case.assessment)
    services.assessment_approve(actor=second, assessment=case.assessment)
    assert refreshed(case).assessment.approved_by == second


def test_only_eligible_managers_are_offered_and_accepted(world: World) -> None:
    case = open_case(world)
    services.assessment_start(
        actor=world.social_worker, assessment=case.assessment, assessor=world.teammate
    )
    offered = policies.eligible_managers(case, "assessment", {world.social_worker.pk})
    assert offered == [world.team_manager]
    # A manager of another team, the admin, a practitioner: none is eligible.
    other_team = make_worker(world.system, team=world.csc_team_b, role=Role.MANAGER)
    for worker in (other_team, world.admin, world.teammate):
        assert not policies.can_approve(worker, case) or worker.pk in policies.sign_off_authors(
            case, "assessment"
        )


def test_a_sign_off_lands_in_the_named_manager_s_my_work_and_page(world: World) -> None:
    second = second_manager(world)
    case = planned_case(world)
    services.plan_submit(actor=world.social_worker, plan=case.plan, manager=second)
    assert "Sign off the plan" in {i.what for i in selectors.my_work(viewer=second)}
    assert "Sign off the plan" not in {i.what for i in selectors.my_work(viewer=world.team_manager)}
    approve = url("context-plan-approve", case.pk)
    # The page offers the link only to the manager asked; everyone else gets 404 on it.
    for worker, offered in ((second, True), (world.team_manager, False), (world.admin, False)):
        html = client_for(worker).get(url("context-plan", case.pk)).content.decode()
        assert (f'href="{approve}"' in html) is offered
        assert client_for(worker).get(approve).status_code == (200 if offered else 404)
    response = client_for(second).post(approve, {"outcome": "approve"})
    assert response.status_code == 302 and refreshed(case).plan.status == "active"


def test_an_administrator_never_signs_off(world: World) -> None:
    case = submitted_case(world)
    assert not policies.can_approve(world.admin, case)
    assert (
        client_for(world.admin).get(url("context-assessment-signoff", case.pk)).status_code == 404
    )
    assert not [i for i in selectors.my_work(viewer=world.admin) if "Sign off" in i.what]
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=world.admin, assessment=case.assessment)


def test_a_level_that_asks_for_it_sends_the_screening_for_sign_off(world: World) -> None:
    complex_level = level("Complex")
    complex_level.screening_sign_off = True
    complex_level.save()
    referral = refer(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        screen(world, referral, level=complex_level, manager=None)
    assert set(error.value.errors) == {"manager"}
    case = open_case(world, level=complex_level, manager=world.team_manager)
    assert SignOffRequest.objects.get(case=case, subject="screening").manager == world.team_manager
    case = submit(world, case)
    second = second_manager(world)
    services.sign_off_reassign(
        actor=world.social_worker,
        request=SignOffRequest.objects.get(case=case, subject="assessment"),
        manager=second,
        reason="The screening's manager should not sign both",
    )
    # The assessment waits for the screening: no sign-off page, no sign-off.
    assert client_for(second).get(url("context-assessment-signoff", case.pk)).status_code == 404
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=second, assessment=case.assessment)
    # Not agreed: the team asks again (the page says so), and then it is agreed.
    with pytest.raises(ValidationFailed):
        services.screening_sign_off(actor=world.team_manager, case=case, approve=False)
    services.screening_sign_off(
        actor=world.team_manager, case=case, approve=False, note="Level 2 is enough"
    )
    html = client_for(world.social_worker).get(url("context-case", case.pk)).content.decode()
    assert url("context-screening-ask", case.pk) in html
    services.threshold_revise(
        actor=world.social_worker, case=case, level=level("Level 2"), reason="As the manager said"
    )
    ask = {"manager": world.team_manager.pk}
    assert (
        client_for(world.social_worker).post(url("context-screening-ask", case.pk), ask).status_code
        == 302
    )
    services.screening_sign_off(actor=world.team_manager, case=case, approve=True)
    services.assessment_approve(actor=second, assessment=case.assessment)


# --- 3. The conference chair is independent ----------------------------------------------------


def _refused_as_chair(world: World, conference: ContextConference, chair: Worker) -> None:
    """Asking ``chair`` to chair ``conference`` is refused on the field, and writes nothing."""
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.conference_schedule(
            actor=world.social_worker,
            conference=conference,
            when=clock.now(),
            location="Room 2",
            chair=chair,
        )
    assert "cannot chair" in error.value.errors["chair"][0]


@pytest.mark.parametrize("name", ["social_worker", "team_manager"])
def test_the_lead_or_their_manager_cannot_chair(world: World, name: str) -> None:
    _refused_as_chair(world, conference_of(assessed_case(world)), world.persona(name))


@pytest.mark.parametrize("name", ["social_worker", "team_manager"])
def test_a_second_account_of_the_lead_or_their_manager_cannot_chair(
    world: World, name: str
) -> None:
    """Independence compares people, not accounts (``policies.same_person``): an account in
    another team with the lead's (or their manager's) work email, in any case, is the lead
    (or their manager) and does not chair the case's conference. Before, it was asked to."""
    conference = conference_of(assessed_case(world))
    own = world.persona(name)
    Worker.objects.filter(pk=own.pk).update(email="jo.mensah@example.org")
    # An old second account, made before accounts were checked for a shared email.
    second = make_worker(world.system, team=world.csc_team_b)
    Worker.objects.filter(pk=second.pk).update(email="Jo.Mensah@Example.org")
    second.refresh_from_db()
    assert policies.can_chair(second, conference.case) is False
    _refused_as_chair(world, conference, second)


# --- 4. Closure needs the actions finished, the domains re-rated and the goals' outcomes ------


def test_a_plan_approved_today_with_an_action_planned_and_every_domain_red_cannot_close(
    world: World,
) -> None:
    case = active_case(world)  # approved today; its one action is planned
    reds = {f.key: "red" for f in case.assessment.findings.all()}
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        request_closure(world, case, ratings=reds)
    assert "1 action is still open" in error.value.errors["actions"][0]
    assert (
        "every goal is achieved and no domain is re-rated red" in error.value.errors["outcome"][0]
    )
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        request_closure(world, case, ratings={}, goal_outcomes={})
    assert {k for k in error.value.errors if k.startswith(("rating_", "goal_"))} == {
        *(f"rating_{key}" for key in reds),
        *(f"goal_{g.pk}" for g in case.plan.goals.all()),
    }
    assert refreshed(case).status == "plan"


def test_the_closure_page_asks_for_each_rating_and_goal_and_shows_them(world: World) -> None:
    case = active_case(world)
    action = case.plan.actions.get()
    services.action_update(
        actor=world.social_worker, action=action, status="stopped", note="The centre took it on"
    )
    goal = case.plan.goals.get()
    data: dict[str, Any] = {
        "outcome": "stepped_down",
        "reason": "Universal partners carry it on",
        "manager": world.team_manager.pk,
        f"goal_{goal.pk}": "improving",
        f"goal_{goal.pk}_note": "Fewer incidents",
    }
    client = client_for(world.social_worker)
    with nothing_written(*CASEWORK_MODELS):
        response = client.post(url("context-closure", case.pk), data)
    assert any("Re-rate" in e for e in errors_of(response.content.decode()))
    data.update({f"rating_{f.key}": "amber" for f in case.assessment.findings.all()})
    assert client.post(url("context-closure", case.pk), data).status_code == 302
    html = client_for(world.team_manager).get(url("context-case", case.pk)).content.decode()
    assert "Re-rated: Guardianship" in html and "Fewer incidents" in html
    assert f'href="{url("context-closure", case.pk)}"' in html  # the manager asked decides


def test_while_a_closure_waits_the_team_adds_nothing_to_the_plan(world: World) -> None:
    """The manager decides on the plan the request described, with each goal's outcome: a
    goal added while they decide (by a teammate, say) would close with no outcome."""
    case = active_case(world)
    finish_actions(world, case)
    plan = request_closure(world, case).plan  # "the context is safer": every goal achieved
    with (
        nothing_written(*CASEWORK_MODELS),
        pytest.raises(InvalidTransition, match="deciding on closing this case") as refused,
    ):
        services.goal_add(
            actor=world.teammate,
            plan=plan,
            statement="Young people are safe at the bus stop outside",
            measure="Incidents reported at the bus stop",
        )
    assert "it cannot gain goals now" in str(refused.value)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="gain actions"):
        add_action(world, plan)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="gain children"):
        services.plan_child_add(actor=world.social_worker, plan=plan, person=world.csc_child)
    services.closure_approve(actor=world.team_manager, case=refreshed(case))
    assert refreshed(case).status == "closed"


def test_a_goal_without_an_outcome_in_the_closure_request_keeps_the_case_open(
    world: World,
) -> None:
    case = active_case(world)
    finish_actions(world, case)
    plan = request_closure(world, case).plan
    # Added while the closure waited, before the plan was held still while it does.
    late = PlanGoal.objects.create(
        plan=plan,
        statement="Young people are safe at the bus stop outside",
        measure="Incidents reported at the bus stop",
        order=2,
        created_by=world.teammate,
        created_at=clock.now(),
    )
    with (
        nothing_written(*CASEWORK_MODELS),
        pytest.raises(InvalidTransition, match="A goal on the plan has no outcome"),
    ):
        services.closure_approve(actor=world.team_manager, case=refreshed(case))
    assert refreshed(case).status == "closing"
    services.closure_refuse(actor=world.team_manager, case=refreshed(case), note="Add its outcome")
    assert refreshed(case).status == "plan"
    assert PlanGoal.objects.filter(pk=late.pk).exists()


# --- 6. Referral sight --------------------------------------------------------------------------


# persona: sees a partner's referral, sees a police referral
REFERRAL_SIGHT = {
    "social_worker": (True, True),  # the front door
    "team_manager": (True, True),
    "other_social_worker": (True, True),
    "yjs_worker": (False, False),
    "school_dsl": (False, False),
    "police_analyst": (False, True),  # the police referral is theirs
    "partner_worker": (True, False),  # the partner's referral is theirs
    "auditor": (False, False),
    "admin": (True, True),
}


@pytest.mark.parametrize("name", sorted(REFERRAL_SIGHT))
def test_referral_sight_persona_by_persona(world: World, name: str) -> None:
    partner = refer(world)
    police = refer(world, actor=world.police_analyst, context=world.park)
    worker = world.persona(name)
    sees_partner, sees_police = REFERRAL_SIGHT[name]
    visible = set(policies.referrals_visible_to(worker).values_list("pk", flat=True))
    assert (partner.pk in visible, police.pk in visible) == (sees_partner, sees_police)
    client = client_for(worker)
    for referral, sees in ((partner, sees_partner), (police, sees_police)):
        assert client.get(url("context-referral", referral.pk)).status_code == (
            200 if sees else 404
        )


def test_a_referring_agency_s_manager_sees_its_referrals_a_colleague_does_not(
    world: World,
) -> None:
    police = refer(world, actor=world.police_analyst, context=world.park)
    colleague = make_worker(world.system, team=world.police_team, role=Role.ANALYST)
    manager = make_worker(world.system, team=world.police_team, role=Role.MANAGER)
    assert not policies.referrals_visible_to(colleague).filter(pk=police.pk).exists()
    assert policies.referrals_visible_to(manager).filter(pk=police.pk).exists()
    assert Referral.objects.filter(pk=police.pk).exists()


def test_submitting_a_plan_twice_is_refused(world: World) -> None:
    case = submit_plan(world, planned_case(world))
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.plan_submit(actor=world.social_worker, plan=case.plan, manager=world.team_manager)
    assert "already been asked" in error.value.errors["manager"][0]


# --- The walk from referral to closure, through the pages, with a team manager -----------------


def test_a_team_manager_walks_a_case_from_referral_to_closure(
    frozen_clock: FrozenClock, world: World
) -> None:
    # Noon: the conference set for 00:01 today has taken place, whenever the test runs.
    frozen_clock.at(frozen_clock.today)
    """Was: the manager became lead and assessor, "Universal" went with "Level 2: assess",
    the lead chaired, sign-off links refused after the form, only the administrator could
    sign off, and the case closed with its action planned and every domain red."""
    manager, worker = client_for(world.team_manager), client_for(world.social_worker)
    referral = refer(world)
    screening = url("context-referral", referral.pk)
    decision = {
        "level": level("Universal").pk,
        "decision": "assessment",
        "context": world.shopping_centre.pk,
        "reason": "Repeated concerns about the car park",
    }
    with nothing_written(*CASEWORK_MODELS):
        errors = errors_of(manager.post(screening, decision).content.decode())
    assert any("choose that decision" in e for e in errors)
    assert any("Choose the lead" in e for e in errors)
    decision.update(level=level("Level 2").pk, lead=world.social_worker.pk)
    assert manager.post(screening, decision).status_code == 302
    case = ContextCase.objects.get()
    assert case.lead == world.social_worker and case.opened_by == world.team_manager

    # The assessment: the lead assesses, and names her manager for the sign-off.
    start = url("context-assessment-start", case.pk)
    assert (
        f'<option value="{world.social_worker.pk}" selected>' in worker.get(start).content.decode()
    )
    assert worker.post(start, {"assessor": world.social_worker.pk}).status_code == 302
    assessment = refreshed(case).assessment
    assert assessment.assessor == world.social_worker
    data: dict[str, Any] = {
        "capacity_analysis": "Willing guardians; the car park is the gap",
        "recommendation": "conference",
        "manager": world.team_manager.pk,
        "then": "submit",
    }
    for f in assessment.findings.all():
        data.update({f"{f.key}-concerns": "No one in the car park", f"{f.key}-rating": "red"})
    assert worker.post(url("context-assessment", case.pk), data).status_code == 302
    signoff = url("context-assessment-signoff", case.pk)
    assert signoff in manager.get(url("my-work")).content.decode()
    assert manager.post(signoff, {"outcome": "approve"}).status_code == 302
    assert refreshed(case).status == "conference"

    # The conference: the lead's manager may not chair it.
    # Noon, when the clock stopped and the manager approved the assessment: not before it.
    when = {"when": frozen_clock.today.strftime("%d/%m/%Y"), "time": "12:00"}
    schedule_url = url("context-conference-schedule", case.pk)
    with nothing_written(*CASEWORK_MODELS):
        response = worker.post(
            schedule_url, {**when, "location": "Room 2", "chair": world.team_manager.pk}
        )
    assert any("cannot chair" in e for e in errors_of(response.content.decode()))
    chair = {"location": "Room 2", "chair": world.other_social_worker.pk}
    assert worker.post(schedule_url, {**when, **chair}).status_code == 302
    record = {
        f"worker_{world.social_worker.pk}": "attended",
        f"worker_{world.other_social_worker.pk}": "attended",
        "minutes": "The assessment was presented; the centre will patrol the car park.",
        "plan_agreed": "yes",
        **BASIS_POST,
    }
    assert worker.post(url("context-conference-record", case.pk), record).status_code == 302

    # The plan: a goal and an action, sent to the manager by name, approved by them.
    goal = {"statement": "Young people are safe in the car park", "measure": "Incidents"}
    assert worker.post(url("context-goal-add", case.pk), goal).status_code == 302
    action = {
        "description": "Security patrol of the car park",
        "agency": world.partner.pk,
        "owner": world.partner_worker.pk,
        "due_on": (frozen_clock.today + dt.timedelta(days=28)).strftime("%d/%m/%Y"),
    }
    assert worker.post(url("context-action-add", case.pk), action).status_code == 302
    ask = {"manager": world.team_manager.pk}
    assert worker.post(url("context-plan-submit", case.pk), ask).status_code == 302
    assert (
        manager.post(url("context-plan-approve", case.pk), {"outcome": "approve"}).status_code
        == 302
    )
    case = refreshed(case)
    assert case.plan.status == "active"

    # Closing the day the plan was approved, with the action planned and every domain red.
    plan_goal = case.plan.goals.get()
    closure = {
        "outcome": "improved",
        "reason": "The centre has it in hand",
        "manager": world.team_manager.pk,
        f"goal_{plan_goal.pk}": "achieved",
        **{f"rating_{f.key}": "red" for f in case.assessment.findings.all()},
    }
    with nothing_written(*CASEWORK_MODELS):
        errors = errors_of(worker.post(url("context-closure", case.pk), closure).content.decode())
    assert any("action is still open" in e for e in errors)
    assert any("no domain is re-rated red" in e for e in errors)

    # Once the action is done and the context re-rated, the named manager closes it.
    patrol = case.plan.actions.get()
    done = {"status": "done", "note": "Patrols ran all term"}
    assert worker.post(url("context-action-update", case.pk, patrol.pk), done).status_code == 302
    closure.update({f"rating_{f.key}": "green" for f in case.assessment.findings.all()})
    assert worker.post(url("context-closure", case.pk), closure).status_code == 302
    assert "Approve or refuse the closure" in manager.get(url("my-work")).content.decode()
    decision_page = manager.get(url("context-closure", case.pk)).content.decode()
    assert "Re-rated Guardianship: green" in decision_page  # the evidence, where they decide
    assert manager.post(url("context-closure", case.pk), {"outcome": "approve"}).status_code == 302
    case = refreshed(case)
    assert case.status == "closed"
    assert set(case.approvals.values_list("subject", "by")) == {
        ("assessment", world.team_manager.pk),
        ("plan", world.team_manager.pk),
        ("closure", world.team_manager.pk),
    }
    html = manager.get(url("context-case", case.pk)).content.decode()
    assert "Re-rated: Guardianship" in html and "Achieved" in html


PERSONAS = (
    "social_worker",
    "teammate",
    "team_manager",
    "other_social_worker",
    "yjs_worker",
    "police_analyst",
    "school_dsl",
    "partner_worker",
    "auditor",
    "admin",
)


@pytest.mark.parametrize("name", PERSONAS)
def test_who_signs_off_and_who_chairs_persona_by_persona(world: World, name: str) -> None:
    """Sign-off: only the manager asked (team_manager). Chair: anyone active in casework but
    the lead/assessor (social_worker) and their team's manager (team_manager)."""
    case = submitted_case(world)
    worker = world.persona(name)
    assert policies.can_sign_off(worker, case, "assessment") is (name == "team_manager")
    page = client_for(worker).get(url("context-assessment-signoff", case.pk))
    assert page.status_code == (200 if name == "team_manager" else 404)
    chairs = {"teammate", "other_social_worker", "yjs_worker", "school_dsl", "partner_worker"}
    assert policies.can_chair(worker, case) is (name in chairs)


def test_the_case_page_s_queries_do_not_grow_with_sign_offs_and_revisions(world: World) -> None:
    case = submitted_case(world)
    client = client_for(world.team_manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("context-case", case.pk)).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for name in ("Complex", "Level 2", "Complex"):
        services.threshold_revise(
            actor=world.social_worker, case=refreshed(case), level=level(name), reason="Review"
        )
    assert queries() == before


def test_nobody_passes_a_sign_off_to_themselves_or_from_outside_the_team(world: World) -> None:
    """The reassignment is not a way round the four eyes: only an eligible manager receives
    it, and only the manager asked, the worker who asked or a manager of the team passes it
    on (test_separation_of_duties has who passes it, and that nobody takes it)."""
    case = submitted_case(world)
    asked = SignOffRequest.objects.get(case=case, subject="assessment")
    for receiver in (world.social_worker, world.teammate, world.team_manager, world.admin):
        with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed):
            services.sign_off_reassign(
                actor=world.social_worker, request=asked, manager=receiver, reason="Away"
            )
    second = second_manager(world)
    for outsider in (world.other_social_worker, world.police_analyst, world.auditor):
        with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
            services.sign_off_reassign(actor=outsider, request=asked, manager=second, reason="x")
    page = url("context-signoff-reassign", case.pk, asked.pk)
    assert client_for(world.other_social_worker).get(page).status_code == 404
    html = client_for(world.social_worker).get(page).content.decode()
    assert f'value="{second.pk}"' in html and f'value="{world.team_manager.pk}"' not in html


def test_a_refused_closure_is_decided_and_the_team_may_ask_again(world: World) -> None:
    """Refusing closes the named manager's request (else every later request would meet
    "already asked" and the case could never close)."""
    case = active_case(world)
    review(world, case, "step_down")
    finish_actions(world, case, "stopped")
    case = request_closure(world, refreshed(case), outcome="stepped_down")
    services.closure_refuse(actor=world.team_manager, case=case, note="Not yet")
    assert not SignOffRequest.objects.filter(
        case=case, subject="closure", decided_at__isnull=True
    ).exists()
    request_closure(world, refreshed(case), outcome="stepped_down")
    assert SignOffRequest.objects.filter(
        case=case, subject="closure", decided_at__isnull=True
    ).exists()


def test_only_the_manager_asked_refuses_a_closure(world: World) -> None:
    other = second_manager(world)
    case = active_case(world)
    review(world, case, "step_down")
    finish_actions(world, case, "stopped")
    case = request_closure(world, refreshed(case), outcome="stepped_down")  # of team_manager
    with pytest.raises(NotPermitted), nothing_written():
        services.closure_refuse(actor=other, case=case, note="I say no")


def test_the_administrator_does_not_pass_a_sign_off_on(world: World) -> None:
    other = second_manager(world)
    asked = SignOffRequest.objects.get(case=submitted_case(world), subject="assessment")
    assert not policies.can_reassign_sign_off(world.admin, asked)
    with pytest.raises(NotPermitted):
        services.sign_off_reassign(
            actor=world.admin, request=asked, manager=other, reason="I prefer this one"
        )
    asked.refresh_from_db()
    assert asked.manager_id == world.team_manager.pk


def test_a_manager_who_wrote_the_assessment_does_not_sign_it_off(world: World) -> None:
    """The team manager writes the findings; the lead then asks them to sign it off: refused
    at the asking, and they may not approve it either (another manager does)."""
    case = open_case(world)
    services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    findings = {
        f.key: services.FindingInput(strengths="s", concerns="written by the manager", rating="red")
        for f in case.assessment.findings.all()
    }
    services.assessment_save(
        actor=world.team_manager,
        assessment=case.assessment,
        findings=findings,
        capacity_analysis="Written by the manager",
        recommendation="conference",
    )
    assessment = refreshed(case).assessment
    assert world.team_manager.pk in policies.sign_off_authors(case, "assessment")
    with pytest.raises(ValidationFailed, match="manager"):
        services.assessment_submit(
            actor=world.social_worker, assessment=assessment, manager=world.team_manager
        )
    other = second_manager(world)
    services.assessment_submit(actor=world.social_worker, assessment=assessment, manager=other)
    services.assessment_approve(actor=other, assessment=refreshed(case).assessment)


def test_the_manager_asked_who_adds_to_the_plan_may_not_then_approve_it(world: World) -> None:
    case = submit_plan(world, planned_case(world))  # asked of team_manager
    services.goal_add(
        actor=world.team_manager, plan=case.plan, statement="My own goal", measure="Mine"
    )
    with pytest.raises(NotPermitted):
        services.plan_approve(actor=world.team_manager, plan=refreshed(case).plan)
