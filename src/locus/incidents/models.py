"""Incidents and who was involved in them, in which role."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from locus.access.models import recorded_fields
from locus.common.modelkit import optional_fk
from locus.common.models import Confidence, Source
from locus.people.models import person_fk


class IncidentKind(models.TextChoices):
    CSE = "cse", "Child sexual exploitation"
    CCE = "cce", "Child criminal exploitation"
    HSB = "hsb", "Harmful sexual behaviour"
    PEER_PHYSICAL = "peer_physical", "Peer physical abuse"
    SEXUAL_ASSAULT = "sexual_assault", "Sexual assault"
    ROBBERY = "robbery", "Robbery"
    GROOMING = "grooming", "Grooming"
    MISSING = "missing", "Missing episode"
    SERIOUS_YOUTH_VIOLENCE = "syv", "Serious youth violence"
    ONLINE_HARM = "online_harm", "Online harm"
    BULLYING = "bullying", "Bullying"
    OTHER = "other", "Other"


class InvolvementRole(models.TextChoices):
    """Roles stay distinct: a child harmed here may be harming elsewhere, never merged."""

    HARMED = "harmed", "Harmed"
    HARMING = "harming", "Harming"
    PRESENT = "present", "Present or witness"
    REPORTER = "reporter", "Reported it"
    MISSING = "missing", "Went missing"


def place_unless_missing(name: str) -> models.CheckConstraint:
    """An incident (or a version of one) has a place unless it is a missing episode."""
    return models.CheckConstraint(
        condition=models.Q(context__isnull=False) | models.Q(kind=IncidentKind.MISSING),
        name=name,
    )


class Incident(models.Model):
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField()
    # Where it happened. Only a missing episode may be without one: where a child was while
    # missing is often not known, and recording the episode matters more than a guessed place.
    # Every consumer (maps, co-presence, timelines, sight through a place) skips an incident
    # with no place; nothing counts "no place" as a place.
    context = optional_fk("places.Context", "incidents")
    summary = models.TextField()
    reporting_agency = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, related_name="incidents"
    )
    recorded_by, recorded_at = recorded_fields()
    # Provenance, as peers carry it; blank only on incidents recorded before it was asked.
    source = models.CharField(max_length=20, choices=Source.choices, blank=True, default="")
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True, default="")
    # Police intelligence: seen only by the reporting agency (access/scopes.py).
    restricted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at", "id"]
        indexes = [
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["context", "occurred_at"]),
            models.Index(fields=["reporting_agency", "occurred_at"]),
        ]
        constraints = [place_unless_missing("incident_place_unless_missing")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {timezone.localtime(self.occurred_at):%d/%m/%Y}"

    @property
    def what(self) -> str:
        """What it was, as a page's heading says it: the kind, an "other" one said as an
        incident ("Other" alone says nothing of what the page is about)."""
        return "Other incident" if self.kind == IncidentKind.OTHER else self.get_kind_display()


#: What the pages say for an incident recorded without a place (templates/incidents/_place.html).
NO_PLACE = "Place not known"


class IncidentRevision(models.Model):
    """An incident as it stood before an amendment, and who amended it, when and why.

    Amending never loses what was recorded: the page shows these as the incident's history.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="revisions")
    reason = models.TextField()
    revised_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    revised_at = models.DateTimeField()
    # The previous values of the fields an amendment may change.
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField()
    context = optional_fk("places.Context")
    summary = models.TextField()
    source = models.CharField(max_length=20, choices=Source.choices, blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    restricted = models.BooleanField()

    class Meta:
        ordering = ["-revised_at", "-id"]
        constraints = [place_unless_missing("incident_revision_place_unless_missing")]

    def __str__(self) -> str:
        return f"Revision of incident {self.incident_id} at {self.revised_at:%d/%m/%Y %H:%M}"


class CurrentInvolvements(models.Manager["Involvement"]):
    """Every read of who was involved (pages, counts, sight granted through an incident)
    sees only involvements not removed; the removed ones stay as history."""

    def get_queryset(self) -> models.QuerySet[Involvement]:
        return super().get_queryset().filter(removed_at__isnull=True)


class Involvement(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="involvements")
    person = person_fk("involvements")
    role = models.CharField(max_length=10, choices=InvolvementRole.choices)
    # Why someone was added after the incident was recorded (blank for the first record).
    reason = models.TextField(blank=True, default="")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    removal_reason = models.TextField(blank=True, default="")

    with_removed = models.Manager()
    objects = CurrentInvolvements()

    class Meta:
        ordering = ["incident", "role", "id"]
        # The default manager hides removed rows; related lookups and the admin use it too.
        default_manager_name = "objects"
        base_manager_name = "with_removed"
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person", "role"],
                condition=models.Q(removed_at__isnull=True),
                name="involvement_unique_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.role} in {self.incident_id}"
