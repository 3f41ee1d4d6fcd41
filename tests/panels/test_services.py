"""Panel meetings through their states: setting up, the agenda's separate lists, held,
decisions and actions, closing; every refusal named and nothing written."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from locus.audit.models import ChangeAction
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.common.services import today
from locus.forums.models import ActionStatus, next_action_statuses
from locus.panels.models import (
    PANEL_MACHINE,
    AgendaItem,
    PanelAttendee,
    PanelMeeting,
    PanelStatus,
    PanelStep,
)
from locus.panels.services import (
    item_discussion_record,
    panel_action_update,
    panel_attendee_add,
    panel_cancel,
    panel_close,
    panel_decision_add,
)
from locus.sharing.vocab import Basis
from tests.factories import World, changes_for, make_person, nothing_written
from tests.panels.helpers import (
    PANEL_MODELS,
    act,
    add,
    borough_manager,
    guest,
    held,
    hold,
    item,
    set_up,
    with_agenda,
)
from tests.profiles.helpers import add_item

pytestmark = pytest.mark.django_db


def test_setting_up_puts_the_organiser_and_chair_on_the_list(world: World) -> None:
    meeting = set_up(world)
    assert meeting.status == PanelStatus.SCHEDULED
    assert meeting.review_on == meeting.meets_on + dt.timedelta(weeks=12)
    assert meeting.title.startswith("MACE panel, ")
    listed = [a.worker for a in meeting.attendees.order_by("id")]
    assert listed == [world.social_worker, world.team_manager, world.police_analyst]
    assert changes_for(meeting)[0].action == ChangeAction.CREATE


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "cocase"}, "kind"),
        ({"meets_on": None}, "meets_on"),
        ({"meets_on": "far"}, "meets_on"),
        ({"chair": "auditor"}, "chair"),
        ({"basis": Basis("", "none", "ca1989_s47")}, "article6"),
        ({"basis": Basis("6_1_e", "none", "other")}, "duty_other"),
        ({"review_on": "before"}, "review_on"),
        ({"attendees": ["partner_worker", "auditor"]}, "attendees"),
        ({"title": "x" * 121}, "title"),
    ],
)
def test_setting_up_with_bad_input_is_refused_by_field(
    world: World, fields: dict[str, Any], field: str
) -> None:
    special = {
        "far": today() + dt.timedelta(days=400),
        "before": today() - dt.timedelta(days=30),
        "auditor": world.auditor,
    }
    values = {
        k: [world.persona(n) for n in v] if k == "attendees" else special.get(v, v)
        for k, v in fields.items()
    }
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed) as caught:
        set_up(world, **values)
    assert field in caught.value.errors


# Who may set up a panel: practitioners and managers who work cases, and administrators.
# fmt: off
SET_UP_ROW = {
    "social_worker": True, "teammate": True, "team_manager": True,
    "other_social_worker": True, "yjs_worker": True, "school_dsl": True,
    "partner_worker": True,  # a partner's practitioner may convene, and sees only their own
    "police_analyst": False, "auditor": False, "admin": True,
}
# fmt: on


@pytest.mark.parametrize(("persona", "allowed"), sorted(SET_UP_ROW.items()))
def test_who_may_set_up_a_panel(world: World, persona: str, allowed: bool) -> None:
    worker = world.persona(persona)
    if allowed:
        assert set_up(world, actor=worker).created_by == worker
        return
    with nothing_written(*PANEL_MODELS), pytest.raises(NotPermitted):
        set_up(world, actor=worker)


# --- Attendees ------------------------------------------------------------------------------


def test_attendees_are_workers_or_named_guests(world: World) -> None:
    meeting = set_up(world)
    yjs = panel_attendee_add(actor=world.social_worker, meeting=meeting, worker=world.yjs_worker)
    visitor = guest(world, meeting)
    assert yjs.worker == world.yjs_worker and visitor.worker is None
    assert str(visitor) == "Dee Morgan"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"worker": "police_analyst"}, "worker", "already on the list"),
        ({"worker": "auditor"}, "worker", "cannot be on the list"),
        ({"worker": "yjs_worker", "name": "Dee"}, "name", "not both"),
        ({}, "name", "Choose a worker, or enter the person's name"),
        ({"name": "Dee"}, "organisation", "Enter the organisation"),
    ],
)
def test_a_bad_attendee_is_refused(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    meeting = set_up(world)
    if "worker" in fields:
        fields["worker"] = world.persona(fields["worker"])
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed) as caught:
        panel_attendee_add(actor=world.social_worker, meeting=meeting, **fields)
    assert any(message in m for m in caught.value.errors[field])


def test_only_organisers_add_attendees(world: World) -> None:
    meeting = set_up(world)
    with nothing_written(*PANEL_MODELS), pytest.raises(NotPermitted):
        panel_attendee_add(actor=world.police_analyst, meeting=meeting, worker=world.yjs_worker)


# --- The agenda: separate lists ---------------------------------------------------------------


def test_a_young_person_harmed_and_harming_is_two_items(world: World) -> None:
    meeting = set_up(world)
    harmed = add(world, meeting, "harmed", person=world.csc_child)
    harming = add(world, meeting, "harming", person=world.csc_child, reason="Pushed a peer")
    assert harmed.pk != harming.pk
    assert {(i.kind, i.reason) for i in meeting.items.all()} == {
        ("harmed", "Named in three incidents this term"),
        ("harming", "Pushed a peer"),
    }


def test_the_holder_of_the_case_is_kept_on_the_item(world: World) -> None:
    meeting = set_up(world)
    held_item = add(world, meeting, "harmed", person=world.csc_child)
    assert (held_item.holder, held_item.holder_team, held_item.holds_case) == (
        world.social_worker,
        world.csc_team_a,
        True,
    )
    # Recorded by an import (the system), held by nobody: nobody to name.
    unheld = add(world, meeting, "harming", person=world.police_child, actor=borough_manager(world))
    assert (unheld.holder, unheld.holds_case) == (None, False)
    recorded = make_person(world.police_analyst, given_name="Rio", family_name="Recorded")
    mine = add(world, meeting, "harmed", person=recorded, actor=borough_manager(world))
    assert (mine.holder, mine.holder_team, mine.holds_case) == (
        world.police_analyst,
        world.police_team,
        False,
    )


@pytest.mark.parametrize(
    ("kind", "who", "field", "message"),
    [
        ("harmed", "adult", "person", "an adult is a person of concern"),
        ("person_of_concern", "csc_child", "person", "not as a person of concern"),
        ("harmed", None, "person", "Choose the person"),
        ("location", None, "context", "Choose the location"),
        ("", "csc_child", "kind", "Choose which list"),
    ],
)
def test_an_item_on_the_wrong_list_is_refused(
    world: World, kind: str, who: str | None, field: str, message: str
) -> None:
    meeting = set_up(world)
    person = getattr(world, who) if who else None
    wide = borough_manager(world)
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed) as caught:
        add(world, meeting, kind, person=person, actor=wide)
    assert any(message in m for m in caught.value.errors[field])


def test_the_same_person_is_on_one_list_once(world: World) -> None:
    meeting = set_up(world)
    add(world, meeting, "harmed", person=world.csc_child)
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed) as caught:
        add(world, meeting, "harmed", person=world.csc_child)
    assert "already on the list: young person harmed" in caught.value.errors["person"][0]
    add(world, meeting, "location", context=world.park)
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed):
        add(world, meeting, "location", context=world.park)


def test_a_person_of_concern_carries_where_the_association_comes_from(world: World) -> None:
    meeting = set_up(world)
    wide = borough_manager(world)
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed) as caught:
        add(
            world,
            meeting,
            "person_of_concern",
            person=world.adult,
            actor=wide,
            source="",
            confidence="",
        )
    assert set(caught.value.errors) == {"source", "confidence"}
    concern = add(world, meeting, "person_of_concern", person=world.adult, actor=wide)
    assert (concern.source, concern.confidence) == ("police", "medium")
    # Provenance belongs to a person of concern's association; other items carry none.
    harmed = add(
        world,
        meeting,
        "harmed",
        person=world.csc_child,
        actor=wide,
        source="police",
        confidence="high",
    )
    assert (harmed.source, harmed.confidence) == ("", "")


def test_naming_someone_or_somewhere_on_the_agenda_needs_sight_of_them(world: World) -> None:
    meeting = set_up(world, actor=world.other_social_worker, chair=world.other_social_worker)
    with nothing_written(*PANEL_MODELS), pytest.raises(NotPermitted):
        add(world, meeting, "harmed", person=world.csc_child, actor=world.other_social_worker)
    with nothing_written(*PANEL_MODELS), pytest.raises(NotPermitted):
        add(world, meeting, "location", context=world.home, actor=world.other_social_worker)


def test_only_organisers_set_the_agenda(world: World) -> None:
    meeting = set_up(world)
    with nothing_written(*PANEL_MODELS), pytest.raises(NotPermitted):
        add(world, meeting, "harmed", person=world.police_child, actor=world.police_analyst)


# --- Held, decisions, actions -------------------------------------------------------------------


def test_holding_records_who_attended(world: World) -> None:
    meeting = with_agenda(world)
    visitor = guest(world, meeting)
    chair = meeting.attendees.get(worker=world.team_manager)
    hold(world, meeting, attended=[chair.pk, visitor.pk], summary="Reviewed the park")
    assert meeting.status == PanelStatus.HELD and meeting.summary == "Reviewed the park"
    assert dict(meeting.attendees.values_list("id", "attendance")) == {
        a.pk: "attended" if a.pk in (chair.pk, visitor.pk) else "absent"
        for a in meeting.attendees.all()
    }


def test_a_meeting_is_held_only_once_its_day_has_come(world: World) -> None:
    meeting = set_up(world, meets_on=today() + dt.timedelta(days=3))
    with nothing_written(*PANEL_MODELS), pytest.raises(InvalidTransition) as caught:
        hold(world, meeting)
    assert "once it has taken place" in str(caught.value)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"attended": []}, "attended"),
        ({"attended": [10**9]}, "attended"),
        ({"review_on": "before"}, "review_on"),
    ],
)
def test_holding_with_bad_input_is_refused(
    world: World, fields: dict[str, Any], field: str
) -> None:
    meeting = with_agenda(world)
    if fields.get("review_on") == "before":
        fields["review_on"] = meeting.meets_on
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed) as caught:
        hold(world, meeting, **fields)
    assert field in caught.value.errors
    assert PanelMeeting.objects.get(pk=meeting.pk).status == PanelStatus.SCHEDULED


def test_discussion_decisions_and_actions_on_an_item(world: World) -> None:
    meeting = held(world)
    harmed = item(meeting, "harmed")
    item_discussion_record(actor=world.social_worker, item=harmed, discussion="Doing better")
    decision = panel_decision_add(
        actor=world.team_manager, meeting=meeting, item=harmed, text="Continue the safety plan"
    )
    nan = add_item(world.social_worker, world.csc_child, kind="trusted_adult", text="My nan")
    action = act(world, harmed, builds_on=[nan], agency=world.yjs)
    assert decision.item == harmed and harmed.discussion == "Doing better"
    assert list(action.builds_on.all()) == [nan] and action.agency == world.yjs
    assert action.status == "planned" and action.progress.count() == 1
    assert changes_for(action)[0].after["builds_on"] == [nan.pk]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"owner": "yjs_worker"}, "owner", "on the meeting's list"),
        ({"due_on": "yesterday"}, "due_on", "today or later"),
        ({"due_on": None}, "due_on", "Enter the date it is due"),
        ({"description": " "}, "description", "Describe the action"),
        ({"status": "done"}, "status", "planned or in progress"),
        ({"builds_on": "other child"}, "builds_on", "this young person's current profile"),
    ],
)
def test_a_bad_action_is_refused(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    meeting = held(world)
    special: dict[str, Any] = {
        "yjs_worker": world.yjs_worker,
        "yesterday": today() - dt.timedelta(days=1),
        "other child": [add_item(world.social_worker, world.team_child)],
    }
    values = {k: special.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed) as caught:
        act(world, item(meeting, "harmed"), **values)
    assert any(message in m for m in caught.value.errors[field])


def test_writing_about_an_item_needs_sight_of_its_subject(world: World) -> None:
    # The social worker may not see police_child, on the harming list.
    meeting = held(world)
    harming = item(meeting, "harming")
    with nothing_written(*PANEL_MODELS), pytest.raises(NotPermitted):
        item_discussion_record(actor=world.social_worker, item=harming, discussion="x")
    with nothing_written(*PANEL_MODELS), pytest.raises(NotPermitted):
        act(world, harming)
    # The police analyst sees him, and attended: he may.
    act(world, harming, actor=world.police_analyst, owner=world.police_analyst)


def test_only_attendees_who_came_or_organisers_agree_actions(world: World) -> None:
    meeting = with_agenda(world)
    chair = meeting.attendees.get(worker=world.team_manager)
    hold(world, meeting, attended=[chair.pk])
    with nothing_written(*PANEL_MODELS), pytest.raises(NotPermitted):
        act(world, item(meeting, "harming"), actor=world.police_analyst)


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(list(ActionStatus), list(ActionStatus)))
)
def test_every_action_status_move(
    world: World, current: ActionStatus, target: ActionStatus
) -> None:
    meeting = held(world)
    action = act(world, item(meeting, "location"))
    if current != ActionStatus.PLANNED:
        panel_action_update(actor=world.social_worker, action=action, status=current, note="on")
    if target in next_action_statuses(current):
        panel_action_update(actor=world.social_worker, action=action, status=target, note="ok")
        action.refresh_from_db()
        assert action.status == target
    else:
        with nothing_written(*PANEL_MODELS), pytest.raises(InvalidTransition):
            panel_action_update(actor=world.social_worker, action=action, status=target, note="x")


def test_updating_an_action_needs_a_note_and_a_due_date_not_past(world: World) -> None:
    action = act(world, item(held(world), "location"))
    with nothing_written(*PANEL_MODELS), pytest.raises(ValidationFailed) as caught:
        panel_action_update(
            actor=world.social_worker,
            action=action,
            status="in_progress",
            note="",
            due_on=today() - dt.timedelta(days=2),
        )
    assert set(caught.value.errors) == {"note", "due_on"}


def test_who_may_update_an_action(world: World) -> None:
    meeting = held(world)
    action = act(
        world, item(meeting, "harming"), actor=world.police_analyst, owner=world.police_analyst
    )
    # Its owner; not the administrator, an organiser who sees police_child but does no
    # casework (the chair, team_manager, does not see him: below).
    panel_action_update(
        actor=world.police_analyst, action=action, status="in_progress", note="Visited"
    )
    for worker in (world.yjs_worker, world.admin):
        with nothing_written(*PANEL_MODELS), pytest.raises(NotPermitted):
            panel_action_update(actor=worker, action=action, status="done", note="x")
    # The chair, an organiser, updates an action on an item he may write about: csc_child's.
    # Its owner, the police analyst, does not see csc_child: the work given to her is hers
    # to report on all the same.
    harmed = act(world, item(meeting, "harmed"), owner=world.police_analyst)
    for worker in (world.team_manager, world.police_analyst):
        panel_action_update(actor=worker, action=harmed, status="in_progress", note="Visited")


def test_an_organiser_who_may_not_see_the_young_person_does_not_update_their_action(
    world: World,
) -> None:
    # Updating an action (its status, due date, a note) writes about the item's young person,
    # as adding it does: an organiser needs lasting sight of them, as the chair here lacks.
    police_child_action = act(
        world,
        item(held(world), "harming"),
        actor=world.police_analyst,
        owner=world.police_analyst,
    )
    with nothing_written(*PANEL_MODELS), pytest.raises(NotPermitted):
        panel_action_update(
            actor=world.team_manager, action=police_child_action, status="stopped", note="x"
        )


def test_a_meeting_closes_only_when_every_action_is_finished(world: World) -> None:
    meeting = held(world)
    action = act(world, item(meeting, "location"))
    with nothing_written(*PANEL_MODELS), pytest.raises(InvalidTransition) as caught:
        panel_close(actor=world.social_worker, meeting=meeting)
    assert "1 action is still planned or in progress" in str(caught.value)
    panel_action_update(actor=world.social_worker, action=action, status="done", note="Done")
    panel_close(actor=world.social_worker, meeting=meeting)
    assert meeting.status == PanelStatus.CLOSED
    # A closed meeting gains no actions.
    with nothing_written(*PANEL_MODELS), pytest.raises(InvalidTransition) as caught:
        act(world, item(meeting, "location"))
    assert str(caught.value) == "This meeting is closed: you cannot add an action"


def test_a_stale_page_cannot_hold_a_cancelled_meeting(world: World) -> None:
    meeting = with_agenda(world)
    stale = PanelMeeting.objects.get(pk=meeting.pk)
    panel_cancel(actor=world.team_manager, meeting=meeting, reason="Chair unwell")
    with nothing_written(*PANEL_MODELS), pytest.raises(InvalidTransition):
        hold(world, stale)


# --- The state machine, exhaustively ----------------------------------------------------------


def _into(world: World, status: PanelStatus) -> PanelMeeting:
    """A meeting in ``status``; one that was held has an action on its location item."""
    meeting = with_agenda(world)
    if status == PanelStatus.CANCELLED:
        panel_cancel(actor=world.social_worker, meeting=meeting, reason="No quorum")
    elif status in (PanelStatus.HELD, PanelStatus.CLOSED):
        hold(world, meeting)
        action = act(world, item(meeting, "location"))
        if status == PanelStatus.CLOSED:
            panel_action_update(actor=world.social_worker, action=action, status="done", note="ok")
            panel_close(actor=world.social_worker, meeting=meeting)
    return meeting


def _steps(world: World) -> dict[PanelStep, Callable[[PanelMeeting], object]]:
    sw = world.social_worker

    def close(meeting: PanelMeeting) -> object:
        for action in meeting.actions.exclude(status="done"):  # a held meeting's one action
            panel_action_update(actor=sw, action=action, status="done", note="Done")
        return panel_close(actor=sw, meeting=meeting)

    return {
        PanelStep.ADD_ATTENDEE: lambda m: panel_attendee_add(
            actor=sw, meeting=m, worker=world.yjs_worker
        ),
        PanelStep.ADD_ITEM: lambda m: add(world, m, "harming", person=world.csc_child),
        PanelStep.HOLD: lambda m: hold(world, m),
        PanelStep.CANCEL: lambda m: panel_cancel(actor=sw, meeting=m, reason="No quorum"),
        PanelStep.DISCUSS: lambda m: item_discussion_record(
            actor=sw, item=item(m, "harmed"), discussion="Talked"
        ),
        PanelStep.DECIDE: lambda m: panel_decision_add(actor=sw, meeting=m, text="Agreed"),
        PanelStep.ADD_ACTION: lambda m: act(world, item(m, "location")),
        PanelStep.UPDATE_ACTION: lambda m: panel_action_update(
            actor=sw, action=m.actions.get(), status="in_progress", note="Begun"
        ),
        PanelStep.CLOSE: close,
    }


# A meeting that was never held has no action to update (adding one is refused above).
NO_ACTION = {PanelStatus.SCHEDULED, PanelStatus.CANCELLED}


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (status, step)
        for status, step in itertools.product(list(PanelStatus), list(PanelStep))
        if not (status in NO_ACTION and step == PanelStep.UPDATE_ACTION)
    ],
)
def test_every_status_and_step(world: World, status: PanelStatus, step: PanelStep) -> None:
    meeting = _into(world, status)
    run = _steps(world)[step]
    if PANEL_MACHINE.allows(status, step):
        run(meeting)
        return
    with nothing_written(*PANEL_MODELS), pytest.raises(InvalidTransition) as caught:
        run(meeting)
    assert str(caught.value)


def test_the_agenda_constraints_hold_in_the_database(world: World) -> None:
    meeting = set_up(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(
            meeting=meeting,
            kind="harmed",
            context=world.park,
            reason="x",
            added_by=world.admin,
            added_at=meeting.created_at,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelAttendee.objects.create(meeting=meeting, added_by=world.admin)
