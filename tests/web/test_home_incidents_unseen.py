"""The home page's recent incidents say the people the worker may not see once an incident, in
one phrase after those named ("and 3 people not shared with you", ``naming.unseen_others``),
not "A person not shared with you" once a person."""

from __future__ import annotations

from locus.access import naming
from locus.incidents.models import InvolvementRole
from tests.factories import World, client_for, make_incident


def test_an_incidents_unseen_people_are_one_phrase_after_those_named(world: World) -> None:
    involved = [
        (world.csc_child, InvolvementRole.HARMED),
        (world.police_child, InvolvementRole.HARMING),
        (world.other_child, InvolvementRole.PRESENT),
        (world.yjs_child, InvolvementRole.PRESENT),
    ]
    make_incident(
        world.system, context=world.park, reporting_agency=world.csc, involvements=involved
    )
    page = client_for(world.social_worker).get("/").content.decode()
    home_incidents = page[page.index("Recent incidents you can see") :]
    assert "and 3 people not shared with you" in home_incidents
    assert naming.unseen_label() not in home_incidents  # "A person not shared with you"
    assert world.csc_child.full_name in home_incidents
    for hidden in (world.police_child, world.other_child, world.yjs_child):
        assert hidden.family_name not in page


def test_the_collapsed_phrase_is_the_naming_rules() -> None:
    assert naming.unseen_others(3, after_named=True) == "and 3 people not shared with you"
    assert naming.unseen_others(1, after_named=False) == "1 person not shared with you"
    assert naming.unseen_others(0, after_named=True) == ""
