"""Who reads a panel's summary of the discussion and its decisions on the meeting as a whole.

Both are free text that may name any child on the agenda, where each agenda item's own words
go only to a viewer who sees its child. So they are read as a mapping meeting's minutes are:
by the organisers, whoever recorded the meeting as held and the workers recorded as
attending. A worker on the list recorded as absent, and a manager of an attendee's team, may
open the meeting and read only that a discussion was recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from locus.access import panel_meetings as policies
from locus.access.models import Role, Scope, Worker
from locus.common.errors import NotPermitted
from locus.panels.models import PanelDecision, PanelMeeting
from locus.panels.services import item_discussion_record, panel_decision_add
from tests.factories import World, client_for, make_worker
from tests.panels.helpers import hold, item, set_up, with_agenda

pytestmark = pytest.mark.django_db

SUMMARY = "Ciara was seen with the older boys at Millfields park on Fridays"
DECISION = "Youth service to run Friday sessions at the park"
WITHHELD = "The summary of the discussion and the decisions on the meeting as a whole go to"


def _held(world: World) -> PanelMeeting:
    """The usual agenda, with a social worker of Team B on the list too; held with everyone
    attending but the police analyst, recorded absent; one decision on the whole meeting."""
    panel = with_agenda(world, attendees=[world.police_analyst, world.other_social_worker])
    there = panel.attendees.exclude(worker=world.police_analyst).values_list("id", flat=True)
    panel = hold(world, panel, attended=list(there), summary=SUMMARY)
    panel_decision_add(actor=world.social_worker, meeting=panel, text=DECISION)
    return PanelMeeting.objects.get(pk=panel.pk)


def _page(worker: Worker, panel: PanelMeeting) -> str:
    response = client_for(worker).get(reverse("panel", args=[panel.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _reads(html: str) -> bool:
    shown = escape(SUMMARY) in html, escape(DECISION) in html
    assert shown[0] == shown[1]
    assert (WITHHELD in html) != shown[0]
    return shown[0]


def test_a_manager_of_an_attendees_team_opens_the_panel_but_reads_no_discussion(
    world: World,
) -> None:
    panel = _held(world)
    team_b_manager = make_worker(
        world.system, team=world.csc_team_b, role=Role.MANAGER, scope=Scope.AGENCY
    )
    assert not _reads(_page(team_b_manager, panel))
    assert not policies.can_read_discussion(team_b_manager, panel)


def test_an_attendee_recorded_absent_reads_no_discussion_nor_adds_to_it(world: World) -> None:
    panel = _held(world)
    assert not _reads(_page(world.police_analyst, panel))
    with pytest.raises(NotPermitted):
        panel_decision_add(actor=world.police_analyst, meeting=panel, text="Another one")
    # Nor is the page that adds one offered.
    url = reverse("panel-decision", args=[panel.pk])
    assert client_for(world.police_analyst).get(url).status_code == 404
    assert client_for(world.other_social_worker).get(url).status_code == 200
    assert PanelDecision.objects.filter(meeting=panel).count() == 1


def test_an_attendee_recorded_absent_writes_nothing_about_an_item_they_see(
    world: World,
) -> None:
    """The record is written by those who were there: the police analyst, recorded absent,
    sees the child harming (her own) and still neither writes the item's discussion nor
    records a decision on it, and the pages that would are not offered to her."""
    panel = _held(world)
    harming = item(panel, "harming")
    assert policies.can_write_item(world.police_analyst, harming)
    assert not policies.can_record_discussion(world.police_analyst, panel)
    with pytest.raises(NotPermitted):
        item_discussion_record(actor=world.police_analyst, item=harming, discussion="Not there")
    with pytest.raises(NotPermitted):
        panel_decision_add(actor=world.police_analyst, meeting=panel, item=harming, text="No")
    client = client_for(world.police_analyst)
    for step in ("discussion", "decision"):
        page = reverse(f"panel-item-{step}", args=[panel.pk, harming.pk])
        assert client.get(page).status_code == 404, step
    harming.refresh_from_db()
    assert "Not there" not in harming.discussion
    assert PanelDecision.objects.filter(meeting=panel).count() == 1


def test_the_organisers_and_those_who_attended_read_it(world: World) -> None:
    panel = _held(world)
    for reader in (world.social_worker, world.team_manager, world.other_social_worker, world.admin):
        assert _reads(_page(reader, panel)), reader
    # One who attended adds a decision on the whole meeting, as before.
    panel_decision_add(actor=world.other_social_worker, meeting=panel, text="Review in May")


def test_nothing_is_withheld_before_the_meeting_is_held(world: World) -> None:
    panel = set_up(world)
    assert WITHHELD not in _page(world.police_analyst, panel)


def test_an_item_with_no_decision_says_so_apart_from_its_link(world: World) -> None:
    """Was: "None recorded.Record a decision", run together on one line."""
    page = _page(world.social_worker, _held(world))
    assert "None recorded.<br>" in page and "None recorded.<a" not in page
