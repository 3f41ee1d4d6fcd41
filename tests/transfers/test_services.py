"""Allocation and transfer services: each refusal names its field and writes nothing; an
acceptance ends the old allocation and starts the new one in one transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from locus.access.models import Worker
from locus.audit.models import ChangeAction, ChangeEvent
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.notifications.models import Notification, NotificationKind
from locus.people.models import Allocation
from locus.people.services import allocation_create
from locus.transfers.models import Status, Transfer
from locus.transfers.selectors import transfers_to_accept
from locus.transfers.services import (
    transfer_accept,
    transfer_decline,
    transfer_propose,
    transfer_withdraw,
)
from tests.factories import START, World, client_for, make_team, make_worker, nothing_written
from tests.frozen_clock import FrozenClock
from tests.transfers.helpers import NOTE, holding, manager_of, propose_to_b, with_manager_b

pytestmark = pytest.mark.django_db


def _refused(call: Any) -> dict[str, list[str]]:
    with nothing_written(Transfer, Allocation), pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.errors


def within_team_a(world: World) -> Transfer:
    """Team A's manager proposes moving the social worker's case within team A."""
    return transfer_propose(
        actor=world.team_manager,
        allocation=holding(world),
        to_team=world.csc_team_a,
        handover_note=NOTE,
    )


def _propose(world: World, **fields: Any) -> Any:
    with_manager_b(world)
    fields = {"to_team": world.csc_team_b, "handover_note": NOTE, **fields}
    return lambda: transfer_propose(actor=world.social_worker, allocation=holding(world), **fields)


def test_a_proposal_waits_and_the_child_stays_with_the_holder(world: World) -> None:
    transfer = propose_to_b(world)
    assert transfer.status == Status.PROPOSED
    assert transfer.handover_note == NOTE
    assert holding(world).end is None
    assert not Allocation.objects.current().filter(person=world.csc_child, team=world.csc_team_b)
    created = ChangeEvent.objects.get(record_type="transfers.transfer", record_id=str(transfer.pk))
    assert created.action == ChangeAction.CREATE and created.actor == world.social_worker


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"handover_note": "   "}, "handover_note", "Write the handover note"),
        ({"handover_note": "x" * 5001}, "handover_note", "5000 characters or fewer"),
        ({"to_team": None}, "to_team", "Choose the receiving team"),
        ({"to_worker": "social_worker", "to_team": "csc_team_a"}, "to_worker", "other than"),
        ({"to_worker": "teammate"}, "to_worker", "not a member of the receiving team"),
        ({"to_worker": "police_analyst"}, "to_worker", "not a member of the receiving team"),
        ({"to_team": "yjs_team"}, "to_team", "Choose a team of Children's Social Care"),
    ],
)
def test_a_proposal_is_refused_on_the_field(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    named = {k: getattr(world, v) if k != "handover_note" and v else v for k, v in fields.items()}
    errors = _refused(_propose(world, **named))
    assert any(message in m for m in errors[field]), errors


def test_a_team_without_another_manager_cannot_receive(world: World) -> None:
    lone = make_team(world.system, agency=world.csc, name="Team C")
    errors = _refused(_propose(world, to_team=lone))
    assert errors["to_team"] == ["That team has no other manager to accept the transfer"]
    # The team's only manager proposing to their own team: nobody else could accept it.
    errors = _refused(lambda: within_team_a(world))
    assert errors["to_team"] == ["That team has no other manager to accept the transfer"]


def test_an_inactive_or_non_casework_worker_cannot_be_suggested(world: World) -> None:
    with_manager_b(world)
    analyst = make_worker(world.system, team=world.csc_team_b, role="analyst")
    assert "does not hold cases" in _refused(_propose(world, to_worker=analyst))["to_worker"][0]
    gone = make_worker(world.system, team=world.csc_team_b)
    Worker.objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()
    assert "not active" in _refused(_propose(world, to_worker=gone))["to_worker"][0]


def test_one_open_transfer_per_child(world: World) -> None:
    propose_to_b(world)
    errors = _refused(_propose(world))
    assert errors["__all__"] == ["A transfer of this child is already waiting for acceptance"]
    # The database holds it too, whatever a service forgets.
    first = Transfer.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            person=first.person,
            from_allocation=first.from_allocation,
            to_team=first.to_team,
            handover_note="again",
            proposed_by=first.proposed_by,
            proposed_at=first.proposed_at,
        )


def test_acceptance_moves_the_case_in_one_step(world: World, frozen_clock: FrozenClock) -> None:
    transfer = propose_to_b(world)
    frozen_clock.advance(days=2)
    manager_b = with_manager_b(world)
    done = transfer_accept(
        actor=manager_b, transfer=transfer, to_worker=world.other_social_worker, note="Welcome"
    )
    old = Allocation.objects.get(pk=transfer.from_allocation_id)
    assert old.end == frozen_clock.today
    assert done.status == Status.ACCEPTED and done.decided_by == manager_b
    assert done.decision_note == "Welcome"
    new = done.new_allocation
    assert new is not None
    assert (new.worker, new.team, new.start, new.end) == (
        world.other_social_worker,
        world.csc_team_b,
        frozen_clock.today,
        None,
    )
    ended = ChangeEvent.objects.get(
        record_type="people.allocation", record_id=str(old.pk), action=ChangeAction.END
    )
    assert ended.actor == manager_b
    reason = "Transferred to Test other_social_worker, Assessment Team B"
    assert ended.after["end_reason"].startswith(reason)
    assert ChangeEvent.objects.filter(
        record_type="people.allocation", record_id=str(new.pk), action=ChangeAction.CREATE
    ).exists()
    assert ChangeEvent.objects.filter(
        record_type="transfers.transfer", record_id=str(transfer.pk), action=ChangeAction.UPDATE
    ).exists()
    # The handover note stays on the record.
    assert Transfer.objects.get(pk=transfer.pk).handover_note == NOTE


def test_acceptance_refused_on_the_field_writes_nothing(world: World) -> None:
    transfer = propose_to_b(world)
    manager_b = with_manager_b(world)

    def accept(worker: Worker | None) -> Any:
        return lambda: transfer_accept(actor=manager_b, transfer=transfer, to_worker=worker)

    assert _refused(accept(None))["to_worker"] == ["Choose the worker who will hold the case"]
    errors = _refused(accept(world.teammate))
    assert errors["to_worker"] == ["The worker is not a member of the receiving team"]
    long = lambda: transfer_accept(  # noqa: E731
        actor=manager_b, transfer=transfer, to_worker=world.other_social_worker, note="x" * 2001
    )
    assert _refused(long)["note"] == ["The note must be 2000 characters or fewer"]


def test_a_failure_after_the_old_allocation_ended_rolls_it_back(world: World) -> None:
    """The receiving worker already holds the child: the new allocation is refused after
    the old one was ended in the same transaction, and the end is undone with it."""
    transfer = propose_to_b(world)
    allocation_create(
        actor=world.system, person=world.csc_child, worker=world.other_social_worker, start=START
    )
    errors = _refused(
        lambda: transfer_accept(
            actor=with_manager_b(world), transfer=transfer, to_worker=world.other_social_worker
        )
    )
    assert errors["worker"] == ["This person is already allocated to this worker"]
    assert holding(world).end is None
    assert Transfer.objects.get(pk=transfer.pk).status == Status.PROPOSED


def test_a_case_that_ended_meanwhile_cannot_be_accepted(world: World) -> None:
    transfer = propose_to_b(world)
    Allocation.objects.filter(pk=transfer.from_allocation_id).update(end=START)
    errors = _refused(
        lambda: transfer_accept(
            actor=with_manager_b(world), transfer=transfer, to_worker=world.other_social_worker
        )
    )
    assert errors["__all__"] == ["The case this transfer moves has already ended: decline it"]


def _close(world: World, transfer: Transfer, step: str) -> None:
    """Accept (team B's manager), decline (the same) or withdraw (the proposer) ``transfer``."""
    manager_b = with_manager_b(world)
    if step == "accept":
        transfer_accept(actor=manager_b, transfer=transfer, to_worker=world.other_social_worker)
    elif step == "decline":
        transfer_decline(actor=manager_b, transfer=transfer, reason="No capacity")
    else:
        transfer_withdraw(actor=world.social_worker, transfer=transfer, reason="Stays with us")


def test_a_team_moved_to_another_agency_since_the_proposal_does_not_take_the_case(
    world: World,
) -> None:
    """A case moves within the agency that holds it. Was: team B moved to the youth justice
    service while the proposal waited, and its manager accepted it, handing children's social
    care's case to another agency with no referral."""
    transfer = propose_to_b(world)
    world.csc_team_b.agency = world.yjs_team.agency
    # Past the services: the admin site now refuses it while the team has members.
    world.csc_team_b.save()
    errors = _refused(
        lambda: transfer_accept(
            actor=with_manager_b(world), transfer=transfer, to_worker=world.other_social_worker
        )
    )
    assert errors["__all__"] == [
        "Assessment Team B no longer takes cases of Children's Social Care, which holds this "
        "one: decline it"
    ]
    assert holding(world).end is None
    transfer_decline(actor=with_manager_b(world), transfer=transfer, reason="We moved agency")


@pytest.mark.parametrize("step", ["accept", "decline", "withdraw"])
def test_closing_a_transfer_takes_back_the_prompts_to_accept_it(world: World, step: str) -> None:
    """Was: once one manager of team B had decided (or the proposer withdrawn), every manager
    of team B kept "A case is transferred to your team: accept it or say why not", leading
    to a step already taken or, declined or withdrawn, to a page not found."""
    second = manager_of(world, world.csc_team_b, "second_manager_b")
    transfer = propose_to_b(world)
    manager_b = with_manager_b(world)
    told = Notification.objects.filter(kind=NotificationKind.TRANSFER_TO_ACCEPT)
    assert sorted(n.recipient_id for n in told) == sorted([manager_b.pk, second.pk])
    ids = [str(n.pk) for n in told]
    _close(world, transfer, step)
    assert not told.all().exists()
    removed = ChangeEvent.objects.filter(
        record_type="notifications.notification", action=ChangeAction.DELETE
    )
    assert sorted(e.record_id for e in removed) == sorted(ids)


@pytest.mark.parametrize("step", ["accept", "decline", "withdraw"])
def test_the_proposer_is_told_when_their_transfer_is_declined(world: World, step: str) -> None:
    """Was: the decline's reason was for the proposer, and nothing told them of it. Now a
    decline tells them, naming no child, with the transfer's page, where they read why; an
    acceptance moves the case (the holder's list shows it) and a withdrawal is their own."""
    transfer = propose_to_b(world)
    _close(world, transfer, step)
    told = Notification.objects.filter(kind=NotificationKind.TRANSFER_DECLINED)
    if step != "decline":
        assert not told.exists()
        return
    [notice] = told
    assert notice.recipient_id == world.social_worker.pk
    assert notice.text == "A case transfer you proposed was declined: read why"
    page = client_for(world.social_worker).get(notice.url)
    assert page.status_code == 200 and "No capacity" in page.content.decode()


@pytest.mark.parametrize("first", ["accept", "decline", "withdraw"])
def test_a_stale_decision_is_told_and_writes_nothing(world: World, first: str) -> None:
    transfer = propose_to_b(world)
    manager_b = with_manager_b(world)
    _close(world, transfer, first)
    stale = Transfer.objects.get(pk=transfer.pk)
    stale.status = Status.PROPOSED  # as the page that posted it last read it
    past = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}[first]
    receiver = world.other_social_worker
    for step in (
        lambda: transfer_accept(actor=manager_b, transfer=stale, to_worker=receiver),
        lambda: transfer_decline(actor=manager_b, transfer=stale, reason="Late"),
        lambda: transfer_withdraw(actor=world.social_worker, transfer=stale, reason="Late"),
    ):
        with nothing_written(Transfer, Allocation), pytest.raises(InvalidTransition) as caught:
            step()
        assert str(caught.value) == f"This transfer has already been {past}"


def test_decline_and_withdraw_need_a_reason(world: World) -> None:
    transfer = propose_to_b(world)
    manager_b = with_manager_b(world)
    errors = _refused(lambda: transfer_decline(actor=manager_b, transfer=transfer, reason=" "))
    assert errors["reason"] == ["Say why you decline the transfer"]
    errors = _refused(
        lambda: transfer_withdraw(actor=world.social_worker, transfer=transfer, reason="")
    )
    assert errors["reason"] == ["Say why you withdraw the transfer"]
    declined = transfer_decline(actor=manager_b, transfer=transfer, reason="No capacity")
    assert (declined.status, declined.decision_note) == (Status.DECLINED, "No capacity")
    assert holding(world).end is None


def test_nobody_accepts_their_own_proposal(world: World) -> None:
    """Within team A, proposed by its manager: the manager may not accept it, nor may the
    administrator (who does not do casework); a second manager of team A may."""
    second = make_worker(world.system, team=world.csc_team_a, role="manager", scope="team")
    transfer = within_team_a(world)
    for actor in (world.team_manager, world.admin, world.social_worker):
        with nothing_written(Transfer, Allocation), pytest.raises(NotPermitted):
            transfer_accept(actor=actor, transfer=transfer, to_worker=world.teammate)
    done = transfer_accept(actor=second, transfer=transfer, to_worker=world.teammate)
    assert done.new_allocation is not None and done.new_allocation.worker == world.teammate


def test_the_receiving_managers_are_told_and_nobody_else(world: World) -> None:
    second = manager_of(world, world.csc_team_b, "second_manager_b")
    transfer = propose_to_b(world)
    told = Notification.objects.filter(kind=NotificationKind.TRANSFER_TO_ACCEPT)
    assert sorted(n.recipient_id for n in told) == sorted([world.extra["manager_b"].pk, second.pk])
    assert {n.url for n in told} == {reverse("transfer", args=[transfer.pk])}
    # The text names no child: the recipients may lose sight of the case if they decline.
    assert all(world.csc_child.family_name not in n.text for n in told)


def test_a_second_account_of_the_proposer_neither_accepts_nor_counts_as_the_other_manager(
    world: World,
) -> None:
    """Separation of duties compares people, not accounts (as sign-offs and subject access
    releases do): a manager's old second account with the proposer's email (in any case)
    is the proposer. Was: the team manager proposed a move within team A and accepted it
    with their other account, and a team whose only other manager was that account took it;
    and that account listed the proposal among the transfers waiting for its decision."""
    Worker.objects.filter(pk=world.team_manager.pk).update(email="tm.one@example.org")
    second = make_worker(world.system, team=world.csc_team_a, role="manager", scope="team")
    Worker.objects.filter(pk=second.pk).update(email="TM.One@Example.org")
    second.refresh_from_db()
    world.team_manager.refresh_from_db()
    errors = _refused(lambda: within_team_a(world))
    assert errors["to_team"] == ["That team has no other manager to accept the transfer"]
    third = make_worker(world.system, team=world.csc_team_a, role="manager", scope="team")
    transfer = within_team_a(world)
    told = Notification.objects.filter(kind=NotificationKind.TRANSFER_TO_ACCEPT)
    assert [n.recipient_id for n in told] == [third.pk]
    assert transfers_to_accept(second) == [] and transfers_to_accept(third) == [transfer]
    with nothing_written(Transfer, Allocation), pytest.raises(NotPermitted):
        transfer_accept(actor=second, transfer=transfer, to_worker=world.teammate)
    with nothing_written(Transfer, Allocation), pytest.raises(NotPermitted):
        transfer_decline(actor=second, transfer=transfer, reason="Not for us")
    done = transfer_accept(actor=third, transfer=transfer, to_worker=world.teammate)
    assert done.decided_by == third


def test_the_proposer_is_told_when_a_manager_of_their_team_withdraws_it(world: World) -> None:
    """Was: a manager of the proposing team could withdraw a worker's proposal and nothing
    told the worker. Now they are told, naming no child, and read why on its page; a
    proposer who withdraws their own is told nothing."""
    transfer = propose_to_b(world)
    reason = "The child moves school next week: we keep the case"
    transfer_withdraw(actor=world.team_manager, transfer=transfer, reason=reason)
    [notice] = Notification.objects.filter(kind=NotificationKind.TRANSFER_WITHDRAWN)
    assert notice.recipient_id == world.social_worker.pk
    assert "child" not in notice.text.replace("A case transfer", "")
    page = client_for(world.social_worker).get(notice.url)
    assert page.status_code == 200 and reason in page.content.decode()
