"""The writes every forum shares: updating an action, and the decisions of its minutes.

A feature's service checks who may act and that its meeting allows the step,
then hands the shared part here (inside its own transaction): one set of
checks, one history row, one audit trail, whatever the forum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NotRequired, TypedDict, TypeVar, Unpack, cast

from django.db import transaction
from django.db.models import Model

from locus.access.models import Agency, Worker
from locus.audit.models import ChangeAction
from locus.audit.services import record_change, snapshot
from locus.common import clock
from locus.common.modelkit import choice_values
from locus.common.services import Problems, clean_text, save_changes, today
from locus.forums.models import (
    STARTING_ACTION_STATUSES,
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
    also: Mapping[str, Any] | None = None,
) -> ActionUpdate:
    """Write one step of ``action``'s history (its model's ``history_model``), audited:
    from the action's status and due date to ``status`` and ``due_on``. Without them it
    is the first step (agreeing the action), which comes from nowhere. ``also``: more
    fields of the feature's history (whom a plan action's hand-over gave it to)."""
    first = status is None
    # Each feature's history declares its own ``action`` key (the abstract model cannot).
    about: dict[str, Any] = {"action": action, **(also or {})}
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


class NewAction(TypedDict):
    """The keywords a forum's service takes for an action being agreed (as its form posts
    them): what it is, who owns it, when it is due and, if named, the agency that delivers
    it (the owner's otherwise) and its status (planned otherwise)."""

    description: str
    owner: Worker
    due_on: dt.date | None
    agency: NotRequired[Agency | None]
    status: NotRequired[str]


def action_terms(
    problems: Problems, *, what: str = "action", **action: Unpack[NewAction]
) -> dict[str, Any]:
    """Check what every forum's new action says (what it is, who owns it, the agency that
    delivers it, the owner's unless named, when it is due, and that it is starting) and
    return it as the action's fields."""
    owner, due_on = action["owner"], action["due_on"]
    status = action.get("status", ActionStatus.PLANNED)
    description = clean_text(
        problems,
        "description",
        action["description"],
        missing=f"Describe the {what}",
        limit=MAX_NOTE,
        what="description",
    )
    check_due(problems, due_on)
    problems.check(
        status in STARTING_ACTION_STATUSES, "status", f"A new {what} is planned or in progress"
    )
    delivering = action.get("agency") or (owner.team.agency if owner.team is not None else None)
    problems.check(delivering is not None, "agency", "Choose the agency that delivers it")
    return {
        "description": description,
        "owner": owner,
        "agency": delivering,
        "due_on": due_on,
        "status": status,
    }


def agree_action(
    actor: Worker,
    model: type[A],
    note: str,
    builds_on: Sequence[Model] | None = None,
    **fields: Any,
) -> A:
    """Write an already-checked action just agreed (created and last updated now, by
    ``actor``), audited, with ``note`` as the first step of its history.

    ``builds_on``: for a feature whose actions build on strengths (its model has a
    ``builds_on`` field), the strengths, set on the row and kept in its audit.
    """
    now = clock.now()
    action = model._default_manager.create(
        created_by=actor, created_at=now, updated_at=now, **fields
    )
    after = snapshot(action)
    if builds_on is not None:
        # Not every action model has the field: the caller passes builds_on only for one that does.
        cast(Any, action).builds_on.set(builds_on)
        after["builds_on"] = sorted(s.pk for s in builds_on)
    record_change(actor=actor, action=ChangeAction.CREATE, obj=action, after=after)
    log_action(actor, action, note)
    return action


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
    known = status in choice_values(ActionStatus)
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
