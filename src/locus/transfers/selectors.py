"""Reads for allocation and transfer, each scoped to the viewer by ``access.transfers``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from locus.access import policies, provisioning
from locus.access import transfers as rules
from locus.access.models import Team, Worker
from locus.people.models import Allocation, Person
from locus.transfers.models import Status, Transfer

_SHOWN = ("person", "from_allocation__worker", "from_allocation__team", "to_team", "proposed_by")


def transfers_to_accept(worker: Worker) -> list[Transfer]:
    """Transfers waiting for ``worker``'s decision: routed to the team they manage, not their
    own proposals (by any account of theirs). The query notifications and My work are built
    on."""
    if not worker.is_active or not policies.manages_a_team(worker):
        return []
    waiting = rules.waiting_for(worker)
    return list(waiting.select_related(*_SHOWN).order_by("proposed_at"))


def transfers_proposed_by(worker: Worker) -> list[Transfer]:
    """The worker's own proposals still waiting, to follow up or withdraw."""
    mine = rules.transfers_visible_to(worker).filter(status=Status.PROPOSED, proposed_by=worker)
    return list(mine.select_related(*_SHOWN).order_by("proposed_at"))


@dataclass
class ChildTransfers:
    """What a child's page offers about who holds them: allocate, propose, what waits."""

    can_allocate: bool
    proposable: list[Allocation]
    endable: list[Allocation]
    waiting: Transfer | None
    history: list[Transfer]

    @property
    def shown(self) -> list[Transfer]:
        """Every transfer the page lists: the one waiting, then the history."""
        return [self.waiting, *self.history] if self.waiting else self.history


def child_transfers(
    viewer: Worker, person: Person, allocations: list[Allocation]
) -> ChildTransfers:
    """For the child's page (``allocations`` are the current ones it already read)."""
    for allocation in allocations:
        allocation.person = person
    transfers = list(
        rules.transfers_visible_to(viewer)
        .filter(person=person)
        .select_related("to_team", "to_worker", "from_allocation")
    )
    waiting = next((t for t in transfers if t.status == Status.PROPOSED), None)
    # One question for every offer on the page: does the viewer see the child lastingly?
    lasting = policies.sees_lastingly(viewer, person)
    return ChildTransfers(
        can_allocate=rules.can_allocate_child(viewer, person, lasting=lasting),
        proposable=[
            a for a in allocations if rules.can_propose_transfer(viewer, a, lasting=lasting)
        ],
        endable=[a for a in allocations if rules.can_end_allocation(viewer, a, lasting=lasting)],
        waiting=waiting,
        history=[t for t in transfers if t.status != Status.PROPOSED],
    )


def other_holders(allocation: Allocation) -> int:
    """How many others hold the child now, besides ``allocation`` (none: ending it leaves the
    child held by nobody, which the page says before it is done)."""
    return (
        Allocation.objects.current()
        .filter(person_id=allocation.person_id)
        .exclude(pk=allocation.pk)
        .count()
    )


def receiving_teams(allocation: Allocation) -> list[Team]:
    """The teams a case may move to: of the holding agency, with a manager to accept it."""
    teams = rules.receiving_teams(allocation.team.agency_id)
    return list(teams.select_related("agency").order_by("name"))


def case_holders(team_ids: list[int] | None) -> QuerySet[Worker]:
    """Active practitioners and managers who may hold a case: of ``team_ids``, or of every
    team (``None``). Staff names and teams are directory data, not case records."""
    workers = rules.case_holders()
    if team_ids is not None:
        workers = workers.filter(team_id__in=team_ids)
    return workers.select_related("team__agency").order_by("team__name", "last_name", "first_name")


def allocatable_workers(viewer: Worker) -> list[Worker]:
    """Whom ``viewer`` may allocate a child to: their own team's, or anyone's (administrator)."""
    if policies.is_administrator(viewer):
        return list(case_holders(None))
    return list(case_holders([viewer.team_id] if viewer.team_id else []))


@dataclass(frozen=True)
class LeftHeld:
    """A child on My work's list to pass on, and why its holder holds it no more: their
    account is closed, or made active again and its access not yet confirmed (``waiting``;
    ``refused``, a second person refused it since). ``may_confirm``: the viewer may confirm
    or refuse that access (``provisioning.may_decide``), on its page."""

    allocation: Allocation
    waiting: bool
    refused: bool
    may_confirm: bool


@dataclass(frozen=True)
class LeftCases:
    """The children ``viewer`` passes on because their holder holds them no more, for My
    work: ``closed`` and ``waiting`` say which kinds of holder the list has, for its heading."""

    rows: list[LeftHeld]

    @property
    def closed(self) -> bool:
        return any(not row.waiting for row in self.rows)

    @property
    def waiting(self) -> bool:
        return any(row.waiting for row in self.rows)


def held_by_closed_accounts(viewer: Worker) -> LeftCases:
    """The children whose cases ``viewer`` passes on because the worker holding them has left
    (their account is closed) or is back but holds nothing yet (made active again, their
    access waiting for a second person), for My work: each with its holder and team, by the
    child's name."""
    held = rules.held_by_closed_accounts(viewer).select_related("person", "worker", "team__agency")
    decides: dict[int, bool] = {}
    rows = []
    for allocation in held.order_by("person__family_name", "person__given_name", "pk"):
        worker = allocation.worker
        waiting = bool(worker.is_active)
        if waiting and worker.pk not in decides:
            decides[worker.pk] = provisioning.may_decide(viewer, worker)
        refused = waiting and worker.access_decided_at is not None
        rows.append(LeftHeld(allocation, waiting, refused, decides.get(worker.pk, False)))
    return LeftCases(rows)
