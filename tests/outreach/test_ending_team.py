"""A visit plan is ended by the team that made it, or by the lead of the place's open case.

Was: any team that had ever worked a case at the place (a closed one years before, say)
ended another team's visits there. Now the team that made the plan is kept on it
(``VisitPlan.team``): its practitioners and managers end the visits, and so does the lead of
the place's open case; another team that worked a case there sees the plan but is not
offered the ending, and its page is "not found" to them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.html import escape

from locus.access import outreach as rules
from locus.casework.models import ContextCase
from locus.common.errors import NotPermitted
from locus.outreach import services
from locus.outreach.models import VisitPlan
from tests.factories import World, client_for, move_worker, nothing_written
from tests.frozen_clock import FrozenClock
from tests.outreach.helpers import park_case, plan

REASON = "The park has had wardens at the gates since October and no approaches since."


@pytest.fixture
def after_team_b(world: World, frozen_clock: FrozenClock) -> VisitPlan:
    """Team B's case at the park, closed; then team A's, open, and its plan."""
    frozen_clock.at(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    old = park_case(world)
    ContextCase.objects.filter(pk=old.pk).update(
        team=world.csc_team_b, lead=world.other_social_worker, status="closed"
    )
    park_case(world)
    return plan(world)


def _end_page(world: World, name: str, visits: VisitPlan) -> int:
    return client_for(world.persona(name)).get(f"/outreach/plans/{visits.pk}/end/").status_code


def _end(world: World, name: str, visits: VisitPlan) -> VisitPlan:
    return services.visit_plan_end(
        actor=world.persona(name), plan=visits, last_on=dt.date(2026, 11, 27), reason=REASON
    )


def test_the_plan_keeps_the_team_that_made_it(world: World, after_team_b: VisitPlan) -> None:
    assert after_team_b.team == world.csc_team_a


def test_another_team_that_worked_a_case_at_the_place_sees_the_plan_but_does_not_end_it(
    world: World, after_team_b: VisitPlan
) -> None:
    page = client_for(world.other_social_worker).get(f"/outreach/plans/{after_team_b.pk}/")
    assert page.status_code == 200
    assert f'href="/outreach/plans/{after_team_b.pk}/end/"' not in page.content.decode()
    # The page says whose plan it is, so the worker knows whom to ask.
    team = world.csc_team_a
    assert escape(f"{team.name}, {team.agency.name}: its practitioners and managers") in page.text
    assert _end_page(world, "other_social_worker", after_team_b) == 404
    with nothing_written(VisitPlan), pytest.raises(NotPermitted):
        _end(world, "other_social_worker", after_team_b)


@pytest.mark.parametrize("name", ["social_worker", "teammate", "team_manager"])
def test_the_team_that_made_it_ends_it(world: World, after_team_b: VisitPlan, name: str) -> None:
    assert _end_page(world, name, after_team_b) == 200
    assert _end(world, name, after_team_b).ended_by == world.persona(name)


def test_the_lead_of_the_place_s_open_case_ends_it_and_the_maker_s_new_team_does_not(
    world: World, after_team_b: VisitPlan
) -> None:
    """The open case passed to team B's worker as its lead: they end team A's plan too. The
    plan's maker, moved to team B (and no longer the lead), ends it no more: it is team A's."""
    ContextCase.objects.filter(context=world.park).exclude(status="closed").update(
        lead=world.other_social_worker
    )
    move_worker(world.social_worker, world.csc_team_b)
    assert not rules.can_end_visits(world.social_worker, after_team_b)
    assert rules.can_end_visits(world.teammate, after_team_b)
    assert _end(world, "other_social_worker", after_team_b).ended_by == world.other_social_worker
