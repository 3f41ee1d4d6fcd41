"""Managed moves: a school move made in response to peer abuse.

Schools (often through an in-year fair access panel) move a child who harmed,
or was harmed, to another school. Contextual Safeguarding asks whether that
worked or only moved the harm: the displacement page (``selectors.displacement``)
sets the child's incidents before the move beside those after it, and where
each happened (the old school, the new school, or elsewhere).
"""

from __future__ import annotations

from django.db import models

from locus.access.models import recorded_fields
from locus.common.modelkit import optional_fk
from locus.panels.models import PanelMeeting
from locus.people.models import person_fk


class ManagedMove(models.Model):
    # A child purged under the retention rules takes their moves with them.
    person = person_fk("managed_moves")
    from_school = models.ForeignKey(
        "places.Context", on_delete=models.PROTECT, related_name="moves_from"
    )
    to_school = models.ForeignKey(
        "places.Context", on_delete=models.PROTECT, related_name="moves_to"
    )
    moved_on = models.DateField(help_text="The first day at the new school.")
    reason = models.TextField(help_text="The peer abuse the move responds to.")
    panel_decision = models.TextField(help_text="What the panel (or the schools) decided.")
    decided_by = models.CharField(
        max_length=200, help_text="Who decided: a fair access panel, the head teachers..."
    )
    panel_meeting = optional_fk(
        PanelMeeting,
        "managed_moves",
        on_delete=models.SET_NULL,
        help_text="The HSB meeting or MACE panel that discussed it, if one did.",
    )
    not_on_roll_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why the move is recorded although the child was not on the old school's roll.",
    )
    recorded_by, recorded_at = recorded_fields()

    class Meta:
        ordering = ["-moved_on", "-id"]
        indexes = [models.Index(fields=["person", "moved_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_school=models.F("to_school")),
                name="managed_move_to_another_school",
            )
        ]

    def __str__(self) -> str:
        return f"Move of {self.person_id} on {self.moved_on:%d/%m/%Y}"
