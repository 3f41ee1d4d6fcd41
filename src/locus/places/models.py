"""Contexts: every subject of Level 2 work, from a park to a peer group."""

from __future__ import annotations

from django.db import models

from locus.access.models import Agency, recorded_fields, recorded_in_team_field
from locus.common.modelkit import current_indexes, merge_meta, optional_fk
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
    ROUTE = "route", "Route"
    OTHER = "other", "Other"


# What the "Add a place" page calls a public place: somewhere anyone may go. Each keeps
# its own kind (the hotspot counts and the demo read it); "other" is a public place not
# named here (a youth club, an estate's walkways).
PUBLIC_PLACE_KINDS = (
    ContextKind.OPEN_SPACE,
    ContextKind.RETAIL,
    ContextKind.TRANSPORT,
    ContextKind.FOOD_OUTLET,
    ContextKind.OTHER,
)


class Tenure(models.TextChoices):
    """How a household holds its home: who to talk to about the building and the tenancy."""

    OWNER_OCCUPIED = "owner_occupied", "Owner-occupied"
    PRIVATE_RENTED = "private_rented", "Private rented"
    SOCIAL_RENTED = "social_rented", "Social rented"
    TEMPORARY = "temporary", "Temporary accommodation"
    SUPPORTED = "supported", "Supported housing"
    NOT_KNOWN = "not_known", "Not known"


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
    # An online space: the platform and, when there is one, its address on the web.
    platform = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=300, blank=True)
    # A route runs from the point above (or its postcode) to this one; or the description
    # says where it goes.
    end_postcode = models.CharField(max_length=8, blank=True)
    end_latitude = models.FloatField(null=True, blank=True)
    end_longitude = models.FloatField(null=True, blank=True)
    # A home's household, recorded sensitively: no diagnosis, only that an adult there has
    # care and support needs and a short note of what a visiting worker should know.
    tenure = models.CharField(max_length=20, choices=Tenure.choices, blank=True)
    housing_provider = optional_fk(
        Agency,
        "homes_provided",
        help_text="The landlord of a rented home. Being the provider grants no sight of it.",
    )
    adult_care_needs = models.BooleanField(default=False)
    adult_care_needs_note = models.CharField(max_length=300, blank=True)
    # A child at risk from someone who might look their home up: only the team holding a
    # resident's case sees where it is (access/places.py).
    address_withheld = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    recorded_by = recorded_by_field("context")
    recorded_in_team = recorded_in_team_field("context")

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


class ContextMerge(models.Model):
    """A duplicate place merged into the one kept: which, into which, by whom, why, and
    the rows that moved (``moved``: for each link, the ids that pointed at the duplicate)."""

    merged = models.OneToOneField(Context, on_delete=models.PROTECT, related_name="merge")
    kept = models.ForeignKey(Context, on_delete=models.PROTECT, related_name="merges_kept")
    reason = models.TextField()
    moved = models.JSONField(default=dict)
    recorded_by, recorded_at = recorded_fields()

    Meta = merge_meta("context_merge_not_to_itself", "merged", "kept")

    def __str__(self) -> str:
        return f"{self.merged_id} merged into {self.kept_id}"


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


class CoPresenceMode(models.TextChoices):
    """What a manager's rule does to "at the same place around the same time" at a place."""

    EXCLUDE = "exclude", "Exclude: being here never links two children"
    WINDOW = "window", "A narrower window: only within a few days of each other"
    OUT_OF_HOURS = "out_of_hours", "Only out of hours (18:00 to 07:59)"


class CoPresenceRule(models.Model):
    """A manager's rule for co-presence at one place: who set it, when and why. Changing or
    removing a rule ends this row (``ended_*``) and a change writes a new one, so the rows of
    a place are its rules' history; at most one is in force (``ended_at`` empty)."""

    context = models.ForeignKey(Context, on_delete=models.PROTECT, related_name="co_presence_rules")
    mode = models.CharField(max_length=20, choices=CoPresenceMode.choices)
    # The narrower window's days (below the page's window); only for mode "window".
    window_days = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField()
    set_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "co-presence rule"
        ordering = ["-set_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["context"],
                condition=models.Q(ended_at__isnull=True),
                name="co_presence_rule_one_in_force",
            ),
            models.CheckConstraint(
                condition=models.Q(mode="window", window_days__gte=1)
                | (~models.Q(mode="window") & models.Q(window_days__isnull=True)),
                name="co_presence_rule_window_days_with_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} at {self.context}"

    @property
    def summary(self) -> str:
        """The rule in a few words, as the place page and the linked pages say it."""
        if self.mode == CoPresenceMode.WINDOW:
            days = self.window_days or 0
            return f"only within {days} day{'s' if days != 1 else ''} of each other"
        if self.mode == CoPresenceMode.OUT_OF_HOURS:
            return "only out of hours (18:00 to 07:59)"
        return "excluded: being here never links two children"
