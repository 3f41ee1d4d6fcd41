"""Context casework from referral to closure: the rules, the refusals, the deadlines, the audit."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.audit.models import ChangeAction
from locus.casework import deadlines, services
from locus.casework.models import (
    Approval,
    ContextCase,
    ContextConference,
    ContextPlan,
    PlanAction,
    PlanActionUpdate,
    PlanReview,
    Referral,
    SignOffRequest,
)
from locus.casework.services import FindingInput, ProgressInput
from locus.common import clock
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.common.services import today
from locus.notifications.models import Notification
from locus.people.models import LegalStatus
from locus.people.services import episode_start
from locus.sharing.vocab import SAFEGUARDING
from tests.casework.helpers import (
    CASEWORK_MODELS,
    active_case,
    add_action,
    assess,
    assessed_case,
    attendees,
    closed,
    conference_of,
    fill,
    finish_actions,
    hold,
    level,
    open_case,
    planned_case,
    refer,
    refer_child,
    refreshed,
    request_closure,
    review,
    schedule,
    screen,
    submitted_case,
)
from tests.factories import START, World, changes_for, last_change, make_person, nothing_written

pytestmark = pytest.mark.django_db


def fields_of(error: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return set(error.value.errors)


# --- Referrals -------------------------------------------------------------------------------


@pytest.mark.usefixtures("frozen_clock")  # today() is the same day throughout
def test_a_partner_refers_a_shopping_centre(world: World) -> None:
    referral = refer(world)
    assert referral.status == "new"
    assert referral.referring_agency == world.partner
    assert referral.recorded_by == world.partner_worker
    assert referral.due_on == deadlines.referral_due(today())
    assert list(referral.named_contexts.values_list("context_id", flat=True)) == [
        world.shopping_centre.pk
    ]
    assert last_change(referral).action == ChangeAction.CREATE
    assert last_change(referral).actor == world.partner_worker


def test_a_referral_received_on_a_friday_is_due_the_next_working_day(world: World) -> None:
    friday = today() - dt.timedelta(days=(today().weekday() - 4) % 7 + 7)
    referral = refer(world, received_on=friday)
    assert referral.due_on > friday and deadlines.is_working_day(referral.due_on)
    assert deadlines.working_days_between(friday, referral.due_on) == 1
    assert referral.due_on.weekday() in (0, 1)  # Monday, or Tuesday after a bank holiday


def test_a_referral_about_children_names_them_and_the_contexts_involved(world: World) -> None:
    referral = refer(
        world,
        actor=world.social_worker,
        about="child",
        context=None,
        other_contexts=[world.park, world.group],
        children=[world.csc_child],
    )
    assert referral.context is None
    assert set(referral.named_contexts.values_list("context_id", flat=True)) == {
        world.park.pk,
        world.group.pk,
    }
    assert list(referral.named_children.values_list("person_id", flat=True)) == [world.csc_child.pk]


def test_naming_a_child_the_referrer_may_not_see_is_refused(world: World) -> None:
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        refer(world, actor=world.social_worker, about="child", children=[world.other_child])


def test_a_partner_may_not_refer_a_home_it_cannot_see(world: World) -> None:
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        refer(world, context=world.home)


@pytest.mark.parametrize("name", ["auditor"])
def test_an_auditor_may_not_refer(world: World, name: str) -> None:
    with pytest.raises(NotPermitted):
        refer(world, actor=world.persona(name))


def test_bad_referrals_name_every_field_and_write_nothing(world: World) -> None:
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        refer(world, context=None, summary="  ", received_on=today() + dt.timedelta(days=1))
    assert fields_of(error) == {"context", "summary", "received_on"}
    assert error.value.errors["summary"] == ["Say what is happening"]
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        refer(world, actor=world.social_worker, about="child", context=None, received_on=None)
    assert fields_of(error) == {"children", "received_on"}
    # An adult the social worker recorded herself, so may name.
    adult = make_person(world.social_worker, kind="adult_of_concern", date_of_birth=None)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        refer(world, actor=world.social_worker, about="child", children=[adult])
    assert error.value.errors["children"][0].startswith("Name young people only")


def test_only_the_front_door_records_for_another_agency(world: World) -> None:
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        refer(world, referring_agency=world.police)
    assert error.value.errors["referring_agency"] == ["Record referrals from your own agency"]
    referral = refer(
        world,
        actor=world.social_worker,
        referring_agency=world.partner,
        referrer_name="Duty security manager",
        referrer_contact="020 7946 0000",
    )
    assert referral.referring_agency == world.partner and referral.recorded_by_id


# --- Screening -------------------------------------------------------------------------------


@pytest.mark.usefixtures("frozen_clock")  # today() is the same day throughout
def test_screening_opens_a_case_with_the_assessment_due_in_45_working_days(world: World) -> None:
    referral = screen(world, refer(world))
    case = referral.case
    assert case is not None
    assert referral.status == "screened" and referral.decision == "assessment"
    assert referral.screened_by == world.social_worker and referral.screened_at
    assert referral.threshold_level == level("Level 2")
    assert (case.status, case.lead, case.team) == (
        "assessment",
        world.social_worker,
        world.csc_team_a,
    )
    assert case.context == world.shopping_centre
    assert case.assessment.status == "not_started"
    assert case.assessment.due_on == deadlines.assessment_due(today())
    assert case.assessment.template.kind == "location"
    assert last_change(case).action == ChangeAction.CREATE
    assert last_change(referral).after["decision"] == "assessment"


def test_a_second_referral_about_the_context_joins_its_open_case(world: World) -> None:
    case = open_case(world)
    second = screen(world, refer(world, summary="Another report about the car park"))
    assert second.case == case
    assert ContextCase.objects.count() == 1


def test_no_further_action_and_level_1_open_no_case(world: World) -> None:
    nfa = screen(
        world,
        refer(world),
        decision="nfa",
        level=level("Universal"),
        reason="The centre has acted already",
    )
    assert nfa.case is None and nfa.decision == "nfa"
    child_referral = refer_child(world, world.park)
    level_1 = screen(world, child_referral, decision="level_1", level=level("Level 1"))
    assert level_1.case is None
    assert not ContextCase.objects.exists()


def test_level_1_work_needs_named_children(world: World) -> None:
    referral = refer(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        screen(world, referral, decision="level_1", level=level("Level 1"))
    assert "names none" in error.value.errors["decision"][0]


def test_bad_screening_names_every_field_and_writes_nothing(world: World) -> None:
    referral = refer(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        screen(world, referral, level=None, decision="maybe", reason="")
    assert fields_of(error) == {"level", "decision", "reason"}
    assert Referral.objects.get(pk=referral.pk).status == "new"


def test_a_child_referral_assesses_a_context_it_names(world: World) -> None:
    referral = refer_child(world, world.park)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        screen(world, referral, context=world.school)
    assert fields_of(error) == {"context"}
    assert screen(world, referral, context=world.park).case.context == world.park


def test_a_decided_or_withdrawn_referral_cannot_be_screened(world: World) -> None:
    referral = screen(world, refer(world))
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="decided"):
        screen(world, referral)
    withdrawn = services.referral_withdraw(
        actor=world.partner_worker, referral=refer(world), reason="Sent in error"
    )
    assert withdrawn.status == "withdrawn"
    with pytest.raises(InvalidTransition, match="withdrawn"):
        screen(world, withdrawn)


@pytest.mark.parametrize("name", ["yjs_worker", "partner_worker", "police_analyst", "auditor"])
def test_only_the_front_door_screens(world: World, name: str) -> None:
    referral = refer(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        screen(world, referral, actor=world.persona(name))


def test_the_lead_must_be_a_childrens_social_care_worker(world: World) -> None:
    referral = refer(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        screen(world, referral, lead=world.yjs_worker)
    assert fields_of(error) == {"lead"}


# --- Assessment ------------------------------------------------------------------------------


def test_starting_lays_out_the_template_s_domains(world: World) -> None:
    case = open_case(world)
    assessment = services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    assert assessment.status == "in_progress" and assessment.assessor == world.social_worker
    assert [f.title for f in assessment.findings.all()] == [
        "Young people's strengths and needs",
        "Guardianship",
        "Resources, physical environment and policy",
    ]
    with pytest.raises(InvalidTransition, match="in progress: you cannot start it again"):
        services.assessment_start(actor=world.social_worker, assessment=assessment)


def test_a_school_is_assessed_with_beyond_referrals(world: World) -> None:
    referral = screen(world, refer(world, actor=world.school_dsl, context=world.school))
    assessment = services.assessment_start(
        actor=world.social_worker, assessment=referral.case.assessment
    )
    assert [f.key for f in assessment.findings.all()] == [
        "structures_systems",
        "prevention",
        "identification",
        "response_intervention",
    ]


def test_only_the_case_s_team_works_the_assessment(world: World) -> None:
    case = open_case(world)
    for name in ("yjs_worker", "other_social_worker", "partner_worker", "police_analyst"):
        with pytest.raises(NotPermitted):
            services.assessment_start(actor=world.persona(name), assessment=case.assessment)
    services.assessment_start(actor=world.teammate, assessment=case.assessment)


def test_saving_before_starting_is_refused(world: World) -> None:
    case = open_case(world)
    with pytest.raises(InvalidTransition, match="not started"):
        fill(world, case.assessment)


def test_submitting_needs_every_domain_the_analysis_and_a_recommendation(world: World) -> None:
    case = open_case(world)
    assessment = services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.assessment_submit(actor=world.social_worker, assessment=assessment, manager=None)
    assert fields_of(error) == {
        "manager",
        "strengths_needs-rating",
        "strengths_needs-strengths",
        "guardianship-rating",
        "guardianship-strengths",
        "resources_environment_policy-rating",
        "resources_environment_policy-strengths",
        "capacity_analysis",
        "recommendation",
    }
    assert error.value.errors["guardianship-rating"] == ["Rate guardianship red, amber or green"]


def test_a_bad_rating_is_named_and_nothing_is_written(world: World) -> None:
    case = open_case(world)
    assessment = services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.assessment_save(
            actor=world.social_worker,
            assessment=assessment,
            findings={"guardianship": FindingInput(rating="purple", strengths="Kind staff")},
            recommendation="ignore",
        )
    assert fields_of(error) == {"guardianship-rating", "recommendation"}


def test_evidence_carries_its_source(world: World) -> None:
    case = open_case(world)
    assessment = services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    evidence = services.evidence_add(
        actor=world.social_worker,
        assessment=assessment,
        domain_key="guardianship",
        text="Security log: 14 reports of groups of boys in the car park in March",
        source="partner",
    )
    assert evidence.finding.key == "guardianship" and evidence.source == "partner"
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.evidence_add(
            actor=world.social_worker,
            assessment=assessment,
            domain_key="nope",
            text="",
            source="rumour",
        )
    assert fields_of(error) == {"domain", "text", "source"}


@pytest.mark.usefixtures("frozen_clock")  # today() is the same day throughout
def test_a_manager_approves_and_a_conference_falls_due_in_15_working_days(world: World) -> None:
    case = submitted_case(world)
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=world.social_worker, assessment=case.assessment)
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=world.partner_worker, assessment=case.assessment)
    services.assessment_approve(
        actor=world.team_manager, assessment=case.assessment, note="A clear analysis"
    )
    case = refreshed(case)
    assert (
        case.assessment.status == "approved" and case.assessment.approved_by == world.team_manager
    )
    assert case.status == "conference"
    conference = conference_of(case)
    assert conference.status == "pending"
    assert conference.due_on == deadlines.conference_due(today())
    approval = Approval.objects.get(case=case)
    assert (approval.subject, approval.outcome, approval.by) == (
        "assessment",
        "approved",
        world.team_manager,
    )
    # Signed off: nobody is asked any more, so nobody may sign it off again.
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=world.team_manager, assessment=case.assessment)


def test_a_manager_does_not_sign_off_their_own_assessment(world: World) -> None:
    """Was: the manager's own assessment went to the administrator, who signed it off."""
    case = open_case(world)
    services.assessment_start(
        actor=world.team_manager, assessment=case.assessment, assessor=world.team_manager
    )
    fill(world, case.assessment, actor=world.team_manager)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.assessment_submit(
            actor=world.team_manager, assessment=case.assessment, manager=world.team_manager
        )
    assert "cannot sign off the assessment" in error.value.errors["manager"][0]
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=world.admin, assessment=case.assessment)


def test_a_returned_assessment_goes_back_for_more_work(world: World) -> None:
    case = submitted_case(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.assessment_return(actor=world.team_manager, assessment=case.assessment, note=" ")
    assert fields_of(error) == {"note"}
    services.assessment_return(
        actor=world.team_manager, assessment=case.assessment, note="Add the young people's views"
    )
    case = refreshed(case)
    assert case.assessment.status == "in_progress" and case.status == "assessment"
    assert Approval.objects.get(case=case).outcome == "returned"
    with pytest.raises(NotPermitted):  # returned: the request is decided
        services.assessment_approve(actor=world.team_manager, assessment=case.assessment)
    services.assessment_submit(
        actor=world.social_worker, assessment=case.assessment, manager=world.team_manager
    )
    services.assessment_approve(actor=world.team_manager, assessment=case.assessment)


@pytest.mark.usefixtures("frozen_clock")  # today() is the same day throughout
def test_an_assessment_recommending_no_conference_leads_to_a_closure_request(
    world: World,
) -> None:
    case = assessed_case(world, recommendation="close")
    assert case.status == "assessment" and not case.conferences.exists()
    request_closure(world, case, outcome="nfa", reason="The centre is safe")
    services.closure_approve(actor=world.team_manager, case=refreshed(case))
    assert refreshed(case).status == "closed" and refreshed(case).closed_on == today()


# --- Conference ------------------------------------------------------------------------------


def test_scheduling_needs_a_time_a_place_and_a_chair(world: World) -> None:
    conference = conference_of(assessed_case(world))
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.conference_schedule(
            actor=world.social_worker, conference=conference, when=None, location="", chair=None
        )
    assert fields_of(error) == {"when", "location", "chair"}
    with pytest.raises(InvalidTransition, match="to be scheduled: you cannot record"):
        hold(world, conference)


def test_a_conference_is_not_set_before_its_assessment_was_approved(world: World) -> None:
    """The conference considers the approved assessment: a time before the approval (here,
    before the case was even opened) would back-date it, and the plan it agrees."""
    case = assessed_case(world)
    conference = conference_of(case)
    for before in (case.opened_at - dt.timedelta(days=90), case.assessment.approved_at):
        with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
            schedule(world, conference, when=before - dt.timedelta(minutes=1))
        assert list(error.value.errors) == ["when"]
        assert error.value.errors["when"][0].startswith(
            "The conference must be after the assessment was approved"
        )
    assert schedule(world, conference, when=case.assessment.approved_at).status == "scheduled"


def test_a_conference_is_recorded_once_it_has_taken_place(world: World) -> None:
    conference = conference_of(assessed_case(world))
    schedule(world, conference, when=clock.now() + dt.timedelta(days=3))
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="taken place"):
        hold(world, conference)


def test_recording_a_conference_with_partners_agrees_the_plan(world: World) -> None:
    case = assessed_case(world)
    conference = hold(world, schedule(world, conference_of(case)))
    assert conference.status == "held" and conference.plan_agreed
    assert conference.assessment == case.assessment
    by_name = {str(a): (a.attendance, a.agency) for a in conference.attendees.all()}
    assert by_name["Pat Residents"] == ("attended", None)
    assert by_name["Test police_analyst"] == ("apologies", world.police)
    assert by_name["Test partner_worker"] == ("attended", world.partner)
    assert [d.text for d in conference.decisions.all()] == ["A context safeguarding plan is needed"]
    case = refreshed(case)
    assert case.status == "plan" and case.plan.agreed_at == conference
    assert case.plan.status == "draft"
    with pytest.raises(InvalidTransition, match="held: you cannot record"):
        hold(world, conference)


def test_the_chair_may_record_the_conference(world: World) -> None:
    case = assessed_case(world)
    conference = schedule(world, conference_of(case))
    services.conference_schedule(
        actor=world.social_worker,
        conference=conference,
        when=clock.now(),
        location="Room 2",
        chair=world.yjs_worker,
    )
    hold(world, conference, actor=world.yjs_worker, plan_agreed=False)
    assert refreshed(case).status == "conference"


def test_attendance_must_be_recorded_with_names(world: World) -> None:
    conference = schedule(world, conference_of(assessed_case(world)))
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        hold(
            world,
            conference,
            attendees=[
                services.AttendeeInput(attendance="apologies", name=""),
                services.AttendeeInput(attendance="maybe", worker=world.teammate),
            ],
            minutes="",
        )
    assert fields_of(error) == {"attendee_0", "attendee_1", "attendees", "minutes"}


def test_minutes_naming_a_child_linked_to_the_context_are_refused_until_confirmed(
    world: World,
) -> None:
    # A referral about her names the centre: she is a child linked to the context.
    refer_child(world, world.shopping_centre)
    conference = schedule(world, conference_of(assessed_case(world)))
    minutes = "Ciara Cscchild was seen in the car park with older males."
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        hold(world, conference, minutes=minutes)
    assert error.value.errors["minutes"][0].startswith(
        "The minutes name a child linked to this context (Ciara Cscchild)"
    )
    held = hold(world, conference, minutes=minutes, names_confirmed=True)
    assert held.names_confirmed


def test_the_warning_neither_names_nor_counts_a_child_the_recorder_may_not_see(
    world: World,
) -> None:
    # police_child was harmed at the park; the social worker may not see them. A warning
    # (even "1 other child") would tell her a child of that name is linked to the park.
    referral = screen(world, refer(world, actor=world.social_worker, context=world.park))
    conference = schedule(world, conference_of(assess(world, referral.case)))
    held = hold(world, conference, decisions=["Paddy Policechild to be offered mentoring"])
    assert not held.names_confirmed


# --- Plan ------------------------------------------------------------------------------------


def test_a_plan_cannot_be_approved_before_its_assessment(world: World) -> None:
    case = open_case(world)
    plan = services.plan_draft(actor=world.social_worker, case=case)
    services.goal_add(
        actor=world.social_worker, plan=plan, statement="Safe car park", measure="Incidents"
    )
    add_action(world, plan)
    with (
        nothing_written(*CASEWORK_MODELS),
        pytest.raises(
            InvalidTransition,
            match="The plan cannot be approved before the context's assessment is approved",
        ),
    ):
        services.plan_submit(actor=world.social_worker, plan=plan, manager=world.team_manager)
    with pytest.raises(NotPermitted):  # nobody was asked
        services.plan_approve(actor=world.team_manager, plan=plan)


def test_a_plan_is_approved_after_a_conference_agrees_it(world: World) -> None:
    case = assessed_case(world)
    plan = services.plan_draft(actor=world.social_worker, case=case)
    with pytest.raises(InvalidTransition, match="conference agrees the plan"):
        services.plan_submit(actor=world.social_worker, plan=plan, manager=world.team_manager)
    with pytest.raises(InvalidTransition, match="already has a plan"):
        services.plan_draft(actor=world.social_worker, case=case)


@pytest.mark.usefixtures("frozen_clock")  # today() is the same day throughout
def test_approving_a_plan_needs_goals_and_actions_and_schedules_a_review(world: World) -> None:
    case = assessed_case(world)
    hold(world, schedule(world, conference_of(case)))
    plan = refreshed(case).plan
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.plan_submit(actor=world.social_worker, plan=plan, manager=world.team_manager)
    assert fields_of(error) == {"goals", "actions"}
    case = active_case_from(world, case)
    assert case.plan.status == "active" and case.plan.approved_by == world.team_manager
    due = case.plan.reviews.get()
    assert due.status == "due" and due.due_on == deadlines.review_due(today())
    assert Approval.objects.filter(case=case, subject="plan", outcome="approved").exists()


def active_case_from(world: World, case: ContextCase) -> ContextCase:
    plan = refreshed(case).plan
    goal = services.goal_add(
        actor=world.social_worker,
        plan=plan,
        statement="Safe car park",
        measure="Incidents at the centre",
    )
    add_action(world, plan, goal=goal)
    services.plan_submit(actor=world.social_worker, plan=plan, manager=world.team_manager)
    services.plan_approve(actor=world.team_manager, plan=plan)
    return refreshed(case)


def test_goals_and_actions_are_validated_by_field(world: World) -> None:
    plan = planned_case(world).plan
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.goal_add(
            actor=world.social_worker, plan=plan, statement="", measure="", domain_key="made_up"
        )
    assert fields_of(error) == {"statement", "measure", "domain_key"}
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        add_action(
            world,
            plan,
            description=" ",
            agency=None,
            owner=None,
            due_on=today() - dt.timedelta(days=1),
        )
    assert fields_of(error) == {"description", "agency", "owner", "due_on"}
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        add_action(world, plan, agency=world.police, owner=world.partner_worker)
    assert error.value.errors["owner"] == [
        "Test partner_worker does not work for Borough Police: choose their agency"
    ]


def test_a_partner_without_an_account_owns_an_action_by_name(world: World) -> None:
    plan = planned_case(world).plan
    action = add_action(
        world,
        plan,
        owner=None,
        owner_name="Centre manager, J. Ruiz",
        description="Brighter lighting on level 2 of the car park",
    )
    assert action.owner_text == "Centre manager, J. Ruiz" and action.agency == world.partner
    assert action.updates.get().note.startswith("Added to the plan")


@pytest.mark.usefixtures("frozen_clock")  # today() is the same day throughout
def test_updating_an_action_keeps_its_history(world: World) -> None:
    case = active_case(world)
    action = case.plan.actions.get()
    services.action_update(
        actor=world.partner_worker,
        action=action,
        status="in_progress",
        note="Patrols began on Monday",
    )
    # A progress note that keeps the action in progress is an update, not a second start.
    services.action_update(
        actor=world.partner_worker, action=action, status="in_progress", note="Two patrols a day"
    )
    services.action_update(
        actor=world.partner_worker, action=action, status="done", note="Patrols are now permanent"
    )
    action.refresh_from_db()
    assert action.status == "done" and action.completed_on == today()
    statuses = [u.status for u in action.updates.all()]
    assert statuses == ["done", "in_progress", "in_progress", "planned"]
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="done"):
        services.action_update(
            actor=world.partner_worker, action=action, status="in_progress", note="Again"
        )
    assert changes_for(action)[-1].after["status"] == "done"


@pytest.mark.parametrize("name", ["yjs_worker", "police_analyst", "school_dsl", "auditor"])
def test_an_action_is_updated_only_by_those_involved(world: World, name: str) -> None:
    action = active_case(world).plan.actions.get()
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        services.action_update(actor=world.persona(name), action=action, status="done", note="Done")


def test_bad_action_updates_are_named(world: World) -> None:
    action = active_case(world).plan.actions.get()
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.action_update(actor=world.social_worker, action=action, status="finished", note="")
    assert fields_of(error) == {"status", "note"}
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.action_update(
            actor=world.social_worker,
            action=action,
            status="planned",
            note="Moved",
            due_on=today() - dt.timedelta(days=2),
        )
    assert fields_of(error) == {"due_on"}


def test_children_linked_to_the_plan_must_be_seen_and_may_link_their_own_plan(
    world: World,
) -> None:
    plan = planned_case(world).plan
    episode = world.csc_child.episodes.get()
    link = services.plan_child_add(
        actor=world.social_worker, plan=plan, person=world.csc_child, episode=episode
    )
    assert link.episode == episode
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        services.plan_child_add(actor=world.social_worker, plan=plan, person=world.other_child)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.plan_child_add(actor=world.social_worker, plan=plan, person=world.csc_child)
    assert "already linked" in error.value.errors["person"][0]
    # Another child's plan is not this child's.
    episode_start(
        actor=world.system,
        person=world.team_child,
        status=LegalStatus.CHILD_IN_NEED,
        start=START,
        agency=world.csc,
    )
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.plan_child_add(
            actor=world.social_worker, plan=plan, person=world.team_child, episode=episode
        )
    assert fields_of(error) == {"episode"}
    adult = make_person(world.social_worker, kind="adult_of_concern", date_of_birth=None)
    with pytest.raises(ValidationFailed) as error:
        services.plan_child_add(actor=world.social_worker, plan=plan, person=adult)
    assert fields_of(error) == {"person"}


# --- Reviews and closure ---------------------------------------------------------------------


@pytest.mark.usefixtures("frozen_clock")  # today() is the same day throughout
def test_a_review_that_continues_schedules_the_next_within_12_weeks(world: World) -> None:
    case = active_case(world)
    goal = case.plan.goals.get()
    done = review(world, case, progress={goal.pk: ProgressInput("achieved", "No incidents")})
    assert done.status == "held" and done.decision == "continue"
    assert done.progress.get().progress == "achieved"
    goal.refresh_from_db()
    assert goal.status == "achieved"
    following = case.plan.reviews.get(status="due")
    assert following.due_on == deadlines.review_due(today())
    with pytest.raises(InvalidTransition, match="held: you cannot record it again"):
        services.review_record(
            actor=world.social_worker,
            review=done,
            held_on=today(),
            summary="Again",
            progress={},
            decision="continue",
        )


def test_a_review_records_progress_on_every_open_goal(world: World) -> None:
    case = active_case(world)
    goal = case.plan.goals.get()
    due = case.plan.reviews.get()
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.review_record(
            actor=world.social_worker,
            review=due,
            held_on=today() + dt.timedelta(days=1),
            summary="",
            progress={},
            decision="stop",
        )
    assert fields_of(error) == {f"goal_{goal.pk}", "held_on", "summary", "decision"}


def test_closing_after_improvement_ends_the_plan(world: World) -> None:
    """Was: a review deciding to close asked for closure itself, and approving it stopped
    the actions still open; now the actions are finished first and the closure has its
    evidence (tests/casework/test_governance.py)."""
    case = active_case(world)
    review(world, case, "close")
    assert refreshed(case).status == "plan"  # the review alone does not close
    finish_actions(world, case)
    case = request_closure(world, refreshed(case))
    assert case.status == "closing" and case.closure_outcome == "improved"
    assert case.closure_requested_by == world.social_worker
    with pytest.raises(NotPermitted):
        services.closure_approve(actor=world.social_worker, case=case)
    services.closure_approve(actor=world.team_manager, case=case, note="Well evidenced")
    case = refreshed(case)
    assert case.status == "closed" and case.plan.status == "ended"
    assert case.plan.actions.get().status == "done"
    assert not PlanReview.objects.filter(plan=case.plan, status="due").exists()
    assert Approval.objects.filter(case=case, subject="closure", outcome="approved").exists()


def test_a_closed_case_cannot_gain_actions_goals_or_children(world: World) -> None:
    case = active_case(world)
    finish_actions(world, case)
    request_closure(world, case)
    services.closure_approve(actor=world.team_manager, case=refreshed(case))
    plan = refreshed(case).plan
    with (
        nothing_written(*CASEWORK_MODELS),
        pytest.raises(InvalidTransition, match="This case is closed: it cannot gain actions"),
    ):
        add_action(world, plan)
    with pytest.raises(InvalidTransition, match="cannot gain goals"):
        services.goal_add(actor=world.social_worker, plan=plan, statement="x", measure="y")
    with pytest.raises(InvalidTransition, match="cannot gain children"):
        services.plan_child_add(actor=world.social_worker, plan=plan, person=world.csc_child)
    with pytest.raises(InvalidTransition, match="closed: you cannot ask to close"):
        request_closure(world, refreshed(case), outcome="other", reason="x")


# A closed case is history: its assessment and conference take no more work. A case may close
# at the assessment or conference stage (no further action, stepped down); before, their
# services asked only their own record's status, so a closed case's assessment could still be
# started, written, evidenced and sent for sign-off (a new request in a manager's My work), and
# its conference scheduled (the chair invited) and recorded.


def test_a_closed_case_s_assessment_cannot_be_started(world: World) -> None:
    case = closed(world, open_case(world), no_rating_reason="Closed before any assessment")
    with (
        nothing_written(*CASEWORK_MODELS),
        pytest.raises(InvalidTransition, match="This case is closed: its assessment cannot"),
    ):
        services.assessment_start(actor=world.social_worker, assessment=case.assessment)


def test_a_closed_case_s_assessment_takes_no_writing_evidence_or_sign_off_request(
    world: World,
) -> None:
    case = open_case(world)
    services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    fill(world, case.assessment)  # written in full: it could have gone for sign-off
    assessment = closed(world, refreshed(case)).assessment
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="closed"):
        fill(world, assessment, capacity_analysis="Written after the case closed")
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="closed"):
        services.evidence_add(
            actor=world.social_worker,
            assessment=assessment,
            domain_key=assessment.findings.first().key,
            text="Seen after closure",
            source="professional",
        )
    with (
        nothing_written(*CASEWORK_MODELS, SignOffRequest, Notification),
        pytest.raises(InvalidTransition, match="closed"),
    ):
        services.assessment_submit(
            actor=world.social_worker, assessment=assessment, manager=world.team_manager
        )


def _schedule_an_hour_ago(world: World, conference: ContextConference) -> ContextConference:
    return services.conference_schedule(
        actor=world.social_worker,
        conference=conference,
        when=clock.now() - dt.timedelta(hours=1),
        location="Room 2",
        chair=world.other_social_worker,
    )


def test_a_closed_case_s_conference_cannot_be_scheduled(world: World) -> None:
    conference = conference_of(closed(world, assessed_case(world)))  # at the conference stage
    with (
        nothing_written(*CASEWORK_MODELS, Notification),  # the chair is not invited
        pytest.raises(InvalidTransition, match="its conference cannot be scheduled"),
    ):
        _schedule_an_hour_ago(world, conference)


def test_a_closed_case_s_conference_cannot_be_recorded(world: World) -> None:
    case = assessed_case(world)
    schedule(world, conference_of(case))  # set for yesterday: it could be recorded
    conference = conference_of(closed(world, refreshed(case)))
    with (
        nothing_written(*CASEWORK_MODELS),
        pytest.raises(InvalidTransition, match="its conference cannot be recorded"),
    ):
        services.conference_record(
            actor=world.social_worker,
            conference=conference,
            attendees=attendees(world),
            minutes="Held after the case closed.",
            plan_agreed=False,
            basis=SAFEGUARDING,
        )


# While a manager decides on closing a case, the case stays as it was when the closure was
# asked for: before, its assessment could be started and written, its conference set and
# recorded and a plan drafted under the manager's feet, and a piece sent for sign-off before
# the request was left in the manager's My work on a case that then closed.


def test_a_closing_case_s_assessment_takes_no_work_nor_a_plan_drafted(world: World) -> None:
    case = request_closure(world, open_case(world), no_rating_reason="Stepped down at once")
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="deciding"):
        services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="deciding"):
        services.plan_draft(actor=world.social_worker, case=case)


def test_a_closing_case_s_conference_is_not_set_until_the_closure_is_refused(
    world: World,
) -> None:
    conference = conference_of(request_closure(world, assessed_case(world)))
    with (
        nothing_written(*CASEWORK_MODELS, Notification),
        pytest.raises(InvalidTransition, match="its conference cannot be scheduled now"),
    ):
        _schedule_an_hour_ago(world, conference)
    services.closure_refuse(actor=world.team_manager, case=conference.case, note="Not yet")
    schedule(world, conference_of(refreshed(conference.case)))  # kept open: the work goes on


def test_a_case_is_not_asked_to_close_while_a_sign_off_waits(world: World) -> None:
    case = submitted_case(world, recommendation="step_down")
    with (
        nothing_written(*CASEWORK_MODELS, Notification),
        pytest.raises(InvalidTransition, match=r"assessment is waiting for .* to sign it off"),
    ):
        request_closure(world, case, outcome="stepped_down")
    services.assessment_approve(actor=world.team_manager, assessment=case.assessment)
    assert request_closure(world, refreshed(case), outcome="stepped_down").status == "closing"


def test_an_assessment_is_not_signed_off_once_its_case_is_closed(world: World) -> None:
    """A closed case's assessment waiting from before (data from before the rule above) is
    neither approved nor returned."""
    case = submitted_case(world)
    SignOffRequest.objects.filter(case=case).update(decided_at=clock.now())
    case = closed(world, case, outcome="stepped_down", no_rating_reason="Before the sign-off")
    SignOffRequest.objects.filter(case=case, subject="assessment").update(decided_at=None)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="closed"):
        services.assessment_approve(actor=world.team_manager, assessment=case.assessment)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="closed"):
        services.assessment_return(
            actor=world.team_manager, assessment=case.assessment, note="More needed"
        )


def test_a_refused_closure_returns_the_case_and_schedules_a_review(world: World) -> None:
    case = active_case(world)
    review(world, case, "step_down")
    finish_actions(world, case, "stopped")
    case = request_closure(world, refreshed(case), outcome="stepped_down")
    assert case.closure_outcome == "stepped_down"
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.closure_refuse(actor=world.team_manager, case=case, note="")
    assert fields_of(error) == {"note"}
    services.closure_refuse(
        actor=world.team_manager, case=case, note="Wait for the summer holidays"
    )
    case = refreshed(case)
    assert case.status == "plan" and case.closure_outcome == ""
    assert case.plan.reviews.filter(status="due").count() == 1
    assert Approval.objects.get(case=case, subject="closure").outcome == "returned"


def test_a_manager_does_not_approve_a_closure_they_asked_for(world: World) -> None:
    case = assessed_case(world, recommendation="step_down")
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        request_closure(world, case, actor=world.team_manager, outcome="stepped_down")
    assert "cannot sign off the closure" in error.value.errors["manager"][0]


def test_bad_closure_requests_are_named(world: World) -> None:
    case = assessed_case(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.closure_request(
            actor=world.social_worker, case=case, outcome="bored", reason="", manager=None
        )
    assert fields_of(error) == {
        "outcome",
        "reason",
        "manager",
        *(f"rating_{f.key}" for f in case.assessment.findings.all()),
    }


def test_every_write_is_audited_by_its_actor(world: World) -> None:
    case = active_case(world)
    action = case.plan.actions.get()
    assert last_change(action).actor == world.social_worker
    assert last_change(case.plan).actor == world.team_manager
    assert last_change(case.assessment).actor == world.team_manager
    conference = ContextConference.objects.get(case=case)
    assert last_change(conference).action == ChangeAction.UPDATE
    for model in (PlanAction, PlanActionUpdate, ContextPlan):
        for row in model.objects.all():
            assert changes_for(row), f"{model.__name__} {row.pk} has no audit row"
