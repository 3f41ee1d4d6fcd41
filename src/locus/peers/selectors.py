"""Reads about peers, peer groups and peer maps, always for a viewer and through its scope."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q
from django.urls import reverse

from locus.access import naming, policies, scopes
from locus.access.fields import PersonField, fields_visible_to_many
from locus.access.models import Worker
from locus.access.naming import Naming, naming_for
from locus.access.selectors import visible_person_ids, visible_person_ids_by_right
from locus.common.ids import as_id
from locus.common.services import today
from locus.incidents.models import Incident, Involvement, InvolvementRole
from locus.incidents.selectors import incidents_for
from locus.peers.models import Association, GroupMembership, Nature
from locus.peers.walk import neighbourhood
from locus.people.models import Allocation, LegalStatus, LegalStatusEpisode, Person
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


def name_for(person: Person, fields: frozenset[str]) -> str:
    """A person's name where the viewer may see it, else their initials."""
    return person.full_name if PersonField.NAME in fields else person.initials


def group_detail(*, viewer: Worker, group: Context) -> GroupDetail:
    """A peer group's page: members (named where the viewer may see them), the
    places the group uses, incidents involving members, and who holds their cases."""
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
    place_ids = set(
        Association.contexts.through.objects.filter(
            Q(association__person_id__in=member_ids) | Q(association__other_id__in=member_ids)
        )
        .exclude(context_id=group.pk)
        .values_list("context_id", flat=True)
    )
    place_ids |= set(
        Incident.objects.filter(involvements__person_id__in=member_ids).values_list(
            "context_id", flat=True
        )
    )
    places = list(
        scopes.contexts_visible_to(viewer)
        .filter(id__in=place_ids)
        .exclude(kind=ContextKind.HOME)
        .order_by("name")[:50]
    )
    role_counts = Counter(
        Involvement.objects.filter(person_id__in=member_ids).values_list("role", flat=True)
    )
    labels = dict(InvolvementRole.choices)
    incidents = list(
        incidents_for(viewer=viewer).filter(involvements__person_id__in=member_ids).distinct()[:25]
    )
    all_allocations = list(
        Allocation.objects.filter(person_id__in=member_ids, end__isnull=True)
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
    )


# --- The capture form's list, the naming rule and the peer maps ----------------------------

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
        LegalStatusEpisode.objects.filter(person_id__in=ids, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
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


def peer_relationships(*, viewer: Worker, person: Person) -> PeerRelationships:
    """A young person's peer relationships, current and ended, for the capture form.

    Names follow the viewer's scope (peers they may not see show by initials),
    as on the person's page. In a fixed number of queries.
    """
    associations = list(
        Association.objects.filter(Q(person=person) | Q(other=person))
        .select_related("person", "other", "recorded_by__team__agency", "replaced_by", "ended_by")
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
                label = naming.out_of_scope(label)
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
    """People the viewer may see whose name matches ``q``: the capture form's peer picker."""
    words = q.split()
    if not words:
        return []
    qs = scopes.people_visible_to(viewer).exclude(pk=person.pk)
    for word in words:
        qs = qs.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(known_as__icontains=word)
        )
    return list(qs.order_by("family_name", "given_name", "id")[:limit])


def context_choices(*, viewer: Worker, person: Person, keep: Iterable[int] = ()) -> list[Context]:
    """Where two young people may spend time, as the viewer may name it.

    Public places; of homes, only the child's own (a shared home is how siblings are
    recorded; other homes are other families'); of peer groups, the child's own; and
    whatever a record being changed already names (``keep``). Always within what the
    viewer may see.
    """
    own_groups = GroupMembership.objects.filter(person=person, until__isnull=True).values(
        "group_id"
    )
    wanted = (
        ~Q(kind__in=RESTRICTED_KINDS)
        | Q(pk=person.home_id)
        | Q(pk__in=own_groups)
        | Q(pk__in=list(keep))
    )
    return list(scopes.contexts_visible_to(viewer).filter(wanted).order_by("kind", "name", "id"))


# --- Map data ------------------------------------------------------------------------------


class NodeKind:
    CENTRE = "centre"
    PERSON = "person"
    UNKNOWN = "unknown"
    PLACE = "place"
    GROUP = "group"


@dataclass
class MapNode:
    key: str
    kind: str
    label: str
    step: int | None = None
    person_id: int | None = None
    visible: bool = False
    named: bool = False
    href: str = ""
    open_to: OpenTo | None = None
    note: str = ""  # what a screen reader hears besides the label, e.g. naming.NOT_IN_SCOPE
    shape: str = ""  # an extra class for drawing, e.g. the group at the centre of its map

    def element(self, node_id: str) -> dict[str, Any]:
        classes = [self.kind, *([self.shape] if self.shape else [])]
        markers = []
        if self.open_to is not None and self.open_to.social_care:
            classes.append("social-care")
            markers.append("SC")
        if self.open_to is not None and self.open_to.youth_justice:
            classes.append("youth-justice")
            markers.append("YJ")
        label = self.label + (f"\n[{' '.join(markers)}]" if markers else "")
        return {
            "data": {"id": node_id, "label": label, "href": self.href, "step": self.step},
            "classes": " ".join(classes),
        }


@dataclass
class MapEdge:
    source: str
    target: str
    kind: str  # "association" | "place" (they spend time there) | "member" (of a group)
    nature: str = ""
    label: str = ""

    def element(self, edge_id: str, ids: dict[str, str]) -> dict[str, Any]:
        return {
            "data": {
                "id": edge_id,
                "source": ids[self.source],
                "target": ids[self.target],
                "label": self.label,
            },
            "classes": " ".join(c for c in (self.kind, self.nature) if c),
        }


@dataclass
class MapRow:
    """One line of a map's table: a person, who links them to the map, and how."""

    peer: MapNode
    via: MapNode
    association: Association
    role: str
    open_to: OpenTo | None
    places: list[MapNode]

    @property
    def step(self) -> int | None:
        return self.peer.step


@dataclass
class MapData:
    nodes: list[MapNode]
    edges: list[MapEdge]
    rows: list[MapRow]

    def elements(self) -> dict[str, list[dict[str, Any]]]:
        """Cytoscape's elements, holding only what the page may show (labels, links).

        Elements are numbered afresh for each page (n1, n2...; e1, e2...): a node's key holds
        a database id, which for a child the viewer may not see would be a handle on them
        outside the page. A link to a page is the node's ``href``, given only where allowed.
        """
        ids = {n.key: f"n{i}" for i, n in enumerate(self.nodes, start=1)}
        return {
            "nodes": [n.element(ids[n.key]) for n in self.nodes],
            "edges": [e.element(f"e{i}", ids) for i, e in enumerate(self.edges, start=1)],
        }

    @property
    def context_links(self) -> list[tuple[MapNode, list[tuple[MapNode, str]]]]:
        """Each place or group on the map with the people linked to it (and a member's role):
        the part of the drawing that the relationships table does not carry."""
        nodes = {n.key: n for n in self.nodes}
        links: dict[str, list[tuple[MapNode, str]]] = {n.key: [] for n in self.contexts}
        for edge in self.edges:
            if edge.kind in ("place", "member") and edge.target in links:
                links[edge.target].append((nodes[edge.source], edge.label))
        return [(nodes[key], people) for key, people in links.items()]

    @property
    def people(self) -> list[MapNode]:
        return [n for n in self.nodes if n.kind in (NodeKind.PERSON, NodeKind.UNKNOWN)]

    @property
    def contexts(self) -> list[MapNode]:
        return [n for n in self.nodes if n.kind in (NodeKind.PLACE, NodeKind.GROUP)]


@dataclass
class PeerMap(MapData):
    person: Person
    as_at: dt.date
    natures: list[str]
    naming: Naming

    @property
    def named_ids(self) -> list[int]:
        """The peers shown by name (the child at the centre is the record read)."""
        return sorted(
            n.person_id
            for n in self.nodes
            if n.named and n.kind == NodeKind.PERSON and n.person_id is not None
        )


def _valid_on(day: dt.date, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def _as_stood(associations: Iterable[Association], natures: Iterable[str]) -> list[Association]:
    """The records that held on the day, one per relationship, of the natures asked for.

    On the day a relationship was revised both records are valid (the old one ends
    that day, the new one starts): the newer one is how it stood.
    """
    rows = list(associations)
    replaced = {a.replaces_id for a in rows if a.replaces_id is not None}
    latest: dict[object, Association] = {}
    for a in rows:
        if a.pk in replaced:
            continue
        pair: object = (
            frozenset((a.person_id, a.other_id)) if a.other_id is not None else ("u", a.pk)
        )
        kept = latest.get(pair)
        if kept is None or (a.valid_from, a.pk) > (kept.valid_from, kept.pk):
            latest[pair] = a
    wanted = set(natures)
    return [a for a in latest.values() if a.nature in wanted]


def _person_key(person_id: int) -> str:
    return f"p{person_id}"


def _end_key(association: Association, person_id: int) -> str:
    """The node key of the far side of ``association`` from ``person_id``."""
    if association.other_id is None:
        return f"u{association.pk}"
    far = association.other_id if association.person_id == person_id else association.person_id
    return _person_key(far)


def _context_node(context: Context) -> MapNode:
    if context.kind == ContextKind.PEER_GROUP:
        return MapNode(
            f"c{context.pk}",
            NodeKind.GROUP,
            context.name,
            href=reverse("group", args=[context.pk]),
            note="peer group",
        )
    return MapNode(
        f"c{context.pk}",
        NodeKind.PLACE,
        context.name,
        href=reverse("context", args=[context.pk]),
        note=context.get_kind_display().lower(),
    )


def _person_node(
    person: Person, *, step: int, visible: bool, names_shown: bool, open_to: OpenTo | None
) -> MapNode:
    named = visible and names_shown
    if named:
        note = ""
    elif not visible:
        note = naming.NOT_IN_SCOPE
    else:
        note = "initials: record a purpose to see names"
    return MapNode(
        _person_key(person.pk),
        NodeKind.PERSON,
        person.full_name if named else person.initials,
        step=step,
        person_id=person.pk,
        visible=visible,
        named=named,
        # A link would lead to the peer's page and so name them: only when names show.
        href=reverse("person", args=[person.pk]) if named else "",
        open_to=open_to,
        note=note,
    )


@dataclass
class _Walk:
    """What the two-step walk loaded: the records, the people in them, and their steps."""

    associations: list[Association]
    people: dict[int, Person]
    visible: set[int]
    steps: dict[str, int]


def _ends(association: Association) -> tuple[str, str]:
    return _person_key(association.person_id), _end_key(association, association.person_id)


def _walk(*, viewer: Worker, person: Person, as_at: dt.date, natures: list[str]) -> _Walk:
    """Four queries: the child's relationships, which peers the viewer sees, those peers'
    relationships, and which of their peers the viewer sees. Then the walk, in Python."""
    base = Association.objects.filter(_valid_on(as_at, "valid_from", "valid_until")).select_related(
        "person", "other", "recorded_by__team__agency"
    )
    about_child = Q(person=person) | Q(other=person)
    first = _as_stood(base.filter(about_child), natures)
    people: dict[int, Person] = {person.pk: person}
    for a in first:
        peer = _peer_of(a, person.pk)
        if peer is not None:
            people[peer.pk] = peer
    step_one = set(people) - {person.pk}
    # Named where seen (a forum share too), but stepped through only where seen in one's own
    # right: a shared child's other relationships are her record, which a share does not show.
    own, visible = visible_person_ids_by_right(viewer, step_one)
    second: list[Association] = []
    if own:
        second = _as_stood(
            base.filter(Q(person_id__in=own) | Q(other_id__in=own)).exclude(about_child),
            natures,
        )
    for a in second:
        for p in (a.person, a.other):
            if p is not None:
                people.setdefault(p.pk, p)
    visible |= visible_person_ids(viewer, set(people) - step_one - {person.pk})
    associations = first + second
    steps = neighbourhood((_ends(a) for a in associations), _person_key(person.pk), depth=2)
    return _Walk(associations, people, visible, steps)


class _MapBuilder:
    """Collects a map's nodes, edges (each pair linked once) and table rows."""

    def __init__(self, centre: MapNode) -> None:
        self.nodes: dict[str, MapNode] = {centre.key: centre}
        self.edges: list[MapEdge] = []
        self.rows: list[MapRow] = []
        self._linked: set[tuple[str, str]] = set()

    def link(self, source: str, target: str, kind: str, label: str = "") -> None:
        if (source, target) not in self._linked:
            self._linked.add((source, target))
            self.edges.append(MapEdge(source, target, kind, label=label))

    def relationship(
        self, a: Association, near: str, far: str, *, role: str, places: list[MapNode]
    ) -> None:
        self.edges.append(MapEdge(near, far, "association", a.nature, a.get_relationship_display()))
        peer = self.nodes[far]
        self.rows.append(MapRow(peer, self.nodes[near], a, role, peer.open_to, places))


def peer_map(*, viewer: Worker, person: Person, as_at: dt.date, natures: Iterable[str]) -> PeerMap:
    """A young person's peer map as it stood on ``as_at``: peers one and two steps out.

    The second step goes only through peers the viewer may see (what a hidden
    child's other relationships are is not the viewer's to know). Contexts are
    those the viewer may see. In a constant number of queries (ten at most), whatever
    the size: the naming rule (two), the walk (four), legal statuses, memberships,
    shared contexts, and which contexts the viewer may see.
    """
    natures = [n for n in Nature.values if n in set(natures)]
    naming = naming_for(viewer=viewer, person=person)
    walk = _walk(viewer=viewer, person=person, as_at=as_at, natures=natures)
    # Fields (the name, the legal status behind [SC]/[YJ]) of the people the viewer sees; a
    # peer they may not see has none, so shows by initials and nothing else.
    seen = walk.visible | {person.pk}
    shown = fields_visible_to_many(viewer, seen, visible=seen)
    statuses = open_statuses_on(_status_shown(shown), as_at)
    memberships = list(
        GroupMembership.objects.filter(
            _valid_on(as_at, "since", "until"), person_id__in=walk.people
        )
        .select_related("group")
        .order_by("group_id", "person_id")
    )
    through = list(
        Association.contexts.through.objects.filter(
            association_id__in=[a.pk for a in walk.associations]
        ).select_related("context")
    )
    candidates = {t.context_id for t in through} | {m.group_id for m in memberships}
    allowed = set(
        scopes.contexts_visible_to(viewer).filter(id__in=candidates).values_list("id", flat=True)
    )

    def open_to(pk: int) -> OpenTo | None:
        return _open_to(pk, shown.get(pk, frozenset()), statuses)

    centre = _person_key(person.pk)
    build = _MapBuilder(
        MapNode(
            centre,
            NodeKind.CENTRE,
            name_for(person, shown[person.pk]),
            step=0,
            person_id=person.pk,
            visible=True,
            named=True,
            open_to=open_to(person.pk),
        )
    )
    nodes = build.nodes
    for pk, p in walk.people.items():
        key = _person_key(pk)
        if key in walk.steps and key not in nodes:
            nodes[key] = _person_node(
                p,
                step=walk.steps[key],
                visible=pk in walk.visible,
                names_shown=naming.names_shown and PersonField.NAME in shown.get(pk, frozenset()),
                open_to=open_to(pk),
            )
    for a in walk.associations:
        if a.other_id is None:
            key = f"u{a.pk}"
            nodes[key] = MapNode(
                key,
                NodeKind.UNKNOWN,
                a.other_label if naming.names_shown else "Unknown peer",
                step=walk.steps.get(key),
                open_to=OpenTo.as_recorded(a),
                note="not yet known to Locus",
            )

    # Memberships first: a group that is also where two spend time keeps its role label.
    by_group: dict[int, list[GroupMembership]] = defaultdict(list)
    for m in memberships:
        if m.group_id in allowed and _person_key(m.person_id) in nodes:
            by_group[m.group_id].append(m)
    for group_id, members in by_group.items():
        # A group is a shared context when two people on the map are in it, or the child is.
        if len(members) < 2 and members[0].person_id != person.pk:
            continue
        group_node = nodes.setdefault(f"c{group_id}", _context_node(members[0].group))
        for m in members:
            build.link(_person_key(m.person_id), group_node.key, "member", m.get_role_display())

    places_of: dict[int, list[MapNode]] = defaultdict(list)
    for t in through:
        if t.context_id in allowed:
            places_of[t.association_id].append(
                nodes.setdefault(f"c{t.context_id}", _context_node(t.context))
            )
    for a in sorted(walk.associations, key=lambda a: a.pk):
        a_key, b_key = _ends(a)
        near, far = sorted((a_key, b_key), key=lambda k: (walk.steps.get(k, 9), k != a_key))
        far_id = nodes[far].person_id
        far_person = walk.people[far_id] if far_id is not None else None
        build.relationship(
            a, near, far, role=role_label_for_peer(a, far_person), places=places_of[a.pk]
        )
        for place in places_of[a.pk]:
            build.link(a_key, place.key, "place")
            build.link(b_key, place.key, "place")

    build.rows.sort(key=lambda r: (r.step or 0, r.peer.label.lower(), r.association.pk))
    return PeerMap(
        nodes=list(nodes.values()),
        edges=build.edges,
        rows=build.rows,
        person=person,
        as_at=as_at,
        natures=natures,
        naming=naming,
    )


def group_map(*, viewer: Worker, detail: GroupDetail) -> MapData:
    """A peer group's map: the group at the centre, its current members, the
    relationships among them as they stand today, and the places the group uses.

    Members are named as on the group page (by scope: this is Level 2 work, about
    the group); a relationship shows only when the viewer may see one of the two.
    Three queries on top of :func:`group_detail`'s.
    """
    day = today()
    group = detail.group
    centre = MapNode(
        f"c{group.pk}", NodeKind.CENTRE, group.name, step=0, note="peer group", shape="group"
    )
    build = _MapBuilder(centre)
    nodes = build.nodes
    members = {row.membership.person_id: row for row in detail.members}
    statuses = open_statuses_on(_status_shown({pk: r.fields for pk, r in members.items()}), day)
    for pk, row in members.items():
        node = MapNode(
            _person_key(pk),
            NodeKind.PERSON,
            row.label,
            step=1,
            person_id=pk,
            visible=row.visible,
            named=row.visible,
            href=reverse("person", args=[pk]) if row.visible else "",
            open_to=_open_to(pk, row.fields, statuses),
            note="" if row.visible else naming.NOT_IN_SCOPE,
        )
        nodes[node.key] = node
        build.link(node.key, centre.key, "member", row.membership.get_role_display())
    for place in detail.places:
        node = nodes.setdefault(f"c{place.pk}", _context_node(place))
        build.link(centre.key, node.key, "place", "uses")
    visible = [pk for pk, row in members.items() if row.visible]
    associations = _as_stood(
        Association.objects.filter(
            _valid_on(day, "valid_from", "valid_until"),
            person_id__in=members,
            other_id__in=members,
        )
        .filter(Q(person_id__in=visible) | Q(other_id__in=visible))
        .select_related("recorded_by__team__agency")
        .order_by("id"),
        Nature.values,
    )
    through = Association.contexts.through.objects.filter(
        association_id__in=[a.pk for a in associations]
    ).values_list("association_id", "context_id")
    places_of: dict[int, list[MapNode]] = defaultdict(list)
    for association_id, context_id in through:
        if f"c{context_id}" in nodes and context_id != group.pk:
            places_of[association_id].append(nodes[f"c{context_id}"])
    for a in associations:
        near, far = _person_key(a.person_id), _person_key(a.other_id or 0)
        role = a.get_peer_role_display() if a.peer_role else ""
        build.relationship(a, near, far, role=role, places=places_of[a.pk])
    build.rows.sort(key=lambda r: (r.via.label.lower(), r.peer.label.lower(), r.association.pk))
    return MapData(nodes=list(nodes.values()), edges=build.edges, rows=build.rows)
