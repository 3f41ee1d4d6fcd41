"""A conference chair (an independent reviewing service's staff) owns no panel action.

A chair may be on a MACE panel's list, but their unit chairs and reviews and does nothing
else in casework: the action form does not offer them as an action's owner, and the panel
refuses them as one, saying why on the owner field.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.common.services import ValidationFailed
from tests.casework.test_independent_chair import chair_in, independent_team
from tests.factories import World, client_for, nothing_written
from tests.panels.helpers import PANEL_MODELS, act, hold, item, with_agenda

pytestmark = pytest.mark.django_db


def test_a_chair_on_the_list_is_neither_offered_nor_accepted_as_an_owner(world: World) -> None:
    chair = chair_in(world, independent_team(world))
    meeting = hold(world, with_agenda(world, attendees=[world.police_analyst, chair]))
    on = item(meeting, "harmed")
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed) as error:
        act(world, on, owner=chair)
    assert "independent reviewing service" in error.value.errors["owner"][0]
    url = reverse("panel-item-action", args=[meeting.pk, on.pk])
    page = client_for(world.social_worker).get(url).content.decode()
    assert "Test social_worker" in page
    assert "Indy Chair" not in page
    assert act(world, on).owner == world.social_worker
