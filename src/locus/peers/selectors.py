"""Reads about peer groups, for a viewer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q

from locus.access import scopes
from locus.access.models import Worker
from locus.access.selectors import visible_person_ids
from locus.incidents.models import Incident, Involvement, InvolvementRole
from locus.incidents.selectors import incidents_for
from locus.peers.models import Association, GroupMembership
from locus.people.models import Allocation
from locus.places.models import Context, ContextKind


@dataclass
class MemberRow:
    membership: GroupMembership
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
    visible = visible_person_ids(viewer, member_ids)
    members = [
        MemberRow(
            m,
            m.person_id in visible,
            m.person.full_name if m.person_id in visible else m.person.initials,
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
    allocations = list(
        Allocation.objects.filter(person_id__in=visible, end__isnull=True)
        .select_related("worker", "team__agency", "person")
        .order_by("team__agency__name", "worker__last_name")
    )
    return GroupDetail(
        group=group,
        members=members,
        former_members=len(memberships) - len(current),
        places=places,
        incidents=incidents,
        role_counts=[(labels[r], role_counts[r]) for r in labels if role_counts.get(r)],
        allocations=allocations,
    )
