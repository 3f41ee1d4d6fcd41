"""Associations between people and membership of peer groups, always with provenance."""

from __future__ import annotations

from django.db import models

from locus.common.models import Provenance, period_constraint


class Relationship(models.TextChoices):
    FRIEND = "friend", "Friend"
    PARTNER = "partner", "Partner (boyfriend or girlfriend)"
    EX_PARTNER = "ex_partner", "Former partner"
    SIBLING = "sibling", "Sibling"
    RELATIVE = "relative", "Other relative"
    CLASSMATE = "classmate", "Classmate"
    ASSOCIATE = "associate", "Associate"
    NEIGHBOUR = "neighbour", "Neighbour"
    ONLINE_CONTACT = "online_contact", "Online contact"


class Nature(models.TextChoices):
    PROTECTIVE = "protective", "Protective"
    RISK = "risk", "Presents risk"
    UNCLEAR = "unclear", "Unclear"


class Association(Provenance):
    """A relationship between a person and another person (or a peer not yet known).

    Stored once per pair; read symmetrically. An association to an adult of
    concern says who someone knows, never that they belong to anything.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="associations_out"
    )
    other = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="associations_in",
        null=True,
        blank=True,
    )
    other_label = models.CharField(
        max_length=200,
        blank=True,
        help_text="How an unknown peer is described, e.g. 'older male known as T'.",
    )
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    nature = models.CharField(max_length=12, choices=Nature.choices)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    contexts = models.ManyToManyField(
        "places.Context",
        blank=True,
        related_name="associations",
        help_text="Where the two spend time together.",
    )

    class Meta:
        ordering = ["-valid_from", "id"]
        indexes = [
            models.Index(fields=["person", "valid_until"]),
            models.Index(fields=["other", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(other__isnull=False) & models.Q(other_label=""))
                | (models.Q(other__isnull=True) & ~models.Q(other_label="")),
                name="association_other_xor_label",
            ),
            models.CheckConstraint(
                condition=~models.Q(other=models.F("person")),
                name="association_not_self",
            ),
            period_constraint(
                "association_until_after_from", start="valid_from", end="valid_until"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} - {self.other or self.other_label} ({self.nature})"


class GroupRole(models.TextChoices):
    LEADING = "leading", "Leading or influential"
    CORE = "core", "Core member"
    PERIPHERAL = "peripheral", "Peripheral"
    NEW = "new", "New or being drawn in"
    UNCLEAR = "unclear", "Unclear"


class GroupMembership(Provenance):
    """A person's place in a peer group (a Context of kind peer group)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(
        "places.Context", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=GroupRole.choices)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-since", "id"]
        indexes = [models.Index(fields=["group", "until"])]
        constraints = [
            period_constraint("membership_until_after_since", start="since", end="until"),
            models.UniqueConstraint(
                fields=["person", "group"],
                condition=models.Q(until__isnull=True),
                name="membership_one_open_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.group} ({self.role})"
