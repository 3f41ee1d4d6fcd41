"""The permission matrix for allocation and transfer: persona x action.

Cells: ``Y`` may (the rule says so, the page answers, the service writes), ``-`` may not
(the page answers 404, as for a missing record; the service raises ``NotPermitted`` and
writes nothing; a post answers 404). The rules are in ``access/transfers.py`` and
``access/RULES.md``.

The transfer moves the social worker's child (team A) to team B, whose manager
(``manager_b``, added to the world) receives it; the social worker proposed it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from locus.access import transfers as rules
from locus.common.errors import NotPermitted
from locus.people.models import Allocation
from locus.people.services import allocation_create
from locus.transfers.models import Transfer
from locus.transfers.services import (
    transfer_accept,
    transfer_decline,
    transfer_propose,
    transfer_withdraw,
)
from tests.access.test_permission_matrix import PERSONAS
from tests.factories import START, World, client_for, make_team, nothing_written
from tests.transfers.helpers import NOTE, holding, manager_of, propose_to_b, with_manager_b

pytestmark = pytest.mark.django_db

ALL = (*PERSONAS, "manager_b")

# fmt: off
TRANSFER_TABLE = {
    #            sw   mate mgr  osw  yjs  pol  dsl  ptn  aud  adm  mgr_b
    "allocate": " -    -    Y    -    -    -    -    -    -    Y    -  ",
    "propose":  " Y    -    Y    -    -    -    -    -    -    -    -  ",
    "see":      " Y    Y    Y    -    -    -    -    -    -    Y    Y  ",
    "accept":   " -    -    -    -    -    -    -    -    -    -    Y  ",
    "decline":  " -    -    -    -    -    -    -    -    -    -    Y  ",
    "withdraw": " Y    -    Y    -    -    -    -    -    -    -    -  ",
}
# fmt: on


def _cases() -> list[Any]:
    rows = {action: row.split() for action, row in TRANSFER_TABLE.items()}
    assert {len(cells) for cells in rows.values()} == {len(ALL)}
    return [
        pytest.param(action, persona, cell == "Y", id=f"{action}-{persona}")
        for action, cells in rows.items()
        for persona, cell in zip(ALL, cells, strict=True)
    ]


@pytest.mark.parametrize(("action", "persona", "may"), _cases())
def test_transfer_matrix(world: World, action: str, persona: str, may: bool) -> None:
    with_manager_b(world)
    worker = world.extra[persona] if persona in world.extra else world.persona(persona)
    child = world.csc_child
    allocation = holding(world)
    transfer = None if action in ("allocate", "propose") else propose_to_b(world)
    write: Callable[[], Any]
    if action == "allocate":
        url = reverse("allocate", args=[child.pk])
        assert rules.can_allocate_child(worker, child) is may
        write = lambda: allocation_create(  # noqa: E731
            actor=worker, person=child, worker=world.teammate, start=START
        )
    elif action == "propose":
        url = reverse("transfer-propose", args=[child.pk, allocation.pk])
        allocation.person = child
        assert rules.can_propose_transfer(worker, allocation) is may
        write = lambda: transfer_propose(  # noqa: E731
            actor=worker, allocation=allocation, to_team=world.csc_team_b, handover_note=NOTE
        )
    elif action == "see":
        assert transfer is not None
        url = reverse("transfer", args=[transfer.pk])
        assert rules.transfers_visible_to(worker).filter(pk=transfer.pk).exists() is may
        write = lambda: rules.access_transfer(worker, transfer.pk)  # noqa: E731
    else:
        assert transfer is not None
        url = reverse(f"transfer-{action}", args=[transfer.pk])
        rule = rules.can_withdraw_transfer if action == "withdraw" else rules.can_decide_transfer
        assert rule(worker, transfer) is may
        if action == "accept":
            write = lambda: transfer_accept(  # noqa: E731
                actor=worker, transfer=transfer, to_worker=world.other_social_worker
            )
        else:
            service = transfer_withdraw if action == "withdraw" else transfer_decline
            write = lambda: service(actor=worker, transfer=transfer, reason="Matrix")  # noqa: E731

    client = client_for(worker)
    assert client.get(url).status_code == (200 if may else 404)
    if may:
        write()
        return
    refusal: Any = NotPermitted if action != "see" else Http404
    with nothing_written(Transfer, Allocation), pytest.raises(refusal):
        write()
    posted = {"to_team": world.csc_team_b.pk, "handover_note": NOTE, "reason": "x"}
    with nothing_written(Transfer, Allocation):
        assert (
            client.post(url, {**posted, "to_worker": world.other_social_worker.pk}).status_code
            == 404
        )


def test_a_manager_of_a_team_it_was_not_routed_to_neither_sees_nor_decides(world: World) -> None:
    """Team C's manager (same agency, same role as the receiving one) gets 404 for the
    transfer and its decision pages, and the services refuse them."""
    team_c = make_team(world.system, agency=world.csc, name="Team C")
    manager_c = manager_of(world, team_c, "manager_c")
    transfer = propose_to_b(world)
    client = client_for(manager_c)
    for name in ("transfer", "transfer-accept", "transfer-decline", "transfer-withdraw"):
        assert client.get(reverse(name, args=[transfer.pk])).status_code == 404
    with nothing_written(Transfer, Allocation), pytest.raises(NotPermitted):
        transfer_accept(actor=manager_c, transfer=transfer, to_worker=world.other_social_worker)


def test_the_receiving_manager_sees_the_transfer_not_the_record(world: World) -> None:
    """Routed to team B, its manager reads the child's name and the handover note on the
    transfer page (to decide), but the child's record stays closed until the case is
    theirs."""
    transfer = propose_to_b(world)
    manager_b = with_manager_b(world)
    client = client_for(manager_b)
    page = client.get(reverse("transfer", args=[transfer.pk])).content.decode()
    assert world.csc_child.full_name in page and "weekly visits" in page
    assert reverse("person", args=[world.csc_child.pk]) not in page
    assert client.get(reverse("person", args=[world.csc_child.pk])).status_code == 404
    transfer_accept(actor=manager_b, transfer=transfer, to_worker=world.other_social_worker)
    assert client.get(reverse("person", args=[world.csc_child.pk])).status_code == 200
