"""Actions agreed at another forum (a contextual HSB meeting, a MACE panel) land on a
context's approved plan through ``services.action_land``: audited, with their history,
checked like the plan's own actions, and never on a draft plan or a closed case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.casework import services
from locus.casework.models import ContextPlan, PlanAction
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.common.services import today
from tests.casework.helpers import (
    CASEWORK_MODELS,
    active_case,
    finish_actions,
    planned_case,
    refreshed,
    request_closure,
)
from tests.factories import World, changes_for, nothing_written

pytestmark = pytest.mark.django_db


def land(world: World, plan: ContextPlan, **fields: Any) -> PlanAction:
    values: dict[str, Any] = {
        "actor": world.police_analyst,
        "plan": plan,
        "description": "Police patrol past the car park exit at closing time",
        "agency": world.csc,
        "owner": world.social_worker,
        "due_on": today() + dt.timedelta(days=14),
        "source": "mace_panel",
        "note": "Agreed at the MACE panel on Tuesday",
    }
    values.update(fields)
    return services.action_land(**values)


def test_a_panel_attendee_lands_an_action_on_an_approved_plan(world: World) -> None:
    plan = active_case(world).plan
    action = land(world, plan, status="in_progress", source="hsb_meeting")
    assert (action.plan, action.source, action.status, action.created_by) == (
        plan,
        "hsb_meeting",
        "in_progress",
        world.police_analyst,
    )
    assert action.get_source_display() == "Contextual HSB meeting"
    step = action.updates.get()
    assert (step.note, step.status, step.by) == (
        "Agreed at the MACE panel on Tuesday",
        "in_progress",
        world.police_analyst,
    )
    assert changes_for(action)[0].after["source"] == "hsb_meeting"
    assert changes_for(step)  # the history row is audited too


def test_a_draft_plan_takes_no_landed_actions(world: World) -> None:
    plan = planned_case(world).plan
    with (
        nothing_written(*CASEWORK_MODELS),
        pytest.raises(InvalidTransition, match="not been approved"),
    ):
        land(world, plan)


def test_a_closed_case_takes_no_landed_actions(world: World) -> None:
    case = active_case(world)
    finish_actions(world, case)
    request_closure(world, case)
    services.closure_approve(actor=world.team_manager, case=refreshed(case))
    with (
        nothing_written(*CASEWORK_MODELS),
        pytest.raises(InvalidTransition, match="This case is closed: it cannot gain actions"),
    ):
        land(world, refreshed(case).plan)


def test_landing_is_checked_like_the_plan_s_own_actions(world: World) -> None:
    plan = active_case(world).plan
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        land(
            world,
            plan,
            description="",
            owner=world.partner_worker,
            due_on=today() - dt.timedelta(days=1),
            source="plan",  # the plan's own actions go through action_add
            status="done",
            note=" ",
        )
    assert error.value.errors == {
        "description": ["Describe the action"],
        "owner": [
            "Test partner_worker does not work for Children's Social Care: choose their agency"
        ],
        "due_on": ["The due date must be today or later"],
        "source": ["Choose the meeting or panel that agreed the action"],
        "status": ["A new action is planned or in progress"],
        "note": ["Say where the action was agreed"],
    }
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        land(world, plan, source="gossip")
    assert list(error.value.errors) == ["source"]


def test_only_workers_who_sit_on_panels_land_actions(world: World) -> None:
    """Not the auditor, and not the IT administrator: landing an action is casework, and the
    administrator's role writes none (it reads cases to support the system)."""
    plan = active_case(world).plan
    for outsider in (world.auditor, world.admin):
        with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
            land(world, plan, actor=outsider)


def test_an_action_landed_while_the_closure_waits_keeps_the_case_open(world: World) -> None:
    """What another forum agrees still reaches the plan while a manager decides on closing
    the case (the team's own additions wait): the manager then keeps the case open."""
    case = active_case(world)
    finish_actions(world, case)
    plan = request_closure(world, case).plan
    land(world, plan)
    with pytest.raises(InvalidTransition, match="An action on the plan is open again"):
        services.closure_approve(actor=world.team_manager, case=refreshed(case))
    assert refreshed(case).status == "closing"
