"""Pieces of model shared by the domain apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models


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


def after_constraint(
    name: str, later: str, earlier: str, *, or_same: bool = False
) -> models.CheckConstraint:
    """``later`` comes after ``earlier`` (or on the same day or instant, with ``or_same``)."""
    lookup = f"{later}__gte" if or_same else f"{later}__gt"
    return models.CheckConstraint(condition=models.Q(**{lookup: models.F(earlier)}), name=name)


def once_where_set(name: str, fields: list[str], field: str) -> models.UniqueConstraint:
    """Each combination of ``fields`` once, among the rows where ``field`` is set."""
    return models.UniqueConstraint(
        fields=fields, condition=models.Q(**{f"{field}__isnull": False}), name=name
    )


def link_or_text(name: str, link: str, text: str) -> models.CheckConstraint:
    """A row names someone either by a link to their record or in words, never both: an
    attendee with no account, a peer not yet known to Locus."""
    return models.CheckConstraint(
        condition=(models.Q(**{f"{link}__isnull": False}) & models.Q(**{text: ""}))
        | (models.Q(**{f"{link}__isnull": True}) & ~models.Q(**{text: ""})),
        name=name,
    )


def recorded_by_field(what: str) -> models.ForeignKey:
    """Who first recorded a record: a grant of sight (access/scopes.py), so kept on the row."""
    return optional_fk(
        "access.Worker",
        help_text=f"Who first recorded this {what}; they and their agency may see it.",
    )


def link_meta(owner: str, linked: str, name: str) -> type:
    """The ``Meta`` of a row joining two records (a child named in a referral, a child on a
    plan): each pair once, in the order added, and found quickly from the linked side too
    ("the referrals naming this child")."""

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=[owner, linked], name=name)]
        indexes = [models.Index(fields=[linked, owner])]

    return Meta


def optional_fk(
    to: str | type[models.Model],
    related_name: str = "+",
    *,
    on_delete: Callable[..., None] = models.PROTECT,
    help_text: str = "",
) -> models.ForeignKey[Any, Any]:
    """A link a record may be without, for now or for good: who approved it (once someone
    has), the conference that agreed a plan, the group a meeting maps (when it maps one)."""
    return models.ForeignKey(
        to,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )
