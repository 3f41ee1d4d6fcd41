"""Incidents and who was involved in them, in which role."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

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


class Incident(models.Model):
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField()
    context = models.ForeignKey(
        "places.Context", on_delete=models.PROTECT, related_name="incidents"
    )
    summary = models.TextField()
    reporting_agency = models.ForeignKey(
        "access.Agency", on_delete=models.PROTECT, related_name="incidents"
    )
    recorded_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "id"]
        indexes = [
            models.Index(fields=["occurred_at"]),
            models.Index(fields=["context", "occurred_at"]),
            models.Index(fields=["reporting_agency", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {timezone.localtime(self.occurred_at):%d/%m/%Y}"


class Involvement(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="involvements")
    person = person_fk("involvements")
    role = models.CharField(max_length=10, choices=InvolvementRole.choices)

    class Meta:
        ordering = ["incident", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person", "role"], name="involvement_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.role} in {self.incident_id}"
