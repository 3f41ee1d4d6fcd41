"""A peer group mapping meeting's page lists its invitations, its decisions, the
interventions agreed and their history, and names its group: its read's trail entry names
each by id, beside the children and the map it already named. Before, it named neither."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.mapping.models import Decision
from locus.mapping.services import intervention_update
from tests.factories import World, client_for
from tests.mapping.helpers import add_intervention, held_meeting

pytestmark = pytest.mark.django_db


def test_the_meeting_page_names_its_invitations_decisions_and_interventions(
    world: World,
) -> None:
    meeting = held_meeting(world)
    intervention = add_intervention(world, meeting, description="Mentor for Ciara")
    intervention_update(
        actor=world.yjs_worker, intervention=intervention, status="in_progress", note="Started"
    )
    update = intervention.updates.latest("id")  # the service returns the intervention
    page = client_for(world.social_worker).get(reverse("meeting", args=[meeting.pk]))
    html = page.content.decode()
    assert "Mentor for Ciara" in html and "Youth service to run sessions" in html
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert (read.record_type, read.record_id) == ("cocase.meeting", str(meeting.pk))
    invited = sorted(meeting.invitees.values_list("pk", flat=True))
    assert sorted(read.detail["invitees_shown"]) == invited and invited
    decisions = list(Decision.objects.filter(meeting=meeting).values_list("pk", flat=True))
    assert read.detail["decisions_shown"] == decisions and decisions
    assert read.detail["interventions_shown"] == [intervention.pk]
    # Its history: the update recorded, and the one its agreement started it with.
    history = sorted(intervention.updates.values_list("pk", flat=True))
    assert sorted(read.detail["updates_shown"]) == history and update.pk in history
    assert read.detail["places_shown"] == [world.group.pk]
