"""Children in need: what the local authority returns to the DfE in the CIN census.

A CIN episode runs from a referral to its closure; within it the assessments (with the
factors identified), CIN plans, section 47 enquiries and child protection plans. The codes
are the DfE's (``codes.py`` reads their words from the census schemas).

These records are the census's, brought in by an import: they do not grant anyone sight
of the child (no allocation, no legal-status episode, which would make their agency
"involved", access/RULES.md). ``agency`` records whose return it was.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import Agency
from locus.common.modelkit import once_each, optional_fk
from locus.common.models import recorded_by_field
from locus.people.models import CPCategory, person_fk


class CensusChild(models.Model):
    """What the census says of the child that the person record does not hold."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="census_child"
    )
    disabilities = models.JSONField(default=list, blank=True, help_text="DfE disability codes.")
    upn_unknown = models.CharField("reason the UPN is unknown", max_length=3, blank=True)
    census_year = models.PositiveSmallIntegerField(help_text="The latest return it came in.")

    class Meta:
        verbose_name_plural = "census children"

    def __str__(self) -> str:
        return f"Census details of {self.person_id}"


class CINEpisode(models.Model):
    person = person_fk("cin_episodes")
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=3)
    primary_need = models.CharField(max_length=2, blank=True)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=3, blank=True)
    referral_nfa = models.BooleanField("referral: no further action", default=False)
    initial_cpc_date = models.DateField(
        "initial child protection conference", null=True, blank=True
    )
    agency = optional_fk(Agency, help_text="Whose return it came in.")
    census_year = models.PositiveSmallIntegerField(help_text="The latest return it came in.")
    created_at = models.DateTimeField()
    recorded_by = recorded_by_field("episode")

    class Meta:
        verbose_name = "child in need episode"
        ordering = ["person", "-referral_date", "-id"]
        constraints = [once_each("cin_episode_once_per_referral", ["person", "referral_date"])]

    def __str__(self) -> str:
        return f"CIN episode from {self.referral_date:%d/%m/%Y}"


class _EpisodePart(models.Model):
    """Something within an episode, matched on its start date when a return is imported
    again. The person is kept too, so the audit trail finds it by child."""

    person = person_fk("+")
    start = models.DateField()

    class Meta:
        abstract = True
        ordering = ["episode", "start", "id"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} from {self.start:%d/%m/%Y}"


class CINAssessment(_EpisodePart):
    episode = models.ForeignKey(CINEpisode, on_delete=models.CASCADE, related_name="assessments")
    authorised = models.DateField(null=True, blank=True)
    factors = models.JSONField(default=list, blank=True, help_text="DfE assessment factor codes.")

    class Meta(_EpisodePart.Meta):
        verbose_name = "child in need assessment"
        constraints = [once_each("cin_assessment_once", ["episode", "start"])]


class CINPlan(_EpisodePart):
    episode = models.ForeignKey(CINEpisode, on_delete=models.CASCADE, related_name="plans")
    end = models.DateField(null=True, blank=True)

    class Meta(_EpisodePart.Meta):
        verbose_name = "child in need plan"
        constraints = [once_each("cin_plan_once", ["episode", "start"])]


class Section47Enquiry(_EpisodePart):
    episode = models.ForeignKey(CINEpisode, on_delete=models.CASCADE, related_name="enquiries")
    icpc_target = models.DateField("initial conference due", null=True, blank=True)
    icpc_date = models.DateField("initial conference held", null=True, blank=True)
    icpc_not_required = models.BooleanField("initial conference not required", default=False)

    class Meta(_EpisodePart.Meta):
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        constraints = [once_each("section47_once", ["episode", "start"])]


class ChildProtectionPlan(_EpisodePart):
    episode = models.ForeignKey(CINEpisode, on_delete=models.CASCADE, related_name="cp_plans")
    end = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3, choices=CPCategory.choices)
    latest_category = models.CharField(max_length=3, choices=CPCategory.choices)
    previous_plans = models.PositiveSmallIntegerField(null=True, blank=True)
    review_dates = models.JSONField(default=list, blank=True)

    class Meta(_EpisodePart.Meta):
        constraints = [once_each("cp_plan_once", ["episode", "start"])]
