"""Who allocates a child, who proposes, sees, accepts, declines and withdraws a transfer.

* **Allocate**: a team manager allocates a child they see in their own right to a
  worker of their own team; an administrator to anyone in a team (``policies.can_allocate``)
  who holds cases: a practitioner or manager, not of a partner organisation nor of an
  independent reviewing service (:func:`holds_cases`).
* **Propose**: the worker holding the case (the allocation it moves from) while still in
  the allocation's team, or a manager of that team, who sees the child in their own right.
  A case moves between teams of the agency that holds it; handing it to another agency is
  a referral, not a transfer. An administrator does not propose: it is casework.
* **Accept or decline**: a manager of the receiving team (for a move within a team, that
  team's manager), never the transfer's proposer (separation of duties: people, not
  accounts, so nor another account with the proposer's email, ``context_cases.same_person``),
  never the administrator (they run the system, not cases).
* **Withdraw**, while it waits: the proposer while still in the team the case moves from
  (the proposing team), or a manager of that team who sees the child in their own right.
  A proposer who has moved to another team or agency no longer withdraws it (nor reads
  it): the case is their old team's.
* **See**: whoever sees the child in their own right sees the child's transfers (the
  handover note is part of the record, as a case note is). Besides them, and only while
  a transfer waits: its proposer (while still in the team the case moves from), and the
  managers of the receiving team, who read the child's name and the handover note they
  need to decide, but not the child's record (that opens to them once the case is
  allocated to their team). Once it is decided or
  withdrawn, a receiving manager or a proposer who does not see the child (declined, a
  manager who joined later, a proposer who moved agency) no longer sees it: a decided
  transfer is part of the child's record, not a standing window on it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from locus.access import lookups, policies, provisioning, scopes
from locus.access.context_cases import accounts_of, same_person
from locus.access.models import AgencyKind, Role, Team, Worker
from locus.audit.models import AccessEvent
from locus.people.models import Allocation, Person
from locus.transfers.models import Status, Transfer


def _in_team(worker: Worker, team_id: int | None) -> bool:
    return worker.team_id is not None and worker.team_id == team_id


def _manages(worker: Worker, team_id: int | None) -> bool:
    return policies.manages_a_team(worker) and worker.team_id == team_id


def can_allocate_child(worker: Worker, person: Person, *, lasting: bool | None = None) -> bool:
    """Offer "Allocate" on a child's page: a team manager or an administrator who sees the
    child in their own right (which team they may allocate to is ``policies.can_allocate``).
    ``lasting``: that sight, when the caller has already asked."""
    manages = policies.is_administrator(worker) or policies.manages_a_team(worker)
    if not (manages and worker.is_active):
        return False
    return policies.sees_lastingly(worker, person) if lasting is None else lasting


def can_propose_transfer(
    worker: Worker, allocation: Allocation, *, lasting: bool | None = None
) -> bool:
    """Propose moving the case held by ``allocation``: its worker while still in its team
    (one who moved team or agency leaves the case to the team's manager) or that team's
    manager, seeing the child in their own right (``lasting``, when the caller has already
    asked)."""
    if not holds_cases(worker) or allocation.end is not None:
        return False
    if not _in_team(worker, allocation.team_id):
        return False
    if not (allocation.worker_id == worker.pk or _manages(worker, allocation.team_id)):
        return False
    return policies.sees_lastingly(worker, allocation.person) if lasting is None else lasting


def access_allocation(
    worker: Worker,
    person: Person,
    allocation_id: object,
    may: Callable[[Worker, Allocation], bool] | None = None,
) -> Allocation:
    """One of ``person``'s current allocations that ``worker`` may act on (``may``: by
    default, propose to move its case), or 404 (the child already looked up for them)."""
    current = person.allocations.current().select_related("worker", "team__agency")
    allocation = lookups.one_or_404(current, allocation_id)
    allocation.person = person
    if not (may or can_propose_transfer)(worker, allocation):
        raise Http404("Not found")
    return allocation


def can_end_allocation(
    worker: Worker, allocation: Allocation, *, lasting: bool | None = None
) -> bool:
    """End an allocation (the case closed, a co-worker stepped back): a manager of its team,
    or an administrator, seeing the child in their own right."""
    if not (worker.is_active and allocation.end is None):
        return False
    if not policies.can_allocate(worker, allocation.team_id):
        return False
    return policies.sees_lastingly(worker, allocation.person) if lasting is None else lasting


def why_holds_no_cases(worker: Worker) -> str:
    """Why ``worker`` may not hold a case (be allocated a child, receive a transfer), in
    words for the form's worker field, or "" when they may. Only a practitioner or manager
    holds cases; not of an independent reviewing service (a chair holding a case would chair
    their own), nor of a partner organisation (a housing provider, a centre's security: a
    partner sees no child, and a case held in its team would show the child to the team and,
    at agency scope, to the whole organisation). Nor one whose access waits for a second
    person (``access/provisioning.py``), who could act on none of it."""
    if waits := provisioning.why_given_no_work(worker):
        return waits
    if worker.role not in policies.CASEWORK_ROLES:
        return "The worker does not hold cases: only a practitioner or manager does"
    # The two halves of ``scopes.in_team_given_no_child``, each with its own reason.
    if not policies.does_casework(worker):
        return (
            "The worker does not hold cases: an independent reviewing service's staff chair "
            "and review, and hold none"
        )
    if scopes.in_partner_organisation(worker):
        return (
            "The worker does not hold cases: a partner organisation's staff see no child, "
            "and are given none"
        )
    return ""


def holds_cases(worker: Worker) -> bool:
    """May hold a case (be allocated, receive a transfer): a practitioner or manager whose
    access is confirmed, not of an independent reviewing service nor of a partner
    organisation (:func:`why_holds_no_cases`)."""
    return provisioning.confirmed(worker) and not why_holds_no_cases(worker)


def case_holders() -> QuerySet[Worker]:
    """Every worker who may hold a case, in a team (:func:`holds_cases`)."""
    return Worker.objects.filter(
        provisioning.confirmed_q(),
        role__in=policies.CASEWORK_ROLES,
        team__isnull=False,
        team__independent=False,
    ).exclude(team__agency__kind=AgencyKind.PARTNER)


def managers() -> QuerySet[Worker]:
    """Who decides the transfers routed to a team: its managers whose access is confirmed
    (filter by team); one waiting for a second person is neither asked nor told."""
    return Worker.objects.filter(provisioning.confirmed_q(), role=Role.MANAGER)


def deciding_managers(team: Team, proposer: Worker) -> QuerySet[Worker]:
    """Who may accept or decline a transfer ``proposer`` routes to ``team``: its active
    managers but the proposer, by any of their accounts (:func:`can_decide_transfer`)."""
    return managers().filter(team=team).exclude(pk__in=accounts_of(proposer))


def receiving_teams(agency_id: int) -> QuerySet[Team]:
    """The teams a case held by the agency ``agency_id`` may move to: its teams with a
    manager to accept it, not an independent reviewing service."""
    return Team.objects.filter(agency_id=agency_id, independent=False).filter(
        Exists(managers().filter(team=OuterRef("pk")))
    )


def can_receive(from_team: Team, to_team: Team) -> bool:
    """A case moves between teams of the agency that holds it, never to an independent
    reviewing service."""
    return from_team.agency_id == to_team.agency_id and not to_team.independent


def can_decide_transfer(worker: Worker, transfer: Transfer) -> bool:
    """Accept or decline: a manager of the receiving team who did not propose it (by any
    account of theirs)."""
    return _manages(worker, transfer.to_team_id) and not same_person(worker, transfer.proposed_by)


def waiting_for(worker: Worker) -> QuerySet[Transfer]:
    """The transfers waiting that ``worker`` may decide (:func:`can_decide_transfer`, for a
    list): routed to the team they manage, proposed by none of their accounts (another
    account with their email is theirs, ``context_cases.same_person``: compared in the query,
    with no query of its own)."""
    if not policies.manages_a_team(worker):
        return Transfer.objects.none()
    waiting = transfers_visible_to(worker).filter(status=Status.PROPOSED, to_team_id=worker.team_id)
    waiting = waiting.exclude(proposed_by=worker)
    email = worker.email.strip()
    return waiting.exclude(proposed_by__email__iexact=email) if email else waiting


def can_withdraw_transfer(worker: Worker, transfer: Transfer) -> bool:
    """Withdraw: its proposer while still in the team the case moves from, or a manager of
    that team seeing the child in their own right (the proposer gone or away, the team
    still holds the case). A proposer who has moved to another team or agency no longer
    acts on a case their old team holds; nor does one whose access waits for a second person
    (``provisioning.confirmed``: a new role, say)."""
    # The team the case moves from (the proposing team) holds it until it is accepted.
    if not provisioning.confirmed(worker) or not _in_team(worker, transfer.from_allocation.team_id):
        return False
    if transfer.proposed_by_id == worker.pk:
        return True
    return _manages(worker, transfer.from_allocation.team_id) and policies.sees_lastingly(
        worker, transfer.person
    )


def transfers_visible_to(worker: Worker) -> QuerySet[Transfer]:
    """The transfers ``worker`` sees: every one of a child they see in their own right, and
    the ones still waiting that they proposed or that are routed to the team they manage."""
    if not scopes.sees_case_records(worker):
        return Transfer.objects.none()
    q = scopes.person_filter(worker, shared=False)
    if q is None:
        return Transfer.objects.all()
    # A proposer follows their proposal only while still in the team the case moves from:
    # one who moved team or agency no longer reads the child's name and the note.
    theirs = Q(proposed_by=worker, from_allocation__team_id=worker.team_id or 0)
    if policies.manages_a_team(worker):
        theirs |= Q(to_team_id=worker.team_id)
    # The child's name and the handover note serve the decision: once it is taken they go
    # with the child's record, to whoever sees the child.
    waiting = Q(status=Status.PROPOSED) & theirs
    return Transfer.objects.filter(Q(person_id__in=Person.objects.filter(q).values("id")) | waiting)


def _shown(transfers: QuerySet[Transfer]) -> QuerySet[Transfer]:
    return transfers.select_related(
        "person",
        "from_allocation__worker",
        "from_allocation__team__agency",
        "to_team__agency",
        "to_worker__team",
        "proposed_by__team",
        "decided_by__team",
        "new_allocation__worker",
        "new_allocation__team",
    )


def access_transfer(worker: Worker, transfer_id: object) -> Transfer:
    """The transfer, or 404: missing, or neither the worker's to see nor routed to them."""
    return lookups.one_or_404(_shown(transfers_visible_to(worker)), transfer_id)


def sees_transfer(worker: Worker, transfer: Transfer) -> bool:
    """Whether ``worker`` still sees ``transfer`` (after a step that may have closed it)."""
    return transfers_visible_to(worker).filter(pk=transfer.pk).exists()


def _had_it_while_it_waited(worker: Worker, transfer: Transfer) -> bool:
    """Whether the closed ``transfer`` was before ``worker`` while it waited: they proposed
    or decided it, or the trail holds their read of it from before it closed (its page or a
    step's form: the only ways to a step). Workers keep no history of their team, so this is
    what tells a manager with the form open in a second tab from one who joined later."""
    if worker.pk in (transfer.proposed_by_id, transfer.decided_by_id):
        return True
    return AccessEvent.objects.filter(
        actor=worker,
        record_type=Transfer._meta.label_lower,
        record_id=str(transfer.pk),
        at__lt=transfer.decided_at,
    ).exists()


def access_step(
    worker: Worker, transfer_id: object, may: Callable[[Worker, Transfer], bool]
) -> Transfer:
    """The transfer to accept, decline or withdraw (``may``: that step's rule), or 404.

    One the worker sees; or one closed since that the step was theirs on and that was
    before them while it waited (a form loaded in a second tab, another manager first):
    the step's page then says it is closed, without the child or the note
    (``sees_transfer`` is false). To anyone else (a manager who joined the receiving team
    after it closed) a closed transfer they do not see is not found, as on its page."""
    try:
        found, seen = access_transfer(worker, transfer_id), True
    except Http404:
        closed = Transfer.objects.exclude(status=Status.PROPOSED)
        found, seen = lookups.one_or_404(_shown(closed), transfer_id), False
    if not may(worker, found) or not (seen or _had_it_while_it_waited(worker, found)):
        raise Http404("Not found")
    return found


def sees_child_of(worker: Worker, transfer: Transfer) -> bool:
    """Whether the transfer page may link to the child's record (a routed manager may not)."""
    return policies.can_view_person(worker, transfer.person)


def held_by_closed_accounts(viewer: Worker) -> QuerySet[Allocation]:
    """The open allocations of deactivated accounts that ``viewer`` passes on (a closed
    account's cases are reallocated: transferred, or the allocation ended), of children they
    see in their own right: a team manager's, in the team they manage; an administrator's, in
    a team with no manager who may act (the administrators are told of those instead,
    ``access.services.closed_account_cases_told``). Nobody else's. An account made active
    again is listed until its access is confirmed: it holds nothing until then
    (``provisioning.closed_q``)."""
    held = Allocation.objects.current().filter(provisioning.closed_q("worker"))
    if policies.is_administrator(viewer):
        acting = managers().filter(team_id=OuterRef("team_id"))
        held = held.exclude(Exists(acting))
    elif (team_id := policies.managed_team_id(viewer)) is not None:
        held = held.filter(team_id=team_id)
    else:
        return held.none()
    lasting = scopes.people_visible_to(viewer, break_glass=False, shared=False)
    return held.filter(person__in=lasting)
