"""Contextual HSB meetings and MACE panels: agenda items, decisions and actions.

A multi-agency child exploitation (MACE) panel and a contextual harmful sexual
behaviour (HSB) meeting take lists: young people harmed, young people who
harmed, persons of concern, and locations. The first two are **never
conflated** (docs/domain.md#victims-and-harmers): they are separate kinds of agenda item, and a
young person who was both harmed and harming is on both lists as two items. A
person of concern is *associated* with the young people or places, with the
source of that information; association is not membership of anything
(docs/domain.md#provenance).

A panel is a sharing between agencies, so it records its lawful basis
(docs/domain.md#lawful-basis).
It does not replace case management: its actions are followed by their owners,
and location actions land on that location's context plan when it has one.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import Team, optional_worker
from locus.casework.models import ActionSource, PlanAction
from locus.common.modelkit import (
    after_constraint,
    described_when,
    link_or_text,
    once_where_set,
    optional_fk,
)
from locus.common.models import Confidence, Source
from locus.forums import models as forums
from locus.forums.machine import Machine
from locus.mapping.models import legacy_basis_fields
from locus.people.models import Person
from locus.places.models import Context
from locus.sharing.models import BasisFields


class PanelKind(models.TextChoices):
    HSB = "hsb", "Contextual HSB meeting"
    MACE = "mace", "MACE panel"


class PanelStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class PanelStep(models.TextChoices):
    """Everything that can be done to a panel meeting; ``label`` finishes "you cannot ..."."""

    ADD_ATTENDEE = "add_attendee", "add an attendee"
    ADD_ITEM = "add_item", "add an agenda item"
    HOLD = "hold", "record it as held"
    CANCEL = "cancel", "cancel it"
    DISCUSS = "discuss", "record the discussion"
    DECIDE = "decide", "record a decision"
    ADD_ACTION = "add_action", "add an action"
    UPDATE_ACTION = "update_action", "update an action"
    CLOSE = "close", "close it"


# The state machine: the steps each status allows. Holding, cancelling and closing move
# the status on (scheduled -> held -> closed, or scheduled -> cancelled); nothing comes back.
PANEL_MACHINE = Machine(
    what="meeting",
    statuses=PanelStatus,
    moves={
        PanelStatus.SCHEDULED: {
            PanelStep.ADD_ATTENDEE: PanelStatus.SCHEDULED,
            PanelStep.ADD_ITEM: PanelStatus.SCHEDULED,
            PanelStep.HOLD: PanelStatus.HELD,
            PanelStep.CANCEL: PanelStatus.CANCELLED,
        },
        PanelStatus.HELD: {
            PanelStep.ADD_ITEM: PanelStatus.HELD,
            PanelStep.DISCUSS: PanelStatus.HELD,
            PanelStep.DECIDE: PanelStatus.HELD,
            PanelStep.ADD_ACTION: PanelStatus.HELD,
            PanelStep.UPDATE_ACTION: PanelStatus.HELD,
            PanelStep.CLOSE: PanelStatus.CLOSED,
        },
        PanelStatus.CLOSED: {},
        PanelStatus.CANCELLED: {},
    },
    verbs=dict(PanelStep.choices),
    refusals={
        PanelStatus.SCHEDULED: "This meeting has not been held yet: "
        "record it as held before you {verb}",
        (PanelStatus.HELD, PanelStep.ADD_ATTENDEE): "This meeting has been held: "
        "it is too late to {verb}",
        (PanelStatus.HELD, PanelStep.CANCEL): "This meeting has been held: it is too late to "
        "{verb}. Close it once its actions are done",
    },
)


class PanelMeeting(BasisFields):
    kind = models.CharField(max_length=10, choices=PanelKind.choices)
    title = models.CharField(max_length=120)
    meets_on = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    lawful_basis, lawful_basis_other = legacy_basis_fields()
    review_on = models.DateField(help_text="When the panel reviews what it agreed.")
    status = models.CharField(
        max_length=10, choices=PanelStatus.choices, default=PanelStatus.SCHEDULED
    )
    summary = models.TextField(blank=True, help_text="What was discussed overall, in brief.")
    created_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    # Kept from the day it was set up: their managers organise the meeting
    # (access/panel_meetings.py), whichever team its setter or chair moves to later.
    created_by_team = optional_fk(Team, help_text="The setter's team when it was set up.")
    chair_team = optional_fk(Team, help_text="The chair's team when it was set up.")
    held_recorded_by = optional_worker()
    held_recorded_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-meets_on", "-id"]
        indexes = [models.Index(fields=["status", "review_on"])]
        constraints = [
            after_constraint("panel_review_after_meeting", "review_on", "meets_on", or_same=True),
            # "Other" says which basis: every sharing records its lawful basis.
            described_when(
                "panel_other_basis_described", "lawful_basis", "other", "lawful_basis_other"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def allows(self, step: str) -> bool:
        return PANEL_MACHINE.allows(self.status, step)


class PanelAttendee(models.Model):
    """A worker, or someone from a partner without a Locus account (by name and organisation).

    Workers on the list see the meeting (``access/panel_meetings.py``); guests are a record only.
    """

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="attendees")
    worker = optional_worker("panel_attendances")
    # Kept from the day a worker was put on the list: a manager of this team may open the
    # meeting (access/panel_meetings.py), not of whichever team they move to later.
    team = optional_fk(
        Team, help_text="The worker's team when put on the list: its managers may open it."
    )
    name = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    attendance = models.CharField(
        max_length=15, choices=forums.Attendance.choices, default=forums.Attendance.INVITED
    )
    added_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["worker", "meeting"])]
        constraints = [
            once_where_set("panel_attendee_once", ["meeting", "worker"], "worker"),
            link_or_text("panel_attendee_worker_or_guest", "worker", "name"),
        ]

    def __str__(self) -> str:
        return str(self.worker) if self.worker_id else self.name


class ItemKind(models.TextChoices):
    # Separate kinds, never one "young person" kind with a flag: victims and harmers stay apart.
    HARMED = "harmed", "Young person harmed"
    HARMING = "harming", "Young person who harmed"
    PERSON_OF_CONCERN = "person_of_concern", "Person of concern"
    LOCATION = "location", "Location"


PERSON_KINDS = frozenset({ItemKind.HARMED, ItemKind.HARMING, ItemKind.PERSON_OF_CONCERN})
YOUNG_PERSON_KINDS = frozenset({ItemKind.HARMED, ItemKind.HARMING})

# The lists in the order a panel takes them, with their headings.
LISTS: tuple[tuple[str, str], ...] = (
    (ItemKind.HARMED, "Young people harmed"),
    (ItemKind.HARMING, "Young people who harmed"),
    (ItemKind.PERSON_OF_CONCERN, "Persons of concern"),
    (ItemKind.LOCATION, "Locations"),
)


class AgendaItem(models.Model):
    """One entry on one of the panel's lists.

    ``holder`` is who held the person's case when the item was added (or who first
    recorded them, for someone nobody holds), so that an attendee who may not see
    the person is told only "a child not shared with you, held by <worker>, <team>".
    """

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    # A person purged under the retention rules leaves every panel with them.
    person = optional_fk(Person, "panel_items", on_delete=models.CASCADE)
    context = optional_fk(Context, "panel_items")
    holder = optional_worker()
    holder_team = optional_fk(Team)
    holds_case = models.BooleanField(
        default=False, help_text="The holder had the case allocated (not only recorded the person)."
    )
    reason = models.TextField(help_text="Why it is on the agenda.")
    # Provenance of a person of concern's association with the young people or places.
    source = models.CharField(max_length=20, choices=Source.choices, blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    discussion = models.TextField(blank=True)
    added_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["person", "meeting"]), models.Index(fields=["context"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="location")
                    & models.Q(context__isnull=False)
                    & models.Q(person__isnull=True)
                )
                | (
                    ~models.Q(kind="location")
                    & models.Q(person__isnull=False)
                    & models.Q(context__isnull=True)
                ),
                name="agenda_item_person_or_location",
            ),
            # The same person on the same list once; on two lists, as two items.
            once_where_set(
                "agenda_item_person_once_per_list", ["meeting", "kind", "person"], "person"
            ),
            once_where_set("agenda_item_location_once", ["meeting", "context"], "context"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.meeting_id}"


class PanelDecision(forums.Decision):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="decisions")
    item = optional_fk(AgendaItem, "decisions", on_delete=models.CASCADE)


# ``casework.PlanAction.source`` for an action a panel lands on a context plan.
PLAN_SOURCE = {PanelKind.HSB: ActionSource.HSB_MEETING, PanelKind.MACE: ActionSource.MACE_PANEL}


class PanelAction(forums.Action):
    """An action the panel agreed on one agenda item: owner, agency, due date, status.

    ``builds_on`` are strengths from the young person's aspirational profile that
    the action builds on (a trusted adult, a talent). An action on a location that
    has an approved context safeguarding plan lands on that plan: ``plan_action`` is
    the plan's action, which is followed there (its status is the plan's), and
    ``plan_action.panel_action.item`` leads back to the agenda item.
    """

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="actions")
    builds_on = models.ManyToManyField("profiles.ProfileItem", blank=True, related_name="+")
    plan_action = optional_fk(
        PlanAction,
        "panel_action",
        one_to_one=True,
        help_text="The context plan's action, when it landed on the location's plan.",
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]

    @property
    def on_plan(self) -> bool:
        return self.plan_action_id is not None


class ActionProgress(forums.ActionUpdate):
    """One step in an action's story, oldest first: from which status and due date to which,
    and what happened. The first step (agreeing it) comes from nowhere."""

    action = models.ForeignKey(PanelAction, on_delete=models.CASCADE, related_name="progress")

    class Meta:
        verbose_name_plural = "action progress"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        was = self.get_previous_status_display() or "Agreed"
        return f"{was} to {self.get_status_display().lower()}, {self.at:%d/%m/%Y}"
