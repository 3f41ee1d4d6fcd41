"""Visits that reclaim a context, and the household's consent to protecting a home.

A *visit plan* says who goes to a public place (a park, a shopping centre, a route), for
which agencies, and when (a weekday and hours, weekly or every few weeks, from a date until
another). Each planned date is then recorded as a *visit* (what was seen, how many young
people were met and engaged, concerns, the guardians met) or as missed, with the reason.
Young people met are counted always and named only where the recording worker may name
them (``VisitPerson``); a viewer who may not see a child sees the count, never the name.

A home's *consent* rows are the household's answer to the protective work, dated, newest
last: a refusal is recorded and does not stop safeguarding action.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import Team, recorded_fields, set_aside_fields
from locus.common.modelkit import choice_values, link_meta, optional_fk
from locus.people.models import person_fk

PLAN_TEAM_HELP = "The team that made the plan: its practitioners and managers end its visits."


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class VisitPlan(models.Model):
    """Regular visits to one context: on ``weekday`` every ``every_weeks`` weeks from
    ``starts_on`` (the first visit is the first such weekday on or after it) until
    ``ends_on``, between ``start_time`` and ``end_time``."""

    context = models.ForeignKey(
        "places.Context", on_delete=models.PROTECT, related_name="visit_plans"
    )
    purpose = models.TextField(help_text="What the visits are for: who is groomed here, when.")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    every_weeks = models.PositiveSmallIntegerField(default=1)
    start_time = models.TimeField()
    end_time = models.TimeField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    workers = models.ManyToManyField("access.Worker", related_name="visit_plans")
    agencies = models.ManyToManyField("access.Agency", related_name="visit_plans", blank=True)
    # Partners without a Locus account who go too (a shopping centre's security manager).
    partners = models.TextField(blank=True)
    recorded_by, recorded_at = recorded_fields()
    # Kept from the making: this team's practitioners and managers end the visits
    # (access/outreach.py), not those of whichever team its maker moves to later.
    team = optional_fk(Team, help_text=PLAN_TEAM_HELP)
    # Ended early (the place reclaimed, the case closed): ``ends_on`` becomes the last visit's
    # day, and who ended the visits, when and why are kept.
    ended_at, ended_by, ended_reason = set_aside_fields()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(every_weeks__gte=1, every_weeks__lte=8),
                name="visit_plan_every_1_to_8_weeks",
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="visit_plan_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="visit_plan_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"Visits to {self.context}"

    @property
    def partner_names(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


class VisitStatus(models.TextChoices):
    MADE = "made", "Visited"
    MISSED = "missed", "Missed"


class Guardian(models.TextChoices):
    """People who look after a place, met on a visit: the "capable guardians" whose presence
    makes exploitation there harder."""

    SHOP_STAFF = "shop_staff", "Shop staff"
    SECURITY = "security", "Security staff"
    PARK_WARDEN = "park_warden", "Park wardens"
    TRANSPORT_STAFF = "transport_staff", "Transport staff"
    OTHER = "other", "Other"


class Visit(models.Model):
    """One date visited or missed (at most one record per plan and date): a planned date,
    or, for a visit made, an extra one between them (``unplanned``: a tip-off, an event at
    the place), which takes no planned date as done. Only a planned date can be missed."""

    plan = models.ForeignKey(VisitPlan, on_delete=models.PROTECT, related_name="visits")
    on = models.DateField()
    status = models.CharField(max_length=10, choices=VisitStatus.choices)
    # Stored, not derived: a change to the plan's dates must not rewrite what a visit was.
    unplanned = models.BooleanField(default=False)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    went = models.ManyToManyField("access.Worker", related_name="visits_made", blank=True)
    # Who else went, by name (partners without an account).
    went_others = models.CharField(max_length=300, blank=True)
    observed = models.TextField(blank=True)
    met_count = models.PositiveSmallIntegerField(default=0)
    engaged_count = models.PositiveSmallIntegerField(default=0)
    concerns = models.TextField(blank=True)
    incident = optional_fk("incidents.Incident", on_delete=models.SET_NULL)
    referral = optional_fk("casework.Referral", on_delete=models.SET_NULL)
    guardians = models.JSONField(default=list, blank=True)
    guardians_note = models.CharField(max_length=300, blank=True)
    missed_reason = models.TextField(blank=True)
    recorded_by, recorded_at = recorded_fields()

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "on"], name="visit_once_per_plan_and_date"),
            models.CheckConstraint(
                condition=models.Q(engaged_count__lte=models.F("met_count")),
                name="visit_engaged_among_met",
            ),
            models.CheckConstraint(
                condition=models.Q(status="made") | ~models.Q(missed_reason=""),
                name="visit_missed_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status="made") | models.Q(unplanned=False),
                name="visit_missed_was_planned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.plan.context} on {self.on}"

    @property
    def guardian_labels(self) -> list[str]:
        return [Guardian(kind).label for kind in self.guardians if kind in choice_values(Guardian)]


class VisitPerson(models.Model):
    """A young person met on a visit, named by a worker who may see them."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="people")
    person = person_fk("visits_met")

    Meta = link_meta(
        "visit",
        "person",
        name="visit_person_once",
        said=("person at a visit", "people at visits"),
    )

    def __str__(self) -> str:
        return f"person {self.person_id} on visit {self.visit_id}"


class Consent(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"


class HomeConsent(models.Model):
    """The household's consent to the protective work at their home, as it stood on a day.
    The newest row is the answer now; the others are its history."""

    home = models.ForeignKey("places.Context", on_delete=models.PROTECT, related_name="consents")
    consent = models.CharField(max_length=12, choices=Consent.choices)
    on = models.DateField()
    reason = models.TextField(blank=True)
    recorded_by, recorded_at = recorded_fields()

    class Meta:
        ordering = ["-on", "-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"Consent {self.get_consent_display().lower()} on {self.on}"
