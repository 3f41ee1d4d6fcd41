"""A conference chair (an independent reviewing service's staff) owns no intervention.

A chair may sit on a peer-group mapping meeting, but their unit chairs and reviews and does
nothing else in casework: the intervention form does not offer them as its owner, and the
meeting refuses them as one, saying why on the owner field.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.common.services import ValidationFailed
from locus.mapping.models import Intervention
from locus.mapping.services import meeting_invite
from tests.casework.test_independent_chair import chair_in, independent_team
from tests.factories import World, client_for, nothing_written
from tests.mapping.helpers import add_intervention, hold, propose, schedule

pytestmark = pytest.mark.django_db


def test_a_chair_who_attended_is_neither_offered_nor_accepted_as_an_owner(world: World) -> None:
    chair = chair_in(world, independent_team(world))
    meeting = schedule(world, propose(world))
    meeting_invite(actor=world.social_worker, meeting=meeting, worker=chair)
    meeting = hold(world, meeting)
    with nothing_written(Intervention), pytest.raises(ValidationFailed) as error:
        add_intervention(world, meeting, owner=chair)
    assert "independent reviewing service" in error.value.errors["owner"][0]
    page = client_for(world.social_worker).get(reverse("intervention-add", args=[meeting.pk]))
    assert "Test yjs_worker" in page.content.decode()
    assert "Indy Chair" not in page.content.decode()
    # The others who attended still own interventions.
    assert add_intervention(world, meeting).owner == world.yjs_worker
