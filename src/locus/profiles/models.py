"""The aspirational profile: a young person's strengths, in their own words where possible.

Contextual Safeguarding looks at what harms a young person and also at what
keeps them safe and what they want for themselves: aspirations, interests,
talents, the adults they trust, the places where they feel safe and the peers
who protect them. Plans "build on" these, so they are recorded item by item,
dated, with who recorded them, and never deleted: an item that no longer holds
is ended, and a change ends the old wording and records the new one.
"""

from __future__ import annotations

from django.db import models

from locus.access.models import optional_worker, recorded_fields
from locus.common.modelkit import current_indexes, optional_fk
from locus.common.models import period_constraint
from locus.common.periods import PeriodQuerySet
from locus.people.models import Person, person_fk
from locus.places.models import Context


class ProfileKind(models.TextChoices):
    # In the order the profile is shown: what the young person wants first.
    ASPIRATION = "aspiration", "Aspirations"
    INTEREST = "interest", "Interests"
    TALENT = "talent", "Talents"
    TRUSTED_ADULT = "trusted_adult", "Trusted adults"
    SAFE_PLACE = "safe_place", "Safe places"
    PROTECTIVE_PEER = "protective_peer", "Protective peers"


KIND_ORDER = {kind: n for n, kind in enumerate(ProfileKind.values)}

# What one item of each kind is called in a sentence ("Add an aspiration").
KIND_SINGULAR = {
    ProfileKind.ASPIRATION: "aspiration",
    ProfileKind.INTEREST: "interest",
    ProfileKind.TALENT: "talent",
    ProfileKind.TRUSTED_ADULT: "trusted adult",
    ProfileKind.SAFE_PLACE: "safe place",
    ProfileKind.PROTECTIVE_PEER: "protective peer",
}


class ItemState(models.TextChoices):
    CURRENT = "current", "Current"
    ENDED = "ended", "Ended"


class ItemStep(models.TextChoices):
    CHANGE = "change", "change it"
    END = "end", "end it"


# The state machine: which steps each state allows. An ended item is history.
ALLOWED_STEPS: dict[str, frozenset[str]] = {
    ItemState.CURRENT: frozenset({ItemStep.CHANGE, ItemStep.END}),
    ItemState.ENDED: frozenset(),
}


class ProfileItemQuerySet(PeriodQuerySet["ProfileItem"]):
    # An item holds from when it was said or learnt until it is ended.
    start_field = "recorded_on"
    end_field = "ended_on"


class ProfileItem(models.Model):
    """One strength in a young person's profile.

    A protective peer may be a person known to Locus (``peer``) or only
    described in ``text``; a safe place may be a known context (``place``).
    """

    # A child purged under the retention rules takes their profile with them.
    person = person_fk("profile_items")
    kind = models.CharField(max_length=20, choices=ProfileKind.choices)
    text = models.TextField(help_text="In the young person's own words where possible.")
    own_words = models.BooleanField(
        default=False, help_text="The text is what the young person said, as they said it."
    )
    # A purged peer leaves no trace here either (no shadow list of who protects whom).
    peer = optional_fk(Person, "protective_for", on_delete=models.CASCADE)
    place = optional_fk(Context)
    recorded_on = models.DateField(help_text="When the young person said it, or it was learnt.")
    recorded_by, recorded_at = recorded_fields()
    ended_on = models.DateField(null=True, blank=True)
    ended_by = optional_worker()
    end_reason = models.CharField(max_length=300, blank=True)
    # The earlier wording this item changed (a purge of the person takes both).
    replaces = optional_fk("self", "replaced_by", on_delete=models.SET_NULL, one_to_one=True)

    objects = ProfileItemQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-recorded_on", "id"]
        indexes = current_indexes("ended_on", "person")
        constraints = [
            period_constraint("profile_item_end_after_start", "recorded_on", "ended_on"),
            models.CheckConstraint(
                condition=models.Q(peer__isnull=True) | models.Q(kind="protective_peer"),
                name="profile_item_peer_only_for_peers",
            ),
            models.CheckConstraint(
                condition=models.Q(place__isnull=True) | models.Q(kind="safe_place"),
                name="profile_item_place_only_for_places",
            ),
        ]

    def __str__(self) -> str:
        return f"{KIND_SINGULAR[ProfileKind(self.kind)]}: {self.text[:60]}"

    @property
    def state(self) -> ItemState:
        return ItemState.CURRENT if self.ended_on is None else ItemState.ENDED

    @property
    def kind_singular(self) -> str:
        return KIND_SINGULAR[ProfileKind(self.kind)]
