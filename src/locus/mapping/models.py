"""Co-case management: peer group mapping meetings and the interventions they agree.

Workers who find that their separate cases are one group of young people meet,
map the group together and share out complementary work. A meeting is a
sharing between agencies (docs/domain.md#lawful-basis), so it carries its lawful basis.

What a meeting shares about a child is what that child's case holder (or the
holder's manager) agreed to bring to it (:class:`ShareAgreement`), and only with
workers who confirmed their own attendance, at a meeting the agreeing worker
confirmed attending too (the forum share in ``access/scopes.py``; docs/access.md).
"""

from __future__ import annotations

from django.db import models

from locus.access.models import Team, optional_worker
from locus.common.modelkit import described_when, link_meta, once_each, optional_fk
from locus.forums import models as forums
from locus.forums.machine import Machine
from locus.forums.models import Attendance
from locus.people.models import Person, person_fk
from locus.places.models import Context
from locus.sharing.models import BasisFields


class MeetingKind(models.TextChoices):
    # One kind for now; contextual HSB meetings and MACE panels will join it.
    PEER_GROUP_MAPPING = "peer_group_mapping", "Peer group mapping meeting"


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


# The meeting's state machine: organising before it is held (proposed, then scheduled),
# then what is done at and after it; cancelling and closing end it.
_ORGANISE = ("invite", "agree_share", "withdraw_share")
_AFTER = ("confirm_attendance", "decide", "add_intervention", "update_intervention")
_BEFORE_HELD = (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED)
MEETING_MACHINE = Machine(
    what="meeting",
    statuses=MeetingStatus,
    moves={
        MeetingStatus.PROPOSED: {
            **dict.fromkeys(_ORGANISE, MeetingStatus.PROPOSED),
            "schedule": MeetingStatus.SCHEDULED,
            "cancel": MeetingStatus.CANCELLED,
        },
        MeetingStatus.SCHEDULED: {
            **dict.fromkeys(_ORGANISE, MeetingStatus.SCHEDULED),
            "schedule": MeetingStatus.SCHEDULED,
            "record_minutes": MeetingStatus.HELD,
            "cancel": MeetingStatus.CANCELLED,
        },
        MeetingStatus.HELD: {
            **dict.fromkeys(_AFTER, MeetingStatus.HELD),
            "close": MeetingStatus.CLOSED,
        },
        MeetingStatus.CLOSED: {},
        MeetingStatus.CANCELLED: {},
    },
    verbs={
        "invite": "invite anyone",
        "agree_share": "agree what to share",
        "withdraw_share": "withdraw an agreement",
        "schedule": "schedule it",
        "record_minutes": "record its minutes",
        "cancel": "cancel it",
        "confirm_attendance": "confirm attendance",
        "decide": "add a decision",
        "add_intervention": "add an intervention",
        "update_intervention": "update its interventions",
        "close": "close it",
    },
    refusals={
        MeetingStatus.PROPOSED: "You cannot {verb} now",
        MeetingStatus.SCHEDULED: "You cannot {verb} now",
        MeetingStatus.HELD: "This meeting has been held: it is too late to {verb}",
        MeetingStatus.CLOSED: "This meeting is closed: it is too late to {verb}",
        MeetingStatus.CANCELLED: "This meeting was cancelled: it is too late to {verb}",
        (MeetingStatus.PROPOSED, "record_minutes"): "Schedule the meeting before recording "
        "its minutes",
        **{
            (status, move): words
            for status in _BEFORE_HELD
            for move, words in (
                (
                    "confirm_attendance",
                    "Attendance is confirmed once the minutes have been recorded",
                ),
                ("decide", "Decisions are recorded with the minutes of a held meeting"),
                (
                    "add_intervention",
                    "Interventions are agreed at the meeting: record its minutes first",
                ),
                ("close", "Only a meeting that has been held can be closed: cancel it instead"),
            )
        },
    },
)


class LawfulBasis(models.TextChoices):
    """The basis as first recorded, before the structured basis (``sharing.vocab``): kept on
    old rows so what was written then stays readable; new rows leave it empty."""

    CHILDREN_ACT_S47 = "ca1989_s47", "Children Act 1989 s.47 (child protection enquiries)"
    CHILDREN_ACT_S17 = "ca1989_s17", "Children Act 1989 s.17 (children in need)"
    CRIME_AND_DISORDER_S115 = "cda1998_s115", "Crime and Disorder Act 1998 s.115"
    WORKING_TOGETHER = (
        "working_together_2023",
        "Working Together to Safeguard Children 2023: information sharing",
    )
    CONSENT = "consent", "Consent"
    OTHER = "other", "Other"


def legacy_basis_fields() -> tuple[models.CharField, models.CharField]:
    """The basis as first recorded (``LawfulBasis``), empty on rows written since."""
    return (
        models.CharField(
            "Basis as first recorded", max_length=30, choices=LawfulBasis.choices, blank=True
        ),
        models.CharField(max_length=300, blank=True),
    )


class Meeting(BasisFields):
    """A peer group mapping meeting: proposed, scheduled, held (minutes), then closed.

    ``map_snapshot`` is the group map as it stood when the minutes were
    recorded: person ids, initials and the relationships between them. Names
    are looked up when the page is drawn, so a person purged under the
    retention rules drops out of every past map too (no shadow list).
    """

    kind = models.CharField(
        max_length=30, choices=MeetingKind.choices, default=MeetingKind.PEER_GROUP_MAPPING
    )
    title = models.CharField(max_length=120)
    purpose = models.TextField()
    status = models.CharField(
        max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PROPOSED
    )
    lawful_basis, lawful_basis_other = legacy_basis_fields()
    group = optional_fk(
        Context, "meetings", help_text="The peer group the meeting maps, if there is one."
    )
    proposed_by = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, related_name="meetings_proposed"
    )
    proposed_at = models.DateTimeField()
    # Kept from the day it was proposed, as a child's holder team is: a proposer who later
    # moves team (even to another organisation) takes none of her meetings with her.
    proposer_team = optional_fk(
        Team,
        help_text="The proposer's team when it was proposed: its managers organise the meeting.",
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    online = models.BooleanField(default=False)
    location = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True, help_text="What was discussed, in brief.")
    map_snapshot = models.JSONField(default=dict, blank=True)
    minutes_recorded_by = optional_worker()
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_for"])]
        constraints = [
            described_when(
                "meeting_other_basis_described", "lawful_basis", "other", "lawful_basis_other"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def place_text(self) -> str:
        if self.online:
            return f"Online ({self.location})" if self.location else "Online"
        return self.location

    def snapshot_person_ids(self) -> list[object]:
        """The people in the stored map (its nodes' person ids)."""
        snapshot = self.map_snapshot if isinstance(self.map_snapshot, dict) else {}
        nodes = snapshot.get("nodes") or []
        return [n.get("person_id") for n in nodes if isinstance(n, dict)]

    def audit_people(self) -> list[object]:
        """Whom the meeting's audit events speak of (``audit.services.people_of``): its
        children, and the people in its map (ids and initials), so a purge of any of them
        blanks what the trail kept of the map."""
        children = [c.person_id for c in self.children.all()] if self.pk else []
        return [*children, *self.snapshot_person_ids()]


class MeetingChild(models.Model):
    """A child the meeting concerns, with the worker who held the case when it was proposed.

    The holder is kept so that a worker who may not see the child is told only "a child
    not shared with you, held by <worker>, <team>, <agency>", even after allocations change.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="children")
    # A child purged under the retention rules leaves every meeting with them.
    person = person_fk("meeting_links")
    holder = optional_worker()
    holder_team = optional_fk(Team)

    Meta = link_meta(
        "meeting",
        "person",
        name="meeting_child_once",
        said=("child at a meeting", "children at meetings"),
    )

    def __str__(self) -> str:
        return f"child {self.person_id} at meeting {self.meeting_id}"


class InviteReason(models.TextChoices):
    PROPOSER = "proposer", "Proposed the meeting"
    HOLDS_CASE = "holds_case", "Holds a child's case"
    AGREED = "agreed", "Agreed to bring a child"
    ADDED = "added", "Invited"


class Invitee(models.Model):
    """A worker invited to the meeting and, once it is held, whether they attended.

    ``attendance`` is what the minutes record, as reported by whoever recorded
    them. ``confirmed_at`` is the worker's own word that they were there: set
    when they confirm it themselves (or when they record the minutes and mark
    themselves present). Only a confirmed attendance counts for the forum share,
    so a recorder cannot give sight to anyone by marking them present.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    worker = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, related_name="meeting_invitations"
    )
    reason = models.CharField(max_length=12, choices=InviteReason.choices)
    # Kept from the day they were invited, as the proposer's team is: a manager of this team
    # may open the meeting (access/meetings.py), not of whichever team they move to later.
    team = optional_fk(
        Team, help_text="The invitee's team when invited: its managers may open the meeting."
    )
    invited_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            once_each("meeting_invitee_once", ["meeting", "worker"]),
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(attendance="attended"),
                name="meeting_invitee_confirms_attending",
            ),
        ]
        # The forum share looks up "meetings this worker attended" for every sight check.
        indexes = [models.Index(fields=["worker", "attendance"])]

    def __str__(self) -> str:
        return f"worker {self.worker_id} at meeting {self.meeting_id} ({self.attendance})"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class ShareAgreement(BasisFields):
    """A child's case holder (or the holder's team manager) agreeing to bring the child to a
    meeting: who agreed, when, on what lawful basis, and which of the child's fields
    (``locus.access.fields.PersonField`` values) attendees may see.

    Nothing about a child is shared without one, and a proposer cannot make one for a
    child they do not hold: this is what keeps a forum share from being self-granted.
    """

    child = models.ForeignKey(MeetingChild, on_delete=models.CASCADE, related_name="agreements")
    agreed_by = models.ForeignKey("access.Worker", on_delete=models.PROTECT, related_name="+")
    agreed_at = models.DateTimeField()
    lawful_basis, lawful_basis_other = legacy_basis_fields()
    fields = models.JSONField(default=list)

    class Meta:
        ordering = ["agreed_at", "id"]
        constraints = [
            once_each("share_agreed_once", ["child", "agreed_by"]),
            described_when(
                "share_other_basis_described", "lawful_basis", "other", "lawful_basis_other"
            ),
        ]

    def __str__(self) -> str:
        return f"worker {self.agreed_by_id} agreed to share child {self.child_id}"


class Decision(forums.Decision):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")


#: An intervention moves as every forum's action does, refused in its own words.
INTERVENTION_MACHINE = forums.action_machine(
    "intervention",
    {
        forums.ActionStatus.DONE: "This intervention is done: agree a new one to do more",
        forums.ActionStatus.STOPPED: "This intervention is stopped: agree a new one to do more",
        (forums.ActionStatus.IN_PROGRESS, "replan"): "An intervention in progress cannot go "
        "back to planned",
    },
)


class Intervention(forums.Action):
    """A piece of complementary work agreed at a meeting, owned by one worker who attended.

    It concerns one child or the meeting's peer group, never both: work with a
    group (a detached youth work session at its hangout) and work with a child
    (a mentor) are followed differently.
    """

    machine = INTERVENTION_MACHINE

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="interventions")
    person = optional_fk(Person, "interventions", on_delete=models.CASCADE)
    group = optional_fk(Context, "interventions")
    owner = models.ForeignKey(
        "access.Worker", on_delete=models.PROTECT, related_name="interventions_owned"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["person", "status"]), models.Index(fields=["group"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False) & models.Q(group__isnull=True))
                | (models.Q(person__isnull=True) & models.Q(group__isnull=False)),
                name="intervention_child_xor_group",
            )
        ]


class InterventionUpdate(forums.ActionUpdate):
    """One step in an intervention's history: what happened, and its status after it."""

    action = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="updates")
