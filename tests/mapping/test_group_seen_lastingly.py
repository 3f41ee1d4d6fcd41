"""A meeting keeps the peer group it maps for good (its map is stored with the minutes): a
proposer names only a group they see lastingly, never one seen only through emergency access
to a member, which would outlast the four hours."""

from __future__ import annotations

import pytest

from locus.access import policies
from locus.access.services import break_glass_request
from locus.common.errors import NotPermitted
from locus.mapping import selectors
from locus.mapping.models import Meeting
from tests.factories import World, nothing_written
from tests.mapping.helpers import propose

pytestmark = pytest.mark.django_db


def _emergency_sight_of_the_group(world: World) -> None:
    """Olu's social worker (Team B) opens Ciara, a member of the Millfields group, in an
    emergency: she sees the group through her for four hours."""
    break_glass_request(
        actor=world.other_social_worker,
        person_id=world.csc_child.pk,
        category="missing_child",
        reason="Missing overnight; checking who she was last seen with",
    )
    assert policies.can_view_context(world.other_social_worker, world.group)


def test_a_group_seen_only_in_an_emergency_is_not_named_in_a_meeting(world: World) -> None:
    _emergency_sight_of_the_group(world)
    worker = world.other_social_worker
    with nothing_written(Meeting), pytest.raises(NotPermitted):
        propose(world, actor=worker, children=[world.other_child], group=world.group)
    # Nor offered on the proposal's form, through the child opened in the emergency.
    offered = selectors.groups_for_proposal(
        worker, [world.other_child.pk, world.csc_child.pk], extra=world.group
    )
    assert world.group not in offered


def test_a_group_seen_lastingly_is_named(world: World) -> None:
    offered = selectors.groups_for_proposal(world.social_worker, [world.csc_child.pk])
    assert offered == [world.group]
    meeting = propose(world, agreed=False)
    assert meeting.group == world.group
