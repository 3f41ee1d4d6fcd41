"""An intervention is a lasting write about a child (it stays on the child's record after the
meeting closes), so whoever agrees one names only a child they see in their own right: never
one the meeting shared with them, nor one they opened in an emergency (RULES.md, forum share).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import meetings as meeting_rules
from locus.common.errors import ValidationFailed
from tests.factories import World, client_for, nothing_written
from tests.mapping.helpers import MEETING_MODELS, add_intervention, held_meeting

pytestmark = pytest.mark.django_db


def test_an_organiser_agrees_work_only_for_a_child_they_see_in_their_own_right(
    world: World,
) -> None:
    """The proposer's team manager organises the meeting; the youth justice child is not
    their team's, so they agree no intervention for her, though they may for their team's."""
    meeting = held_meeting(world)
    organiser = world.team_manager
    assert meeting_rules.is_organiser(organiser, meeting)
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        add_intervention(world, meeting, actor=organiser, person=world.yjs_child)
    assert "own right" in caught.value.errors["concerns"][0]
    assert not meeting_rules.can_name_in_intervention(organiser, world.yjs_child)
    assert add_intervention(world, meeting, actor=organiser).person == world.csc_child
    page = client_for(organiser).get(reverse("intervention-add", args=[meeting.pk]))
    assert world.yjs_child.given_name not in page.content.decode()
    assert "held by" not in page.content.decode()


def test_an_attendee_agrees_no_work_for_a_child_only_the_meeting_shared(world: World) -> None:
    """The proposer attended and sees the youth justice child through the meeting's share:
    her own worker, who brought her and attended, agrees her work (owned by anyone there)."""
    meeting = held_meeting(world)
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed):
        add_intervention(world, meeting, actor=world.social_worker, person=world.yjs_child)
    item = add_intervention(
        world, meeting, actor=world.yjs_worker, person=world.yjs_child, owner=world.social_worker
    )
    assert item.owner == world.social_worker
