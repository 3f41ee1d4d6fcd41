"""An intervention for a meeting's peer group stays with the group for good and names it to
whoever reads it, so whoever agrees one sees the group in their own right, lastingly
(RULES.md, forum share): an attendee who sees none of its members agrees none, and the form
does not offer the group to them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import meetings as meeting_rules
from locus.common.errors import ValidationFailed
from tests.factories import World, client_for, nothing_written
from tests.mapping.helpers import (
    MEETING_MODELS,
    add_intervention,
    hold,
    propose,
    schedule,
)

pytestmark = pytest.mark.django_db


def test_an_attendee_who_does_not_see_the_group_agrees_no_work_for_it(world: World) -> None:
    """The police analyst attended (and confirmed it) but sees none of the group's members
    in their own right: the group is not theirs to name in an intervention."""
    analyst = world.police_analyst
    meeting = hold(world, schedule(world, propose(world, invitees=[analyst])))
    assert meeting_rules.can_add_intervention(analyst, meeting)
    assert not meeting_rules.can_name_group_in_intervention(analyst, world.group)
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        add_intervention(world, meeting, actor=analyst, person=None, group=world.group)
    assert "do not see the group" in caught.value.errors["concerns"][0]
    page = client_for(analyst).get(reverse("intervention-add", args=[meeting.pk]))
    assert page.status_code == 200
    assert "The whole group" not in page.content.decode()


def test_a_worker_who_sees_the_group_agrees_its_work(world: World) -> None:
    """The social worker holds a member of the group: the form offers it and the work is
    agreed."""
    meeting = hold(world, schedule(world, propose(world)))
    assert meeting_rules.can_name_group_in_intervention(world.social_worker, world.group)
    page = client_for(world.social_worker).get(reverse("intervention-add", args=[meeting.pk]))
    assert f"The whole group: {world.group.name}" in page.content.decode()
    item = add_intervention(world, meeting, person=None, group=world.group)
    assert item.group == world.group
