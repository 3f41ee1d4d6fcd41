"""A person's challenge to their record: accuracy disputed (UK GDPR Art 16) and objection to the
processing (Art 21), each with the person's own words and a decision by someone else.

Its own app rather than more tables in ``people``: the rows point at records of several apps
(an association in ``peers``, an incident involvement, a case note), which ``people`` must not
depend on, and every page that shows a person reads the flag through one template tag here.
Each row is about the person (``person_fk``): a purge under the retention rules removes it
with them; an item's row goes with the item (a note entered in error stays, flagged).
"""

from __future__ import annotations

from django.db import models

from locus.access.fields import PersonField
from locus.access.models import optional_worker, recorded_fields
from locus.common.modelkit import optional_fk
from locus.incidents.models import Involvement
from locus.notes.models import CaseNote
from locus.peers.models import Association
from locus.people.models import person_fk


class About(models.TextChoices):
    RECORD = "record", "The whole record"
    ASSOCIATION = "association", "An association"
    INVOLVEMENT = "involvement", "An incident involvement"
    NOTE = "note", "A case note"
    FIELD = "field", "A detail of the person's record"


class ReceivedHow(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    LETTER = "letter", "By letter"
    EMAIL = "email", "By email"
    REPRESENTATIVE = "representative", "Through a parent, carer or advocate"


class Outcome(models.TextChoices):
    OPEN = "open", "Awaiting a decision"
    CORRECTED = "corrected", "Corrected"
    NOT_CORRECTED = "not_corrected", "Not corrected: the person's statement stays with the record"


class ObjectionDecision(models.TextChoices):
    OPEN = "open", "Awaiting a decision"
    STOPPED = "stopped", "Processing stopped"
    CONTINUES = "continues", "Compelling legitimate grounds to continue"


def _decided_when_not_open(status: str, name: str) -> models.CheckConstraint:
    """A challenge is decided (by someone) exactly when its ``status`` field is no longer
    open: no decision without its decider, no decider without a decision."""
    return models.CheckConstraint(
        condition=models.Q(**{status: "open", "decided_by__isnull": True})
        | ~models.Q(**{status: "open"}) & models.Q(decided_by__isnull=False),
        name=name,
    )


class _Challenge(models.Model):
    """What a dispute and an objection share: the person's words, how they came, who wrote
    them down, and the decision (by a manager other than the recorder)."""

    received_how = models.CharField(max_length=16, choices=ReceivedHow.choices)
    received_on = models.DateField()
    recorded_by, recorded_at = recorded_fields()
    decided_by = optional_worker()
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was decided so.")

    class Meta:
        abstract = True


class Dispute(_Challenge):
    """The person says their record, or one item in it, is wrong, in their own words."""

    person = person_fk("accuracy_disputes")
    about = models.CharField(max_length=12, choices=About.choices)
    association = optional_fk(Association, "accuracy_disputes", on_delete=models.CASCADE)
    involvement = optional_fk(Involvement, "accuracy_disputes", on_delete=models.CASCADE)
    note = optional_fk(CaseNote, "accuracy_disputes", on_delete=models.CASCADE)
    field = models.CharField(max_length=24, blank=True, choices=PersonField.choices)
    account = models.TextField(help_text="The person's own account, in their words.")
    outcome = models.CharField(max_length=14, choices=Outcome.choices, default=Outcome.OPEN)
    correction = models.TextField(blank=True, help_text="What was changed, when corrected.")

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["outcome", "person"])]
        constraints = [
            # The item named matches what the dispute is about, and only that item.
            models.CheckConstraint(
                condition=(
                    models.Q(about=About.ASSOCIATION, association__isnull=False)
                    | ~models.Q(about=About.ASSOCIATION) & models.Q(association__isnull=True)
                )
                & (
                    models.Q(about=About.INVOLVEMENT, involvement__isnull=False)
                    | ~models.Q(about=About.INVOLVEMENT) & models.Q(involvement__isnull=True)
                )
                & (
                    models.Q(about=About.NOTE, note__isnull=False)
                    | ~models.Q(about=About.NOTE) & models.Q(note__isnull=True)
                )
                & (models.Q(about=About.FIELD) | models.Q(field="")),
                name="dispute_item_matches_about",
            ),
            _decided_when_not_open("outcome", "dispute_decided_when_not_open"),
        ]

    def __str__(self) -> str:
        return f"Dispute {self.pk} about {self.person_id} ({self.outcome})"

    @property
    def flagged(self) -> bool:
        """Shown beside the record: while undecided, and for good when not corrected."""
        return self.outcome != Outcome.CORRECTED


class Objection(_Challenge):
    """The person objects to the processing of their data (UK GDPR Art 21)."""

    person = person_fk("objections")
    grounds = models.TextField(help_text="The person's grounds, in their words.")
    decision = models.CharField(
        max_length=10, choices=ObjectionDecision.choices, default=ObjectionDecision.OPEN
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            _decided_when_not_open("decision", "objection_decided_when_not_open"),
        ]

    def __str__(self) -> str:
        return f"Objection {self.pk} by {self.person_id} ({self.decision})"
