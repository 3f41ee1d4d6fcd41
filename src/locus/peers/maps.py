"""Peer maps: a young person's peers one and two steps out, and a peer group's map, as
nodes, edges and table rows holding only what the viewer may see."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse

from locus.access import scopes
from locus.access.fields import PersonField, fields_visible_to_many
from locus.access.models import Worker
from locus.access.naming import NOT_SHARED, Naming, naming_for
from locus.access.selectors import visible_person_ids, visible_person_ids_by_right
from locus.analysis.groups import meeting_groups
from locus.analysis.layout import banded, label_box
from locus.common.services import today
from locus.peers.ends import associations_on, memberships_on_map, still_open
from locus.peers.models import Association, GroupMembership, Nature
from locus.peers.selectors import (
    GroupDetail,
    OpenTo,
    _open_to,
    _peer_of,
    _status_shown,
    name_for,
    open_statuses_on,
    role_label_for_peer,
)
from locus.peers.walk import neighbourhood
from locus.people.models import Person
from locus.places.models import Context, ContextKind

# --- Map data ------------------------------------------------------------------------------


# The drawing's type sizes, in pixels at zoom 1: the layout sizes labels with them and the
# screen (peermap.js) and the print (_map_svg.html) draw with them.
FONT_PX = 13
NODE_PX = 32
LABEL_CHARS = 18


class NodeKind:
    CENTRE = "centre"
    PERSON = "person"
    UNKNOWN = "unknown"
    PLACE = "place"
    GROUP = "group"
    CLUSTER = "cluster"  # a sub-group of a large group's members, drawn as one node


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
    note: str = ""  # what a screen reader hears besides the label, e.g. NOT_SHARED
    shape: str = ""  # an extra class for drawing, e.g. the group at the centre of its map

    @property
    def classes(self) -> list[str]:
        classes = [self.kind, *([self.shape] if self.shape else [])]
        if self.open_to is not None and self.open_to.social_care:
            classes.append("social-care")
        if self.open_to is not None and self.open_to.youth_justice:
            classes.append("youth-justice")
        return classes

    @property
    def lines(self) -> list[str]:
        """The label as drawn: wrapped here (not by the browser) so that the layout knows
        each label's size, with the [SC]/[YJ] markers on a line of their own."""
        lines = textwrap.wrap(self.label, LABEL_CHARS, break_on_hyphens=False) or [""]
        markers = [
            m for c, m in (("social-care", "SC"), ("youth-justice", "YJ")) if c in self.classes
        ]
        return lines + ([f"[{' '.join(markers)}]"] if markers else [])

    @property
    def band(self) -> int:
        """Its ring on the drawing: the centre, people one step out, two steps out, then
        places and groups in a band of their own."""
        if self.kind == NodeKind.CENTRE:
            return 0
        if self.kind in (NodeKind.PLACE, NodeKind.GROUP):
            return 3
        return 1 if self.step == 1 or self.kind == NodeKind.CLUSTER else 2

    def element(self, node_id: str, at: tuple[float, float]) -> dict[str, Any]:
        return {
            "data": {
                "id": node_id,
                "label": "\n".join(self.lines),
                "href": self.href,
                "step": self.step,
                "note": self.note,
            },
            "position": {"x": at[0], "y": at[1]},
            "classes": " ".join(self.classes),
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
class SubGroup:
    """Members of a large group drawn as one node, and whether the reader opened it."""

    number: int
    members: list[MapNode]
    expanded: bool
    href: str  # the page with this sub-group open
    close_href: str  # the page with none open


@dataclass
class MapData:
    nodes: list[MapNode]
    edges: list[MapEdge]
    rows: list[MapRow]
    # What is drawn, when it is not every node and edge (a large group's sub-groups); the
    # tables always show everything.
    drawn: tuple[list[MapNode], list[MapEdge]] | None = None
    sub_groups: list[SubGroup] = field(default_factory=list)

    @property
    def drawn_nodes(self) -> list[MapNode]:
        return self.drawn[0] if self.drawn else self.nodes

    @property
    def drawn_edges(self) -> list[MapEdge]:
        return self.drawn[1] if self.drawn else self.edges

    def elements(self) -> dict[str, list[dict[str, Any]]]:
        """Cytoscape's elements, holding only what the page may show (labels, links).

        Elements are numbered afresh for each page (n1, n2...; e1, e2...): a node's key holds
        a database id, which for a child the viewer may not see would be a handle on them
        outside the page. A link to a page is the node's ``href``, given only where allowed.
        """
        nodes, edges = self.drawn_nodes, self.drawn_edges
        ids = {n.key: f"n{i}" for i, n in enumerate(nodes, start=1)}
        at = self.positions()
        return {
            "nodes": [n.element(ids[n.key], at[n.key]) for n in nodes],
            "edges": [e.element(f"e{i}", ids) for i, e in enumerate(edges, start=1)],
        }

    def positions(self) -> dict[str, tuple[float, float]]:
        """Each node's centre, laid out in bands (locus.analysis.layout): the same
        coordinates on screen and in print. A node sits at the top of its box, its label
        underneath."""
        drawn = self.drawn_nodes
        index = {n.key: i for i, n in enumerate(drawn)}
        sizes = [label_box(n.lines, font_px=FONT_PX, node_px=NODE_PX) for n in drawn]
        links = [(index[e.source], index[e.target]) for e in self.drawn_edges]
        centres = banded(
            [n.band for n in drawn],
            sizes,
            [a for a, _ in links],
            [b for _, b in links],
        )
        nodes = centres.copy()
        nodes[:, 1] -= [h / 2 - NODE_PX / 2 for _, h in sizes]
        # The centre's node (not its box, which includes the label under it) at the origin.
        nodes -= nodes[0] if drawn and drawn[0].band == 0 else 0
        return {
            n.key: (round(float(x), 1) + 0.0, round(float(y), 1) + 0.0)
            for n, (x, y) in zip(drawn, nodes, strict=True)
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
    def named_ids(self) -> list[int]:
        """The people shown by name, logged with every read or export of the map (the
        centre of a child's map is the record read; a group's members are its people)."""
        return sorted(n.person_id for n in self.people if n.named and n.person_id is not None)

    @property
    def anyone_unnamed(self) -> bool:
        """Whether someone on the map is shown without their name (by initials)."""
        return any(not n.named for n in self.people)

    @property
    def contexts(self) -> list[MapNode]:
        return [n for n in self.nodes if n.kind in (NodeKind.PLACE, NodeKind.GROUP)]


@dataclass(kw_only=True)
class PeerMap(MapData):
    person: Person
    as_at: dt.date
    natures: list[str]
    naming: Naming
    steps: int = 2


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
        note = NOT_SHARED
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


def _walk(
    *,
    viewer: Worker,
    person: Person,
    as_at: dt.date,
    natures: list[str],
    depth: int,
    lasting: bool = False,
) -> _Walk:
    """Four queries: the child's relationships, which peers the viewer sees, those peers'
    relationships, and which of their peers the viewer sees (two at one step). Then the
    walk, in Python. ``lasting``: a peer seen only through a forum share is not seen."""
    base = associations_on(as_at).select_related(
        "person", "other", "recorded_by", "recorded_in_team__agency"
    )
    about_child = Q(person=person) | Q(other=person)
    first = still_open(_as_stood(base.filter(about_child), natures))
    people: dict[int, Person] = {person.pk: person}
    for a in first:
        peer = _peer_of(a, person.pk)
        if peer is not None:
            people[peer.pk] = peer
    step_one = set(people) - {person.pk}
    # Named where seen (a forum share too), but stepped through only where seen in one's own
    # right: a shared child's other relationships are her record, which a share does not show.
    own, visible = visible_person_ids_by_right(viewer, step_one)
    if lasting:  # a print outlasts the meeting that shared a peer: initials, as after it
        visible = set(own)
    second: list[Association] = []
    if own and depth > 1:
        second = still_open(
            _as_stood(
                base.filter(Q(person_id__in=own) | Q(other_id__in=own)).exclude(about_child),
                natures,
            )
        )
    for a in second:
        for p in (a.person, a.other):
            if p is not None:
                people.setdefault(p.pk, p)
    if depth > 1:
        further = set(people) - step_one - {person.pk}
        visible |= visible_person_ids(viewer, further, shared=not lasting)
    associations = first + second
    steps = neighbourhood((_ends(a) for a in associations), _person_key(person.pk), depth=depth)
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


def peer_map(
    *,
    viewer: Worker,
    person: Person,
    as_at: dt.date,
    natures: Iterable[str],
    steps: int = 2,
    lasting: bool = False,
) -> PeerMap:
    """A young person's peer map as it stood on ``as_at``: peers one and (with ``steps``
    2) two steps out.

    The second step goes only through peers the viewer may see (what a hidden
    child's other relationships are is not the viewer's to know). Contexts are
    those the viewer may see. In a constant number of queries (ten at most), whatever
    the size: the naming rule (two), the walk (four), legal statuses, memberships,
    shared contexts, and which contexts the viewer may see. ``lasting``: for a print or a
    file, which outlast a mapping meeting's share: a peer seen only through one shows by
    initials, as once the meeting closes.
    """
    natures = [n for n in Nature.values if n in set(natures)]
    naming = naming_for(viewer=viewer, person=person)
    if steps not in (1, 2):
        raise ValueError("steps must be 1 or 2")
    walk = _walk(
        viewer=viewer, person=person, as_at=as_at, natures=natures, depth=steps, lasting=lasting
    )
    # Fields (the name, the legal status behind [SC]/[YJ]) of the people the viewer sees; a
    # peer they may not see has none, so shows by initials and nothing else.
    seen = walk.visible | {person.pk}
    shown = fields_visible_to_many(viewer, seen, visible=seen)
    statuses = open_statuses_on(_status_shown(shown), as_at)
    memberships = list(
        memberships_on_map(as_at)
        .filter(person_id__in=walk.people)
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
            # A peer the viewer may not see carries only that they are in the group: their
            # role in it is their record, as on the group's own map.
            key = _person_key(m.person_id)
            role = m.get_role_display() if nodes[key].visible else ""
            build.link(key, group_node.key, "member", role)

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
        steps=steps,
    )


def group_map(*, viewer: Worker, detail: GroupDetail, expand: int | None = None) -> MapData:
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
            note="" if row.visible else NOT_SHARED,
        )
        nodes[node.key] = node
        # A member the viewer may not see is on the map by initials, nothing more: not by
        # their role in the group.
        role = row.membership.get_role_display() if row.visible else ""
        build.link(node.key, centre.key, "member", role)
    for place in detail.places:
        node = nodes.setdefault(f"c{place.pk}", _context_node(place))
        build.link(centre.key, node.key, "place", "uses")
    visible = [pk for pk, row in members.items() if row.visible]
    associations = _as_stood(
        associations_on(day)
        .filter(
            person_id__in=members,
            other_id__in=members,
        )
        .filter(Q(person_id__in=visible) | Q(other_id__in=visible))
        .select_related("recorded_by", "recorded_in_team__agency")
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
    data = MapData(nodes=list(nodes.values()), edges=build.edges, rows=build.rows)
    if len(members) > CLUSTER_OVER:
        _cluster(data, centre, expand)
    return data


def people_map(
    centre_label: str,
    people: list[tuple[str, str, str, int]],
    links: list[tuple[str, str, str]],
    *,
    expand: int | None = None,
    anchor: str = "",
) -> MapData:
    """A map of people round a label (a meeting's group) from what a page already shows:
    ``people`` as (key, label, kind, band: 1 for those the meeting is about, else 2) and
    ``links`` as (key, key, nature). Drawn by sub-group when more than CLUSTER_OVER."""
    centre = MapNode("centre", NodeKind.CENTRE, centre_label, step=0, shape="group")
    nodes = [centre] + [
        MapNode(key, NodeKind.UNKNOWN if kind == "unknown" else NodeKind.PERSON, label, step=band)
        for key, label, kind, band in people
    ]
    edges = [MapEdge(key, centre.key, "member") for key, _, _, band in people if band == 1]
    edges += [MapEdge(a, b, "association", nature) for a, b, nature in links]
    data = MapData(nodes=nodes, edges=edges, rows=[])
    if len(people) > CLUSTER_OVER:
        _cluster(data, centre, expand, anchor)
    return data


# A group with more members than this is drawn by sub-group: 200 dots help nobody.
CLUSTER_OVER = 25
SUB_GROUP_SIZE = 20


def _cluster(
    data: MapData,
    centre: MapNode,
    expand: int | None,
    anchor: str = "peer-map-canvas",
    query: str = "",
) -> None:
    """Draw a large group's members as sub-groups, each one node with its count, linked
    by the number of relationships between them; the sub-group ``expand`` (numbered from
    1) also shows its members. Sub-groups are the communities of the relationships the
    viewer may see (the map's, locus.analysis.groups), members with none together in one."""
    people = data.people
    index = {n.key: i for i, n in enumerate(people)}
    pairs = [
        (index[e.source], index[e.target])
        for e in data.edges
        if e.kind == "association" and e.source in index and e.target in index
    ]
    labels, _ = meeting_groups(
        len(people),
        [p for p, _ in pairs],
        [q for _, q in pairs],
        max_size=SUB_GROUP_SIZE,
    )
    by_label: dict[int, list[MapNode]] = defaultdict(list)
    for node, label in zip(people, labels, strict=True):
        by_label[int(label)].append(node)
    # Largest first; members with no relationship shown on the map last.
    ordered = sorted(by_label.items(), key=lambda kv: (kv[0] < 0, -len(kv[1]), kv[0]))
    drawn: list[MapNode] = [centre]
    edges: list[MapEdge] = []
    cluster_of: dict[str, str] = {}
    for number, (label, members) in enumerate(ordered, start=1):
        key = f"s{number}"
        what = "not linked to other members" if label < 0 else "linked to each other"
        count = f"{len(members)} young {'person' if len(members) == 1 else 'people'}"
        sub = SubGroup(
            number,
            members,
            expand == number,
            f"?{query}{'&' if query else ''}expand={number}#{anchor}",
            f"?{query}#{anchor}",
        )
        data.sub_groups.append(sub)
        drawn.append(
            MapNode(
                key,
                NodeKind.CLUSTER,
                f"Sub-group {number}: {count}",
                step=1,
                href="" if sub.expanded else sub.href,
                note=what,
            )
        )
        edges.append(MapEdge(key, centre.key, "member"))
        for member in members:
            cluster_of[member.key] = key
            if sub.expanded:
                drawn.append(member)
                edges.append(MapEdge(member.key, key, "member"))
    between: dict[tuple[str, str], int] = defaultdict(int)
    shown = {n.key for n in drawn}
    for e in data.edges:
        if e.kind != "association":
            continue
        ends = {e.source, e.target}
        if ends <= shown:
            edges.append(e)  # both in the opened sub-group
        else:
            a, b = sorted(cluster_of[k] for k in ends)
            if a != b:
                between[a, b] += 1
    for (a, b), links in sorted(between.items()):
        edges.append(MapEdge(a, b, "between", label=f"{links} relationship{'s' * (links > 1)}"))
    drawn += data.contexts
    edges += [e for e in data.edges if e.kind == "place" and e.source == centre.key]
    data.drawn = (drawn, edges)


@dataclass
class ClusterMap(MapData):
    """A map of a set of people (a borough cluster): only those the viewer may see."""

    hidden: int = 0  # asked for but not the viewer's to see: left off, counted


def cluster_map(
    *, viewer: Worker, person_ids: Iterable[int], expand: int | None = None, query: str = ""
) -> ClusterMap:
    """The people of a cluster the viewer sees in their own right (not through a forum
    share), named by their scope, and the relationships among them as they stand today (a
    relationship with someone the viewer may not see is that person's record: never drawn).
    Drawn by sub-group when large.
    In five queries whatever the size: visibility, fields, people, associations, and
    their places are not read (the borough page is about people, not places)."""
    asked = set(person_ids)
    # In their own right: whom a child is clustered with comes from her record, which a
    # forum share does not open (as on the borough clusters page, ``fill_members``).
    visible = visible_person_ids(viewer, asked, shared=False)
    shown = fields_visible_to_many(viewer, visible, visible=visible)
    people = Person.objects.filter(id__in=visible).order_by("family_name", "given_name", "id")
    centre = MapNode("centre", NodeKind.CENTRE, "Cluster", step=0, shape="group")
    build = _MapBuilder(centre)
    for person in people:
        named = PersonField.NAME in shown.get(person.pk, frozenset())
        build.nodes[_person_key(person.pk)] = MapNode(
            _person_key(person.pk),
            NodeKind.PERSON,
            name_for(person, shown.get(person.pk, frozenset())),
            step=1,
            person_id=person.pk,
            visible=True,
            named=named,
            href=reverse("person", args=[person.pk]) if named else "",
        )
        build.link(_person_key(person.pk), centre.key, "member")
    associations = _as_stood(
        Association.objects.current()
        .filter(person_id__in=visible, other_id__in=visible)
        .select_related("recorded_by", "recorded_in_team__agency")
        .order_by("id"),
        Nature.values,
    )
    for a in associations:
        build.relationship(
            a, _person_key(a.person_id), _person_key(a.other_id or 0), role="", places=[]
        )
    build.rows.sort(key=lambda r: (r.via.label.lower(), r.peer.label.lower(), r.association.pk))
    data = ClusterMap(
        nodes=list(build.nodes.values()),
        edges=build.edges,
        rows=build.rows,
        hidden=len(asked - visible),
    )
    if len(data.people) > CLUSTER_OVER:
        _cluster(data, centre, expand, query=query)
    return data
