"""What a place's counts and lists give away (RULES.md, counts): a person taken out of an
incident is no longer "involved" there, on the place's page or in its count of people not
shared with the viewer."""

from __future__ import annotations

import pytest

from locus.incidents.models import Involvement, InvolvementRole
from locus.incidents.services import involvement_remove
from locus.places.selectors import context_detail
from tests.factories import World, client_for, make_incident

pytestmark = pytest.mark.django_db


def _removed_from_park(world: World, *, harmed: object, removed: object) -> None:
    incident = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[(harmed, InvolvementRole.HARMED), (removed, InvolvementRole.PRESENT)],
    )
    involvement = Involvement.objects.get(incident=incident, person=removed)
    involvement_remove(actor=world.system, involvement=involvement, reason="Named in error")


def test_a_child_taken_out_of_an_incident_is_not_listed_at_its_place(world: World) -> None:
    _removed_from_park(world, harmed=world.csc_child, removed=world.team_child)
    detail = context_detail(viewer=world.social_worker, context=world.park)
    assert world.csc_child in detail.people
    assert world.team_child not in detail.people
    page = client_for(world.social_worker).get(f"/contexts/{world.park.pk}/").content.decode()
    assert "Teamchild" not in page


def test_a_hidden_child_taken_out_of_an_incident_is_not_counted_at_its_place(
    world: World,
) -> None:
    before = context_detail(viewer=world.social_worker, context=world.park).people_hidden
    _removed_from_park(world, harmed=world.csc_child, removed=world.yjs_child)
    after = context_detail(viewer=world.social_worker, context=world.park)
    assert after.people_hidden == before
