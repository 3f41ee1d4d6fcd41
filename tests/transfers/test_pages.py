"""The allocation and transfer pages: what they show, what a post does, their query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.access.models import Worker
from locus.access.services import break_glass_request
from locus.audit.models import AccessEvent
from locus.people.models import Allocation
from locus.people.services import allocation_create
from locus.transfers.models import Status, Transfer
from locus.transfers.services import transfer_decline, transfer_propose
from tests.factories import START, World, client_for, make_person, nothing_written
from tests.transfers.helpers import NOTE, holding, propose_to_b, with_manager_b

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_childs_page_shows_every_holder_with_contact_details(world: World) -> None:
    Worker.objects.filter(pk=world.social_worker.pk).update(
        phone="020 7946 0001", email="sw@example.org"
    )
    Worker.objects.filter(pk=world.yjs_worker.pk).update(email="yjs@example.org")
    allocation_create(
        actor=world.system,
        person=world.csc_child,
        worker=world.yjs_worker,
        start=holding(world).start,
    )
    page = _text(client_for(world.social_worker), reverse("person", args=[world.csc_child.pk]))
    for shown in ("020 7946 0001", "mailto:sw@example.org", "mailto:yjs@example.org"):
        assert shown in page
    assert "Youth Justice Service" in page and "Children&#x27;s Social Care" in page
    event = AccessEvent.objects.filter(record_type="people.person").latest("id")
    holders = {world.social_worker.pk, world.yjs_worker.pk}
    assert set(event.detail["holders_shown"]) == holders


def test_the_childs_page_offers_what_the_viewer_may_do(world: World) -> None:
    with_manager_b(world)
    child = world.csc_child
    url = reverse("person", args=[child.pk])
    propose = reverse("transfer-propose", args=[child.pk, holding(world).pk])
    allocate = reverse("allocate", args=[child.pk])
    page = _text(client_for(world.social_worker), url)
    assert propose in page and allocate not in page
    page = _text(client_for(world.team_manager), url)
    assert propose in page and allocate in page
    teammate = _text(client_for(world.teammate), url)
    assert propose not in teammate and allocate not in teammate
    transfer = propose_to_b(world)
    page = _text(client_for(world.social_worker), url)
    assert "A transfer to Assessment Team B is waiting" in page
    assert reverse("transfer", args=[transfer.pk]) in page and propose not in page


def test_allocate_from_the_childs_page(world: World) -> None:
    client = client_for(world.team_manager)
    url = reverse("allocate", args=[world.csc_child.pk])
    page = _text(client, url)
    assert "teammate" in page and "other_social_worker" not in page  # own team only
    with nothing_written(Allocation):
        refused = client.post(url, {"worker": "", "start": "not a date"}).content.decode()
    assert "Choose the worker" in refused and "Enter the date the allocation starts as" in refused
    response = client.post(url, {"worker": world.teammate.pk, "start": "01/10/2025"})
    assert response.status_code == 302
    assert Allocation.objects.current().filter(person=world.csc_child, worker=world.teammate)


def test_propose_then_accept_through_the_pages(world: World) -> None:
    manager_b = with_manager_b(world)
    child = world.csc_child
    client = client_for(world.social_worker)
    url = reverse("transfer-propose", args=[child.pk, holding(world).pk])
    page = _text(client, url)
    # Only teams of the holding agency with a manager are offered.
    assert "Assessment Team B" in page and "YJS Casework" not in page
    with nothing_written(Transfer):
        refused = client.post(url, {"to_team": world.csc_team_b.pk, "handover_note": ""})
    assert "Write the handover note" in refused.content.decode()
    posted = {"to_team": world.csc_team_b.pk, "to_worker": "", "handover_note": NOTE}
    response = client.post(url, posted)
    transfer = Transfer.objects.get()
    assert response["Location"] == reverse("transfer", args=[transfer.pk])

    receiving = client_for(manager_b)
    assert "Transfers to accept (1)" in _text(receiving, reverse("my-work"))
    listing = _text(receiving, reverse("transfers"))
    assert child.full_name in listing and reverse("transfer", args=[transfer.pk]) in listing
    accept = reverse("transfer-accept", args=[transfer.pk])
    with nothing_written(Transfer, Allocation):
        refused = receiving.post(accept, {"to_worker": "", "note": ""})
    assert "Choose the worker who will hold the case" in refused.content.decode()
    response = receiving.post(accept, {"to_worker": world.other_social_worker.pk, "note": ""})
    assert response.status_code == 302
    assert Transfer.objects.get().status == Status.ACCEPTED
    page = _text(receiving, reverse("transfer", args=[transfer.pk]))
    assert "the case moved to Test other_social_worker" in page
    assert reverse("person", args=[child.pk]) in page  # the record is theirs now
    assert "Transfers to accept" not in _text(receiving, reverse("my-work"))


def test_a_stale_post_is_told_and_writes_nothing(world: World) -> None:
    transfer = propose_to_b(world)
    manager_b = with_manager_b(world)
    client = client_for(manager_b)
    accept = reverse("transfer-accept", args=[transfer.pk])
    assert client.get(accept).status_code == 200  # the form, read before the decline
    transfer_decline(actor=manager_b, transfer=transfer, reason="Declined in another tab")
    with nothing_written(Transfer, Allocation):
        response = client.post(accept, {"to_worker": world.other_social_worker.pk})
    assert response.status_code == 200
    assert "This transfer has already been declined" in response.content.decode()


def test_posts_need_the_csrf_token(world: World) -> None:
    transfer = propose_to_b(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(with_manager_b(world))
    with nothing_written(Transfer, Allocation):
        response = client.post(
            reverse("transfer-accept", args=[transfer.pk]),
            {"to_worker": world.other_social_worker.pk},
        )
    assert response.status_code == 403


def test_the_proposer_withdraws_with_a_reason(world: World) -> None:
    transfer = propose_to_b(world)
    client = client_for(world.social_worker)
    page = _text(client, reverse("transfer", args=[transfer.pk]))
    assert reverse("transfer-withdraw", args=[transfer.pk]) in page
    assert reverse("transfer-accept", args=[transfer.pk]) not in page
    url = reverse("transfer-withdraw", args=[transfer.pk])
    assert client.post(url, {"reason": "Family moved back"}).status_code == 302
    page = _text(client, reverse("transfer", args=[transfer.pk]))
    assert "withdrawn by Test social_worker" in page and "Family moved back" in page


# Pinned: each page's queries, which must not grow with the number of transfers (each with
# its read's audit row and that row's chain head, read locked and moved on).
PINNED = {"transfer": 12, "transfers": 12, "accept": 12, "propose": 15, "allocate": 13}


def _urls(transfer: Transfer, world: World) -> dict[str, tuple[Any, str]]:
    manager_b = with_manager_b(world)
    child = world.csc_child
    return {
        "transfer": (manager_b, reverse("transfer", args=[transfer.pk])),
        "transfers": (manager_b, reverse("transfers")),
        "accept": (manager_b, reverse("transfer-accept", args=[transfer.pk])),
        "propose": (
            world.social_worker,
            reverse("transfer-propose", args=[child.pk, transfer.from_allocation_id]),
        ),
        "allocate": (world.team_manager, reverse("allocate", args=[child.pk])),
    }


@pytest.mark.parametrize("name", sorted(PINNED))
def test_query_counts_are_pinned(world: World, name: str) -> None:
    transfer = propose_to_b(world)
    worker, url = _urls(transfer, world)[name]
    client = client_for(worker)
    client.get(url)  # the session and the worker's menu, warmed
    before = _queries(client, url)
    # More transfers waiting for the same manager (other children, each from team A).
    for _ in range(3):
        other = make_person(world.system)
        allocation = allocation_create(
            actor=world.system, person=other, worker=world.teammate, start=START
        )
        transfer_propose(
            actor=world.teammate,
            allocation=allocation,
            to_team=world.csc_team_b,
            handover_note=NOTE,
        )
    assert (before, _queries(client, url)) == (PINNED[name], PINNED[name])


def test_every_transfer_page_logs_the_child_it_named(world: World) -> None:
    transfer = propose_to_b(world)
    client = client_for(with_manager_b(world))
    child = str(world.csc_child.pk)
    for name, args in (("transfer", [transfer.pk]), ("transfer-accept", [transfer.pk])):
        client.get(reverse(name, args=args))
        event = AccessEvent.objects.latest("id")
        assert event.actor == with_manager_b(world) and f",{child}," in event.people
    client.get(reverse("transfers"))
    event = AccessEvent.objects.latest("id")
    assert event.detail["people_shown"] == [world.csc_child.pk]
    # The transfers themselves, by id, as My work logs them: the child alone does not say
    # which of their transfers the list showed.
    assert event.detail["transfers_shown"] == [transfer.pk]


def test_emergency_sight_reads_a_transfer_but_never_moves_a_case(world: World) -> None:
    """The team B manager breaks the glass on team A's child: the record (and its transfer
    history) may be read, but the emergency is no ground to allocate or propose; nor does
    it let them decide a transfer not routed to their team."""
    manager_b = with_manager_b(world)
    within_a = propose_to_b(world)
    Transfer.objects.filter(pk=within_a.pk).update(to_team=world.csc_team_a)
    break_glass_request(
        actor=manager_b,
        person_id=world.csc_child.pk,
        category="missing_child",
        reason="Missing tonight; police asking for the allocated worker's contact",
    )
    client = client_for(manager_b)
    child = world.csc_child
    assert client.get(reverse("transfer", args=[within_a.pk])).status_code == 200
    for url in (
        reverse("allocate", args=[child.pk]),
        reverse("transfer-propose", args=[child.pk, holding(world).pk]),
        reverse("transfer-accept", args=[within_a.pk]),
    ):
        assert client.get(url).status_code == 404


def test_the_childs_page_asks_a_fixed_number_of_queries_whatever_the_holders(
    world: World,
) -> None:
    """Each holder shown, and what the viewer may do with each, costs no query of its own."""
    client = client_for(world.team_manager)
    url = reverse("person", args=[world.csc_child.pk])
    client.get(url)
    before = _queries(client, url)
    for worker in (world.teammate, world.yjs_worker):
        allocation_create(actor=world.system, person=world.csc_child, worker=worker, start=START)
    propose_to_b(world)
    transfer_decline(
        actor=with_manager_b(world), transfer=Transfer.objects.get(), reason="No capacity"
    )
    page = client.get(url).content.decode()
    # The manager of team A proposes from team A's two holders, not from youth justice's.
    assert page.count("Propose a transfer") == 2
    assert _queries(client, url) == before


def test_a_transfer_within_the_holders_team_is_said_to_be_to_another_worker_there(
    world: World,
) -> None:
    """The child's page said "A transfer to Contextual Safeguarding Team A is waiting" when
    the child was already held in that team: it names the worker suggested and says the
    viewer's own team is theirs."""
    transfer_propose(
        actor=world.social_worker,
        allocation=holding(world),
        to_team=world.csc_team_a,
        to_worker=world.teammate,
        handover_note=NOTE,
    )
    url = reverse("person", args=[world.csc_child.pk])
    page = _text(client_for(world.social_worker), url)
    assert f"A transfer to {world.teammate}, another worker in your team is waiting" in page
    assert "A transfer to Contextual Safeguarding Team A" not in page
