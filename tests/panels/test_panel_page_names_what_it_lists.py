"""A panel's page lists its attendees, its agenda's items, the decisions on the meeting and
on each item, the actions agreed and the places the items are about: its read's trail entry
names each by id, beside the children it already named. Before, it named none of these."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.panels.services import panel_decision_add
from tests.factories import World, client_for
from tests.panels.helpers import act, held, item

pytestmark = pytest.mark.django_db


def test_the_panel_page_names_its_attendees_items_decisions_and_actions(world: World) -> None:
    meeting = held(world)
    harmed = item(meeting, "harmed")
    action = act(world, harmed)
    on_item = panel_decision_add(
        actor=world.social_worker, meeting=meeting, item=harmed, text="Refer to the YOT"
    )
    general = panel_decision_add(actor=world.social_worker, meeting=meeting, text="Meet monthly")
    page = client_for(world.social_worker).get(reverse("panel", args=[meeting.pk]))
    assert "Refer to the YOT" in page.content.decode()
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert (read.record_type, read.record_id) == ("panels.panelmeeting", str(meeting.pk))
    attendees = sorted(meeting.attendees.values_list("pk", flat=True))
    assert sorted(read.detail["attendees_shown"]) == attendees and attendees
    items = sorted(meeting.items.values_list("pk", flat=True))
    assert sorted(read.detail["agenda_items_shown"]) == items and len(items) == 4
    assert sorted(read.detail["decisions_shown"]) == sorted([on_item.pk, general.pk])
    assert read.detail["actions_shown"] == [action.pk]
    assert read.detail["places_shown"] == [world.park.pk]
