"""Agencies, teams and workers: who is acting, and on whose behalf."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class AgencyKind(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"
    YOUTH_JUSTICE = "yjs", "Youth justice"
    POLICE = "police", "Police"
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    YOUTH_SERVICE = "youth_service", "Youth service"
    COMMUNITY_SAFETY = "community_safety", "Community safety"
    VOLUNTARY = "voluntary", "Voluntary sector"
    PARTNER = "partner", "Business or partner organisation"


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_in_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Team manager"
    ANALYST = "analyst", "Analyst"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class Scope(models.TextChoices):
    """How far a worker's sight reaches (Primero's record scopes)."""

    OWN = "own", "Own caseload"
    TEAM = "team", "Team"
    AGENCY = "agency", "Agency"
    ALL = "all", "All records"
    NONE = "none", "No case records"


class Worker(AbstractUser):
    """A person who signs in. Every worker belongs to one team of one agency."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="workers", null=True, blank=True
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.OWN)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def agency_id(self) -> int | None:
        return self.team.agency_id if self.team_id and self.team else None
