"""Recording a managed move: who may, and each bad input named with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import today
from locus.moves.models import ManagedMove
from locus.moves.services import was_on_roll
from locus.places.services import enrolment_end
from tests.factories import START, World, changes_for, make_context, make_person, nothing_written
from tests.moves.helpers import MOVE_DAY, move, new_school
from tests.panels.helpers import set_up

pytestmark = pytest.mark.django_db


def test_the_school_s_dsl_records_a_move(world: World) -> None:
    recorded = move(world)
    assert (recorded.from_school, recorded.to_school) == (world.school, new_school(world))
    assert recorded.recorded_by == world.school_dsl and recorded.not_on_roll_reason == ""
    (event,) = changes_for(recorded)
    assert event.action == ChangeAction.CREATE


# Who may record a move of the pupil (on Millfields Academy's roll).
# fmt: off
RECORD_ROW = {
    "school_dsl": True,          # the school sees its pupils
    "admin": True,
    "social_worker": False,      # does not see the pupil
    "team_manager": False,
    "yjs_worker": False,
    "police_analyst": False,     # an analyst reads, does not record about children
    "partner_worker": False,
    "auditor": False,
}
# fmt: on


@pytest.mark.parametrize(("persona", "allowed"), sorted(RECORD_ROW.items()))
def test_who_may_record_a_move(world: World, persona: str, allowed: bool) -> None:
    worker = world.persona(persona)
    if allowed:
        assert move(world, actor=worker).recorded_by == worker
        return
    with nothing_written(ManagedMove), pytest.raises(NotPermitted):
        move(world, actor=worker)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"to_school": "same"}, "to_school", "must be a different school"),
        ({"to_school": "park"}, "to_school", "Choose the school the child moved to"),
        ({"from_school": None}, "from_school", "Choose the school the child moved from"),
        ({"moved_on": None}, "moved_on", "Enter the date of the move"),
        ({"moved_on": "tomorrow"}, "moved_on", "must not be in the future"),
        ({"moved_on": "before birth"}, "moved_on", "after the child's date of birth"),
        ({"reason": "  "}, "reason", "Say what peer abuse the move responds to"),
        ({"panel_decision": ""}, "panel_decision", "Enter what was decided"),
        ({"decided_by": ""}, "decided_by", "Say who decided"),
        ({"decided_by": "x" * 201}, "decided_by", "200 characters or fewer"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    special = {
        "same": world.school,
        "park": world.park,
        "tomorrow": today() + dt.timedelta(days=1),
        "before birth": dt.date(2010, 1, 1),
    }
    values = {k: special.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    with nothing_written(ManagedMove), pytest.raises(ValidationFailed) as caught:
        move(world, **values)
    assert any(message in m for m in caught.value.errors[field]), caught.value.errors


def test_every_problem_is_reported_at_once(world: World) -> None:
    with nothing_written(ManagedMove), pytest.raises(ValidationFailed) as caught:
        move(world, to_school=world.school, reason="", panel_decision="", decided_by="")
    assert set(caught.value.errors) == {"to_school", "reason", "panel_decision", "decided_by"}


def test_a_child_not_on_the_old_school_s_roll_needs_a_reason(world: World) -> None:
    other = make_context(world.system, kind="school", name="Clapton Girls' Academy")
    with nothing_written(ManagedMove), pytest.raises(ValidationFailed) as caught:
        move(world, from_school=other, actor=world.admin)
    (message,) = caught.value.errors["not_on_roll_reason"]
    assert message.startswith("Priya Pupil was not on the roll of Clapton Girls' Academy")
    recorded = move(
        world,
        from_school=other,
        actor=world.admin,
        not_on_roll_reason="On a part-time timetable there, roll kept by the PRU",
    )
    assert recorded.not_on_roll_reason.startswith("On a part-time timetable")


def test_a_roll_closed_on_the_eve_of_the_move_still_counts(world: World) -> None:
    enrolment = world.pupil.enrolments.get()
    eve = MOVE_DAY - dt.timedelta(days=1)
    enrolment_end(actor=world.school_dsl, enrolment=enrolment, end=eve, leave_reason="moved_school")
    assert was_on_roll(world.pupil, world.school, MOVE_DAY)
    assert not was_on_roll(world.pupil, world.school, MOVE_DAY + dt.timedelta(days=2))
    assert not was_on_roll(world.pupil, world.school, START)  # the first day is not the eve


def test_the_same_move_is_recorded_once(world: World) -> None:
    move(world)
    with nothing_written(ManagedMove), pytest.raises(ValidationFailed) as caught:
        move(world)
    assert caught.value.errors["moved_on"] == ["This move is already recorded"]


def test_a_move_is_for_a_young_person(world: World) -> None:
    with nothing_written(ManagedMove), pytest.raises(ValidationFailed) as caught:
        move(world, actor=world.admin, person=world.adult, not_on_roll_reason="n/a")
    assert caught.value.errors["person"] == ["A managed move is for a young person"]


def test_citing_a_panel_needs_sight_of_it(world: World) -> None:
    panel = set_up(world)  # the social worker's MACE panel: the school is not on it
    with nothing_written(ManagedMove), pytest.raises(NotPermitted):
        move(world, panel_meeting=panel)
    assert move(world, actor=world.admin, panel_meeting=panel).panel_meeting == panel


def test_a_child_never_at_school_can_still_be_recorded_with_a_reason(world: World) -> None:
    child = make_person(world.system, given_name="Nia")
    recorded = move(
        world, actor=world.admin, person=child, not_on_roll_reason="Electively home educated"
    )
    assert recorded.person == child
