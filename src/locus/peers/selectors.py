"""Reads about peers, peer groups and peer maps, always for a viewer and through its scope."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

from locus.access import groups as access_groups
from locus.access import naming, policies, scopes
from locus.access.fields import PersonField, fields_visible_to_many
from locus.access.models import Worker
from locus.access.selectors import visible_person_ids
from locus.common.ids import as_id
from locus.common.services import today
from locus.incidents.models import Incident, Involvement, InvolvementRole
from locus.incidents.selectors import incidents_for
from locus.peers.models import Association, GroupChange, GroupChangeKind, GroupMembership
from locus.people.models import Allocation, LegalStatus, LegalStatusEpisode, Person
from locus.people.selectors import people_named_like, with_fields
from locus.places.models import RESTRICTED_KINDS, Context, ContextKind


@dataclass
class MemberRow:
    membership: GroupMembership
    visible: bool
    label: str
    fields: frozenset[str] = frozenset()


@dataclass
class HolderRow:
    """A worker holding a member's case. For a member the viewer may not see, the
    member shows by initials: that a case is open, and whom to contact, is what a
    worker may learn about a linked child; not who the child is."""

    allocation: Allocation
    visible: bool
    label: str


@dataclass
class GroupDetail:
    group: Context
    members: list[MemberRow]
    former_members: int
    places: list[Context]
    incidents: list[Incident]
    role_counts: list[tuple[str, int]]
    allocations: list[Allocation]
    holders: list[HolderRow] = field(default_factory=list)
    # Current members the viewer may not see: counted, never by role nor by involvement.
    hidden_members: int = 0

    def shown(self) -> dict[str, list[int]]:
        """The memberships the page lists (those of members the viewer sees) and the places
        it names, by id, for its read's entry in the trail."""
        return {
            "memberships_shown": [m.membership.pk for m in self.members if m.visible],
            "places_shown": [c.pk for c in self.places],
        }


def name_for(person: Person, fields: frozenset[str]) -> str:
    """A person's name where the viewer may see it, else their initials."""
    return person.full_name if PersonField.NAME in fields else person.initials


def group_detail(*, viewer: Worker, group: Context) -> GroupDetail:
    """A peer group's page: members (named where the viewer may see them), the
    places the group uses, incidents involving members, and who holds their cases.
    Places, incidents and the involvement counts come only through members the viewer sees
    in their own right, and only incidents the viewer sees are counted: counted over every
    member, the counts less the incidents listed told what a hidden member did. The members
    the viewer may not see are counted (``hidden_members``), nothing more."""
    memberships = list(
        GroupMembership.objects.filter(group=group)
        .select_related("person", "recorded_by")
        .order_by("until", "role", "person__family_name")
    )
    current = [m for m in memberships if m.until is None]
    member_ids = [m.person_id for m in current]
    # In their own right: a forum share shows a child's shared fields, not the groups the
    # child is in (a member seen only through a share is a member the viewer may not see).
    visible = visible_person_ids(viewer, member_ids, shared=False)
    shown = fields_visible_to_many(viewer, visible, visible=visible)
    members = [
        MemberRow(
            m,
            m.person_id in visible,
            name_for(m.person, shown.get(m.person_id, frozenset())),
            shown.get(m.person_id, frozenset()),
        )
        for m in current
    ]
    # The members the viewer sees in the order of their role in the group, then the others
    # by no order of theirs: among the seen, a hidden member's place would tell their role
    # (core before peripheral) and where their family name falls.
    members.sort(key=lambda row: (not row.visible, 0 if row.visible else row.membership.pk))
    # The places the group uses and its incidents come through the members the viewer sees:
    # a hidden member's relationships and incidents are that child's record, and listing them
    # here would tie the group (and so the member) to them. The incidents are read through
    # the involvements' own manager: a join from Incident would keep a member taken out of an
    # incident (named in error), tying the group to it and to its place as if still involved.
    involved = Involvement.objects.filter(person_id__in=visible).values("incident_id")
    place_ids = set(
        Association.contexts.through.objects.filter(
            Q(association__person_id__in=visible) | Q(association__other_id__in=visible)
        )
        .exclude(context_id=group.pk)
        .values_list("context_id", flat=True)
    )
    place_ids |= set(
        Incident.objects.filter(
            restricted=False, id__in=involved, context__isnull=False
        ).values_list("context_id", flat=True)
    )
    places = list(
        scopes.contexts_visible_to(viewer)
        .filter(id__in=place_ids)
        .exclude(kind=ContextKind.HOME)
        .order_by("name")[:50]
    )
    role_counts = Counter(
        Involvement.objects.filter(
            person_id__in=visible,
            incident__restricted=False,
            incident__in=scopes.incidents_visible_to(viewer),
        ).values_list("role", flat=True)
    )
    labels = dict(InvolvementRole.choices)
    incidents = list(incidents_for(viewer=viewer).filter(id__in=involved)[:25])
    all_allocations = list(
        Allocation.objects.current()
        .filter(person_id__in=member_ids)
        .select_related("worker", "team__agency", "person")
        .order_by("team__agency__name", "worker__last_name", "id")
    )
    allocations = [a for a in all_allocations if a.person_id in visible]
    holders = [
        HolderRow(
            a, a.person_id in visible, name_for(a.person, shown.get(a.person_id, frozenset()))
        )
        for a in all_allocations
    ]
    return GroupDetail(
        group=group,
        members=members,
        former_members=len(memberships) - len(current),
        places=places,
        incidents=incidents,
        role_counts=[(labels[r], role_counts[r]) for r in labels if role_counts.get(r)],
        allocations=allocations,
        holders=holders,
        hidden_members=sum(1 for m in members if not m.visible),
    )


# --- The capture form's list and the naming rule -------------------------------------------

SOCIAL_CARE_STATUSES = frozenset(
    {LegalStatus.CHILD_IN_NEED, LegalStatus.CHILD_PROTECTION, LegalStatus.LOOKED_AFTER}
)
YOUTH_JUSTICE_STATUSES = frozenset({LegalStatus.YOUTH_JUSTICE})


@dataclass(frozen=True)
class OpenTo:
    """Whether a peer is open to social care or youth justice, and how we know.

    ``derived``: worked out from a known person's legal-status episodes; otherwise
    as recorded for a peer not yet known to Locus (``None`` = not known).
    """

    social_care: bool | None
    youth_justice: bool | None
    derived: bool

    @classmethod
    def from_statuses(cls, statuses: Iterable[str]) -> OpenTo:
        held = set(statuses)
        return cls(
            social_care=bool(held & SOCIAL_CARE_STATUSES),
            youth_justice=bool(held & YOUTH_JUSTICE_STATUSES),
            derived=True,
        )

    @classmethod
    def as_recorded(cls, association: Association) -> OpenTo:
        return cls(association.open_to_social_care, association.open_to_youth_justice, False)

    @property
    def labels(self) -> list[str]:
        out = []
        if self.social_care:
            out.append("Social care")
        if self.youth_justice:
            out.append("Youth justice")
        return out

    @property
    def summary(self) -> str:
        if self.labels:
            return " and ".join(self.labels)
        if self.derived or (self.social_care is False and self.youth_justice is False):
            return "Neither"
        return "Not known"


def open_statuses_on(person_ids: Iterable[int], day: dt.date) -> dict[int, set[str]]:
    """The legal statuses each person had open on ``day``, in one query."""
    out: dict[int, set[str]] = defaultdict(set)
    ids = set(person_ids)
    if not ids:
        return out
    rows = (
        LegalStatusEpisode.objects.open_on(day)
        .filter(person_id__in=ids)
        .values_list("person_id", "status")
    )
    for person_id, status in rows:
        out[person_id].add(status)
    return out


def _status_shown(shown: dict[int, frozenset[str]]) -> set[int]:
    """The people whose legal status the viewer may see: the only ones whose status is read."""
    return {pk for pk, fields in shown.items() if PersonField.LEGAL_STATUS in fields}


def _open_to(
    person_id: int, fields: frozenset[str], statuses: dict[int, set[str]]
) -> OpenTo | None:
    """Whether a known person is open to social care or youth justice, if the viewer may see
    it: a [SC] or [YJ] marker is their legal status, so it follows the field table."""
    if PersonField.LEGAL_STATUS not in fields:
        return None
    return OpenTo.from_statuses(statuses.get(person_id, ()))


def _peer_of(association: Association, person_id: int) -> Person | None:
    """The other side of ``association`` from ``person_id`` (None for an unknown peer)."""
    return association.other if association.person_id == person_id else association.person


def role_label_for_peer(association: Association, peer: Person | None) -> str:
    # peer_role describes ``other`` (or the unknown peer): shown against that side only.
    if peer is None or association.other_id == peer.pk:
        return association.get_peer_role_display() if association.peer_role else ""
    return ""


@dataclass
class PeerRow:
    association: Association
    peer: Person | None
    visible: bool
    label: str
    open_to: OpenTo | None  # None: withheld (a peer the viewer may not see, or not this field)
    role: str
    places: list[Context] = field(default_factory=list)
    #: The viewer may end or change this record (access.policies.can_change_association).
    can_end: bool = False

    @property
    def changed(self) -> bool:
        """Ended because it was revised (a newer record took over), not because it stopped."""
        return hasattr(self.association, "replaced_by")

    @property
    def can_change(self) -> bool:
        # Re-recording names the peer again, so it needs sight of them; ending does not.
        return self.peer is None or self.visible


@dataclass
class PeerRelationships:
    current: list[PeerRow]
    past: list[PeerRow]

    def shown(self) -> dict[str, list[int]]:
        """What the page lists, by id, for its read's entry in the trail: the peers named in
        full, every relationship (current and ended) and the places named with them."""
        rows = [*self.current, *self.past]
        return {
            "peers_shown": sorted({r.peer.pk for r in rows if r.visible and r.peer}),
            "associations_shown": [r.association.pk for r in rows],
            "places_shown": sorted({c.pk for r in rows for c in r.places}),
        }


def peer_relationships(*, viewer: Worker, person: Person) -> PeerRelationships:
    """A young person's peer relationships, current and ended, for the capture form.

    Names follow the viewer's scope (peers they may not see show by initials),
    as on the person's page. In a fixed number of queries.
    """
    associations = list(
        Association.objects.filter(Q(person=person) | Q(other=person))
        .select_related(
            "person", "other", "recorded_by", "recorded_in_team__agency", "replaced_by", "ended_by"
        )
        .prefetch_related("contexts")
        .order_by(F("valid_until").desc(nulls_first=True), "-valid_from", "-id")
    )
    peers = [_peer_of(a, person.pk) for a in associations]
    known = {p.pk for p in peers if p is not None}
    visible = visible_person_ids(viewer, known)
    shown = fields_visible_to_many(viewer, visible, visible=visible)
    statuses = open_statuses_on(_status_shown(shown), today())
    place_ids = {c.pk for a in associations for c in a.contexts.all()}
    allowed = set(
        scopes.contexts_visible_to(viewer).filter(id__in=place_ids).values_list("id", flat=True)
    )
    current: list[PeerRow] = []
    past: list[PeerRow] = []
    for association, peer in zip(associations, peers, strict=True):
        open_to: OpenTo | None
        if peer is None:
            label, open_to = association.other_label, OpenTo.as_recorded(association)
        else:
            fields = shown.get(peer.pk, frozenset())
            label = name_for(peer, fields)
            if peer.pk not in visible:
                # "A person" for every hidden peer: "a child" for some would tell the
                # viewer the others are adults.
                label = naming.unseen_label(peer, child=False)
            open_to = _open_to(peer.pk, fields, statuses)
        row = PeerRow(
            association=association,
            peer=peer,
            visible=peer is not None and peer.pk in visible,
            label=label,
            open_to=open_to,
            role=role_label_for_peer(association, peer),
            places=[c for c in association.contexts.all() if c.pk in allowed],
        )
        # The page's own person is seen; the peer is seen when named (an unknown peer is
        # described, not a person to see).
        row.can_end = policies.can_change_association(
            viewer, association, sees_both=peer is None or row.visible
        )
        (current if association.valid_until is None else past).append(row)
    return PeerRelationships(current=current, past=past)


def context_ids(association: Association) -> list[int]:
    """The contexts a relationship was recorded in (read with it by :func:`relationship_of`)."""
    return [c.pk for c in association.contexts.all()]


def relationship_of(*, person: Person, association_id: object) -> Association | None:
    """One of ``person``'s associations (either way round), or None."""
    pk = as_id(association_id)
    if pk is None:
        return None
    return (
        Association.objects.filter(Q(person=person) | Q(other=person), pk=pk)
        .select_related("person", "other")
        .prefetch_related("contexts")
        .first()
    )


def peer_candidates(*, viewer: Worker, person: Person, q: str, limit: int = 25) -> list[Person]:
    """People other than ``person`` whose name matches ``q`` and whom the viewer may name in
    a record (``people.selectors.people_named_like``, the rule of
    ``policies.can_name_people``): the capture form's and the profile's peer picker, each
    carrying the fields the viewer sees of them (``people.selectors.with_fields``). A child
    seen only through a forum share or emergency access is not offered: the record would
    refuse them."""
    if not q.split():
        return []
    qs = people_named_like(viewer=viewer, name=q).exclude(pk=person.pk)
    return with_fields(viewer, qs.order_by("family_name", "given_name", "id")[:limit], seen=True)


def context_choices(*, viewer: Worker, person: Person, keep: Iterable[int] = ()) -> list[Context]:
    """Where two young people may spend time, as the viewer may name it.

    Public places; of homes, only the child's own (a shared home is how siblings are
    recorded; other homes are other families'); of peer groups, the child's own; and
    whatever a record being changed already names (``keep``). Always within what the
    viewer may see.
    """
    return list(_nameable(viewer, person, keep).order_by("kind", "name", "id"))


def nameable_contexts(*, viewer: Worker, person: Person, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` are among :func:`context_choices` (without keeping any): what a
    service checks a chosen context against, in one query, not by listing every choice."""
    wanted = list(ids)
    if not wanted:
        return set()
    return set(_nameable(viewer, person, ()).filter(pk__in=wanted).values_list("pk", flat=True))


def _nameable(viewer: Worker, person: Person, keep: Iterable[int]) -> QuerySet[Context]:
    own_groups = GroupMembership.objects.current().filter(person=person).values("group_id")
    wanted = (
        ~Q(kind__in=RESTRICTED_KINDS)
        | Q(pk=person.home_id)
        | Q(pk__in=own_groups)
        | Q(pk__in=list(keep))
    )
    return scopes.contexts_visible_to(viewer).filter(wanted)


# --- Running a peer group: its members, merges and splits ------------------------------------


def current_membership(*, group: Context, membership_id: object) -> GroupMembership | None:
    """One current membership of ``group`` (the caller checks sight of the child)."""
    pk = as_id(membership_id)
    if pk is None:
        return None
    return (
        GroupMembership.objects.current()
        .filter(group=group, pk=pk)
        .select_related("person", "group")
        .first()
    )


def merge_targets(*, viewer: Worker, group: Context) -> list[Context]:
    """Groups ``group`` could be merged into (not itself, not closed): those the viewer sees
    in full, every current member one they may name (``access.groups.groups_seen_in_full``)."""
    closed = GroupChange.objects.filter(kind=GroupChangeKind.MERGE).values("group_id")
    groups = access_groups.groups_seen_in_full(viewer)
    return list(groups.exclude(pk=group.pk).exclude(pk__in=closed)[:200])


@dataclass
class ChangeRow:
    change: GroupChange
    merged_away: bool  # True on the page of the group merged away or split from
    other: Context
    other_visible: bool


@dataclass
class GroupHistory:
    changes: list[ChangeRow]
    ended: list[MemberRow]
    hidden_ended: int


def history_shown(history: GroupHistory) -> dict[str, list[int]]:
    """What a group's history page lists, by id, for its read's entry in the trail: the
    merges and splits, the other groups it names, the ended memberships it shows."""
    return {
        "changes_shown": [row.change.pk for row in history.changes],
        "groups_shown": [row.other.pk for row in history.changes if row.other_visible],
        "memberships_shown": [row.membership.pk for row in history.ended],
    }


def group_history(*, viewer: Worker, group: Context) -> GroupHistory:
    """Merges and splits touching ``group`` (the other group named where the viewer sees
    it) and its ended memberships (members the viewer may not see only counted)."""
    changes = list(
        GroupChange.objects.filter(Q(group=group) | Q(into=group)).select_related(
            "group", "into", "recorded_by"
        )
    )
    others = {c.into_id if c.group_id == group.pk else c.group_id for c in changes}
    seen = set(scopes.groups_visible_to(viewer).filter(pk__in=others).values_list("pk", flat=True))
    rows = []
    for c in changes:
        away = c.group_id == group.pk
        other = c.into if away else c.group
        rows.append(ChangeRow(c, away, other, other.pk in seen))
    ended = list(
        GroupMembership.objects.ended()
        .filter(group=group)
        .select_related("person", "ended_by")
        .order_by("-until", "id")
    )
    visible = visible_person_ids(viewer, [m.person_id for m in ended], shared=False)
    shown = [MemberRow(m, True, m.person.full_name) for m in ended if m.person_id in visible]
    return GroupHistory(rows, shown, len(ended) - len(shown))


def merged_into(group: Context) -> GroupChange | None:
    """The merge that closed ``group``, if it was merged into another."""
    return (
        GroupChange.objects.filter(kind=GroupChangeKind.MERGE, group=group)
        .select_related("into")
        .first()
    )
