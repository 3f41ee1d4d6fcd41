"""A panel chaired by a conference chair (an independent reviewing service's staff): the chair
writes its record as its organiser, but the chairs' manager, an organiser only as the manager
of the chair's team, chairs nothing there and writes none of it (RULES.md, "Independent
reviewing services": a panel's discussion, decisions and actions only on a panel they chair)."""

from __future__ import annotations

import pytest

from locus.access import panel_meetings as policies
from locus.access.models import Role, Scope, Worker
from locus.access.services import team_create
from locus.common.errors import NotPermitted, ValidationFailed
from locus.panels.models import AgendaItem, PanelAction, PanelDecision, PanelMeeting
from locus.panels.services import item_discussion_record, panel_decision_add, panel_hold
from tests.factories import World, client_for, make_worker, move_worker, nothing_written
from tests.panels.helpers import act, item, with_agenda
from tests.profiles.pages import url

pytestmark = pytest.mark.django_db


def _unit(world: World) -> tuple[Worker, Worker]:
    """A conference chair and the chairs' manager, at agency scope (they read children's social
    care's children and its places)."""
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    chair = make_worker(world.system, team=unit, role=Role.PRACTITIONER, scope=Scope.AGENCY)
    manager = make_worker(world.system, team=unit, role=Role.MANAGER, scope=Scope.AGENCY)
    return chair, manager


def _chaired(world: World, chair: Worker) -> PanelMeeting:
    meeting = with_agenda(world, chair=chair)
    return panel_hold(
        actor=world.social_worker,
        meeting=meeting,
        attended=list(meeting.attendees.values_list("id", flat=True)),
    )


def test_the_chairs_manager_writes_nothing_on_a_panel_one_of_their_chairs_chairs(
    world: World,
) -> None:
    chair, manager = _unit(world)
    meeting = _chaired(world, chair)
    # The manager opens and organises it (as the manager of the chair's team)...
    assert policies.can_view_panel(manager, meeting)
    assert policies.is_organiser(manager, meeting)
    # ...but chairs nothing there: no discussion, no decision, no action.
    assert not policies.can_record_discussion(manager, meeting)
    assert not policies.can_add_general_decision(manager, meeting)
    assert not policies.can_add_action(manager, meeting)
    # Nor sets what the panel is about: its agenda is casework. The chair does.
    assert not policies.can_set_agenda(manager, meeting)
    assert policies.can_set_agenda(chair, meeting)
    assert client_for(manager).get(url("panel-item", meeting.pk)).status_code == 404
    harmed = item(meeting, "harmed")
    assert policies.can_write_item(manager, harmed)  # sight alone is not the question
    with nothing_written(AgendaItem), pytest.raises(NotPermitted):
        item_discussion_record(actor=manager, item=harmed, discussion="Seen at the park")
    with nothing_written(PanelDecision), pytest.raises(NotPermitted):
        panel_decision_add(actor=manager, meeting=meeting, text="Refer to the conference")
    with nothing_written(PanelDecision), pytest.raises(NotPermitted):
        panel_decision_add(actor=manager, meeting=meeting, item=harmed, text="Refer her")
    with nothing_written(PanelAction), pytest.raises(NotPermitted):
        act(world, harmed, actor=manager)
    client = client_for(manager)
    for name, args in (
        ("panel-decision", [meeting.pk]),
        ("panel-item-discussion", [meeting.pk, harmed.pk]),
        ("panel-item-decision", [meeting.pk, harmed.pk]),
        ("panel-item-action", [meeting.pk, harmed.pk]),
    ):
        assert client.get(url(name, *args)).status_code in (403, 404), name
    # An action someone else agreed is not theirs to update either.
    action = act(world, harmed)
    assert not policies.can_update_action(manager, action)


def test_the_chair_writes_the_record_of_the_panel_they_chair(world: World) -> None:
    chair, _ = _unit(world)
    meeting = _chaired(world, chair)
    assert policies.can_record_discussion(chair, meeting)
    assert policies.can_add_action(chair, meeting)
    decision = panel_decision_add(actor=chair, meeting=meeting, text="Review in six weeks")
    assert decision.recorded_by == chair


def test_the_chairs_manager_records_a_panel_as_held_without_its_discussion(world: World) -> None:
    """Holding the meeting records who came (organising); the summary of what was discussed is
    the panel's record, which the chairs' manager does not write there."""
    chair, manager = _unit(world)
    meeting = with_agenda(world, chair=chair)
    everyone = list(meeting.attendees.values_list("id", flat=True))
    with pytest.raises(ValidationFailed) as refused:
        panel_hold(actor=manager, meeting=meeting, attended=everyone, summary="Gates at night")
    assert "summary" in refused.value.errors
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and not meeting.summary
    held = panel_hold(actor=manager, meeting=meeting, attended=everyone)
    assert (held.status, held.summary) == ("held", "")


def test_a_setter_now_in_the_chairs_unit_writes_nothing_on_a_panel_they_do_not_chair(
    world: World,
) -> None:
    meeting = _chaired(world, world.team_manager)
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    move_worker(world.social_worker, unit)
    assert policies.is_organiser(world.social_worker, meeting)
    assert not policies.can_record_discussion(world.social_worker, meeting)
    with nothing_written(PanelDecision), pytest.raises(NotPermitted):
        panel_decision_add(actor=world.social_worker, meeting=meeting, text="Close it")
