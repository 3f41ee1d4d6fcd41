"""The sharing register: every time a record reaches someone outside the holding team.

Each row says on what lawful basis (``vocab``), for what purpose, what was shared, with whom,
about whom (people's ids only: a register row is a governance record that outlives a purged
person, so it keeps no name), by whom, when and until when, and which record the sharing was
(docs/sharing.md).
"""

from __future__ import annotations

from django.db import models

from locus.common.modelkit import described_when
from locus.sharing.vocab import Article6, Basis, Condition, Duty, basis_cited, basis_text


class BasisFields(models.Model):
    """The three parts of a lawful basis, on any record that shares (meetings, panels...)."""

    article6 = models.CharField("UK GDPR article 6 basis", max_length=8, choices=Article6.choices)
    condition = models.CharField(
        "Special category or criminal offence data condition",
        max_length=8,
        choices=Condition.choices,
    )
    duty = models.CharField("Statutory duty or power", max_length=16, choices=Duty.choices)
    duty_other = models.CharField(max_length=300, blank=True)
    guidance = models.BooleanField("Working Together 2023 followed", default=False)

    class Meta:
        abstract = True

    @property
    def basis(self) -> Basis:
        return Basis(self.article6, self.condition, self.duty, self.duty_other, self.guidance)

    @property
    def basis_text(self) -> str:
        return basis_text(self.article6, self.condition, self.duty, self.duty_other, self.guidance)

    @property
    def basis_cited(self) -> str:
        return basis_cited(self.article6, self.condition, self.duty)


class ShareKind(models.TextChoices):
    MEETING = "meeting", "Peer group mapping meeting"
    PANEL = "panel", "HSB meeting or MACE panel"
    CONFERENCE = "conference", "Context conference"
    REFERRAL = "referral", "Referral"
    EXPORT = "export", "Export"
    API_TOKEN = "api_token", "API token"
    BREAK_GLASS = "break_glass", "Emergency access (break-glass)"
    PLAN_ACTION = "plan_action", "Action on a context plan given to a partner"


class Share(BasisFields):
    kind = models.CharField(max_length=12, choices=ShareKind.choices)
    purpose = models.TextField()
    # The kinds of data or fields shared, in words ("Name", "Age", "Minutes and decisions").
    what = models.JSONField(default=list)
    record_ref = models.CharField(max_length=200, help_text="The record shared, in words.")
    # About whom: people's ids, never their names (the page names them to who may see them).
    people = models.JSONField(default=list, blank=True)
    by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    # The sharer's team then: a manager reads their team's shares even after a move.
    by_team = models.ForeignKey(
        "access.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)
    until_note = models.CharField(max_length=120, blank=True)
    source_type = models.CharField(max_length=60)
    source_id = models.CharField(max_length=40)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["kind", "at"]),
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["by", "at"]),
            models.Index(fields=["by_team", "at"]),
        ]
        constraints = [
            described_when("share_other_duty_described", "duty", "other", "duty_other"),
            models.CheckConstraint(condition=~models.Q(purpose=""), name="share_has_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.record_ref}"


class Recipient(models.Model):
    """With whom: a worker (with their agency then), or a partner by name and organisation.

    Staff are named: they are not third parties to hide in a sharing register."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="recipients")
    worker = models.ForeignKey(
        "access.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "access.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["agency"]), models.Index(fields=["worker"])]

    def __str__(self) -> str:
        return self.name
