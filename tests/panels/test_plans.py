"""Location actions land on the location's approved context safeguarding plan, with a link
back to the agenda item; without one they stay with the panel."""

from __future__ import annotations

import pytest

from locus.casework.models import PlanAction
from locus.common.errors import InvalidTransition, ValidationFailed
from locus.panels.models import PanelAction
from locus.panels.services import panel_action_update, panel_close
from tests.factories import World, changes_for, client_for, nothing_written
from tests.panels.helpers import PANEL_MODELS, act, approved_plan, held, item
from tests.profiles.pages import url

pytestmark = pytest.mark.django_db


def test_an_action_on_a_location_with_an_approved_plan_lands_on_it(world: World) -> None:
    plan = approved_plan(world, world.park)
    meeting = held(world)
    location = item(meeting, "location")
    action = act(world, location, description="Lighting survey of the park's north gate")
    landed = action.plan_action
    assert landed is not None and landed.plan == plan
    assert (landed.description, landed.owner, landed.agency, landed.due_on, landed.status) == (
        action.description,
        world.social_worker,
        world.csc,
        action.due,
        "planned",
    )
    assert landed.source == "mace_panel"
    assert landed.panel_action.item == location  # the link back to the agenda item
    assert changes_for(landed)[0].after["source"] == "mace_panel"
    assert "Agreed at MACE panel" in landed.updates.get().note


@pytest.mark.parametrize("status", ["draft", "ended"])
def test_without_an_approved_plan_the_action_stays_with_the_panel(
    world: World, status: str
) -> None:
    approved_plan(world, world.park, status=status)
    action = act(world, item(held(world), "location"))
    assert action.plan_action is None and not PlanAction.objects.exists()


def test_person_items_never_land_on_a_plan(world: World) -> None:
    approved_plan(world, world.park)
    action = act(world, item(held(world), "harmed"))
    assert action.plan_action is None


def test_on_a_plan_the_owner_works_for_the_delivering_agency(world: World) -> None:
    approved_plan(world, world.park)
    meeting = held(world)
    with nothing_written(*PANEL_MODELS, PlanAction), pytest.raises(ValidationFailed) as caught:
        act(world, item(meeting, "location"), agency=world.police)
    assert "does not work for Borough Police" in caught.value.errors["owner"][0]


def test_a_landed_action_is_followed_on_the_plan_not_the_panel(world: World) -> None:
    approved_plan(world, world.park)
    meeting = held(world)
    action = act(world, item(meeting, "location"))
    with nothing_written(*PANEL_MODELS, PlanAction), pytest.raises(InvalidTransition) as caught:
        panel_action_update(actor=world.social_worker, action=action, status="done", note="x")
    assert "recorded on the plan" in str(caught.value)
    # It does not hold the panel open: the plan's team follows it.
    panel_close(actor=world.social_worker, meeting=meeting)
    assert PanelAction.objects.get().plan_action is not None


def test_the_page_says_where_a_location_s_actions_go(world: World) -> None:
    approved_plan(world, world.park)
    meeting = held(world)
    act(world, item(meeting, "location"), description="Lighting survey")
    html = client_for(world.social_worker).get(url("panel", meeting.pk)).content.decode()
    assert "has an approved context safeguarding plan" in html
    row = html.split("Lighting survey")[1].split("</tr>")[0]
    assert "on the context plan" in row and "Update" not in row
