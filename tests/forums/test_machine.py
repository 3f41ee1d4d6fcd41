"""One way of writing a state machine: each feature's meeting and action machines, every
status against every move, legal moves taken and illegal ones refused the same way."""

from __future__ import annotations

import pytest

from locus.casework.models import CONFERENCE_MACHINE, PLAN_MACHINE
from locus.common.errors import InvalidTransition
from locus.forums.machine import Machine
from locus.forums.models import ACTION_MACHINE, next_action_statuses
from locus.mapping.models import INTERVENTION_MACHINE, MEETING_MACHINE
from locus.panels.models import PANEL_MACHINE

# The legal moves of each machine, written out by hand: (status, move) -> next status.
PLANNED_MOVES = {
    ("planned", "update"): "planned",
    ("planned", "start"): "in_progress",
    ("planned", "complete"): "done",
    ("planned", "stop"): "stopped",
    ("in_progress", "update"): "in_progress",
    ("in_progress", "complete"): "done",
    ("in_progress", "stop"): "stopped",
}
_ORGANISE = ("invite", "agree_share", "withdraw_share")
_AFTER = ("confirm_attendance", "decide", "add_intervention", "update_intervention")
LEGAL: dict[str, tuple[Machine, dict[tuple[str, str], str]]] = {
    "casework conference": (
        CONFERENCE_MACHINE,
        {
            ("pending", "schedule"): "scheduled",
            ("scheduled", "schedule"): "scheduled",
            ("scheduled", "record"): "held",
        },
    ),
    "casework plan": (
        PLAN_MACHINE,
        {
            ("draft", "edit"): "draft",
            ("draft", "approve"): "active",
            ("draft", "end"): "ended",
            ("active", "edit"): "active",
            ("active", "review"): "active",
            ("active", "end"): "ended",
        },
    ),
    "casework action": (ACTION_MACHINE, PLANNED_MOVES),
    "cocase meeting": (
        MEETING_MACHINE,
        {
            **{("proposed", m): "proposed" for m in _ORGANISE},
            ("proposed", "schedule"): "scheduled",
            ("proposed", "cancel"): "cancelled",
            **{("scheduled", m): "scheduled" for m in _ORGANISE},
            ("scheduled", "schedule"): "scheduled",
            ("scheduled", "record_minutes"): "held",
            ("scheduled", "cancel"): "cancelled",
            **{("held", m): "held" for m in _AFTER},
            ("held", "close"): "closed",
        },
    ),
    "cocase intervention": (INTERVENTION_MACHINE, PLANNED_MOVES),
    "panels meeting": (
        PANEL_MACHINE,
        {
            ("scheduled", "add_attendee"): "scheduled",
            ("scheduled", "add_item"): "scheduled",
            ("scheduled", "hold"): "held",
            ("scheduled", "cancel"): "cancelled",
            ("held", "add_item"): "held",
            ("held", "discuss"): "held",
            ("held", "decide"): "held",
            ("held", "add_action"): "held",
            ("held", "update_action"): "held",
            ("held", "close"): "closed",
        },
    ),
    "panels action": (ACTION_MACHINE, PLANNED_MOVES),
}

CASES = [
    (name, status, move)
    for name, (machine, _) in LEGAL.items()
    for status in machine.statuses.values
    for move in machine.verbs
]


@pytest.mark.parametrize(("name", "status", "move"), CASES, ids=["-".join(c) for c in CASES])
def test_each_feature_machine_moves_or_refuses(name: str, status: str, move: str) -> None:
    machine, legal = LEGAL[name]
    if (status, move) in legal:
        assert machine.allows(status, move)
        assert machine.after(status, move) == legal[(status, move)]
        return
    assert not machine.allows(status, move)
    with pytest.raises(InvalidTransition) as refused:
        machine.after(status, move)
    assert str(refused.value) == machine.refusal(status, move)
    assert "{" not in str(refused.value)  # every template was filled


def test_every_machine_lists_every_status() -> None:
    for machine, _ in LEGAL.values():
        assert set(machine.moves) == set(machine.statuses.values)
        assert all(set(moves) <= set(machine.verbs) for moves in machine.moves.values())


def test_the_three_features_write_their_machines_one_way() -> None:
    assert {type(machine) for machine, _ in LEGAL.values()} == {Machine}
    # The features' actions share one table of moves, worded in each feature's terms.
    assert INTERVENTION_MACHINE.moves == ACTION_MACHINE.moves


def test_an_unknown_move_is_a_programming_error() -> None:
    for machine, _ in LEGAL.values():
        with pytest.raises(ValueError, match="unknown move"):
            machine.after(next(iter(machine.moves)), "teleport")


def test_refusals_read_in_each_feature_s_words() -> None:
    cases = [
        (CONFERENCE_MACHINE, "held", "record", "This conference is held: you cannot record it now"),
        (PANEL_MACHINE, "closed", "add_action", "This meeting is closed: you cannot add an action"),
        (
            PANEL_MACHINE,
            "scheduled",
            "discuss",
            "This meeting has not been held yet: record it as held before you record the "
            "discussion",
        ),
        (
            PANEL_MACHINE,
            "held",
            "cancel",
            "This meeting has been held: it is too late to cancel it. Close it once its actions "
            "are done",
        ),
        (
            MEETING_MACHINE,
            "proposed",
            "record_minutes",
            "Schedule the meeting before recording its minutes",
        ),
        (
            MEETING_MACHINE,
            "cancelled",
            "invite",
            "This meeting was cancelled: it is too late to invite anyone",
        ),
        (
            INTERVENTION_MACHINE,
            "in_progress",
            "replan",
            "An intervention in progress cannot go back to planned",
        ),
        (
            ACTION_MACHINE,
            "in_progress",
            "replan",
            "This action is in progress: you cannot put it back to planned",
        ),
    ]
    for machine, status, move, words in cases:
        with pytest.raises(InvalidTransition) as refused:
            machine.after(status, move)
        assert str(refused.value) == words


@pytest.mark.parametrize("machine", [ACTION_MACHINE, INTERVENTION_MACHINE])
def test_an_action_never_goes_back_to_planned(machine: Machine) -> None:
    assert next_action_statuses("planned", machine) == ["planned", "in_progress", "done", "stopped"]
    assert next_action_statuses("in_progress", machine) == ["in_progress", "done", "stopped"]
    assert next_action_statuses("done", machine) == []
    assert next_action_statuses("stopped", machine) == []
