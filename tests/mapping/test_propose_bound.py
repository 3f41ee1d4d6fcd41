"""The proposal page names only children the evidence joins to what the proposer sees.

A query naming a thousand ids must not show who holds a thousand hidden
children: the page takes at most ``MAX_PROPOSAL_CHILDREN`` ids, offers only the
children joined to the proposer's sight (or, for a worker who reads the
borough's clusters, one cluster), drops the rest silently, and logs every child
it discloses, by name or by holder only.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from locus.access.models import Worker
from locus.audit.models import AccessEvent
from locus.mapping.selectors import MAX_PROPOSAL_CHILDREN
from locus.people.models import Person
from locus.people.services import allocation_create
from tests.factories import START, World, client_for, make_person
from tests.mapping.helpers import associate

pytestmark = pytest.mark.django_db

HOLDER_OF = "A child not shared with you, held by Test "


def propose_page(worker: Worker, ids: list[Any]) -> str:
    query = "&".join(f"person={i}" for i in ids)
    response = client_for(worker).get(reverse("meeting-propose") + "?" + query)
    assert response.status_code == 200
    return response.content.decode()


def logged() -> dict[str, Any]:
    event = AccessEvent.objects.filter(detail__via="meeting proposal").latest("id")
    return dict(event.detail)


def bogus_ids(count: int) -> list[int]:
    top = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return list(range(top + 1000, top + 1000 + count))


@pytest.mark.parametrize("persona", ["team_manager", "social_worker"])
def test_a_thousand_ids_disclose_only_the_joined_children_and_are_logged(
    world: World, persona: str
) -> None:
    asked = [
        world.csc_child.pk,
        world.yjs_child.pk,  # in csc_child's group: joined to what both personas see
        world.other_child.pk,
        world.pupil.pk,
        *bogus_ids(996),
    ]
    assert len(asked) == 1000
    html = propose_page(world.persona(persona), asked)
    assert "Ciara Cscchild" in html
    assert f"{HOLDER_OF}yjs_worker" in html
    assert f"{HOLDER_OF}other_social_worker" not in html and "Priya" not in html
    assert html.count(HOLDER_OF) == 2  # the child's choice, and who will be invited
    detail = logged()
    assert detail["shown"] == [str(world.csc_child.pk), str(world.yjs_child.pk)]
    assert detail["holder_only"] == [str(world.yjs_child.pk)]
    assert detail["count"] == 2


def test_ids_beyond_the_cap_are_not_taken(world: World) -> None:
    asked = [world.csc_child.pk, *bogus_ids(MAX_PROPOSAL_CHILDREN), world.yjs_child.pk]
    html = propose_page(world.team_manager, asked)
    assert "Ciara Cscchild" in html and HOLDER_OF not in html
    assert logged()["count"] == 1


def hidden(world: World, holder: Worker) -> Person:
    child = make_person(world.system)
    allocation_create(actor=world.system, person=child, worker=holder, start=START)
    return child


def test_a_cluster_reader_brings_one_cluster_not_every_linked_child(world: World) -> None:
    a1, a2 = hidden(world, world.other_social_worker), hidden(world, world.yjs_worker)
    associate(world, a1, a2)
    b1, b2, b3 = (hidden(world, world.other_social_worker) for _ in range(3))
    associate(world, b1, b2)
    associate(world, b2, b3)
    html = propose_page(world.team_manager, [a1.pk, a2.pk, b1.pk, b2.pk, b3.pk])
    assert html.count(HOLDER_OF) == 6  # three children, each in the choice and the invitations
    assert set(logged()["holder_only"]) == {str(b1.pk), str(b2.pk), str(b3.pk)}
    # A practitioner, who does not read the borough's clusters, brings neither.
    html = propose_page(world.social_worker, [a1.pk, a2.pk, b1.pk, b2.pk, b3.pk])
    assert HOLDER_OF not in html and logged()["count"] == 0
