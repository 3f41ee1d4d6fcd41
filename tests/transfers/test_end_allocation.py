"""Ending an allocation from the child's page: a manager of its team, with a reason; the
row stays in the history with why it ended."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.audit.models import ChangeAction, ChangeEvent
from locus.people.models import Allocation
from locus.people.services import allocation_create
from locus.transfers.services import transfer_accept
from tests.factories import World, client_for, nothing_written
from tests.transfers.helpers import holding, propose_to_b, with_manager_b

pytestmark = pytest.mark.django_db


def _url(world: World, allocation: Allocation) -> str:
    return reverse("allocation-end", args=[world.csc_child.pk, allocation.pk])


def test_a_manager_ends_an_allocation_with_a_reason_kept_in_the_history(world: World) -> None:
    second = allocation_create(
        actor=world.system,
        person=world.csc_child,
        worker=world.teammate,
        start=holding(world).start,
    )
    client = client_for(world.team_manager)
    child_page = client.get(reverse("person", args=[world.csc_child.pk])).content.decode()
    assert _url(world, second) in child_page
    url = _url(world, second)
    page = client.get(url).content.decode()
    assert "End the allocation to" in page
    assert "no worker holds it" not in page  # the social worker still holds the child
    with nothing_written(Allocation):
        refused = client.post(url, {"end": "", "reason": " "}).content.decode()
    assert "Say why the allocation ends, for the record" in refused
    assert "Enter the date the allocation ends" in refused
    response = client.post(
        url, {"end": holding(world).start.strftime("%d/%m/%Y"), "reason": "Co-working ended"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.end is not None and second.end_reason == "Co-working ended"
    event = ChangeEvent.objects.filter(record_type="people.allocation", record_id=str(second.pk))
    assert event.latest("id").action == ChangeAction.END
    assert Allocation.objects.current().filter(person=world.csc_child, worker=world.social_worker)


def test_ending_the_last_allocation_says_nobody_will_hold_the_case(world: World) -> None:
    page = client_for(world.team_manager).get(_url(world, holding(world))).content.decode()
    assert "no worker holds it" in page


@pytest.mark.parametrize(
    "name", ["social_worker", "teammate", "other_social_worker", "yjs_worker", "auditor"]
)
def test_only_a_manager_of_its_team_may_end_an_allocation(world: World, name: str) -> None:
    client = client_for(world.persona(name))
    url = _url(world, holding(world))
    assert client.get(url).status_code == 404
    with nothing_written(Allocation):
        assert client.post(url, {"end": "01/10/2025", "reason": "Closing"}).status_code == 404
    child_page = client.get(reverse("person", args=[world.csc_child.pk]))
    assert url not in child_page.content.decode()


def test_a_manager_of_another_team_may_not_end_it(world: World) -> None:
    manager_b = with_manager_b(world)
    assert client_for(manager_b).get(_url(world, holding(world))).status_code == 404


def test_an_accepted_transfer_records_why_the_old_allocation_ended(world: World) -> None:
    old = holding(world)
    transfer = propose_to_b(world)
    transfer_accept(
        actor=world.extra["manager_b"], transfer=transfer, to_worker=world.other_social_worker
    )
    old.refresh_from_db()
    assert old.end_reason.startswith("Transferred to")
    assert f"(transfer {transfer.pk})" in old.end_reason
