"""Location actions land on the location's approved context safeguarding plan, with a link
back to the agenda item; without one they stay with the panel.

The plans are made with casework's own services and test helpers (a case on the
shopping centre, referred by its security team, assessed, conferenced, planned).
"""

from __future__ import annotations

from typing import Any

import pytest

from locus.casework import services as casework
from locus.casework.models import ContextCase, PlanAction
from locus.casework.reference import ensure_reference_data
from locus.common.errors import InvalidTransition, ValidationFailed
from locus.panels.models import AgendaItem, PanelAction, PanelMeeting
from locus.panels.services import panel_action_update, panel_close
from tests.casework.helpers import active_case, finish_actions, planned_case, request_closure
from tests.factories import World, changes_for, client_for, nothing_written
from tests.panels.helpers import PANEL_MODELS, act, add, held
from tests.profiles.pages import url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db: Any) -> None:
    ensure_reference_data()  # a browser test may have emptied the seeded threshold levels


def _centre(world: World) -> tuple[PanelMeeting, AgendaItem]:
    """A held panel with the shopping centre on its list of locations."""
    meeting = held(world)
    return meeting, add(world, meeting, "location", context=world.shopping_centre)


def test_an_action_on_a_location_with_an_approved_plan_lands_on_it(world: World) -> None:
    plan = active_case(world).plan
    _, centre = _centre(world)
    action = act(world, centre, description="Lighting survey of the car park")
    landed = action.plan_action
    assert landed is not None and landed.plan == plan
    assert (landed.description, landed.owner, landed.agency, landed.due_on, landed.status) == (
        action.description,
        world.social_worker,
        world.csc,
        action.due_on,
        "planned",
    )
    assert landed.source == "mace_panel"
    assert landed.panel_action.item == centre  # the link back to the agenda item
    assert changes_for(landed)[0].after["source"] == "mace_panel"
    assert "Agreed at MACE panel" in landed.updates.get().note


def test_a_plan_still_in_draft_does_not_take_the_panel_s_actions(world: World) -> None:
    plan = planned_case(world).plan
    before = plan.actions.count()
    action = act(world, _centre(world)[1])
    assert action.plan_action is None and plan.actions.count() == before


def test_a_closed_case_s_plan_gains_no_actions(world: World) -> None:
    case = active_case(world)
    finish_actions(world, case)
    request_closure(world, case)
    casework.closure_approve(actor=world.team_manager, case=ContextCase.objects.get(pk=case.pk))
    before = PlanAction.objects.count()
    action = act(world, _centre(world)[1])
    assert action.plan_action is None and PlanAction.objects.count() == before


def test_person_items_never_land_on_a_plan(world: World) -> None:
    active_case(world)
    meeting, _ = _centre(world)
    assert act(world, meeting.items.get(kind="harmed")).plan_action is None


def test_on_a_plan_the_owner_works_for_the_delivering_agency(world: World) -> None:
    active_case(world)
    _, centre = _centre(world)
    with nothing_written(*PANEL_MODELS, PlanAction), pytest.raises(ValidationFailed) as caught:
        act(world, centre, agency=world.partner)
    assert "does not work for Mare Street Shopping Centre" in caught.value.errors["owner"][0]


def test_a_landed_action_is_followed_on_the_plan_not_the_panel(world: World) -> None:
    active_case(world)
    meeting, centre = _centre(world)
    action = act(world, centre)
    with nothing_written(*PANEL_MODELS, PlanAction), pytest.raises(InvalidTransition) as caught:
        panel_action_update(actor=world.social_worker, action=action, status="done", note="x")
    assert "recorded on the plan" in str(caught.value)
    # The case team records progress on the plan, and the panel shows it.
    assert action.plan_action is not None
    casework.action_update(
        actor=world.social_worker, action=action.plan_action, status="done", note="Surveyed"
    )
    html = client_for(world.social_worker).get(url("panel", meeting.pk)).content.decode()
    row = html.split(action.description)[1].split("</tr>")[0]
    assert "Done" in row and "on the context plan" in row and "Update" not in row
    # It does not hold the panel open either way: the plan's team follows it.
    panel_close(actor=world.social_worker, meeting=meeting)
    assert PanelAction.objects.get(pk=action.pk).plan_action is not None


def test_the_page_says_where_a_location_s_actions_go(world: World) -> None:
    active_case(world)
    meeting, _ = _centre(world)
    html = client_for(world.social_worker).get(url("panel", meeting.pk)).content.decode()
    assert "has an approved context safeguarding plan" in html  # the shopping centre
    assert "No approved context safeguarding plan" in html  # the park
