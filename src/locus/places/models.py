"""Contexts: every subject of Level 2 work, from a park to a peer group."""

from __future__ import annotations

from django.db import models

from locus.access.models import Agency
from locus.common.modelkit import current_indexes, optional_fk
from locus.common.models import Period, period_constraint, recorded_by_field
from locus.people.models import person_fk


class ContextKind(models.TextChoices):
    PEER_GROUP = "peer_group", "Peer group"
    SCHOOL = "school", "School"
    HOME = "home", "Home"
    OPEN_SPACE = "open_space", "Park or open space"
    RETAIL = "retail", "Retail or shopping centre"
    TRANSPORT = "transport", "Transport"
    FOOD_OUTLET = "food_outlet", "Food outlet"
    ONLINE = "online", "Online space"
    OTHER = "other", "Other"


# Homes and peer groups point at particular children: a home is someone's
# address and a group is a list of young people. They are seen only through a
# child the viewer may see (access/scopes.py); public places are not.
RESTRICTED_KINDS = frozenset({ContextKind.HOME, ContextKind.PEER_GROUP})


class Context(models.Model):
    kind = models.CharField(max_length=20, choices=ContextKind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    responsible_agency = optional_fk(
        Agency,
        "contexts",
        help_text="The organisation that shapes this context (a school, a shopping centre).",
    )
    created_at = models.DateTimeField()
    recorded_by = recorded_by_field("context")

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90, latitude__lte=90)
                )
                & (
                    models.Q(longitude__isnull=True)
                    | models.Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="context_coordinates_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_restricted(self) -> bool:
        return self.kind in RESTRICTED_KINDS


class LeaveReason(models.TextChoices):
    """Why a pupil came off a school's roll: the few a safeguarding lead needs to tell apart
    (a move, an exclusion, the end of schooling), with "other" saying what in words."""

    MOVED_SCHOOL = "moved_school", "Moved to another school"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    EXCLUDED = "excluded", "Permanently excluded"
    END_OF_YEAR_11 = "end_year_11", "Left at the end of year 11"
    END_OF_YEAR_13 = "end_year_13", "Left at the end of year 13"
    OTHER = "other", "Other"


class Enrolment(Period):
    """A young person on a school's roll."""

    person = person_fk("enrolments")
    school = models.ForeignKey(Context, on_delete=models.PROTECT, related_name="enrolments")
    # Blank while the pupil is on the roll, and on rolls recorded before reasons were asked.
    leave_reason = models.CharField(max_length=20, choices=LeaveReason.choices, blank=True)
    leave_reason_detail = models.CharField(max_length=200, blank=True)

    class Meta(Period.Meta):
        indexes = current_indexes("end", "school")
        constraints = [period_constraint("enrolment_end_after_start")]

    def __str__(self) -> str:
        return f"{self.person} at {self.school}"
