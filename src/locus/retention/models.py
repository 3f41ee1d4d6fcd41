"""Retention rules, legal holds and the purge runs that apply them (docs/retention.md).

A rule says how long one kind of record is kept; its default lives in code
(``RULES``) and an administrator's change is a row here, with the reason. A legal hold
stops the purge of a person or a context case while proceedings need the record. A purge
run plans what is due (``PurgeItem`` rows) and then acts on them one at a time, each in
its own transaction, so a run killed half-way is finished by the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from locus.access.models import optional_worker, recorded_fields
from locus.common.modelkit import dated_meta


class RuleKind(models.TextChoices):
    CHILD_PLAN = "child_plan", "A child who had a plan"
    CHILD_NO_PLAN = "child_no_plan", "A child who never had a plan"
    ADULT = "adult", "An adult of concern"
    CONTEXT_CASE = "context_case", "A context case"
    ENDED_NOTE = "ended_note", "The notes of an ended association or group membership"
    EXPORT_FILE = "export_file", "An export file in the data folder"
    IMPORT_UPLOAD = "import_upload", "An uploaded import file in the data folder"
    REMOVED_DOCUMENT = "removed_document", "The file of a removed document"


class Unit(models.TextChoices):
    YEARS = "years", "years"
    MONTHS = "months", "months"
    DAYS = "days", "days"


@dataclass(frozen=True)
class RuleShape:
    """What a rule counts from, in what unit, and its default amount."""

    unit: str
    default: int
    counted_from: str


RULES: dict[str, RuleShape] = {
    RuleKind.CHILD_PLAN: RuleShape(Unit.YEARS, 25, "birth (kept until this birthday)"),
    RuleKind.CHILD_NO_PLAN: RuleShape(Unit.YEARS, 6, "the last activity on the record"),
    RuleKind.ADULT: RuleShape(Unit.YEARS, 6, "the last activity on the record"),
    RuleKind.CONTEXT_CASE: RuleShape(Unit.YEARS, 6, "the day the case closed"),
    RuleKind.ENDED_NOTE: RuleShape(Unit.MONTHS, 12, "the day the association or membership ended"),
    RuleKind.EXPORT_FILE: RuleShape(Unit.DAYS, 30, "the day the export was asked for"),
    RuleKind.IMPORT_UPLOAD: RuleShape(Unit.DAYS, 30, "the day the file was uploaded"),
    RuleKind.REMOVED_DOCUMENT: RuleShape(Unit.YEARS, 6, "the day the document was removed"),
}

# The longest a rule may be set to, in its unit: a slip of the keyboard must not keep a record
# for a thousand years (or purge it on the day).
MAXIMUM: dict[str, int] = {Unit.YEARS: 100, Unit.MONTHS: 1200, Unit.DAYS: 36500}


# A lifted hold still keeps its record out of the purge for this many days after the lift: the
# manager who placed it (told of the lift) and the data team (the dry run lists it) have time
# to see it coming, so one person alone cannot lift a hold and purge what it kept at once.
# A rule made shorter waits as long before the purge applies it, for the same reason.
RELEASE_DAYS = 30


def spelt(amount: int, unit: str) -> str:
    """``amount`` of ``unit`` in plain words: "1 year", "6 years"."""
    return f"{amount} {unit[:-1] if amount == 1 else unit}"


class RetentionRule(models.Model):
    """An administrator's setting of one rule (a kind with no row keeps its default).

    A longer ``amount`` applies at once; a shorter one only from ``applies_from``
    (``RELEASE_DAYS`` after it was set): until then ``previous_amount``, the longer amount in
    force when it was set, stays in force (``in_force``)."""

    kind = models.CharField(max_length=20, choices=RuleKind.choices, unique=True)
    amount = models.PositiveIntegerField()
    reason = models.TextField(help_text="Why the rule was set so (the policy it follows).")
    changed_by, changed_at = recorded_fields()
    previous_amount = models.PositiveIntegerField(
        null=True, blank=True, help_text="The longer amount in force until a shortening applies."
    )
    applies_from = models.DateField(
        null=True, blank=True, help_text="The day a shortening applies (none: at once)."
    )

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.amount} {RULES[self.kind].unit}"

    def pending_on(self, day: dt.date) -> bool:
        """Whether, on ``day``, the amount set is a shortening not yet applied."""
        waiting = self.applies_from is not None and day < self.applies_from
        return waiting and self.previous_amount is not None


def in_force(kind: str, setting: RetentionRule | None, day: dt.date) -> int:
    """The amount of rule ``kind`` in force on ``day``: its default with no ``setting``; the
    longer amount before a shortening while the shortening waits; else the amount set. The
    one reading of it: the purge, its dry run, the pages and a change of the rule ask here."""
    if setting is None:
        return RULES[kind].default
    if setting.pending_on(day):
        assert setting.previous_amount is not None  # pending_on says so
        return setting.previous_amount
    return setting.amount


class HoldReason(models.TextChoices):
    CARE_PROCEEDINGS = "care", "Care proceedings"
    CRIMINAL_PROCEEDINGS = "criminal", "Criminal proceedings"
    COMPLAINT = "complaint", "A complaint"
    INQUIRY = "inquiry", "An inquiry or review"
    OTHER = "other", "Other legal reason"


class HeldKind(models.TextChoices):
    PERSON = "person", "Person"
    CASE = "case", "Context case"


class LegalHold(models.Model):
    """A record that must not be purged while proceedings (or a complaint, an inquiry) need
    it. A governance record: it outlives the record it held once lifted and the record is
    purged, so it keeps the plain reference (``held_kind`` and ``held_id``), never a name."""

    held_kind = models.CharField(max_length=10, choices=HeldKind.choices)
    held_id = models.PositiveBigIntegerField()
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        "casework.ContextCase",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(max_length=12, choices=HoldReason.choices)
    detail = models.TextField(help_text="The proceedings, as a reference (never the child's name).")
    review_on = models.DateField()
    placed_by, placed_at = recorded_fields()
    lifted_by = optional_worker()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["held_kind", "held_id", "lifted_at"])]

    def __str__(self) -> str:
        return f"Legal hold {self.pk} on {self.held_kind} {self.held_id}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    @property
    def lifted_on(self) -> dt.date | None:
        """The day (in London) the hold was lifted."""
        return timezone.localtime(self.lifted_at).date() if self.lifted_at else None

    @property
    def purge_from(self) -> dt.date | None:
        """The first day the record may be purged once the hold was lifted (its release
        period over); None while the hold stands."""
        lifted = self.lifted_on
        return lifted + dt.timedelta(days=RELEASE_DAYS) if lifted else None


class RunState(models.TextChoices):
    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"


class PurgeRun(models.Model):
    """One purge: planned (its items written), then acted on item by item."""

    started_by, started_at = recorded_fields()
    planned_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.PLANNED)
    # How many times a run was picked up again after it stopped part-way (a kill, a crash).
    resumed = models.PositiveIntegerField(default=0)

    Meta = dated_meta("started_at")

    def __str__(self) -> str:
        return f"Purge run {self.pk} ({self.state})"


class Outcome(models.TextChoices):
    PURGED = "purged", "Purged"
    BLANKED = "blanked", "Note blanked"
    FILE_DELETED = "file_deleted", "File deleted"
    HELD = "held", "Kept: a legal hold was placed since the plan"
    GONE = "gone", "Already gone"


class PurgeItem(models.Model):
    """One record a run removes (or blanks): by kind and id only, never what it said."""

    run = models.ForeignKey(PurgeRun, on_delete=models.CASCADE, related_name="items")
    record_type = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    rule = models.CharField(max_length=20, choices=RuleKind.choices)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "done_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "record_type", "record_id"], name="purge_item_once_per_run"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} ({self.rule})"
