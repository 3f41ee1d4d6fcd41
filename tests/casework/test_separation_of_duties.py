"""Nobody signs off their own work, and nobody takes a sign-off asked of someone else.

Each test named for a breach failed on the code before: a manager who wrote the
assessment's analysis and recommendation, added its evidence, or whose findings the
practitioner later re-saved, was offered it and signed it off (only whoever last saved
each finding counted); a manager who changed one of the plan's actions approved the plan;
and any manager of the team passed a sign-off asked of another to themselves and gave it
(an administrator could make such a manager's account and do the same). Later, each of these
failed too: the manager who revised a case's threshold signed off its screening; the manager
who linked the plan's children approved the plan; and a manager who wrote part of a plan
passed its sign-off from the manager asked to a colleague of their choice.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.access import context_cases as policies
from locus.access.models import Role, Worker
from locus.access.services import worker_create
from locus.casework import services
from locus.casework.models import ContextCase, SignOffRequest
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from tests.casework.helpers import (
    CASEWORK_MODELS,
    add_action,
    fill,
    level,
    open_case,
    planned_case,
    refreshed,
    submit_plan,
    submitted_case,
)
from tests.factories import World, client_for, make_worker, nothing_written
from tests.mapping.test_views import url

pytestmark = pytest.mark.django_db


def another_manager(world: World, username: str = "second_manager") -> Worker:
    """Another manager of team A (the case's team)."""
    return make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username=username)


def started(world: World) -> ContextCase:
    case = open_case(world)
    services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    return refreshed(case)


def offered_managers(worker: Worker, page: str) -> set[int]:
    """The managers the page's "manager" list offers ``worker``."""
    html = client_for(worker).get(page).content.decode()
    found = re.search(r'<select[^>]*name="manager"[^>]*>(.*?)</select>', html, re.S)
    assert found, "no manager list on the page"
    return {int(v) for v in re.findall(r'<option value="(\d+)"', found[1])}


def as_written(case: ContextCase) -> dict[str, services.FindingInput]:
    """The findings as they stand (saving them again changes none)."""
    return {
        f.key: services.FindingInput(f.strengths, f.concerns, f.rating)
        for f in case.assessment.findings.all()
    }


def refused_as_sign_off(world: World, case: ContextCase, manager: Worker) -> None:
    """``manager`` is an author of the assessment: not offered, and refused at the asking."""
    assert manager.pk in policies.sign_off_authors(case, "assessment")
    page = url("context-assessment", case.pk)
    assert manager.pk not in offered_managers(world.social_worker, page)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed, match="manager"):
        services.assessment_submit(
            actor=world.social_worker, assessment=refreshed(case).assessment, manager=manager
        )


# --- 1. The authors of a piece are everyone who ever wrote part of it ------------------------


def evidence_by_manager(world: World, text: str) -> ContextCase:
    """A started, filled assessment to which the team manager has added evidence."""
    case = started(world)
    fill(world, case.assessment)
    services.evidence_add(
        actor=world.team_manager,
        assessment=refreshed(case).assessment,
        domain_key=case.assessment.findings.first().key,
        text=text,
        source="professional",
    )
    return case


def asked_after_writing(world: World) -> ContextCase:
    """An assessment the team manager added evidence to, whose sign-off is asked of them all
    the same (asked before the rule, or passed on through another route)."""
    case = evidence_by_manager(world, "Manager's own notes")
    assessment = refreshed(case).assessment
    # As the assessment's submission would have written it, around the check that now refuses.
    assessment.status = "submitted"
    assessment.save()
    SignOffRequest.objects.create(
        case=case,
        subject="assessment",
        manager=world.team_manager,
        requested_by=world.social_worker,
        requested_at=assessment.started_at,
    )
    return case


def test_a_manager_who_wrote_the_analysis_and_recommendation_does_not_sign_it_off(
    world: World,
) -> None:
    case = started(world)
    fill(world, case.assessment, capacity_analysis="", recommendation="")
    # The manager writes the analysis and the recommendation only: no finding changes.
    services.assessment_save(
        actor=world.team_manager,
        assessment=refreshed(case).assessment,
        findings=as_written(refreshed(case)),
        capacity_analysis="Written by the manager: the car park is the gap.",
        recommendation="conference",
    )
    refused_as_sign_off(world, case, world.team_manager)
    other = another_manager(world)
    assert other.pk in offered_managers(world.social_worker, url("context-assessment", case.pk))
    services.assessment_submit(
        actor=world.social_worker, assessment=refreshed(case).assessment, manager=other
    )
    services.assessment_approve(actor=other, assessment=refreshed(case).assessment)
    assert refreshed(case).assessment.approved_by == other


def test_a_manager_whose_findings_were_saved_again_by_the_practitioner_stays_an_author(
    world: World,
) -> None:
    case = started(world)
    keys = [f.key for f in case.assessment.findings.all()]
    services.assessment_save(
        actor=world.team_manager,
        assessment=case.assessment,
        findings={k: services.FindingInput("Theirs", "Manager's", "red") for k in keys},
    )
    # The social worker saves every finding again, one character changed: each row's
    # "last saved by" is now theirs, but the manager's words are still the assessment's.
    services.assessment_save(
        actor=world.social_worker,
        assessment=refreshed(case).assessment,
        findings={k: services.FindingInput("Theirs.", "Manager's", "red") for k in keys},
        capacity_analysis="The car park is the gap.",
        recommendation="conference",
    )
    refused_as_sign_off(world, case, world.team_manager)


def test_a_manager_who_added_evidence_does_not_sign_it_off(world: World) -> None:
    case = evidence_by_manager(world, "Manager's own notes of a walkabout at the centre")
    refused_as_sign_off(world, case, world.team_manager)


def test_a_sign_off_asked_of_an_author_before_they_wrote_is_not_given(world: World) -> None:
    """A request already open when its manager became an author (asked before this rule, or
    passed on through another route): the manager may not approve or return it, and the
    page offers them no sign-off."""
    case = asked_after_writing(world)
    assert not policies.can_sign_off(world.team_manager, case, "assessment")
    signoff = url("context-assessment-signoff", case.pk)
    assert client_for(world.team_manager).get(signoff).status_code == 404
    # The case page says why, and offers to pass it on.
    html = client_for(world.team_manager).get(url("context-case", case.pk)).content.decode()
    assert "You wrote part of it, so you cannot sign it off" in html
    assert f'href="{signoff}"' not in html
    assert "Ask another manager" in html
    html = client_for(world.social_worker).get(url("context-case", case.pk)).content.decode()
    assert "You wrote part of it" not in html
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=world.team_manager, assessment=refreshed(case).assessment)
    with pytest.raises(NotPermitted):
        services.assessment_return(
            actor=world.team_manager, assessment=refreshed(case).assessment, note="More"
        )


def test_a_manager_who_changed_an_action_of_the_plan_does_not_approve_it(world: World) -> None:
    case = planned_case(world)
    action = case.plan.actions.get()
    services.action_update(
        actor=world.team_manager, action=action, status="in_progress", note="Patrols started"
    )
    assert world.team_manager.pk in policies.sign_off_authors(case, "plan")
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed, match="manager"):
        services.plan_submit(
            actor=world.social_worker, plan=refreshed(case).plan, manager=world.team_manager
        )
    page = url("context-plan-submit", case.pk)
    assert world.team_manager.pk not in offered_managers(world.social_worker, page)


def test_the_plan_keeps_its_first_writers(world: World) -> None:
    """A goal and an action the manager added stay theirs after others change the action."""
    case = planned_case(world)
    goal = services.goal_add(
        actor=world.team_manager, plan=case.plan, statement="The manager's goal", measure="Theirs"
    )
    action = services.action_add(
        actor=world.team_manager,
        plan=refreshed(case).plan,
        description="The manager's action",
        agency=world.partner,
        owner=world.partner_worker,
        due_on=case.plan.actions.first().due_on,
        goal=goal,
    )
    services.action_update(
        actor=world.partner_worker, action=action, status="in_progress", note="Started"
    )
    assert world.team_manager.pk in policies.sign_off_authors(refreshed(case), "plan")


def test_a_manager_who_linked_children_to_the_plan_does_not_approve_it(world: World) -> None:
    """Who the plan is for is part of the plan: choosing its children makes an author."""
    linker = another_manager(world)
    case = planned_case(world)
    services.plan_child_add(actor=linker, plan=case.plan, person=world.team_child)
    assert linker.pk in policies.sign_off_authors(refreshed(case), "plan")
    page = url("context-plan-submit", case.pk)
    assert linker.pk not in offered_managers(world.social_worker, page)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed, match="manager"):
        services.plan_submit(actor=world.social_worker, plan=refreshed(case).plan, manager=linker)


def test_children_the_practitioner_linked_leave_the_team_manager_to_approve_the_plan(
    world: World,
) -> None:
    case = planned_case(world)
    services.plan_child_add(actor=world.social_worker, plan=case.plan, person=world.team_child)
    case = submit_plan(world, refreshed(case))
    services.plan_approve(actor=world.team_manager, plan=case.plan)
    assert refreshed(case).plan.approved_by == world.team_manager


def returned_screening(world: World) -> ContextCase:
    """A case screened at a level that asks for sign-off, which the team manager did not
    agree: the team revises the threshold and asks again."""
    complex_level = level("Complex")
    complex_level.screening_sign_off = True
    complex_level.save()
    case = open_case(world, level=complex_level, manager=world.team_manager)
    services.screening_sign_off(
        actor=world.team_manager, case=case, approve=False, note="Not Complex on this evidence"
    )
    return refreshed(case)


def test_the_manager_who_revised_the_threshold_does_not_sign_off_the_screening(
    world: World,
) -> None:
    case = returned_screening(world)
    reviser = another_manager(world)
    services.threshold_revise(
        actor=reviser, case=case, level=level("Level 2"), reason="Stays a context assessment"
    )
    assert reviser.pk in policies.sign_off_authors(case, "screening")
    page = url("context-screening-ask", case.pk)
    assert offered_managers(world.social_worker, page) == {world.team_manager.pk}
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed, match="manager"):
        services.screening_ask(actor=world.social_worker, case=case, manager=reviser)
    # The manager who did not agree the first level agrees the revised one.
    services.screening_ask(actor=world.social_worker, case=case, manager=world.team_manager)
    services.screening_sign_off(actor=world.team_manager, case=case, approve=True)
    assert not policies.screening_unsigned(case)


def test_the_threshold_is_not_revised_while_its_screening_waits_for_sign_off(
    world: World,
) -> None:
    """The manager asked to sign off the screening signs the level they were asked about: a
    revision meanwhile (by the team, or by the manager asked) is refused, naming them, and
    writes nothing; the page says so. Once they do not agree it, the level is revised and
    the screening asked again, and a manager who revised it does not sign it off."""
    case = returned_screening(world)
    second = another_manager(world)
    services.screening_ask(actor=world.social_worker, case=case, manager=second)
    for actor in (world.social_worker, second):
        with (
            nothing_written(*CASEWORK_MODELS),
            pytest.raises(InvalidTransition, match=f"waiting for {second} to sign it off"),
        ):
            services.threshold_revise(
                actor=actor, case=case, level=level("Level 2"), reason="Stays a context assessment"
            )
    posted = {"level": level("Level 2").pk, "reason": "Stays a context assessment"}
    with nothing_written(*CASEWORK_MODELS):
        page = client_for(world.social_worker).post(url("context-threshold", case.pk), posted)
    assert f"waiting for {second} to sign it off" in page.content.decode()
    assert refreshed(case).threshold_level == level("Complex")
    services.screening_sign_off(
        actor=second, case=case, approve=False, note="Level 2 on this evidence"
    )
    services.threshold_revise(
        actor=second, case=case, level=level("Level 2"), reason="Stays a context assessment"
    )
    services.screening_ask(actor=world.social_worker, case=case, manager=world.team_manager)
    services.screening_sign_off(actor=world.team_manager, case=case, approve=True)
    assert not policies.screening_unsigned(case)


def test_starting_returning_and_asking_again_makes_no_author(world: World) -> None:
    """The ordinary path: the manager who started the assessment and returned it once signs
    off the practitioner's work; the practitioner's own re-saves change nothing of that."""
    case = open_case(world)
    services.assessment_start(actor=world.team_manager, assessment=case.assessment)
    fill(world, refreshed(case).assessment)
    services.evidence_add(
        actor=world.social_worker,
        assessment=refreshed(case).assessment,
        domain_key=case.assessment.findings.first().key,
        text="Safety mapping with four young people",
        source="young_person",
    )
    services.assessment_submit(
        actor=world.social_worker,
        assessment=refreshed(case).assessment,
        manager=world.team_manager,
    )
    services.assessment_return(
        actor=world.team_manager, assessment=refreshed(case).assessment, note="Say more"
    )
    fill(world, refreshed(case).assessment, capacity_analysis="More: the car park after 6pm.")
    assert world.team_manager.pk not in policies.sign_off_authors(case, "assessment")
    assert world.social_worker.pk in policies.sign_off_authors(case, "assessment")
    page = url("context-assessment", case.pk)
    assert world.team_manager.pk in offered_managers(world.social_worker, page)
    services.assessment_submit(
        actor=world.social_worker,
        assessment=refreshed(case).assessment,
        manager=world.team_manager,
    )
    services.assessment_approve(actor=world.team_manager, assessment=refreshed(case).assessment)
    assert refreshed(case).assessment.status == "approved"


def test_the_authors_are_read_in_queries_that_do_not_grow_with_the_work(world: World) -> None:
    case = started(world)
    fill(world, case.assessment)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            policies.sign_off_authors(case, "assessment")
        return len(ctx.captured_queries)

    before = queries()
    for n in range(3):
        services.evidence_add(
            actor=world.teammate,
            assessment=refreshed(case).assessment,
            domain_key=case.assessment.findings.first().key,
            text=f"Evidence {n}",
            source="professional",
        )
    assert queries() == before <= 2


# --- 2. A sign-off is passed on, never taken ---------------------------------------------------


def pass_on(actor: Worker, asked: SignOffRequest, to: Worker, reason: str = "Away") -> Any:
    return services.sign_off_reassign(actor=actor, request=asked, manager=to, reason=reason)


def test_another_manager_cannot_take_a_sign_off_asked_of_someone_else(world: World) -> None:
    second = another_manager(world)
    third = another_manager(world, "third_manager")
    case = submitted_case(world)  # asked of team_manager
    asked = SignOffRequest.objects.get(case=case, subject="assessment")
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        pass_on(second, asked, second, "I'll do it")
    assert "yourself" in str(error.value)
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=second, assessment=refreshed(case).assessment)
    # The page lets him pass it to a third manager, never to himself.
    page = url("context-signoff-reassign", case.pk, asked.pk)
    assert offered_managers(second, page) == {third.pk}
    response = client_for(second).post(page, {"manager": second.pk, "reason": "I'll do it"})
    assert response.status_code == 200
    asked.refresh_from_db()
    assert asked.manager_id == world.team_manager.pk


def test_a_manager_account_made_by_the_administrator_cannot_take_a_sign_off(
    world: World,
) -> None:
    made = worker_create(
        actor=world.admin,
        username="it_admin_alt",
        first_name="IT",
        last_name="Alt",
        team=world.csc_team_a,
        role=Role.MANAGER,
        password=None,
        email="it.alt@workers.example",
    )
    case = submitted_case(world)
    asked = SignOffRequest.objects.get(case=case, subject="assessment")
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed):
        pass_on(made, asked, made, "Covering")
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=made, assessment=refreshed(case).assessment)
    assert refreshed(case).assessment.status == "submitted"


def test_who_passes_a_sign_off_on(world: World) -> None:
    """The manager asked, the worker who asked, a manager of the team (to another manager):
    not another practitioner of the team, nor anyone outside it."""
    second = another_manager(world)
    third = another_manager(world, "third_manager")
    case = submitted_case(world)  # social_worker asked team_manager
    asked = SignOffRequest.objects.get(case=case, subject="assessment")
    for worker, may in (
        (world.team_manager, True),
        (world.social_worker, True),
        (second, True),
        (world.teammate, False),
        (world.other_social_worker, False),
        (world.admin, False),
    ):
        assert policies.can_reassign_sign_off(worker, asked) is may, worker
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        pass_on(world.teammate, asked, second)
    pass_on(world.team_manager, asked, second, "On leave")  # the manager asked
    pass_on(world.social_worker, asked, third, "Second manager is off sick")  # who asked
    pass_on(second, asked, world.team_manager, "Back from leave")  # a team manager, onwards
    asked.refresh_from_db()
    assert asked.manager_id == world.team_manager.pk
    services.assessment_approve(actor=world.team_manager, assessment=refreshed(case).assessment)
    assert refreshed(case).assessment.approved_by == world.team_manager


def test_a_manager_who_wrote_part_of_the_plan_does_not_choose_who_approves_it(
    world: World,
) -> None:
    """Passing the sign-off on from the manager asked to a colleague of their choice would be
    approving their own work at one remove."""
    author = another_manager(world)
    friend = another_manager(world, "friendly_manager")
    case = planned_case(world)
    add_action(world, case.plan, actor=author, description="Author's own action")
    case = submit_plan(world, case)  # social_worker asks team_manager
    asked = SignOffRequest.objects.get(case=case, subject="plan", decided_at__isnull=True)
    assert not policies.can_reassign_sign_off(author, asked)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        pass_on(author, asked, friend, "Team manager is busy")
    page = url("context-signoff-reassign", case.pk, asked.pk)
    assert client_for(author).get(page).status_code == 404
    html = client_for(author).get(url("context-case", case.pk)).content.decode()
    assert page not in html
    asked.refresh_from_db()
    assert asked.manager_id == world.team_manager.pk


def test_the_manager_asked_and_the_worker_who_asked_pass_it_on_though_authors(
    world: World,
) -> None:
    """The ordinary way work reaches a manager who may sign it: the manager asked who then
    wrote part of it, or the practitioner who wrote it and asked, passes it on."""
    second = another_manager(world)
    third = another_manager(world, "third_manager")
    case = submit_plan(world, planned_case(world))  # social_worker asks team_manager
    asked = SignOffRequest.objects.get(case=case, subject="plan", decided_at__isnull=True)
    add_action(world, case.plan, actor=world.team_manager, description="The manager's action")
    assert policies.too_close_to_sign(world.team_manager, asked)
    page = url("context-signoff-reassign", case.pk, asked.pk)
    assert page in client_for(world.team_manager).get(url("context-case", case.pk)).content.decode()
    pass_on(world.team_manager, asked, second, "I added an action myself")
    asked.refresh_from_db()
    assert policies.too_close_to_sign(world.social_worker, asked)
    pass_on(world.social_worker, asked, third, "Second manager is on leave")
    services.plan_approve(actor=third, plan=refreshed(case).plan)
    assert refreshed(case).plan.approved_by == third


def test_a_page_loaded_before_the_sign_off_moved_on_does_not_pass_it_on_again(
    world: World,
) -> None:
    """The manager asked who wrote part of the plan passes it on; the form they had loaded
    before (a second tab) must not let them choose again: it is not asked of them now."""
    second = another_manager(world)
    third = another_manager(world, "third_manager")
    case = submit_plan(world, planned_case(world))  # social_worker asks team_manager
    asked = SignOffRequest.objects.get(case=case, subject="plan", decided_at__isnull=True)
    add_action(world, case.plan, actor=world.team_manager, description="The manager's action")
    stale = SignOffRequest.objects.get(pk=asked.pk)  # the second tab, loaded now
    pass_on(world.team_manager, asked, second, "I wrote an action: not mine to sign")
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        pass_on(world.team_manager, stale, third, "Changed my mind")
    asked.refresh_from_db()
    assert asked.manager_id == second.pk


def _second_account(world: World, email: str) -> Worker:
    """A manager's account in the author's team with the author's email (an old second
    account, or one made before accounts were checked for it): the same person."""
    Worker.objects.filter(pk=world.social_worker.pk).update(email="sam.okafor@example.org")
    second = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="sam2")
    Worker.objects.filter(pk=second.pk).update(email=email)
    second.refresh_from_db()
    return second


def test_a_second_account_of_the_author_is_not_offered_and_does_not_sign_off(
    world: World,
) -> None:
    """Separation of duties compares people, not accounts. Was: a practitioner with a
    manager's second account (the same email, in any case) wrote the assessment, asked
    that account for the sign-off and gave it."""
    case = open_case(world)
    services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    fill(world, case.assessment)
    second = _second_account(world, "Sam.Okafor@Example.org")
    offered = {m.pk for m in policies.eligible_managers(case, "assessment")}
    assert second.pk not in offered and world.team_manager.pk in offered
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as exc:
        services.assessment_submit(
            actor=world.social_worker, assessment=refreshed(case).assessment, manager=second
        )
    assert list(exc.value.errors) == ["manager"]


def test_a_sign_off_asked_of_an_account_later_known_as_the_authors_is_refused(
    world: World,
) -> None:
    second = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="sam2")
    case = open_case(world)
    services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    fill(world, case.assessment)
    services.assessment_submit(
        actor=world.social_worker, assessment=refreshed(case).assessment, manager=second
    )
    # The two accounts turn out to be one person's (the same email).
    Worker.objects.filter(pk=world.social_worker.pk).update(email="sam@example.org")
    Worker.objects.filter(pk=second.pk).update(email="SAM@example.org")
    second.refresh_from_db()
    asked = SignOffRequest.objects.get(case=case, subject="assessment")
    assert policies.too_close_to_sign(second, asked)
    with pytest.raises(NotPermitted):
        services.assessment_approve(actor=second, assessment=refreshed(case).assessment)
    assert refreshed(case).assessment.status == "submitted"
