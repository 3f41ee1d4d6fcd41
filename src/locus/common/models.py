"""Pieces of model shared by the domain apps."""

from __future__ import annotations

from django.db import models

from locus.common.modelkit import optional_fk
from locus.common.periods import PeriodQuerySet


class JobState(models.TextChoices):
    """Where a background job stands (an export, a subject access package)."""

    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being prepared"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class Confidence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Source(models.TextChoices):
    """Where a piece of information came from (provenance)."""

    YOUNG_PERSON = "young_person", "Young person"
    PARENT = "parent", "Parent or carer"
    PROFESSIONAL = "professional", "Professional observation"
    POLICE = "police", "Police intelligence"
    SCHOOL = "school", "School"
    PARTNER = "partner", "Partner organisation"
    OTHER = "other", "Other"


class Provenance(models.Model):
    """Who recorded a fact, from what source, when and how sure they were.

    Every association and group membership carries this: an association without
    provenance is gossip (docs/domain.md#provenance).
    """

    source = models.CharField(max_length=20, choices=Source.choices)
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    recorded_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        abstract = True


class Period(models.Model):
    """A record that holds from ``start`` to ``end``, or open-ended (``common.periods``):
    an allocation, a legal-status episode, a place on a school's roll. Latest first.

    Its fields come before the subclass's own: the admin of each names its ``fields``
    to show the record first and its period after.
    """

    start = models.DateField()
    end = models.DateField(null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-start", "id"]


def period_constraint(name: str, start: str = "start", end: str = "end") -> models.CheckConstraint:
    """A period's end, when it has one, is on or after its start."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=name,
    )


def one_open_constraint(name: str, fields: list[str], end: str = "end") -> models.UniqueConstraint:
    """At most one open period (no ``end`` yet) for each combination of ``fields``."""
    return models.UniqueConstraint(
        fields=fields, condition=models.Q(**{f"{end}__isnull": True}), name=name
    )


def recorded_by_field(what: str) -> models.ForeignKey:
    """Who first recorded a record: a grant of sight (access/scopes.py), so kept on the row."""
    return optional_fk(
        "access.Worker",
        help_text=f"Who first recorded this {what}; they and their agency may see it.",
    )
