"""A child's case moving from one holder to another: a proposal with a handover note,
accepted (or declined) by a manager of the receiving team, or withdrawn by its proposer.

Until a transfer is accepted the child stays with the current holder; on acceptance the
holder's allocation ends and the receiving worker's begins (``transfers.services``).
"""

from __future__ import annotations

from django.db import models

from locus.access.models import optional_worker
from locus.common.modelkit import after_constraint


class Status(models.TextChoices):
    PROPOSED = "proposed", "Waiting for acceptance"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Transfer(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # The holder's allocation the case moves from: their worker and team are the "from".
    from_allocation = models.ForeignKey(
        "people.Allocation", on_delete=models.PROTECT, related_name="+"
    )
    to_team = models.ForeignKey("access.Team", on_delete=models.PROTECT, related_name="+")
    # The worker the proposer suggests; the accepting manager chooses who it is.
    to_worker = optional_worker()
    handover_note = models.TextField()
    proposed_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decided_by = optional_worker()
    decided_at = models.DateTimeField(null=True, blank=True)
    # Why it was declined or withdrawn (the accepting manager may add a note too).
    decision_note = models.TextField(blank=True)
    # The allocation acceptance started; the old one ended on the day of acceptance.
    new_allocation = models.ForeignKey(
        "people.Allocation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["to_team", "status"])]
        constraints = [
            # One open transfer per child: two proposals at once would race to move the case.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="proposed"),
                name="transfer_one_open_per_child",
            ),
            after_constraint(
                "transfer_decided_after_proposed", "decided_at", "proposed_at", or_same=True
            ),
            # Separation of duties, held by the database too: nobody decides their own proposal
            # (a withdrawal is the proposer's own, and is not a decision on it).
            models.CheckConstraint(
                condition=models.Q(status__in=["proposed", "withdrawn"])
                | ~models.Q(decided_by=models.F("proposed_by")),
                name="transfer_not_decided_by_its_proposer",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(new_allocation__isnull=False),
                name="transfer_accepted_has_new_allocation",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer of {self.person_id} to team {self.to_team_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == Status.PROPOSED
