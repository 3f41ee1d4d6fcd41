"""Who reads a transfer (the child's name and the handover note) once it is no longer waiting.

While a transfer waits, its proposer and the receiving team's managers read it to follow it
up or to decide. Once it is decided or withdrawn it is part of the child's record: it stays
with whoever sees the child in their own right, and nobody else (``access/RULES.md``).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from locus.access import policies
from locus.access import transfers as rules
from locus.access.models import Worker
from locus.common.errors import NotPermitted
from locus.notifications.models import Notification, NotificationKind
from locus.people.models import Allocation
from locus.transfers.models import Status, Transfer
from locus.transfers.services import transfer_accept, transfer_decline, transfer_withdraw
from tests.factories import World, client_for, nothing_written
from tests.transfers.helpers import NOTE, holding, manager_of, propose_to_b, with_manager_b

pytestmark = pytest.mark.django_db


def _page(worker: Worker, transfer: Transfer) -> tuple[int, str]:
    response = client_for(worker).get(reverse("transfer", args=[transfer.pk]))
    return response.status_code, response.content.decode()


def _listed(client: Client, name: str) -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def _move_to_youth_justice(world: World, worker: Worker) -> None:
    worker.team = world.yjs_team
    worker.save()  # a move of team, as the administrator's worker page would save it


def test_a_declined_transfer_closes_to_the_receiving_team(world: World) -> None:
    """Declined, the child stays with team A: neither the manager who declined nor one who
    joins team B later reads the child's name or the note, on the page or in the lists,
    and no notification is left to lead there."""
    transfer = propose_to_b(world)
    manager_b = with_manager_b(world)
    transfer_decline(actor=manager_b, transfer=transfer, reason="No capacity")
    newcomer = manager_of(world, world.csc_team_b, "manager_b2")
    assert not policies.can_view_person(newcomer, world.csc_child)  # the premise
    for manager in (manager_b, newcomer):
        status, page = _page(manager, transfer)
        assert status == 404 and NOTE not in page
        assert not rules.transfers_visible_to(manager).exists()
        client = client_for(manager)
        for name in ("transfers", "my-work"):
            assert world.csc_child.full_name not in _listed(client, name)
    # Nor is there a notification left to lead there (it went with the decision).
    told = Notification.objects.filter(kind=NotificationKind.TRANSFER_TO_ACCEPT)
    assert not told.filter(recipient__in=[manager_b, newcomer]).exists()


def test_a_withdrawn_transfer_closes_to_the_receiving_team(world: World) -> None:
    transfer = propose_to_b(world)
    transfer_withdraw(actor=world.social_worker, transfer=transfer, reason="Family moved back")
    status, page = _page(with_manager_b(world), transfer)
    assert status == 404 and NOTE not in page


def test_a_proposer_who_moved_agency_no_longer_reads_a_decided_transfer(world: World) -> None:
    """The social worker's proposal was accepted; they then moved to the youth justice
    service and no longer see the child, nor the transfer's child and note."""
    transfer = propose_to_b(world)
    transfer_accept(
        actor=with_manager_b(world), transfer=transfer, to_worker=world.other_social_worker
    )
    mover = world.social_worker
    _move_to_youth_justice(world, mover)
    assert not policies.can_view_person(mover, world.csc_child)  # the premise
    status, page = _page(mover, transfer)
    assert status == 404 and NOTE not in page


@pytest.mark.parametrize("by", ["team_manager", "social_worker"])
def test_a_proposer_who_moved_away_neither_withdraws_nor_reads_it(world: World, by: str) -> None:
    """Team A's manager (or the holding social worker) proposed it, then moved to youth
    justice: the case is still team A's, so the proposal is no longer theirs to read or
    withdraw (its page and its withdraw page are not found, and the service refuses);
    team A's manager withdraws it instead."""
    mover = world.persona(by)
    transfer = propose_to_b(world, by=mover)
    _move_to_youth_justice(world, mover)
    assert not rules.can_withdraw_transfer(mover, transfer)
    with nothing_written(Transfer), pytest.raises(NotPermitted):
        transfer_withdraw(actor=mover, transfer=transfer, reason="Moved to youth justice")
    status, page = _page(mover, transfer)
    if by == "team_manager":  # the social worker still holds the child, and sees it so
        assert status == 404 and NOTE not in page
        assert world.csc_child.full_name not in _listed(client_for(mover), "my-work")
    client = client_for(mover)
    url = reverse("transfer-withdraw", args=[transfer.pk])
    assert client.get(url).status_code == 404
    with nothing_written(Transfer):
        assert client.post(url, {"reason": "Moved to youth justice"}).status_code == 404
    manager = (
        world.team_manager
        if by == "social_worker"
        else manager_of(world, world.csc_team_a, "manager_a2")
    )
    assert rules.can_withdraw_transfer(manager, transfer)
    response = client_for(manager).post(url, {"reason": "The proposer has left the team"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decided_by) == (Status.WITHDRAWN, manager)


def test_a_holder_who_moved_away_does_not_propose_moving_their_old_team_s_case(
    world: World,
) -> None:
    """The social worker moved to youth justice and still holds the child's allocation in
    team A (nobody has ended it yet): moving that case is for team A's manager now, not for
    her; the child's page offers her no proposal and the form is not found."""
    mover = world.social_worker
    allocation = holding(world)
    _move_to_youth_justice(world, mover)
    assert policies.can_view_person(mover, world.csc_child)  # the premise: she still holds it
    assert not rules.can_propose_transfer(mover, allocation)
    url = reverse("transfer-propose", args=[world.csc_child.pk, allocation.pk])
    assert client_for(mover).get(url).status_code == 404
    assert rules.can_propose_transfer(world.team_manager, allocation)


def test_whoever_sees_the_child_keeps_the_transfer_in_the_record(world: World) -> None:
    """The ordinary path: the proposer who still holds the child, and their team manager,
    read the declined transfer and its reason on the child's page and the transfer page."""
    transfer = propose_to_b(world)
    transfer_decline(actor=with_manager_b(world), transfer=transfer, reason="No capacity")
    for worker in (world.social_worker, world.team_manager):
        status, page = _page(worker, transfer)
        assert status == 200 and NOTE in page and "No capacity" in page
        child = client_for(worker).get(reverse("person", args=[world.csc_child.pk]))
        assert reverse("transfer", args=[transfer.pk]) in child.content.decode()


def test_the_receiving_team_reads_a_waiting_transfer_and_keeps_an_accepted_one(
    world: World,
) -> None:
    """While it waits every manager of team B reads it (one who joins meanwhile too); once
    accepted the child is held in team B, so the transfer stays theirs through the child."""
    transfer = propose_to_b(world)
    manager_b = with_manager_b(world)
    newcomer = manager_of(world, world.csc_team_b, "manager_b2")
    for manager in (manager_b, newcomer):
        status, page = _page(manager, transfer)
        assert status == 200 and NOTE in page and world.csc_child.full_name in page
    transfer_accept(actor=manager_b, transfer=transfer, to_worker=world.other_social_worker)
    for manager in (manager_b, newcomer):
        assert policies.can_view_person(manager, world.csc_child)
        status, page = _page(manager, transfer)
        assert status == 200 and NOTE in page


def test_declining_through_the_page_goes_back_to_the_transfers_waiting(world: World) -> None:
    """The manager who declined no longer sees the transfer: they land on their list, told
    it is done, not on a page that is not found."""
    transfer = propose_to_b(world)
    client = client_for(with_manager_b(world))
    url = reverse("transfer-decline", args=[transfer.pk])
    response = client.post(url, {"reason": "No capacity"}, follow=True)
    assert response.redirect_chain == [(reverse("transfers"), 302)]
    page = response.content.decode()
    assert "Transfer declined" in page and world.csc_child.full_name not in page
    assert Transfer.objects.get().status == Status.DECLINED


def test_a_stale_step_is_told_without_the_child_or_note(world: World) -> None:
    """A second manager of team B had the accept form open when the first declined: their
    post is told the transfer is closed, writes nothing, and names neither child nor note."""
    transfer = propose_to_b(world)
    second = manager_of(world, world.csc_team_b, "manager_b2")
    client = client_for(second)
    accept = reverse("transfer-accept", args=[transfer.pk])
    assert client.get(accept).status_code == 200  # the form, loaded while it waited
    transfer_decline(actor=with_manager_b(world), transfer=transfer, reason="No capacity")
    with nothing_written(Transfer, Allocation):
        response = client.post(accept, {"to_worker": world.other_social_worker.pk})
    page = response.content.decode()
    assert response.status_code == 200 and "This transfer has already been declined" in page
    assert world.csc_child.full_name not in page and NOTE not in page
    # Nobody else learns even that: a manager of another team still gets "not found".
    assert client_for(world.team_manager).get(accept).status_code == 404


def test_the_audit_trail_names_a_closed_transfer_as_it_names_the_child(world: World) -> None:
    """The information governance lead reads every step on the transfer in the trail, but
    as for every record neither the child's name (they see no case records) nor the note."""
    transfer = propose_to_b(world)
    transfer_decline(actor=with_manager_b(world), transfer=transfer, reason="No capacity")
    page = client_for(world.auditor).get(reverse("audit"), {"show": "changes"}).content.decode()
    assert f"person #{world.csc_child.pk}" in page
    assert world.csc_child.full_name not in page and NOTE not in page


def test_a_proposer_who_moved_away_is_not_sent_to_a_declined_transfer_they_cannot_read(
    world: World,
) -> None:
    """Team A's manager proposed it, then moved to youth justice; team B's manager declines
    it. Was: the mover was told "read why", with a link that answered "not found". Now a
    proposer who no longer reads the transfer is not told of it."""
    mover = world.team_manager
    transfer = propose_to_b(world, by=mover)
    _move_to_youth_justice(world, mover)
    transfer_decline(actor=with_manager_b(world), transfer=transfer, reason="No capacity")
    assert not Notification.objects.filter(
        kind=NotificationKind.TRANSFER_DECLINED, recipient=mover
    ).exists()
