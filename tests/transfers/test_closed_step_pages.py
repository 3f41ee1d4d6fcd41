"""A closed transfer's step pages (accept, decline, withdraw) answer as its page does.

A receiving-team manager relies on a declined or withdrawn transfer closing to the
receiving team (access/RULES.md, "Who sees a transfer"): a manager who joins team B after
it closed gets 404 on the transfer page and the lists (and no notification leads there),
and must get the same from its step pages, not "This transfer has already been declined",
which tells them the transfer exists and how it ended. Whoever had it before them while it
waited (the second tab of tests/transfers/test_visibility.py) is still told it is closed.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import policies
from locus.audit.models import AccessEvent
from locus.transfers.services import transfer_decline, transfer_withdraw
from tests.factories import World, client_for
from tests.transfers.helpers import manager_of, propose_to_b, with_manager_b

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("step", ["transfer-accept", "transfer-decline"])
def test_a_manager_who_joined_later_is_not_told_a_declined_transfer_exists(
    world: World, step: str
) -> None:
    transfer = propose_to_b(world)
    transfer_decline(actor=with_manager_b(world), transfer=transfer, reason="No capacity")
    newcomer = manager_of(world, world.csc_team_b, "manager_b2")  # joined after it closed
    assert not policies.can_view_person(newcomer, world.csc_child)
    client = client_for(newcomer)
    assert client.get(reverse("transfer", args=[transfer.pk])).status_code == 404
    response = client.get(reverse(step, args=[transfer.pk]))
    assert response.status_code == 404, response.content.decode()[:2000]


def test_a_manager_who_joined_later_is_not_told_a_withdrawn_transfer_exists(
    world: World,
) -> None:
    transfer = propose_to_b(world)
    transfer_withdraw(actor=world.social_worker, transfer=transfer, reason="Moved back")
    newcomer = manager_of(world, world.csc_team_b, "manager_b2")
    response = client_for(newcomer).get(reverse("transfer-accept", args=[transfer.pk]))
    assert response.status_code == 404


def test_the_closed_step_page_is_a_logged_read_of_the_transfer(world: World) -> None:
    """The manager who declined, back at the accept form, reads that transfer N was declined:
    the trail records that read of the transfer, as it records its page."""
    transfer = propose_to_b(world)
    manager_b = with_manager_b(world)
    transfer_decline(actor=manager_b, transfer=transfer, reason="No capacity")
    before = AccessEvent.objects.count()
    response = client_for(manager_b).get(reverse("transfer-accept", args=[transfer.pk]))
    assert "This transfer has already been declined" in response.content.decode()
    reads = AccessEvent.objects.order_by("id")[before:]
    assert [(e.record_type, e.record_id) for e in reads] == [
        ("transfers.transfer", str(transfer.pk))
    ]
