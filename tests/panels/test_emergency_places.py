"""A place on a panel's agenda is named for good, and what the panel says about it stays: a
worker who sees a home only through a child seen by emergency access (break-glass) reads
it for the four hours, but neither puts it on an agenda nor writes the discussion, decisions
or actions about it, as for a child (RULES.md, "HSB meetings and MACE panels")."""

from __future__ import annotations

import pytest

from locus.access import panel_meetings as policies
from locus.access.policies import can_view_context
from locus.access.services import break_glass_request
from locus.common.errors import NotPermitted
from locus.panels.models import AgendaItem, PanelDecision
from locus.panels.selectors import contexts_offered, item_sight
from locus.panels.services import item_discussion_record, panel_decision_add
from tests.access.test_matrix_break_glass import REASON
from tests.factories import World, client_for, nothing_written
from tests.panels.helpers import add, hold, item, set_up
from tests.profiles.pages import url

pytestmark = pytest.mark.django_db


def _glass(world: World) -> None:
    """The youth justice worker opens Ciara's record in an emergency: her home with it."""
    worker = world.yjs_worker
    assert not can_view_context(worker, world.home)
    assert break_glass_request(
        actor=worker, person_id=world.csc_child.pk, category="missing_child", reason=REASON
    )
    assert can_view_context(worker, world.home)


def test_a_home_seen_through_emergency_access_is_not_put_on_an_agenda(world: World) -> None:
    meeting = set_up(world, actor=world.yjs_worker, chair=world.yjs_worker, attendees=[])
    _glass(world)
    assert world.home not in contexts_offered(world.yjs_worker)
    assert world.park in contexts_offered(world.yjs_worker)
    with nothing_written(AgendaItem), pytest.raises(NotPermitted):
        add(world, meeting, "location", context=world.home, actor=world.yjs_worker)
    posted = client_for(world.yjs_worker).post(
        url("panel-item", meeting.pk),
        {"kind": "location", "context": str(world.home.pk), "reason": "Where she stays"},
    )
    assert posted.status_code == 200 and not meeting.items.exists()
    assert add(world, meeting, "location", context=world.park, actor=world.yjs_worker).pk


def test_what_a_panel_says_about_a_home_needs_lasting_sight_of_it(world: World) -> None:
    meeting = set_up(world, attendees=[world.yjs_worker])
    add(world, meeting, "location", context=world.home)
    meeting = hold(world, meeting)
    home = item(meeting, "location")
    _glass(world)
    worker = world.yjs_worker
    assert policies.can_record_discussion(worker, meeting)
    # Read for the four hours; not written about.
    assert policies.can_see_item(worker, home)
    assert not policies.can_write_item(worker, home)
    assert item_sight(worker, [home]) == ({home.pk}, set())
    with nothing_written(AgendaItem), pytest.raises(NotPermitted):
        item_discussion_record(actor=worker, item=home, discussion="Door left open at night")
    with nothing_written(PanelDecision), pytest.raises(NotPermitted):
        panel_decision_add(actor=worker, meeting=meeting, item=home, text="Visit the home")
    # Its holder's team writes about it as before.
    assert policies.can_write_item(world.social_worker, home)
