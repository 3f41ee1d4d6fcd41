"""The conference minutes' name check is no oracle.

Minutes must not name a child the conference is not about, so the recorder is
warned of a linked child's name. The check matches only the children the
recorder sees in their own right, through links they may know of: a warning
about anyone else ("1 other child") would tell whoever typed a name whether a
child of that name is linked to the context, even through police intelligence
or a home, and it could be asked again and again since nothing is written.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import scopes
from locus.casework import selectors
from locus.casework.models import ContextCase
from locus.common.errors import ValidationFailed
from locus.incidents.models import InvolvementRole
from locus.people.models import Person
from tests.casework.helpers import (
    CASEWORK_MODELS,
    assessed_case,
    conference_of,
    hold,
    refer,
    refer_child,
    schedule,
    screen,
)
from tests.factories import World, client_for, make_incident, make_person, nothing_written
from tests.mapping.helpers import hold as hold_meeting
from tests.mapping.helpers import propose
from tests.mapping.helpers import schedule as schedule_meeting

pytestmark = pytest.mark.django_db


def secret_child(world: World, case: ContextCase) -> Person:
    """A child linked to the case's context only through restricted police intelligence."""
    child = make_person(world.system, given_name="Xavier", family_name="Secretson")
    incident = make_incident(
        world.system,
        context=case.context,
        reporting_agency=world.police,
        involvements=[(child, InvolvementRole.HARMED)],
        restricted=True,
    )
    assert not scopes.people_visible_to(world.social_worker).filter(pk=child.pk).exists()
    assert not scopes.incidents_visible_to(world.social_worker).filter(pk=incident.pk).exists()
    return child


def test_a_name_linked_only_through_restricted_intelligence_saves_like_a_made_up_one(
    world: World,
) -> None:
    case = assessed_case(world)
    secret_child(world, case)
    conference = schedule(world, conference_of(case))
    held = hold(world, conference, minutes="We discussed Xavier Secretson at length.")
    assert not held.names_confirmed


def test_a_made_up_name_still_saves(world: World) -> None:
    conference = schedule(world, conference_of(assessed_case(world)))
    assert hold(world, conference, minutes="We discussed Nobody Atall at length.").pk


def test_the_recorder_s_own_linked_child_is_still_caught_and_nobody_else_counted(
    world: World,
) -> None:
    refer_child(world, world.shopping_centre)  # Ciara, the social worker's, is linked
    case = assessed_case(world)
    secret_child(world, case)
    conference = schedule(world, conference_of(case))
    minutes = "Ciara Cscchild and Xavier Secretson were seen in the car park."
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        hold(world, conference, minutes=minutes)
    message = error.value.errors["minutes"][0]
    assert message.startswith("The minutes name a child linked to this context (Ciara Cscchild)")
    assert "other" not in message and "Xavier" not in message
    assert hold(world, conference, minutes=minutes, names_confirmed=True).names_confirmed


def test_restricted_involvements_are_links_only_for_a_viewer_who_sees_the_incident(
    world: World,
) -> None:
    case = assessed_case(world)
    child = secret_child(world, case)
    assert child.pk not in selectors.linked_child_ids(case, world.social_worker)
    assert child.pk in selectors.linked_child_ids(case, world.police_analyst)
    assert child.pk in selectors.linked_child_ids(case)  # the unfiltered list, for no viewer


def test_living_at_a_home_is_a_link_only_for_a_role_that_sees_home_addresses(
    world: World,
) -> None:
    case = screen(world, refer(world, actor=world.social_worker, context=world.home)).case
    assert world.csc_child.pk in selectors.linked_child_ids(case, world.social_worker)
    # A school's staff are not told a pupil's home address.
    assert world.csc_child.pk not in selectors.linked_child_ids(case, world.school_dsl)


def test_a_child_seen_only_through_a_forum_share_is_not_matched(world: World) -> None:
    # Yusuf (yjs_worker's) is a member of the group; the mapping meeting about the group
    # shared him with the social worker, who does not see him in her own right.
    hold_meeting(world, schedule_meeting(world, propose(world)))
    sw = world.social_worker
    assert scopes.people_visible_to(sw).filter(pk=world.yjs_child.pk).exists()
    assert not scopes.people_visible_to(sw, shared=False).filter(pk=world.yjs_child.pk).exists()
    case = screen(world, refer(world, actor=sw, context=world.group)).case
    assert selectors.children_named(sw, case, ["Yusuf Yjschild was there"]) == []
    named = selectors.children_named(sw, case, ["Ciara Cscchild was there"])
    assert [c.label for c in named] == ["Ciara Cscchild"]


def test_the_conference_page_counts_no_child_its_reader_may_not_see(world: World) -> None:
    refer_child(world, world.shopping_centre)
    case = assessed_case(world)
    conference = schedule(world, conference_of(case))
    hold(world, conference, minutes="Ciara Cscchild was there.", names_confirmed=True)
    url = reverse("context-conference", args=[case.pk])
    # The chair (another team) does not see Ciara: no warning, not even "1 other child".
    chair = client_for(world.other_social_worker).get(url).content.decode()
    assert "The minutes name" not in chair and "other child" not in chair
    mine = client_for(world.social_worker).get(url).content.decode()
    assert "The minutes name a child linked to this context (Ciara Cscchild)" in mine
