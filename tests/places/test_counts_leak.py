"""What a place's counts and lists give away (RULES.md, counts): a person taken out of an
incident is no longer "involved" there, on the place's page or in its count of people not
shared with the viewer."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from locus.access.models import Worker
from locus.incidents.models import Involvement, InvolvementRole
from locus.incidents.services import involvement_remove
from locus.places.models import Context
from locus.places.selectors import context_detail
from locus.places.selectors_map import MapFilters, borough_map
from locus.places.services import context_update
from tests.exports.conftest import download
from tests.factories import World, client_for, make_incident
from tests.places.test_places_pages import _sees_home_not_address, _withheld_home

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


# --- The contexts list and its download: searched and counted as the viewer may see ----------


def _home_and_outsider(world: World) -> tuple[Context, Worker]:
    """The home withheld from all but its holding team, a CSC incident there, and a police
    officer who sees the home through a police incident there, not where it is."""
    home = _withheld_home(world)
    make_incident(
        world.system,
        context=home,
        reporting_agency=world.csc,
        involvements=[(world.csc_child, InvolvementRole.HARMED)],
    )
    return home, _sees_home_not_address(world)


def _listed(worker: Worker, **query: str) -> tuple[str, list[list[str]]]:
    client = client_for(worker)
    page = client.get(reverse("contexts"), query).content.decode()
    return page, download(client, "contexts", **query)[1:]


@pytest.mark.parametrize("q", ["E5 0AR", "Example House", "E5"])
def test_a_withheld_home_is_found_by_its_address_by_its_holding_team_only(
    world: World, q: str
) -> None:
    home, outsider = _home_and_outsider(world)
    page, rows = _listed(outsider, q=q)
    assert "Family home" not in page
    assert [r for r in rows if r[0] == str(home.pk)] == []
    page, rows = _listed(world.teammate, q=q)
    assert "Family home" in page
    assert [r[0] for r in rows] == [str(home.pk)]


def test_a_homes_incidents_are_counted_only_where_the_viewer_may_read_them(world: World) -> None:
    home, outsider = _home_and_outsider(world)
    for worker, seen in ((outsider, 1), (world.social_worker, 1), (world.admin, 2)):
        page, rows = _listed(worker, kind="home")
        [row] = [r for r in rows if r[0] == str(home.pk)]
        assert row[-1] == str(seen), worker
        assert re.search(rf"Family home of C\.C\..*?numeric\">{seen}</td>", page, re.S), worker


def test_the_borough_map_counts_no_one_taken_out_of_an_incident_by_role(world: World) -> None:
    context_update(actor=world.admin, context=world.park, postcode="E8 1EJ")
    _removed_from_park(world, harmed=world.csc_child, removed=world.team_child)
    present = MapFilters(window="all", role=InvolvementRole.PRESENT)
    harmed = MapFilters(window="all", role=InvolvementRole.HARMED)
    for worker in (world.social_worker, world.police_analyst):
        assert borough_map(viewer=worker, filters=present).on_map == 0, worker
        assert borough_map(viewer=worker, filters=harmed).on_map == 3, worker
