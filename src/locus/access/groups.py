"""Who may create a peer group, and merge or split groups (RULES.md, "Peer groups").

A peer group is a list of young people: changing who is in it names them to
whoever sees the group. So moving members between groups needs sight of every
child moved, in the worker's own right, as naming them in a record does.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from locus.access import policies, scopes
from locus.access.models import Worker
from locus.peers.models import GroupMembership
from locus.people.models import Person
from locus.places.models import Context


def can_create_group(worker: Worker) -> bool:
    """Practitioners and managers who see case records (and administrators). Not an
    independent reviewing service's staff (``policies.does_casework``): the conference chairs
    and their manager chair and review, and neither make a peer group nor merge or split
    one. Nor a worker who sees no child in their own right (``scopes.sees_children``: a partner
    organisation's staff below agency scope): a group they made could never have a member."""
    if policies.is_administrator(worker):
        return True
    return (
        worker.is_active
        and worker.role in policies.CASEWORK_ROLES
        and scopes.sees_children(worker)
        and policies.does_casework(worker)
    )


def can_regroup(worker: Worker, groups: Iterable[Context], members: Iterable[Person]) -> bool:
    """Merge or split: a creator who sees every group touched and may name every
    child moved (a member the worker may not see stays where another agency put them)."""
    if not can_create_group(worker):
        return False
    return all(policies.can_view_context(worker, g) for g in groups) and policies.can_name_people(
        worker, members
    )


def groups_seen_in_full(worker: Worker) -> QuerySet[Context]:
    """The peer groups ``worker`` sees whose every current member they may name: the only
    groups a merge may go into (``can_regroup``). A merge page offers these alone, so that
    choosing a group never tells the worker whether it holds a child they cannot see."""
    groups = scopes.groups_visible_to(worker)
    if policies.is_administrator(worker):
        return groups
    nameable = scopes.people_visible_to(worker, shared=False, break_glass=False)
    hidden = GroupMembership.objects.current().exclude(person__in=nameable).values("group_id")
    return groups.exclude(pk__in=hidden)
