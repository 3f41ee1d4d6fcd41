"""An independent reviewing service (conference chairs and their manager) chairs and reviews,
and does nothing else in casework (RULES.md): what its staff may no longer write, and what
they still read and chair.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import places as place_rules
from locus.access.models import Role, Scope, Worker
from locus.access.services import team_create
from locus.common.errors import NotPermitted
from locus.places.models import Context, ContextKind
from locus.places.services import context_create, context_update
from tests.factories import World, client_for, make_worker, nothing_written

pytestmark = pytest.mark.django_db

ROLES = [Role.PRACTITIONER, Role.MANAGER]


def chair_of(world: World, role: str) -> Worker:
    """A conference chair (a practitioner) or the chairs' manager, at team scope."""
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    return make_worker(world.system, team=unit, role=role, scope=Scope.TEAM)


@pytest.mark.parametrize("role", ROLES)
def test_a_chair_edits_no_public_place_though_they_read_it(world: World, role: str) -> None:
    chair = chair_of(world, role)
    page = client_for(chair).get(reverse("context", args=[world.park.pk]))
    assert page.status_code == 200
    assert "Edit the details" not in page.content.decode()
    for place in (world.park, world.school, world.shopping_centre):
        assert not place_rules.can_edit_place(chair, place)
        with nothing_written(Context), pytest.raises(NotPermitted):
            context_update(actor=chair, context=place, description="Closed for good")
    posted = client_for(chair).post(
        reverse("place-edit", args=[world.park.pk]), {"name": "Somewhere else"}
    )
    assert posted.status_code in (403, 404)
    world.park.refresh_from_db()
    assert world.park.name == "Millfields Park"


@pytest.mark.parametrize("role", ROLES)
def test_a_chair_adds_no_place(world: World, role: str) -> None:
    chair = chair_of(world, role)
    assert not place_rules.can_add_place(chair)
    assert "Add a place" not in client_for(chair).get(reverse("contexts")).content.decode()
    assert client_for(chair).get(reverse("place-add")).status_code in (403, 404)
    with nothing_written(Context), pytest.raises(NotPermitted):
        context_create(actor=chair, kind=ContextKind.OPEN_SPACE, name="Hackney Downs")


def test_other_childrens_social_care_staff_still_edit_and_add_places(world: World) -> None:
    for worker in (world.social_worker, world.team_manager, world.other_social_worker):
        assert place_rules.can_edit_place(worker, world.park)
        assert place_rules.can_add_place(worker)
    context_update(actor=world.other_social_worker, context=world.park, description="Gates")
    world.park.refresh_from_db()
    assert world.park.description == "Gates"
