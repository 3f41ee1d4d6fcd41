"""The writes every forum shares: updating an action, and the decisions of its minutes.

A feature's service checks who may act and that its meeting allows the step,
then hands the shared part here (inside its own transaction): one set of
checks, one history row, one audit trail, whatever the forum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import transaction

from locus.access.models import Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change
from locus.common import clock
from locus.common.services import Problems, save_changes, today
from locus.forums.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Decision,
    action_move,
)

A = TypeVar("A", bound=Action)
D = TypeVar("D", bound=Decision)

MAX_NOTE = 2000
MAX_DECISION = 2000


def check_due(problems: Problems, due_on: dt.date | None, field: str = "due_on") -> None:
    """An action's due date: given, and not already past."""
    if due_on is None:
        problems.add(field, "Enter the date it is due")
    elif due_on < today():
        problems.add(field, "The due date must be today or later")


def log_action(
    actor: Worker,
    action: Action,
    note: str,
    *,
    status: str | None = None,
    due_on: dt.date | None = None,
) -> ActionUpdate:
    """Write one step of ``action``'s history (its model's ``history_model``), audited:
    from the action's status and due date to ``status`` and ``due_on``. Without them it
    is the first step (agreeing the action), which comes from nowhere."""
    first = status is None
    # Each feature's history declares its own ``action`` key (the abstract model cannot).
    about: dict[str, Any] = {"action": action}
    step = action.history_model()._default_manager.create(
        **about,
        at=clock.now(),
        by=actor,
        note=note,
        status=action.status if status is None else status,
        due_on=due_on or action.due_on,
        previous_status="" if first else action.status,
        previous_due_on=None if first else action.due_on,
    )
    record_change(actor=actor, action=ChangeAction.CREATE, obj=step)
    return step


@transaction.atomic
def update_action(
    actor: Worker,
    action: A,
    status: str,
    note: str,
    due_on: dt.date | None = None,
    *,
    also: Mapping[str, Any] | None = None,
) -> A:
    """Record progress on an action: what happened, its status and its due date (kept
    unless given). Every problem is reported at once, by field, before anything is
    written; the move is the action machine's, in the feature's words (the model's
    ``machine``). One history row and the action's change are audited together.

    Call it from the feature's service, once the actor's permission and the meeting's
    state are checked and the action's row is locked. ``also``: more fields the
    feature sets with the move (a plan action's ``completed_on``).
    """
    current, machine = action.status, action.machine
    known = status in ActionStatus.values
    # A finished action refuses every move; an unknown status is the form's problem.
    machine.after(current, action_move(current, status) if known else "update")
    problems = Problems()
    problems.check(known, "status", f"Choose the {machine.what}'s status")
    note = (note or "").strip()
    problems.check(bool(note), "note", "Say what has happened")
    problems.check(
        len(note) <= MAX_NOTE, "note", f"The update must be {MAX_NOTE} characters or fewer"
    )
    due_on = due_on or action.due_on
    if due_on != action.due_on:
        check_due(problems, due_on)
    problems.raise_if_any()
    step = log_action(actor, action, note, status=status, due_on=due_on)
    fields = {"status": status, "due_on": due_on, "updated_at": step.at, **(also or {})}
    updated: A = save_changes(actor=actor, obj=action, fields=fields)
    return updated


def clean_decisions(
    problems: Problems,
    decisions: Iterable[str],
    field: str = "decisions",
    limit: int = MAX_DECISION,
) -> list[str]:
    """The decisions written with minutes, blank lines dropped, each of a readable length."""
    items = [d.strip() for d in decisions if d.strip()]
    problems.check(
        all(len(d) <= limit for d in items),
        field,
        f"Each decision must be {limit} characters or fewer",
    )
    return items


def record_decisions(
    actor: Worker,
    model: type[D],
    texts: Iterable[str],
    *,
    numbered: bool = False,
    **about: Any,
) -> list[D]:
    """Write already-checked decisions, recorded by ``actor`` now, each audited.
    ``about`` names what they belong to (``meeting=...``); ``numbered`` gives each its
    place (``order``) for a model that keeps one."""
    now = clock.now()
    written = []
    for order, text in enumerate(texts, start=1):
        extra = {"order": order} if numbered else {}
        decision = model._default_manager.create(
            text=text, recorded_by=actor, recorded_at=now, **extra, **about
        )
        record_change(actor=actor, action=ChangeAction.CREATE, obj=decision)
        written.append(decision)
    return written
