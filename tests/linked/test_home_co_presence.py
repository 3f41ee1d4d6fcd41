"""Linked cases and what a home or a peer group gives away (RULES.md, counts and linked cases):
being at the same home or in the same group as a child the viewer may not see, in an incident
the viewer may not read, links nobody. A home's page counts only the incidents its viewer sees;
a link "at" the home would tell of the other one, and of the child in it."""

from __future__ import annotations

import pytest

from locus.linked import selectors
from tests.factories import World
from tests.linked.test_linked_pages import HARMED, PRESENT, incident, page

pytestmark = pytest.mark.django_db

HELD_BY = "YJS Casework, Youth Justice Service: 1 linked case"


@pytest.mark.parametrize("where", ["home", "group"])
def test_a_hidden_child_at_the_same_home_or_group_is_no_linked_case(
    world: World, where: str
) -> None:
    place = getattr(world, where)
    incident(world, place, [(world.csc_child, HARMED)], 40)
    # Police record Yusuf at the same place ten days on: the social worker may read neither
    # him nor that incident.
    incident(world, place, [(world.police_child, HARMED), (world.yjs_child, PRESENT)], 30)
    html = page(world.social_worker).content.decode()
    assert HELD_BY not in html
    listed = page(world.social_worker, show="weak").content.decode()
    assert place.name not in listed
    result = selectors.links_for(
        world.social_worker, child=world.csc_child, holder=None, window_days=30
    )
    assert result.links == []


def test_being_at_the_same_public_place_still_links(world: World) -> None:
    incident(world, world.park, [(world.csc_child, HARMED)], 40)
    incident(world, world.park, [(world.yjs_child, HARMED)], 30)
    assert HELD_BY in page(world.social_worker).content.decode()


def test_children_in_the_same_incident_at_a_home_are_still_linked(world: World) -> None:
    incident(world, world.home, [(world.csc_child, HARMED), (world.yjs_child, PRESENT)], 30)
    html = page(world.social_worker).content.decode()
    assert "Both involved in 1 incident at Flat 3, Example House in" in html
