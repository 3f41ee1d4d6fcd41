"""The parts every meeting-like record shares, as choice sets and abstract models.

The features' concrete models inherit these (``casework.ConferenceDecision``,
``mapping.Intervention``, ``panels.ActionProgress``...), so a decision, an
action and a step of an action's history have the same fields wherever they
were agreed, and one service (``forums.services.update_action``) updates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import ClassVar

from django.db import models

from locus.forums.machine import Machine


class Attendance(models.TextChoices):
    """Whether someone came to a meeting. Each feature offers the subset its form needs:
    a conference records who attended or sent apologies, a mapping meeting and a panel
    invite first and then record who came."""

    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Did not attend"


# --- Decisions ------------------------------------------------------------------------------


class Decision(models.Model):
    """A decision a meeting recorded: its words, who recorded it and when."""

    text = models.TextField()
    recorded_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


# --- Actions --------------------------------------------------------------------------------


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    STOPPED = "stopped", "Stopped"


FINISHED_ACTION_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.STOPPED})
#: The statuses a new action may start in.
STARTING_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

#: One action state machine for every forum: done and stopped are final, and nothing goes
#: back to planned. A feature words its refusals with ``dataclasses.replace``.
ACTION_MACHINE = Machine(
    what="action",
    statuses=ActionStatus,
    moves={
        ActionStatus.PLANNED: {
            "update": ActionStatus.PLANNED,
            "start": ActionStatus.IN_PROGRESS,
            "complete": ActionStatus.DONE,
            "stop": ActionStatus.STOPPED,
        },
        ActionStatus.IN_PROGRESS: {
            "update": ActionStatus.IN_PROGRESS,
            "complete": ActionStatus.DONE,
            "stop": ActionStatus.STOPPED,
        },
        ActionStatus.DONE: {},
        ActionStatus.STOPPED: {},
    },
    verbs={
        "update": "update it: agree a new action to do more",
        "replan": "put it back to planned",
        "start": "start it",
        "complete": "mark it done",
        "stop": "stop it",
    },
)

#: The move that takes an action to each status (the update forms pick a status).
ACTION_MOVE_TO = {
    ActionStatus.PLANNED: "replan",
    ActionStatus.IN_PROGRESS: "start",
    ActionStatus.DONE: "complete",
    ActionStatus.STOPPED: "stop",
}


def action_move(current: str, target: str) -> str:
    """The move from ``current`` to ``target``: staying put is an update (a progress note)."""
    return "update" if target == current else ACTION_MOVE_TO[ActionStatus(target)]


def next_action_statuses(current: str, machine: Machine = ACTION_MACHINE) -> list[str]:
    """The statuses an action may take next, in their usual order (empty once finished)."""
    return [s for s in ActionStatus.values if machine.allows(current, action_move(current, s))]


def action_machine(what: str, refusals: Mapping[str | tuple[str, str], str]) -> Machine:
    """The one action machine, in a feature's words ("This intervention is done: ...")."""
    return replace(ACTION_MACHINE, what=what, refusals=refusals)


class Action(models.Model):
    """Something a meeting agreed to do: what, by whom (an owner in an agency), by when.

    A feature adds what the action is about (a plan's goal, a child, an agenda
    item) and may redeclare ``owner`` or ``agency`` (a partner owner by name).
    """

    description = models.TextField()
    owner = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "access.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency that delivers it.",
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    created_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    #: The moves its status may make, refused in the feature's words.
    machine: ClassVar[Machine] = ACTION_MACHINE

    class Meta:
        abstract = True
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    @classmethod
    def history_model(cls) -> type[ActionUpdate]:
        """The feature's :class:`ActionUpdate`: the one history whose ``action`` is this model."""
        [history] = [
            rel.related_model
            for rel in cls._meta.related_objects
            if isinstance(rel.related_model, type) and issubclass(rel.related_model, ActionUpdate)
        ]
        return history

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_ACTION_STATUSES


class ActionUpdate(models.Model):
    """One step in an action's history: what happened, from which status and due date to
    which. The first step (agreeing the action) has no previous status.

    A concrete history names its action ``action`` (a foreign key to the feature's
    :class:`Action`), so that ``forums.services.update_action`` can write it.
    """

    at = models.DateTimeField()
    by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    note = models.TextField()
    previous_status = models.CharField(max_length=12, choices=ActionStatus.choices, blank=True)
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    previous_due_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.at:%d/%m/%Y}"
