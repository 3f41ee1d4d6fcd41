"""A team's review of one linked case: known already, not relevant, or its holder contacted."""

from __future__ import annotations

from django.db import models

from locus.people.models import person_fk


class ReviewOutcome(models.TextChoices):
    KNOWN = "known", "Known, already working together"
    NOT_RELEVANT = "not_relevant", "Not relevant"
    CONTACTED = "contacted", "Contacted the holder"


class LinkReview(models.Model):
    """What a team decided about the link between its child and another, and the evidence it
    rested on then: new evidence (more of any kind, or a later day) brings the link back up.

    One row per team and pair: a new review replaces the last (the audit trail keeps each).
    Only the team sees it (``locus.access.scopes``): another team judges the link afresh.
    """

    team = models.ForeignKey("access.Team", on_delete=models.CASCADE, related_name="+")
    child = person_fk("link_reviews")
    other = person_fk("+")
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    reason = models.TextField(blank=True)
    contacted_on = models.DateField(null=True, blank=True)
    # The evidence when reviewed: counts of each kind and the day of the latest.
    n_direct = models.PositiveIntegerField(default=0)
    n_shared_incidents = models.PositiveIntegerField(default=0)
    n_shared_associates = models.PositiveIntegerField(default=0)
    n_co_presence = models.PositiveIntegerField(default=0)
    window_days = models.PositiveIntegerField()
    latest_evidence_on = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "child", "other"], name="linked_review_one_per_team_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.child_id}, {self.other_id})"
