"""A home whose address is withheld shows its address to its holding team: the teams holding
a resident's case now, and the team the home was recorded in (``Context.recorded_in_team``,
the recorder's team then), not the recorder's team now. A social worker who recorded a
family's home and is then moved to the police's intelligence unit opens neither the withheld
address nor the home itself (through "recorded in the agency") to her new colleagues, who
never held the case; the team she recorded it in keeps the address."""

from __future__ import annotations

import pytest

from locus.access import places as access_places
from locus.access import scopes
from locus.places.models import Context
from locus.places.services import context_create
from tests.factories import World, client_for, make_worker, move_worker

pytestmark = pytest.mark.django_db

ADDRESS = "Flat 9, Hidden Court, London"


def _withheld_home_recorded_by_social_worker(world: World) -> Context:
    """A home the social worker (Team A) records with its address withheld."""
    home = {"address": ADDRESS, "postcode": "E5 0AR", "address_withheld": True}
    return context_create(actor=world.social_worker, kind="home", name="Family home", **home)


def test_a_withheld_address_does_not_follow_its_recorder_to_another_agency(world: World) -> None:
    home = _withheld_home_recorded_by_social_worker(world)
    analyst = world.police_analyst
    assert not access_places.sees_address(analyst, home)  # before: not theirs at all

    move_worker(world.social_worker, world.police_team)  # as the admin site does

    page = client_for(analyst).get(f"/contexts/{home.pk}/")
    assert ADDRESS not in page.content.decode()  # the withheld address, on the home's page
    assert not access_places.sees_address(analyst, home)
    assert not scopes.contexts_visible_to(analyst).filter(pk=home.pk).exists()


def test_the_team_a_home_was_recorded_in_keeps_its_withheld_address(world: World) -> None:
    home = _withheld_home_recorded_by_social_worker(world)
    colleague = make_worker(world.system, team=world.csc_team_a)

    move_worker(world.social_worker, world.police_team)

    home.refresh_from_db()
    assert access_places.sees_address(colleague, home)
    assert Context.objects.filter(access_places.address_visible_q(colleague), pk=home.pk).exists()
