"""The world's second children's social care team gets a manager, so a case can move from
team A (the social worker's) to team B (the other social worker's) and be accepted there."""

from __future__ import annotations

from typing import Any

from locus.access.models import Role, Scope, Team, Worker
from locus.people.models import Allocation
from locus.transfers.models import Transfer
from locus.transfers.services import transfer_propose
from tests.factories import World, make_worker

NOTE = "Plan: weekly visits. Open actions: school meeting on Friday. Risk: seen at the park late."


def manager_of(world: World, team: Team, name: str) -> Worker:
    worker = make_worker(
        world.system, team=team, role=Role.MANAGER, scope=Scope.TEAM, username=name, last_name=name
    )
    world.extra[name] = worker
    return worker


def with_manager_b(world: World) -> Worker:
    """Team B's manager (the receiving manager), once per world."""
    return world.extra.get("manager_b") or manager_of(world, world.csc_team_b, "manager_b")


def holding(world: World) -> Allocation:
    """The social worker's allocation of their child (team A)."""
    return Allocation.objects.current().get(person=world.csc_child, worker=world.social_worker)


def propose_to_b(world: World, *, by: Worker | None = None, **fields: Any) -> Transfer:
    """The social worker's child proposed to team B, suggesting the other social worker."""
    with_manager_b(world)
    fields.setdefault("to_worker", world.other_social_worker)
    return transfer_propose(
        actor=by or world.social_worker,
        allocation=holding(world),
        to_team=world.csc_team_b,
        handover_note=NOTE,
        **fields,
    )
