"""Writing what a forum said about a child is casework: the IT administrator organises any
panel (puts people on its list, records it as held, cancels and closes it) but writes none
of its record: no agenda item, no summary of the discussion, no item's discussion, no
decision and no action (RULES.md, "HSB meetings and MACE panels";
``meetings.writes_forum_record``). Its pages offer them none of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import panel_meetings as policies
from locus.common.errors import NotPermitted, ValidationFailed
from locus.panels.models import PanelStatus
from locus.panels.services import (
    item_discussion_record,
    panel_attendee_add,
    panel_cancel,
    panel_decision_add,
)
from tests.factories import World, client_for, nothing_written
from tests.panels.helpers import PANEL_MODELS, add, held, hold, item, set_up, with_agenda

pytestmark = pytest.mark.django_db


def test_the_administrator_organises_a_panel_but_writes_nothing_of_its_record(
    world: World,
) -> None:
    meeting = held(world)
    admin = world.admin
    assert policies.is_organiser(admin, meeting)
    assert not policies.can_set_agenda(admin, meeting)
    assert not policies.can_record_discussion(admin, meeting)
    assert not policies.can_add_general_decision(admin, meeting)
    harmed = item(meeting, "harmed")
    with nothing_written(*PANEL_MODELS):
        for write in (
            lambda: add(world, meeting, "harmed", person=world.other_child, actor=admin),
            lambda: add(world, meeting, "location", context=world.shopping_centre, actor=admin),
            lambda: item_discussion_record(actor=admin, item=harmed, discussion="Seen at the park"),
            lambda: panel_decision_add(actor=admin, meeting=meeting, item=harmed, text="Refer"),
            lambda: panel_decision_add(actor=admin, meeting=meeting, text="Meet again"),
        ):
            with pytest.raises(NotPermitted):
                write()
    # Those who were there still write it.
    assert item_discussion_record(actor=world.social_worker, item=harmed, discussion="Better")


def test_the_administrator_records_a_panel_as_held_without_its_summary(world: World) -> None:
    meeting = with_agenda(world)
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed) as caught:
        hold(world, meeting, actor=world.admin, summary="We talked about Ciara")
    assert "leave this blank" in caught.value.errors["summary"][0]
    page = client_for(world.admin).get(reverse("panel-hold", args=[meeting.pk]))
    assert page.status_code == 200
    assert "What was discussed overall" not in page.content.decode()
    assert hold(world, meeting, actor=world.admin).status == PanelStatus.HELD


def test_the_administrator_keeps_the_logistics(world: World) -> None:
    meeting = set_up(world)
    listed = panel_attendee_add(actor=world.admin, meeting=meeting, worker=world.yjs_worker)
    assert listed.worker == world.yjs_worker
    assert panel_cancel(actor=world.admin, meeting=meeting, reason="Moved to next month")


def test_the_panel_s_pages_offer_the_administrator_none_of_its_record(world: World) -> None:
    meeting = held(world)
    harmed = item(meeting, "harmed")
    client = client_for(world.admin)
    page = client.get(reverse("panel", args=[meeting.pk])).content.decode()
    for link in ("Add to the agenda", "Record the discussion", "Record a decision"):
        assert link not in page
    for name, args in (
        ("panel-item", [meeting.pk]),
        ("panel-decision", [meeting.pk]),
        ("panel-item-discussion", [meeting.pk, harmed.pk]),
        ("panel-item-decision", [meeting.pk, harmed.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    # The social worker, who set it up and attended, is offered them.
    page = client_for(world.social_worker).get(reverse("panel", args=[meeting.pk]))
    assert "Record the discussion" in page.content.decode()
