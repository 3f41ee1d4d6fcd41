"""Writes for allocation and transfer: propose, accept, decline, withdraw.

Who may is ``access.transfers``; each service checks it, then the transfer's state (a
decision already taken answers in plain words and writes nothing), then the input.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse

from locus.access import transfers as rules
from locus.access.models import Team, Worker
from locus.access.policies import same_person
from locus.access.services import closed_account_passed_on
from locus.audit.models import ChangeAction
from locus.common import clock
from locus.common.errors import InvalidTransition
from locus.common.services import (
    Problems,
    clean_text,
    create_audited,
    lock,
    permitted,
    write_fields,
)
from locus.notifications.models import NotificationKind
from locus.notifications.services import forget, transfer_closed, transfer_to_accept
from locus.people.models import Allocation
from locus.people.services import allocate
from locus.transfers.models import Status, Transfer

NOTE_LIMIT = 5000
REASON_LIMIT = 2000
ALREADY = {
    Status.ACCEPTED: "This transfer has already been accepted",
    Status.DECLINED: "This transfer has already been declined",
    Status.WITHDRAWN: "This transfer has already been withdrawn",
}


def _receives_cases(worker: Worker, team: Team) -> str:
    """Why ``worker`` cannot take a case in ``team``, or "" when they can."""
    if worker.team_id != team.pk:
        return "The worker is not a member of the receiving team"
    if not worker.is_active:
        return "The worker's account is not active"
    return rules.why_holds_no_cases(worker)


@transaction.atomic
def transfer_propose(
    *,
    actor: Worker,
    allocation: Allocation,
    to_team: Team | None,
    to_worker: Worker | None = None,
    handover_note: str,
) -> Transfer:
    """Propose moving the case ``allocation`` holds to ``to_team`` (and, as a suggestion,
    ``to_worker``), with the note the receiver needs. The child stays where they are until
    a manager of the receiving team accepts."""
    permitted(rules.can_propose_transfer, actor, allocation)
    # Proposals for one child take turns (on PostgreSQL): a second, made at the same moment,
    # waits and then finds the first waiting below, and is told so, instead of failing on
    # the one-open-transfer constraint with an error page.
    lock(allocation.person)
    problems = Problems()
    note = clean_text(
        problems,
        "handover_note",
        handover_note,
        missing="Write the handover note: what the receiving worker needs to know",
        limit=NOTE_LIMIT,
        what="handover note",
    )
    from_team = allocation.team
    if to_team is None:
        problems.add("to_team", "Choose the receiving team")
    elif not rules.can_receive(from_team, to_team):
        problems.add("to_team", f"Choose a team of {from_team.agency.name}, which holds the case")
    else:
        problems.check(
            rules.deciding_managers(to_team, actor).exists(),
            "to_team",
            "That team has no other manager to accept the transfer",
        )
        if to_worker is not None:
            problems.check(
                to_worker.pk != allocation.worker_id,
                "to_worker",
                "Choose a worker other than the one who holds the case now",
            )
            why = _receives_cases(to_worker, to_team)
            problems.check(not why, "to_worker", why)
    problems.check(
        not Transfer.objects.filter(
            person_id=allocation.person_id, status=Status.PROPOSED
        ).exists(),
        "__all__",
        "A transfer of this child is already waiting for acceptance",
    )
    problems.raise_if_any()
    assert to_team is not None  # checked above
    # Who proposed it and when, as ``_close`` records who decided.
    proposed = {"proposed_by": actor, "proposed_at": clock.now()}
    transfer = create_audited(
        actor,
        Transfer,
        person_id=allocation.person_id,
        from_allocation=allocation,
        to_team=to_team,
        to_worker=to_worker,
        handover_note=note,
        **proposed,
    )
    # Every manager who may accept it is told, in this transaction (never the proposer).
    url = reverse("transfer", args=[transfer.pk])
    for manager in rules.deciding_managers(to_team, actor):
        transfer_to_accept(actor, manager, transfer, url)
    return transfer


def _open(transfer: Transfer) -> Transfer:
    """The transfer as it stands now, locked; a decision already taken stops the step (a
    second tab, or another manager of the team got there first)."""
    current = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if current.status != Status.PROPOSED:
        raise InvalidTransition(ALREADY[Status(current.status)])
    return current


def _close(actor: Worker, transfer: Transfer, status: Status, **fields: Any) -> Transfer:
    """Record the decision (or the withdrawal). The receiving managers' "accept it or say
    why not" goes with it: nothing is left for them to do, and a transfer declined or
    withdrawn is no longer theirs to open (its link would answer "not found")."""
    done = {"status": status, "decided_by": actor, "decided_at": clock.now(), **fields}
    closed = write_fields(actor, transfer, ChangeAction.UPDATE, done)
    forget(actor=actor, record=closed)
    return closed


@transaction.atomic
def transfer_accept(
    *, actor: Worker, transfer: Transfer, to_worker: Worker | None, note: str = ""
) -> Transfer:
    """Accept: the holder's allocation ends today (the transfer its reason) and the receiving
    worker's starts today, in one transaction with the transfer's decision and their audit."""
    permitted(rules.can_decide_transfer, actor, transfer)
    current = _open(transfer)
    problems = Problems()
    note = note.strip()
    problems.check(len(note) <= REASON_LIMIT, "note", "The note must be 2000 characters or fewer")
    # Locked (on PostgreSQL) so that a manager ending the allocation at the same moment
    # waits for this decision, and then finds it ended, rather than one end overwriting
    # the other's date and reason.
    old = (
        Allocation.objects.select_related("team__agency")
        .select_for_update(of=("self",))
        .get(pk=current.from_allocation_id)
    )
    if to_worker is None:
        problems.add("to_worker", "Choose the worker who will hold the case")
    else:
        problems.check(
            to_worker.pk != old.worker_id,
            "to_worker",
            "Choose a worker other than the one who holds the case now",
        )
        why = _receives_cases(to_worker, current.to_team)
        problems.check(not why, "to_worker", why)
    if old.end is not None:
        problems.add("__all__", "The case this transfer moves has already ended: decline it")
    elif not rules.can_receive(old.team, current.to_team):
        # A team moved agency (or became an independent service) since the proposal: taking
        # the case now would hand it to another agency, which is a referral, not a transfer.
        problems.add(
            "__all__",
            f"{current.to_team.name} no longer takes cases of {old.team.agency.name}, which "
            "holds this one: decline it",
        )
    problems.raise_if_any()
    assert to_worker is not None
    today = clock.today()
    reason = f"Transferred to {to_worker}, {current.to_team.name} (transfer {current.pk})"
    write_fields(actor, old, ChangeAction.END, {"end": today, "end_reason": reason})
    closed_account_passed_on(actor=actor, worker=old.worker)
    new = allocate(
        actor=actor, person=current.person, worker=to_worker, team=current.to_team, start=today
    )
    return _close(actor, current, Status.ACCEPTED, new_allocation=new, decision_note=note)


def _refuse(actor: Worker, transfer: Transfer, status: Status, reason: str, what: str) -> Transfer:
    current = _open(transfer)
    problems = Problems()
    reason = clean_text(
        problems, "reason", reason, missing=f"Say why {what}", limit=REASON_LIMIT, what="reason"
    )
    problems.raise_if_any()
    return _close(actor, current, status, decision_note=reason)


@transaction.atomic
def transfer_decline(*, actor: Worker, transfer: Transfer, reason: str) -> Transfer:
    """Decline: the child stays with the current holder; the proposer is told, and reads the
    reason on the transfer's page."""
    permitted(rules.can_decide_transfer, actor, transfer)
    declined = _refuse(actor, transfer, Status.DECLINED, reason, "you decline the transfer")
    _tell_proposer(actor, declined, NotificationKind.TRANSFER_DECLINED)
    return declined


@transaction.atomic
def transfer_withdraw(*, actor: Worker, transfer: Transfer, reason: str) -> Transfer:
    """Withdraw: the proposer takes the transfer back while it waits, or a manager of the
    proposing team does (the proposer is then told)."""
    permitted(rules.can_withdraw_transfer, actor, transfer)
    withdrawn = _refuse(actor, transfer, Status.WITHDRAWN, reason, "you withdraw the transfer")
    _tell_proposer(actor, withdrawn, NotificationKind.TRANSFER_WITHDRAWN)
    return withdrawn


def _tell_proposer(actor: Worker, transfer: Transfer, kind: str) -> None:
    """Tell the proposer that ``actor`` closed their transfer: not when they closed it
    themselves, nor when they no longer read it (one who moved team or agency would be sent
    to a page that answers "not found")."""
    proposer = transfer.proposed_by
    if same_person(actor, proposer) or not rules.sees_transfer(proposer, transfer):
        return
    transfer_closed(actor, proposer, transfer, reverse("transfer", args=[transfer.pk]), kind)
