"""Reads for co-case management, always for a viewer.

A child the viewer may not see is never named: pages say "a child not shared
with you, held by <worker>, <team>, <agency>" (``naming.unseen_label``; need to
know). Every function here makes a fixed number of queries, whatever the number
of children, invitees or interventions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from locus.access import context_cases, naming, provisioning, scopes
from locus.access import meetings as policies
from locus.access.fields import PersonField
from locus.access.models import Worker
from locus.access.selectors import visible_person_ids
from locus.common import clock
from locus.common.ids import parse_id
from locus.common.queries import ids_among
from locus.forums.models import Attendance
from locus.incidents.models import Involvement
from locus.linked.selectors import holder_ids, linked_cases, linked_together
from locus.mapping.models import (
    Decision,
    Intervention,
    InterventionUpdate,
    Invitee,
    Meeting,
    MeetingChild,
    MeetingStatus,
    ShareAgreement,
)
from locus.peers.ends import associations_on, ended_association_ids, memberships_on_map, still_open
from locus.peers.models import Association, GroupMembership, Nature
from locus.people.models import Allocation, Person
from locus.places.models import Context

# --- Children, named or described by who holds them -----------------------------------------


@dataclass
class ChildRow:
    """A child as one viewer may be shown them."""

    person_id: int
    visible: bool
    label: str
    held_by: str
    present: bool = True  # False once the person has been purged under the retention rules
    # Who agreed to bring the child, and what: "Sam Okafor: name, age (Children Act 1989 s.17)".
    agreements: list[str] = field(default_factory=list)
    can_agree: bool = False  # the viewer holds or manages the case, and may agree now
    agreed_by_viewer: bool = False


def _child_row(person: Person, visible: bool, holder: Worker | None, team: Any) -> ChildRow:
    held_by = naming.held_by(holder, team)
    if visible:
        return ChildRow(person.pk, True, person.full_name, held_by)
    return ChildRow(person.pk, False, naming.unseen_label(child=True, held_by=held_by), held_by)


def linked_child_ids(viewer: Worker, person_ids: Iterable[int]) -> set[int]:
    """Which of ``person_ids`` are linked to children the viewer sees, by direct evidence.

    A child is linked when they have an open association with a child the viewer
    sees, are a current member of a peer group with one, or were involved in an
    incident with one. This is the part of linked-case discovery that needs no
    analysis; a worker may propose a meeting about such a child
    without seeing them, and learns only who holds the case.
    """
    ids = {int(pid) for pid in person_ids}
    if not ids:
        return set()
    # Lasting sight in one's own right only: neither an emergency's (break-glass) nor a
    # forum share (whose child's relationships, groups and incidents are her record, not
    # the viewer's evidence) may become a way to bring children to a meeting.
    seen = scopes.people_visible_to(viewer, break_glass=False, shared=False).values("id")
    linked: set[int] = set()
    pairs = Association.objects.current()
    linked |= set(
        pairs.filter(person_id__in=ids, other_id__in=seen).values_list("person_id", flat=True)
    )
    linked |= set(
        pairs.filter(other_id__in=ids, person_id__in=seen).values_list("other_id", flat=True)
    )
    groups = GroupMembership.objects.current().filter(person_id__in=seen).values("group_id")
    linked |= set(
        GroupMembership.objects.current()
        .filter(person_id__in=ids, group_id__in=groups)
        .values_list("person_id", flat=True)
    )
    # Police intelligence restricted to its agency links nobody to anybody (RULES.md).
    incidents = Involvement.objects.filter(person_id__in=seen, incident__restricted=False).values(
        "incident_id"
    )
    linked |= set(
        Involvement.objects.filter(person_id__in=ids, incident_id__in=incidents).values_list(
            "person_id", flat=True
        )
    )
    return {int(pid) for pid in linked}


# The most children a proposal takes from a page's query (a cluster is at most a dozen or
# so, a caseload's linked children a few more): a query naming thousands is cut here.
MAX_PROPOSAL_CHILDREN = 30


def proposable_ids(viewer: Worker, person_ids: Iterable[int]) -> set[int]:
    """The children a worker may put into a meeting: those they see, those linked to them by
    direct evidence or a shared group, and those the linked-case evidence joins to them
    (``locus.linked``: through associates in common, places, or other children in the set)."""
    ids = {int(pid) for pid in person_ids}
    # In one's own right only: a meeting names the child where neither the four hours of
    # emergency access nor a forum share (what her holders agreed to bring, to that meeting)
    # reach. A child seen only so is offered only as any other child would be: when the
    # evidence links her to a child the proposer sees in their own right.
    visible = visible_person_ids(viewer, ids, shared=False, break_glass=False)
    if visible == ids:
        return visible
    found = visible | linked_child_ids(viewer, ids - visible)
    return found if found == ids else found | linked_together(viewer, ids)


def open_holders(person_ids: Iterable[int]) -> dict[int, list[Allocation]]:
    """Each child's open allocations, longest-standing first (the first is shown as holder)."""
    out: dict[int, list[Allocation]] = {}
    allocations = (
        Allocation.objects.current()
        .filter(person_id__in=list(person_ids))
        .select_related("worker__team__agency", "team__agency")
        .order_by("start", "id")
    )
    for allocation in allocations:
        out.setdefault(allocation.person_id, []).append(allocation)
    return out


@dataclass
class Candidate:
    row: ChildRow
    holders: list[Allocation]


def proposal_candidates(viewer: Worker, person_ids: Iterable[int]) -> list[Candidate]:
    """The children a proposal may include, described for the proposer, with their holders.

    Ids the proposer may neither see nor find linked are dropped silently, as a
    missing id would be: the page must not confirm that a child exists.
    """
    ids = proposable_ids(viewer, person_ids)
    visible = visible_person_ids(viewer, ids)
    holders = open_holders(ids)
    people = Person.objects.filter(id__in=ids, kind="young_person").order_by(
        "family_name", "given_name", "id"
    )
    out = []
    for person in people:
        first = holders.get(person.pk, [None])[0]
        row = _child_row(
            person,
            person.pk in visible,
            first.worker if first else None,
            first.team if first else None,
        )
        out.append(Candidate(row, holders.get(person.pk, [])))
    # Visible children first, by name; then the others by who holds them (not by their name,
    # which would order them by something the proposer may not know).
    out.sort(key=lambda c: (not c.row.visible, c.row.label if not c.row.visible else ""))
    return out


def proposal_reasons(
    viewer: Worker, candidates: Sequence[Candidate], from_query: Sequence[int]
) -> dict[int, str]:
    """Why each candidate is offered, in the words of the evidence.

    From a child's linked cases (the query's first child, whom the proposer sees in their own
    right): the kind of evidence linking each other child to them and its sentences, worded for
    this viewer as the linked cases page words them. From a cluster: that the evidence joins
    them. Without a query: the proposer's caseload.
    """
    ids = {c.row.person_id for c in candidates}
    if not from_query:
        return dict.fromkeys(ids, "On your caseload")
    out = dict.fromkeys(ids, "Linked to the other children by the evidence, through one another")
    first = from_query[0]
    # The evidence starts only from a child the proposer sees lastingly in their own right
    # (as ``linked_child_ids``): a share's or an emergency's child links nobody.
    own = visible_person_ids(viewer, [first], shared=False, break_glass=False)
    if first not in own or not any(c.row.person_id == first for c in candidates):
        return out
    person = Person.objects.get(pk=first)
    out[first] = "The child the proposal is about"
    found = linked_cases(viewer=viewer, focus=[person], exclude_holders=holder_ids(person))
    for case in found.links:
        if case.other_id in out:
            out[case.other_id] = ". ".join([case.tier_words, *case.evidence.reasons])
    return out


def groups_for_proposal(
    viewer: Worker, person_ids: Iterable[int], extra: Context | None = None
) -> list[Context]:
    """Peer groups a proposal could map: groups any chosen child currently belongs to that the
    viewer sees lastingly (``lookups.sees_context_lastingly``: a meeting keeps its group for
    good, so never one seen only through emergency access to a member)."""
    ids = list(person_ids)
    q = Q(id__in=GroupMembership.objects.current().filter(person_id__in=ids).values("group_id"))
    if extra is not None:
        q |= Q(pk=extra.pk)
    with scopes.lasting_sight_only():
        return list(scopes.groups_visible_to(viewer).filter(q).order_by("name", "id"))


def invitable_workers() -> QuerySet[Worker]:
    """Workers a proposer may add to a meeting, by agency and team: not one whose access waits
    for a second person (``meetings.is_invitable``)."""
    return (
        Worker.objects.filter(
            provisioning.confirmed_q(), team__isnull=False, role__in=policies.INVITABLE_ROLES
        )
        .exclude(scope="none")
        .select_related("team__agency")
        .order_by("team__agency__name", "team__name", "last_name", "first_name", "id")
    )


# --- Lists -----------------------------------------------------------------------------------


def meetings_for(*, viewer: Worker, status: str = "") -> QuerySet[Meeting]:
    """The meetings the viewer may see, newest first, with their counts and the viewer's part."""
    mine = Invitee.objects.filter(meeting=OuterRef("pk"), worker=viewer)
    qs = (
        policies.meetings_visible_to(viewer)
        .select_related("proposed_by", "proposer_team__agency", "group")
        .annotate(
            n_children=Count("children", distinct=True),
            my_attendance=Subquery(mine.values("attendance")[:1]),
            my_confirmed_at=Subquery(mine.values("confirmed_at")[:1]),
            my_reason=Subquery(mine.values("reason")[:1]),
        )
    )
    if status:
        qs = qs.filter(status=status)
    # Upcoming and undated meetings first; then the rest, most recent first.
    return qs.order_by(F("scheduled_for").desc(nulls_first=True), "-proposed_at", "-id")


def current_meetings(*, viewer: Worker, limit: int = 5) -> list[Meeting]:
    """The viewer's meetings still to be held or closed (proposed, scheduled, held), upcoming
    first, at most ``limit``: named by title, as the meetings list names them."""
    done = (MeetingStatus.CLOSED, MeetingStatus.CANCELLED)
    return list(meetings_for(viewer=viewer).exclude(status__in=done)[:limit])


def visible_group_ids(viewer: Worker, meetings: Sequence[Meeting]) -> set[int]:
    """Which of these meetings' peer groups the viewer may see named (one query)."""
    ids = {m.group_id for m in meetings if m.group_id is not None}
    if not ids:
        return set()
    return set(scopes.contexts_visible_to(viewer).filter(id__in=ids).values_list("id", flat=True))


# --- One meeting -----------------------------------------------------------------------------


@dataclass
class InterventionRow:
    intervention: Intervention
    concerns: str
    concerns_person_id: int | None
    can_update: bool
    updates: list[InterventionUpdate] = field(default_factory=list)
    # Its words and history: to its owner, and to whoever sees the child (or the group) it
    # is for; not to an invitee the meeting shared nothing with (one who never confirmed).
    shown: bool = True


@dataclass
class MapNode:
    key: str
    label: str
    kind: str
    concerned: bool
    person_id: int | None
    visible: bool
    group_role: str


@dataclass
class MapEdge:
    source: MapNode
    target: MapNode
    relationship: str
    nature: str
    nature_label: str
    since: dt.date | None


@dataclass
class GroupMap:
    as_at: dt.date | None
    nodes: list[MapNode]
    edges: list[MapEdge]
    group_label: str

    def named_ids(self) -> list[int]:
        """The people the map names to its viewer, in the order it draws them."""
        return [n.person_id for n in self.nodes if n.visible and n.person_id is not None]

    def as_json(self) -> dict[str, Any]:
        """What the browser may draw: only the labels this viewer may read."""
        return {
            "as_at": self.as_at.isoformat() if self.as_at else None,
            "nodes": [
                {"id": n.key, "label": n.label, "kind": n.kind, "concerned": n.concerned}
                for n in self.nodes
            ],
            "edges": [
                {"source": e.source.key, "target": e.target.key, "nature": e.nature}
                for e in self.edges
            ],
        }


@dataclass
class MeetingDetail:
    meeting: Meeting
    children: list[ChildRow]
    invitees: list[Invitee]
    decisions: list[Decision]
    interventions: list[InterventionRow]
    group_label: str
    group_visible: bool
    group_map: GroupMap | None
    is_organiser: bool
    can_record_minutes: bool
    can_read_minutes: bool  # the minutes and decisions (else only that they were recorded)
    can_add_decision: bool
    can_add_intervention: bool
    open_interventions: int
    minutes_due: bool  # the meeting's time has come: its minutes can be recorded
    can_confirm_attendance: bool = False
    # False once the proposer has moved to another agency (or into or out of the chairs'
    # unit): the managers of the team she proposed it from organise it (the page says so).
    proposer_organises: bool = True

    def listed(self) -> dict[str, list[int]]:
        """The records the page lists besides its children and map, by id, for its read's
        entry in the trail: the invitations, the decisions (to a reader of the minutes), the
        interventions and the updates shown, and the group where it is named."""
        shown = [row for row in self.interventions if row.shown]
        return {
            "invitees_shown": [i.pk for i in self.invitees],
            "decisions_shown": [d.pk for d in self.decisions] if self.can_read_minutes else [],
            "interventions_shown": [row.intervention.pk for row in self.interventions],
            "updates_shown": [u.pk for row in shown for u in row.updates],
            "places_shown": [self.meeting.group_id]
            if self.group_visible and self.meeting.group_id
            else [],
        }


def meeting_children(meeting: Meeting) -> list[MeetingChild]:
    """The meeting's children with their holders, ready to describe (one query)."""
    return list(
        meeting.children.select_related(
            "person", "holder__team__agency", "holder_team__agency"
        ).order_by("id")
    )


def child_rows(viewer: Worker, links: Sequence[MeetingChild]) -> list[ChildRow]:
    visible = visible_person_ids(viewer, (c.person_id for c in links))
    rows = [_child_row(c.person, c.person_id in visible, c.holder, c.holder_team) for c in links]
    rows.sort(key=lambda r: (not r.visible, r.label))
    return rows


def group_label(meeting: Meeting, visible: bool) -> str:
    if meeting.group is None:
        return ""
    return meeting.group.name if visible else "A peer group you cannot see"


def meeting_detail(*, viewer: Worker, meeting: Meeting) -> MeetingDetail:
    """Everything a meeting's page shows, in a fixed number of queries."""
    meeting = (
        Meeting.objects.select_related(
            "group", "proposed_by__team", "proposer_team__agency", "minutes_recorded_by"
        )
        .prefetch_related(
            Prefetch(
                "invitees",
                queryset=Invitee.objects.select_related("worker__team__agency", "team").order_by(
                    "worker__last_name", "worker__first_name", "id"
                ),
            ),
            "decisions",
        )
        .get(pk=meeting.pk)
    )
    links = meeting_children(meeting)
    rows = child_rows(viewer, links)
    add_agreements(viewer, meeting, rows)
    by_id = {r.person_id: r for r in rows}
    group_visible = bool(meeting.group_id) and meeting.group_id in visible_group_ids(
        viewer, [meeting]
    )
    glabel = group_label(meeting, group_visible)
    interventions = list(
        meeting.interventions.select_related("owner__team__agency", "agency", "person")
        .prefetch_related(
            Prefetch("updates", queryset=InterventionUpdate.objects.select_related("by"))
        )
        .order_by("due_on", "id")
    )
    intervention_rows = []
    for item in interventions:
        item.meeting = meeting  # the policies read the meeting's proposer from here
        if item.person_id is not None:
            row = by_id.get(item.person_id)
            concerns = row.label if row else "A child no longer held in Locus"
            seen = row_visible(by_id, item.person_id)
        else:
            concerns = f"The group: {glabel}" if glabel else "The group"
            seen = group_visible or meeting.group_id is None
        shown = seen or item.owner_id == viewer.pk
        intervention_rows.append(
            InterventionRow(
                intervention=item,
                concerns=concerns,
                concerns_person_id=item.person_id if row_visible(by_id, item.person_id) else None,
                can_update=meeting.status == MeetingStatus.HELD
                and not item.is_finished
                and shown
                and policies.updates_interventions_like(viewer, item),
                updates=list(item.updates.all()) if shown else [],
                shown=shown,
            )
        )
    snapshot = meeting.map_snapshot or {}
    reads_minutes = policies.can_read_minutes(viewer, meeting)
    return MeetingDetail(
        meeting=meeting,
        children=rows,
        invitees=list(meeting.invitees.all()),
        decisions=list(meeting.decisions.all()) if reads_minutes else [],
        interventions=intervention_rows,
        group_label=glabel,
        group_visible=group_visible,
        group_map=map_view(viewer, snapshot, links, glabel) if snapshot else None,
        is_organiser=policies.is_organiser(viewer, meeting),
        can_record_minutes=policies.can_record_minutes(viewer, meeting),
        can_read_minutes=reads_minutes,
        can_add_decision=policies.can_add_decision(viewer, meeting),
        can_add_intervention=meeting.status == MeetingStatus.HELD
        and policies.can_add_intervention(viewer, meeting),
        open_interventions=sum(1 for i in interventions if not i.is_finished),
        minutes_due=meeting.scheduled_for is not None and meeting.scheduled_for <= clock.now(),
        can_confirm_attendance=meeting.status == MeetingStatus.HELD
        and policies.can_confirm_attendance(viewer, meeting),
        proposer_organises=policies.proposer_organises(meeting.proposed_by, meeting),
    )


FIELD_LABELS = dict(PersonField.choices)


def agreement_text(agreement: ShareAgreement) -> str:
    """One agreement as the meeting's page words it: who, what, and on what basis."""
    fields = ", ".join(str(FIELD_LABELS.get(f, f)).lower() for f in agreement.fields)
    return f"{agreement.agreed_by}: {fields} ({agreement.basis_text})"


def add_agreements(viewer: Worker, meeting: Meeting, rows: Sequence[ChildRow]) -> None:
    """What each child's holders agreed to share, and whether the viewer may agree (2 queries)."""
    by_child: dict[int, list[str]] = {}
    viewer_agreed: set[int] = set()
    for agreement in (
        ShareAgreement.objects.filter(child__meeting=meeting)
        .select_related("agreed_by", "child")
        .order_by("agreed_at", "id")
    ):
        by_child.setdefault(agreement.child.person_id, []).append(agreement_text(agreement))
        if agreement.agreed_by_id == viewer.pk:
            viewer_agreed.add(agreement.child.person_id)
    open_ = meeting.status in (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED)
    mine = policies.agreeable_person_ids(viewer, [r.person_id for r in rows]) if open_ else set()
    for row in rows:
        row.agreements = by_child.get(row.person_id, [])
        row.can_agree = row.person_id in mine
        row.agreed_by_viewer = row.person_id in viewer_agreed


def row_visible(rows: dict[int, ChildRow], person_id: int | None) -> bool:
    return person_id is not None and person_id in rows and rows[person_id].visible


# --- The group map as it was discussed ---------------------------------------------------------


def group_map_snapshot(meeting: Meeting, day: dt.date) -> dict[str, Any]:
    """The map to store with the minutes: the concerned children, their associations
    open on ``day`` (to known people and to peers not yet known), and their places in
    the meeting's peer group.

    Only ids, initials and the relationships are stored; names are read when the
    map is shown, for the viewer, so that need to know and retention both hold
    for a past map.
    """
    child_ids = set(meeting.children.values_list("person_id", flat=True))
    # Ended relationships and memberships are not drawn (peers.ends), even on a past day.
    associations = still_open(
        list(
            associations_on(day)
            .filter(Q(person_id__in=child_ids) | Q(other_id__in=child_ids))
            .select_related("person", "other")
            .order_by("id")
        )
    )
    roles: dict[int, str] = {}
    if meeting.group_id is not None:
        roles = dict(
            memberships_on_map(day)
            .filter(group_id=meeting.group_id)
            .values_list("person_id", "role")
        )
    nodes: dict[str, dict[str, Any]] = {}

    def person_node(person: Person) -> str:
        key = f"p{person.pk}"
        nodes.setdefault(
            key,
            {
                "id": key,
                "person_id": person.pk,
                "initials": person.initials,
                "kind": person.kind,
                "concerned": person.pk in child_ids,
                "group_role": roles.get(person.pk, ""),
            },
        )
        return key

    children = Person.objects.filter(id__in=child_ids).order_by("id")
    for child in children:
        person_node(child)
    edges = []
    for assoc in associations:
        source = person_node(assoc.person)
        if assoc.other is not None:
            target = person_node(assoc.other)
        else:
            target = f"u{assoc.pk}"
            nodes[target] = {
                "id": target,
                "person_id": None,
                "label": assoc.other_label,
                "kind": "unknown",
                "concerned": False,
                "group_role": "",
            }
        edges.append(
            {
                "source": source,
                "target": target,
                "association_id": assoc.pk,
                "relationship": assoc.relationship,
                "nature": assoc.nature,
                "since": assoc.valid_from.isoformat(),
            }
        )
    return {
        "as_at": day.isoformat(),
        "group_id": meeting.group_id,
        "nodes": list(nodes.values()),
        "edges": edges,
    }


ROLE_LABELS = dict(GroupMembership._meta.get_field("role").choices or [])
RELATIONSHIP_LABELS = dict(Association._meta.get_field("relationship").choices or [])
NATURE_LABELS = dict(Nature.choices)


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def map_view(
    viewer: Worker, snapshot: dict[str, Any], links: Sequence[MeetingChild], glabel: str
) -> GroupMap:
    """The stored map, labelled for ``viewer``: names they may see, a holder for a
    concerned child they may not, initials for anyone else, and nothing for a person
    purged since."""
    raw_nodes = snapshot.get("nodes", [])
    person_ids = {n["person_id"] for n in raw_nodes if n.get("person_id")}
    people = {p.pk: p for p in Person.objects.filter(id__in=person_ids)}
    visible = visible_person_ids(viewer, people)
    holders = {c.person_id: (c.holder, c.holder_team) for c in links}
    nodes: dict[str, MapNode] = {}
    for raw in raw_nodes:
        pid = raw.get("person_id")
        if raw.get("kind") == "unknown":
            label = f"{raw.get('label', '')} (not known to Locus)"
        elif pid not in people:
            continue  # purged under the retention rules: gone from past maps too
        elif pid in visible:
            label = people[pid].full_name
        elif raw.get("concerned") and pid in holders:
            label = naming.unseen_label(child=True, held_by=naming.held_by(*holders[pid]))
        else:
            label = naming.unseen_label(people[pid], child=False)  # child or adult alike
        nodes[raw["id"]] = MapNode(
            key=raw["id"],
            label=label,
            kind=raw.get("kind", ""),
            concerned=bool(raw.get("concerned")),
            person_id=pid if pid in visible else None,
            visible=pid in visible,
            group_role=str(ROLE_LABELS.get(raw.get("group_role", ""), "")),
        )
    # A relationship ended since the meeting is not drawn on its map any more (peers.ends).
    ended = ended_association_ids(e.get("association_id") for e in snapshot.get("edges", []))
    # A relationship is told only when the viewer sees one end of it: one between two people
    # they may not see (a child nobody brought and his associates) is those people's record.
    edges = [
        MapEdge(
            source=nodes[e["source"]],
            target=nodes[e["target"]],
            relationship=str(RELATIONSHIP_LABELS.get(e["relationship"], e["relationship"])),
            nature=e["nature"],
            nature_label=str(NATURE_LABELS.get(e["nature"], e["nature"])),
            since=_day(e.get("since")),
        )
        for e in snapshot.get("edges", [])
        if e.get("association_id") not in ended
        and e["source"] in nodes
        and e["target"] in nodes
        and (nodes[e["source"]].visible or nodes[e["target"]].visible)
    ]
    # The meeting's children always show (by name, or by who holds them); anyone else only
    # when seen or on a relationship the viewer may be told of.
    on_edges = {n.key for e in edges for n in (e.source, e.target)}
    kept = [n for n in nodes.values() if n.concerned or n.visible or n.key in on_edges]
    ordered = sorted(kept, key=lambda n: (not n.concerned, not n.visible, n.label))
    return GroupMap(
        as_at=_day(snapshot.get("as_at")), nodes=ordered, edges=edges, group_label=glabel
    )


# --- A child's page ----------------------------------------------------------------------------


@dataclass
class PersonIntervention:
    intervention: Intervention
    through_group: str  # the group's name when the work is with the child's group
    meeting_visible: bool


def interventions_for_person(viewer: Worker, person: Person) -> list[PersonIntervention]:
    """The interventions that concern a child: agreed for them, or for a peer group they
    are a current member of. Open ones first, by due date. Two queries.

    The caller has already checked that the viewer may see the child; the meeting
    each came from is linked only for viewers who may see that meeting.
    """
    groups = GroupMembership.objects.current().filter(person=person).values("group_id")
    items = list(
        Intervention.objects.filter(Q(person=person) | Q(group_id__in=groups))
        .select_related("owner__team__agency", "agency", "group", "meeting")
        .order_by("due_on", "id")
    )
    meeting_ids = {i.meeting_id for i in items}
    seen = ids_among(policies.meetings_visible_to(viewer), meeting_ids)
    rows = [
        PersonIntervention(
            intervention=i,
            through_group=i.group.name if i.group is not None else "",
            meeting_visible=i.meeting_id in seen,
        )
        for i in items
    ]
    rows.sort(key=lambda r: r.intervention.is_finished)  # stable: keeps due order within
    return rows


def attended_ids(meeting: Meeting) -> set[int]:
    return set(
        meeting.invitees.filter(attendance=Attendance.ATTENDED).values_list("worker_id", flat=True)
    )


# --- What the meeting pages read -------------------------------------------------------------
# The meeting passed in was opened through ``access_meeting``: what hangs off it is the
# viewer's to read.


def invited_ids(meeting: Meeting) -> set[int]:
    return set(meeting.invitees.values_list("worker_id", flat=True))


def invitees_of(meeting: Meeting) -> list[Invitee]:
    return list(
        meeting.invitees.select_related("worker__team__agency").order_by(
            "worker__last_name", "worker__first_name", "id"
        )
    )


def attended_workers(meeting: Meeting) -> list[Worker]:
    """The workers who attended whom an intervention may be given to: not a conference chair
    (``context_cases.refused_as_owner``)."""
    return [
        i.worker
        for i in meeting.invitees.filter(attendance=Attendance.ATTENDED)
        .select_related("worker__team__agency")
        .order_by("worker__last_name", "worker__first_name")
        if not context_cases.refused_as_owner(i.worker)
    ]


def meeting_child(meeting: Meeting, person_id: object) -> MeetingChild:
    """One of the meeting's children; 404 for anyone else."""
    link: MeetingChild = get_object_or_404(
        meeting.children.select_related("person"), person_id=parse_id(person_id)
    )
    link.meeting = meeting
    return link


def agreement_by(link: MeetingChild, worker: Worker) -> ShareAgreement | None:
    """What ``worker`` agreed to share about the meeting's child, if they agreed."""
    return link.agreements.filter(agreed_by=worker).first()


def intervention_of(meeting: Meeting, intervention_id: int) -> Intervention:
    """One of the meeting's interventions; 404 for any other."""
    intervention: Intervention = get_object_or_404(
        meeting.interventions.select_related("owner__team", "person", "group"),
        pk=intervention_id,
    )
    intervention.meeting = meeting
    return intervention
