"""Safety mapping with a young person, and the weighting of the contexts in their life.

In a safety mapping session a worker sits with the child, who marks the places in their
life red (not safe), amber (not sure) or green (safe), saying in their own words when,
with whom and why. Each session is a new dated map: nothing is overwritten, so the
history shows how the child's sense of safety changed. A mark put down wrongly is
amended with a reason, its old wording kept (:class:`MarkAmendment`).

A context weighting is the worker's judgement, dated, of which contexts matter most to
the child's safety, in order, each with a reason. Re-weighting writes a new version.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import recorded_fields, recorded_in_team_field
from locus.common.modelkit import dated_indexes, dated_meta, link_or_text, once_each, optional_fk
from locus.people.models import person_fk


class Rating(models.TextChoices):
    RED = "red", "Red: not safe"
    AMBER = "amber", "Amber: not sure"
    GREEN = "green", "Green: safe"


# Red first: what a reader needs to see first is where the child is not safe.
RATING_ORDER = {rating: n for n, rating in enumerate(Rating.values)}


class MapSession(models.Model):
    """One sitting with the child: when, who was there, and the places marked in it."""

    person = person_fk("safety_sessions")
    held_on = models.DateField(help_text="The day of the session with the child.")
    present = models.CharField(max_length=500, help_text="Who was there besides the child.")
    note = models.TextField(blank=True)
    recorded_by, recorded_at = recorded_fields()

    Meta = dated_meta("held_on", "person")

    def __str__(self) -> str:
        return f"Safety mapping session {self.pk} on {self.held_on:%d/%m/%Y}"


class MarkedPlace(models.Model):
    """A place the child marked in a session, in their words: a context known to Locus, or
    a description of their own ("the alley behind the chicken shop")."""

    session = models.ForeignKey(MapSession, on_delete=models.CASCADE, related_name="marks")
    rating = models.CharField(max_length=5, choices=Rating.choices)
    context = optional_fk("places.Context", "safety_marks")
    description = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    when = models.CharField(max_length=300, blank=True, help_text="Times or days.")
    with_whom = models.CharField(max_length=300, blank=True)
    why = models.TextField(help_text="In the child's own words.")
    recorded_by, recorded_at = recorded_fields()
    # Kept from the marking: a manager of this team amends the mark (access/safety.py), not
    # of whichever team the recorder moves to later.
    recorded_in_team = recorded_in_team_field("mark")

    class Meta:
        ordering = ["session", "id"]
        indexes = dated_indexes("session", "context")
        constraints = [link_or_text("safety_mark_context_or_description", "context", "description")]

    def __str__(self) -> str:
        return f"Safety mark {self.pk} ({self.rating})"


class MarkAmendment(models.Model):
    """A mark's wording before an amendment: kept, never changed, shown with the mark."""

    mark = models.ForeignKey(MarkedPlace, on_delete=models.CASCADE, related_name="amendments")
    rating = models.CharField(max_length=5, choices=Rating.choices)
    when = models.CharField(max_length=300, blank=True)
    with_whom = models.CharField(max_length=300, blank=True)
    why = models.TextField()
    reason = models.TextField()
    amended_by, amended_at = recorded_fields()

    Meta = dated_meta("amended_at")

    def __str__(self) -> str:
        return f"Safety mark {self.mark_id} before the amendment of {self.amended_at:%d/%m/%Y}"


class Weighting(models.Model):
    """One version of the contexts that matter most to the child's safety, in order."""

    person = person_fk("context_weightings")
    decided_on = models.DateField()
    recorded_by, recorded_at = recorded_fields()

    Meta = dated_meta("decided_on", "person")

    def __str__(self) -> str:
        return f"Context weighting {self.pk} on {self.decided_on:%d/%m/%Y}"


class WeightedContext(models.Model):
    weighting = models.ForeignKey(Weighting, on_delete=models.CASCADE, related_name="items")
    rank = models.PositiveSmallIntegerField()
    context = models.ForeignKey("places.Context", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()

    class Meta:
        ordering = ["weighting", "rank"]
        constraints = [
            once_each("weighted_context_rank_once", ["weighting", "rank"]),
            once_each("weighted_context_once", ["weighting", "context"]),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. context {self.context_id}"
