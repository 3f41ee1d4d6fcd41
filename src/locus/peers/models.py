"""Associations between people and membership of peer groups, always with provenance."""

from __future__ import annotations

import datetime as dt

from django.db import models

from locus.access.models import optional_worker, recorded_fields, recorded_in_team_field
from locus.common.modelkit import (
    after_constraint,
    current_indexes,
    link_or_text,
    merge_meta,
    optional_fk,
)
from locus.common.models import Provenance, one_open_constraint, period_constraint
from locus.common.periods import PeriodQuerySet
from locus.people.models import Person, person_fk


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


class GroupRole(models.TextChoices):
    LEADING = "leading", "Leading or influential"
    CORE = "core", "Core member"
    PERIPHERAL = "peripheral", "Peripheral"
    NEW = "new", "New or being drawn in"
    UNCLEAR = "unclear", "Unclear"


class AssociationQuerySet(PeriodQuerySet["Association"]):
    start_field = "valid_from"
    end_field = "valid_until"


class Association(Provenance):
    """A relationship between a person and another person (or a peer not yet known).

    Stored once per pair; read symmetrically. An association to an adult of
    concern says who someone knows, never that they belong to anything.
    """

    person = person_fk("associations_out")
    other = optional_fk(Person, "associations_in", on_delete=models.CASCADE)
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
    peer_role = models.CharField(
        "peer's role in the group",
        max_length=12,
        choices=GroupRole.choices,
        blank=True,
        help_text="The role of the peer (``other``, or the peer described) within the group.",
    )
    # Whether a peer is open to social care or youth justice is worked out from a known
    # person's legal-status episodes; these two are for a peer not yet known to Locus,
    # where the worker can only say what they were told. None means "not known".
    open_to_social_care = models.BooleanField(null=True, blank=True)
    open_to_youth_justice = models.BooleanField(null=True, blank=True)
    replaces = optional_fk(
        "self",
        "replaced_by",
        on_delete=models.SET_NULL,
        one_to_one=True,
        help_text="The record this one took over from when the relationship was revised.",
    )
    contexts = models.ManyToManyField(
        "places.Context",
        blank=True,
        related_name="associations",
        help_text="Where the two spend time together.",
    )
    # Who ended the record (or revised it, which ends it), when and why: a relationship
    # someone else recorded is never ended without a reason on file.
    ended_by = optional_worker()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    # Kept from the recording: a manager of this team ends or changes the record
    # (access/policies.py), not of whichever team the recorder moves to later.
    recorded_in_team = recorded_in_team_field("association")

    objects = AssociationQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "id"]
        indexes = current_indexes("valid_until", "person", "other")
        constraints = [
            link_or_text("association_other_xor_label", "other", "other_label"),
            models.CheckConstraint(
                condition=~models.Q(other=models.F("person")),
                name="association_not_self",
            ),
            period_constraint(
                "association_until_after_from", start="valid_from", end="valid_until"
            ),
            models.CheckConstraint(
                condition=models.Q(other__isnull=True)
                | (
                    models.Q(open_to_social_care__isnull=True)
                    & models.Q(open_to_youth_justice__isnull=True)
                ),
                name="association_open_to_only_for_unknown_peers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} - {self.other or self.other_label} ({self.nature})"


class MembershipQuerySet(PeriodQuerySet["GroupMembership"]):
    start_field = "since"
    end_field = "until"


class GroupMembership(Provenance):
    """A person's place in a peer group (a Context of kind peer group)."""

    person = person_fk("memberships")
    group = models.ForeignKey(
        "places.Context", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=GroupRole.choices)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)
    # Who ended the membership and why: a child's place in a group that someone else
    # recorded is never ended without a reason on file (a merge or split says so too).
    ended_by = optional_worker()
    end_reason = models.TextField(blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-since", "id"]
        indexes = current_indexes("until", "group")
        constraints = [
            period_constraint("membership_until_after_since", start="since", end="until"),
            one_open_constraint("membership_one_open_per_group", ["person", "group"], end="until"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.group} ({self.role})"


class GroupChangeKind(models.TextChoices):
    MERGE = "merge", "Merged"
    SPLIT = "split", "Split"


class GroupChange(models.Model):
    """A peer group merged into another, or members split off into a new group.

    ``group`` is the one changed (merged away, or split from); ``into`` is the group
    kept, or the new group. Memberships themselves move by ending and starting, so
    each child's history in both groups stays; this row says why and who did it.
    A group merged into another is closed: nobody joins it afterwards.
    """

    kind = models.CharField(max_length=5, choices=GroupChangeKind.choices)
    group = models.ForeignKey("places.Context", on_delete=models.PROTECT, related_name="+")
    into = models.ForeignKey("places.Context", on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    reason = models.TextField()
    members_moved = models.PositiveIntegerField()
    recorded_by, recorded_at = recorded_fields()

    Meta = merge_meta(
        "group_change_not_to_itself",
        "group",
        "into",
        # A group is merged away once: it is closed from then on.
        models.UniqueConstraint(
            fields=["group"],
            condition=models.Q(kind="merge"),
            name="group_change_one_merge_per_group",
        ),
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.group_id} -> {self.into_id}"


class MapPurpose(models.TextChoices):
    """Why a Level 1 worker needs peers' names on a child's peer map (docs/domain.md#naming)."""

    SAFETY_PLANNING = "safety_planning", "Safety planning"
    LINKED_CASE = "linked_case", "Coordinating a linked case already open"


# How long a recorded purpose shows names: one working shift. The worker asks again the
# next day, so names are never shown by a purpose recorded long ago for another reason.
PURPOSE_LASTS = dt.timedelta(hours=8)


class PeerMapPurpose(models.Model):
    """A worker's recorded reason to see peers' names on one child's peer map.

    Level 1 peer maps name peers by initials; a purpose lifts that for the worker
    who recorded it, on that child's map, until ``expires_at``. Kept (never
    deleted) and audited, so a reviewer can see who asked for names and why.
    """

    worker = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    person = person_fk("peer_map_purposes")
    purpose = models.CharField(max_length=20, choices=MapPurpose.choices)
    reason = models.TextField()
    recorded_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["worker", "person", "expires_at"])]
        constraints = [
            after_constraint("peer_map_purpose_expires_after_recorded", "expires_at", "recorded_at")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} by {self.worker_id} for {self.person_id}"
