"""A conference chair of an independent reviewing service records the review of the plan
their conference agreed; when it decides to close the case or step it down, the page does
not go on to the closure request (only the case's team asks to close a case, and the chair
would land on a refusal): it goes back to the plan, saying the team has been told, and the
case's lead is told to ask for the closure. The team's own worker goes on to the closure
request as before."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from locus.access.models import Role, Scope, Worker
from locus.access.services import team_create
from locus.casework.models import ContextCase, PlanReview
from locus.common import clock
from locus.notifications.models import Notification
from tests.casework import helpers as cases
from tests.casework.helpers import assessed_case, conference_of
from tests.factories import World, client_for, make_worker

pytestmark = pytest.mark.django_db


def chaired_case(world: World) -> tuple[Worker, ContextCase]:
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    chair = make_worker(world.system, team=unit, role=Role.PRACTITIONER, scope=Scope.TEAM)
    case = assessed_case(world)
    cases.schedule(world, conference_of(case), chair=chair)
    case = cases.active(world, cases.plan_goal_action(world, cases.held(world, case)))
    return chair, case


def post_review(worker: Worker, case: ContextCase, decision: str) -> tuple[str, list[str]]:
    goals = case.plan.goals.filter(status="open")
    data = {
        "held_on": clock.today().strftime("%d/%m/%Y"),
        "summary": "No incidents this quarter; the park is patrolled.",
        "decision": decision,
        **{f"goal_{g.pk}": "achieved" for g in goals},
    }
    response = client_for(worker).post(reverse("context-review", args=[case.pk]), data)
    assert response.status_code == 302, response.content.decode()
    return response["Location"], [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("decision", ["close", "step_down"])
def test_a_chair_who_decides_to_close_goes_back_to_the_plan_and_the_lead_is_told(
    world: World, decision: str
) -> None:
    chair, case = chaired_case(world)
    went_to, said = post_review(chair, case, decision)
    assert went_to == reverse("context-plan", args=[case.pk])
    assert client_for(chair).get(went_to).status_code == 200
    assert any("the case's team" in m and "told to ask" in m for m in said)
    review = PlanReview.objects.get(plan__case=case, decision=decision)
    assert review.recorded_by == chair
    told = Notification.objects.get(record_id=review.pk, record_type="casework.planreview")
    assert told.recipient == case.lead
    assert told.url == reverse("context-closure", args=[case.pk])
    assert "ask to close the case" in told.text
    # The lead opens the closure request the notice links to.
    assert client_for(case.lead).get(told.url).status_code == 200


def test_a_chair_who_continues_the_plan_goes_back_to_it_and_nobody_is_told(
    world: World,
) -> None:
    chair, case = chaired_case(world)
    went_to, said = post_review(chair, case, "continue")
    assert went_to == reverse("context-plan", args=[case.pk])
    assert said == ["Review recorded"]
    assert not Notification.objects.filter(record_type="casework.planreview").exists()


def test_the_team_goes_on_to_ask_for_the_closure_as_before(world: World) -> None:
    _chair, case = chaired_case(world)
    went_to, _said = post_review(world.social_worker, case, "close")
    assert went_to == reverse("context-closure", args=[case.pk])
    assert not Notification.objects.filter(record_type="casework.planreview").exists()


def test_when_the_lead_has_left_the_team_managers_are_told(world: World) -> None:
    chair, case = chaired_case(world)
    lead = case.lead
    lead.is_active = False
    lead.save(update_fields=["is_active"])
    post_review(chair, case, "close")
    told = {n.recipient for n in Notification.objects.filter(record_type="casework.planreview")}
    assert told and all(w.role == Role.MANAGER and w.team_id == case.team_id for w in told)
    assert world.team_manager in told


def test_the_notice_to_ask_for_the_closure_goes_once_the_team_has_asked(world: World) -> None:
    """Once anyone in the team asks to close the case, the lead's notice is answered: left
    unread, it would send them to a closure page that now waits for the manager."""
    chair, case = chaired_case(world)
    post_review(chair, case, "close")
    assert Notification.objects.filter(record_type="casework.planreview").exists()
    cases.finish_actions(world, case)
    cases.request_closure(world, case)
    assert not Notification.objects.filter(record_type="casework.planreview").exists()


LONG_GOAL = "Young people are safe in the car park, the food court and the bus station after school"


def test_the_chair_is_told_before_deciding_that_the_lead_asks_for_the_closure(
    world: World,
) -> None:
    chair, case = chaired_case(world)
    case.plan.goals.update(statement=LONG_GOAL)
    page = client_for(chair).get(reverse("context-review", args=[case.pk])).content.decode()
    assert "the plan goes back to the case&#x27;s lead, who is told to ask for the closure" in (
        page
    )
    # The note's label names the goal cut after a whole word ("the bus…"), not in one.
    cut = "Note on progress: Young people are safe in the car park, the food court and the bus…"
    assert cut in page and "bus stati…" not in page and "bus stati (optional)" not in page
    team = client_for(world.social_worker).get(reverse("context-review", args=[case.pk]))
    assert team.status_code == 200
    assert "who is told to ask for the closure" not in team.content.decode()
