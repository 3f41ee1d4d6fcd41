"""Every state machine, exhaustively: every status x every move either moves or is refused."""

from __future__ import annotations

import pytest

from locus.casework.models import (
    ACTION_MACHINE,
    ASSESSMENT_MACHINE,
    CASE_MACHINE,
    CONFERENCE_MACHINE,
    MACHINES,
    PLAN_MACHINE,
    PREVIOUS,
    REFERRAL_MACHINE,
    REVIEW_MACHINE,
    Machine,
)
from locus.common.errors import InvalidTransition

# The allowed moves, written out by hand: the machines must say exactly this.
EXPECTED: dict[str, set[tuple[str, str, str]]] = {
    "referral": {("new", "screen", "screened"), ("new", "withdraw", "withdrawn")},
    "case": {
        ("assessment", "call_conference", "conference"),
        ("assessment", "request_closure", "closing"),
        ("conference", "agree_plan", "plan"),
        ("conference", "request_closure", "closing"),
        ("plan", "request_closure", "closing"),
        ("closing", "approve_closure", "closed"),
        ("closing", "refuse_closure", PREVIOUS),
    },
    "assessment": {
        ("not_started", "start", "in_progress"),
        ("in_progress", "save", "in_progress"),
        ("in_progress", "submit", "submitted"),
        ("submitted", "approve", "approved"),
        ("submitted", "return", "in_progress"),
    },
    "conference": {
        ("pending", "schedule", "scheduled"),
        ("scheduled", "schedule", "scheduled"),
        ("scheduled", "record", "held"),
    },
    "plan": {
        ("draft", "edit", "draft"),
        ("draft", "approve", "active"),
        ("draft", "end", "ended"),
        ("active", "edit", "active"),
        ("active", "review", "active"),
        ("active", "end", "ended"),
    },
    "action": {
        ("planned", "update", "planned"),
        ("planned", "start", "in_progress"),
        ("planned", "complete", "done"),
        ("planned", "stop", "stopped"),
        ("in_progress", "update", "in_progress"),
        ("in_progress", "complete", "done"),
        ("in_progress", "stop", "stopped"),
    },
    "review": {("due", "record", "held"), ("due", "cancel", "cancelled")},
}

CASES = [
    (machine, status, move)
    for machine in MACHINES
    for status in machine.statuses.values
    for move in machine.verbs
]


def test_every_machine_is_written_out() -> None:
    assert {m.what for m in MACHINES} == set(EXPECTED)
    for machine in MACHINES:
        # Every status has an entry (final ones an empty one), and nothing else does.
        assert set(machine.moves) == set(machine.statuses.values)


@pytest.mark.parametrize(
    ("machine", "status", "move"), CASES, ids=[f"{m.what}-{s}-{v}" for m, s, v in CASES]
)
def test_each_move_from_each_status(machine: Machine, status: str, move: str) -> None:
    allowed = {(s, v): t for s, v, t in EXPECTED[machine.what]}
    if (status, move) in allowed:
        assert machine.allows(status, move)
        assert machine.after(status, move) == allowed[(status, move)]
    else:
        assert not machine.allows(status, move)
        with pytest.raises(InvalidTransition) as refused:
            machine.after(status, move)
        state = machine.state_text(status)
        assert str(refused.value).startswith(f"This {machine.what} is {state}: you cannot ")


def test_an_unknown_move_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown move"):
        CASE_MACHINE.after("plan", "teleport")


def test_refusals_read_plainly() -> None:
    with pytest.raises(InvalidTransition, match="This case is at assessment: you cannot agree"):
        CASE_MACHINE.after("assessment", "agree_plan")
    with pytest.raises(InvalidTransition, match="This plan is ended: you cannot add to it"):
        PLAN_MACHINE.after("ended", "edit")
    with pytest.raises(InvalidTransition, match="This assessment is approved: you cannot submit"):
        ASSESSMENT_MACHINE.after("approved", "submit")
    with pytest.raises(InvalidTransition, match="This referral is decided"):
        REFERRAL_MACHINE.after("screened", "screen")
    with pytest.raises(InvalidTransition, match="This action is done"):
        ACTION_MACHINE.after("done", "update")
    with pytest.raises(InvalidTransition, match="This conference is held"):
        CONFERENCE_MACHINE.after("held", "schedule")
    with pytest.raises(InvalidTransition, match="This review is held"):
        REVIEW_MACHINE.after("held", "record")
