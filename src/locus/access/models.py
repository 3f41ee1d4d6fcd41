"""Agencies, teams and workers: who is acting, and on whose behalf."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models

from locus.common.modelkit import after_constraint, once_each, optional_fk


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
    # A safeguarding and quality assurance unit: its conference chairs and reviewing
    # officers must stay independent of the casework they chair, so they never screen
    # referrals or lead a case (access/context_cases.py).
    independent = models.BooleanField(
        "Independent reviewing service",
        default=False,
        help_text="Chairs conferences and reviews; never takes referrals or leads a case.",
    )

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [once_each("team_unique_name_in_agency", ["agency", "name"])]

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


#: The command line's own account (``access.services.system_worker``): an administrator
#: that signs in nowhere.
SYSTEM_USERNAME = "locus.system"


class Worker(AbstractUser):
    """A person who signs in. Every worker belongs to one team of one agency."""

    team = optional_fk(Team, "workers")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.OWN)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Set when an administrator sets the worker's password: a temporary one, which the
    # administrator knows. At their next sign-in the worker chooses their own before any
    # page (locus.signin.middleware.PasswordChangeDueMiddleware); choosing it clears this.
    password_change_due = models.BooleanField(
        default=False,
        editable=False,
        help_text="An administrator set the password: the worker chooses their own next.",
    )
    # Separation of duties (access/provisioning.py): an account an administrator made on the
    # admin site, or whose sight they widened, sees no case records until a second person
    # confirms it (a manager of its team; another administrator for an account without one).
    # Empty for an account confirmed, or never asked about (the command line's, the demo's).
    access_awaiting_since = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Sees no case records from then until a second person confirms its access.",
    )
    access_asked_by = optional_fk(
        "access.Worker", help_text="The administrator whose change is waiting to be confirmed."
    )
    access_decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    access_decided_by = optional_fk(
        "access.Worker", help_text="Who last confirmed or refused this account's access."
    )
    access_refusal = models.TextField(
        blank=True, editable=False, help_text="Why its access was refused (empty if it was not)."
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(access_decided_by=models.F("id")),
                name="worker_access_not_decided_by_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def agency_id(self) -> int | None:
        return self.team.agency_id if self.team_id and self.team else None


def optional_worker(related_name: str = "+") -> models.ForeignKey[Worker | None, Worker | None]:
    """A worker a record may be without, for now or for good: who approved, reviewed or
    recorded it once someone has, who holds a case or owns an action when a worker does."""
    return optional_fk(Worker, related_name)


def recorded_in_team_field(what: str) -> models.ForeignKey[Team | None, Team | None]:
    """The team its recorder was in when a record was first recorded: a grant of sight (the
    team's agency, ``access/scopes.py``; a home's holding team, ``access/places.py``) or of
    a manager's power to change it (a safety map's mark, ``access/safety.py``; an
    association, ``access/policies.py``), kept on the row so that moving the recorder later
    moves neither. Empty for a record an import wrote (recorded by nobody)."""
    return optional_fk(Team, help_text=f"The recorder's team when this {what} was first recorded.")


def set_aside_fields() -> tuple[
    models.DateTimeField[dt.datetime | None, dt.datetime | None],
    models.ForeignKey[Worker | None, Worker | None],
    models.TextField[str, str],
]:
    """When, by whom and why a record was set aside without being deleted (a document
    removed, a note marked entered in error): the row stays for the trail. Declare as
    ``x_at, x_by, x_reason = set_aside_fields()``."""
    return (
        models.DateTimeField(null=True, blank=True),
        optional_worker(),
        models.TextField(blank=True),
    )


def set_aside_has_reason(name: str, prefix: str = "in_error") -> models.CheckConstraint:
    """The constraint that a row set aside (``<prefix>_at`` given, by
    :func:`set_aside_fields`) says why (``<prefix>_reason`` not empty)."""
    given = models.Q(**{f"{prefix}_at__isnull": True}) | ~models.Q(**{f"{prefix}_reason": ""})
    return models.CheckConstraint(condition=given, name=name)


def recorded_fields() -> tuple[
    models.ForeignKey[Worker, Worker], models.DateTimeField[dt.datetime, dt.datetime]
]:
    """Who recorded a row and when: most records carry it for the trail. Declare as
    ``recorded_by, recorded_at = recorded_fields()``, or under the names of what the worker
    did (``corrected_by, corrected_at``, a manager's ``by, at``): unlike an abstract base's,
    the fields keep their place among the model's own (the subject access package and the
    audit list a record's fields in that order)."""
    return (
        models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+"),
        models.DateTimeField(),
    )


class BreakGlassCategory(models.TextChoices):
    """Why a worker needs a record outside their scope now (an emergency, not curiosity)."""

    SAFEGUARDING_RISK = "safeguarding_risk", "Immediate safeguarding risk"
    MISSING_CHILD = "missing_child", "Missing child"
    OUT_OF_HOURS = "out_of_hours", "Out-of-hours emergency"
    RISK_TO_OTHERS = "risk_to_others", "Immediate risk to others"


class BreakGlassOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


class BreakGlass(models.Model):
    """A worker's emergency sight of one person outside their scope ("break-glass").

    The sight lasts until ``expires_at`` unless the worker ends it sooner
    (``ended_at``); every read during it is logged as break-glass, and a manager
    of the worker's team reviews it afterwards. Kept, never deleted.
    """

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="break_glass")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20, choices=BreakGlassCategory.choices)
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=BreakGlassOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)
    reviewed_by = optional_worker()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Kept from the moment it was opened: a manager of this team reviews it, not of whichever
    # team the worker moves to later (access/break_glass.py).
    team = optional_fk(
        Team, help_text="The worker's team when it was opened: its managers review it."
    )

    class Meta:
        verbose_name = "break-glass access"
        verbose_name_plural = "break-glass accesses"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["worker", "expires_at"])]
        constraints = [
            after_constraint("break_glass_expires_after_start", "expires_at", "started_at"),
            models.CheckConstraint(
                condition=~models.Q(reviewed_by=models.F("worker")),
                name="break_glass_not_reviewed_by_its_worker",
            ),
        ]

    def __str__(self) -> str:
        return f"Break-glass by {self.worker_id} for {self.person_id} at {self.started_at:%c}"
