"""Managed moves: a school move made in response to peer abuse.

Schools (often through an in-year fair access panel) move a child who harmed,
or was harmed, to another school. Contextual Safeguarding asks whether that
worked or only moved the harm: the displacement page (``selectors.displacement``)
sets the child's incidents before the move beside those after it, and where
each happened (the old school, the new school, or elsewhere).

A move is a record of a decision, so it is never deleted: a mistake is corrected (the old
values are kept as a :class:`ManagedMoveRevision`, with who corrected it, when and why), and a
move recorded in error (the wrong child, a move that never happened) is marked "entered in
error" with a reason: struck through wherever moves are listed, and no longer the child's move.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import (
    recorded_fields,
    recorded_in_team_field,
    set_aside_fields,
    set_aside_has_reason,
)
from locus.common.modelkit import dated_meta, optional_fk
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
    # Kept from the recording: a manager of this team corrects the move (access/moves.py),
    # not of whichever team the recorder moves to later.
    recorded_in_team = recorded_in_team_field("move")
    in_error_at, in_error_by, in_error_reason = set_aside_fields()

    class Meta:
        ordering = ["-moved_on", "-id"]
        indexes = [models.Index(fields=["person", "moved_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_school=models.F("to_school")),
                name="managed_move_to_another_school",
            ),
            set_aside_has_reason("managed_move_error_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Move of {self.person_id} on {self.moved_on:%d/%m/%Y}"

    @property
    def in_error(self) -> bool:
        return self.in_error_at is not None


class ManagedMoveRevision(models.Model):
    """A move's values before a correction: kept, never changed, shown with the move."""

    move = models.ForeignKey(ManagedMove, on_delete=models.CASCADE, related_name="revisions")
    from_school = models.ForeignKey("places.Context", on_delete=models.PROTECT, related_name="+")
    to_school = models.ForeignKey("places.Context", on_delete=models.PROTECT, related_name="+")
    moved_on = models.DateField()
    reason = models.TextField()
    panel_decision = models.TextField()
    decided_by = models.CharField(max_length=200)
    panel_meeting = optional_fk(PanelMeeting, on_delete=models.SET_NULL)
    not_on_roll_reason = models.CharField(max_length=300, blank=True)
    corrected_by, corrected_at = recorded_fields()
    correction_reason = models.TextField(help_text="Why the move was corrected.")

    Meta = dated_meta("corrected_at")

    def __str__(self) -> str:
        return f"Move {self.move_id} before the correction of {self.corrected_at:%d/%m/%Y}"
