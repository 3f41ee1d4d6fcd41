"""Meetings through their states, minutes and interventions: rules, refusals and audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from locus.audit.models import ChangeAction, ChangeEvent
from locus.common import clock
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.common.services import today
from locus.mapping.models import (
    Attendance,
    Intervention,
    InviteReason,
    Meeting,
    MeetingStatus,
)
from locus.mapping.services import (
    decision_add,
    intervention_update,
    meeting_cancel,
    meeting_close,
    meeting_invite,
    meeting_propose,
    meeting_record_minutes,
    meeting_schedule,
)
from locus.places.models import ContextKind
from locus.sharing.vocab import CHILDREN_IN_NEED, Basis
from tests.factories import (
    World,
    changes_for,
    client_for,
    last_change,
    make_context,
    nothing_written,
)
from tests.mapping.helpers import (
    MEETING_MODELS,
    PURPOSE,
    add_intervention,
    associate,
    held_meeting,
    hold,
    propose,
    schedule,
)

pytestmark = pytest.mark.django_db

TOMORROW = today() + dt.timedelta(days=1)


def invited(meeting: Meeting) -> dict[str, str]:
    return {i.worker.username: i.reason for i in meeting.invitees.select_related("worker")}


# --- Proposing -----------------------------------------------------------------------------


def test_proposing_invites_the_proposer_and_the_workers_holding_the_cases(world: World) -> None:
    meeting = propose(world, invitees=[world.police_analyst])
    assert meeting.status == MeetingStatus.PROPOSED
    assert meeting.proposed_by == world.social_worker
    assert meeting.basis == CHILDREN_IN_NEED
    assert "Children Act 1989 s.17: children in need" in meeting.basis_text
    assert invited(meeting) == {
        "social_worker": InviteReason.PROPOSER,
        "yjs_worker": InviteReason.HOLDS_CASE,
        "police_analyst": InviteReason.ADDED,
    }
    holders = {c.person_id: (c.holder, c.holder_team) for c in meeting.children.all()}
    assert holders == {
        world.csc_child.pk: (world.social_worker, world.csc_team_a),
        world.yjs_child.pk: (world.yjs_worker, world.yjs_team),
    }
    assert last_change(meeting).action == ChangeAction.CREATE
    assert last_change(meeting).actor == world.social_worker
    for row in [*meeting.children.all(), *meeting.invitees.all()]:
        assert last_change(row).action == ChangeAction.CREATE


def test_a_child_neither_seen_nor_linked_cannot_be_put_into_a_meeting(world: World) -> None:
    # other_child is held by another team and linked to nothing the social worker sees.
    with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
        propose(world, children=[world.csc_child, world.other_child])


@pytest.mark.parametrize("persona", ["police_analyst", "auditor", "partner_worker"])
def test_only_caseworkers_propose_meetings(world: World, persona: str) -> None:
    # partner_worker is a practitioner who sees none of these children.
    with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
        propose(world, actor=world.persona(persona))


def test_a_child_linked_by_an_open_association_may_be_proposed(world: World) -> None:
    associate(world, world.csc_child, world.other_child)
    meeting = propose(world, children=[world.csc_child, world.other_child], group=None)
    assert "other_social_worker" in invited(meeting)


BAD_PROPOSALS: list[tuple[dict[str, Any], str, str]] = [
    ({"children": []}, "children", "Choose at least one child"),
    ({"purpose": "   "}, "purpose", "Say what the meeting is for"),
    ({"basis": Basis("gut_feeling", "none", "ca1989_s17")}, "article6", "Choose the UK GDPR"),
    ({"basis": Basis("6_1_e", "none", "other")}, "duty_other", "Say which duty or power"),
    ({"title": "x" * 121}, "title", "120 characters or fewer"),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_PROPOSALS)
def test_a_bad_proposal_names_the_field_and_writes_nothing(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        propose(world, **fields)
    assert any(message in m for m in caught.value.errors[field])


def test_a_meeting_maps_a_peer_group_not_a_park(world: World) -> None:
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        propose(world, group=world.park)
    assert caught.value.errors["group"] == ["Choose a peer group"]


def test_a_group_the_proposer_cannot_see_is_refused(world: World) -> None:
    hidden = make_context(world.system, kind=ContextKind.PEER_GROUP, name="Hidden crew")
    with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
        propose(world, group=hidden)


def test_an_auditor_cannot_be_invited(world: World) -> None:
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        propose(world, invitees=[world.auditor])
    assert "cannot be invited" in caught.value.errors["invitees"][0]


def test_other_lawful_basis_is_kept_with_its_words(world: World) -> None:
    basis = Basis("6_1_e", "none", "other", "Localism Act 2011 s.1")
    meeting = propose(world, basis=basis)
    assert "Other: Localism Act 2011 s.1" in meeting.basis_text


# --- Scheduling and inviting ---------------------------------------------------------------------


def test_scheduling_sets_when_and_where_and_can_be_moved(world: World) -> None:
    meeting = propose(world)
    when = clock.now() + dt.timedelta(days=10)
    meeting_schedule(actor=world.social_worker, meeting=meeting, when=when, online=True)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.scheduled_for, meeting.place_text) == (
        MeetingStatus.SCHEDULED,
        when,
        "Online",
    )
    later = when + dt.timedelta(days=2)
    meeting_schedule(
        actor=world.social_worker, meeting=meeting, when=later, online=False, location="Room 4"
    )
    meeting.refresh_from_db()
    assert meeting.scheduled_for == later and meeting.place_text == "Room 4"
    event = last_change(meeting)
    assert event.action == ChangeAction.UPDATE
    assert set(event.after) == {"scheduled_for", "online", "location"}


@pytest.mark.parametrize(
    ("when", "online", "location", "field", "message"),
    [
        (None, True, "", "when", "Enter the date and time of the meeting"),
        (dt.timedelta(hours=-2), True, "", "when", "no more than 1 hour ago"),
        (dt.timedelta(days=-400), True, "", "when", "no more than 1 hour ago"),
        (dt.timedelta(days=400), True, "", "when", "within the next year"),
        (dt.timedelta(days=3), False, "  ", "location", "Enter where the meeting is"),
    ],
)
def test_bad_scheduling_names_the_field_and_writes_nothing(
    world: World,
    when: dt.timedelta | None,
    online: bool,
    location: str,
    field: str,
    message: str,
) -> None:
    meeting = propose(world)
    moment = clock.now() + when if when is not None else None
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        meeting_schedule(
            actor=world.social_worker,
            meeting=meeting,
            when=moment,
            online=online,
            location=location,
        )
    assert any(message in m for m in caught.value.errors[field])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PROPOSED


@pytest.mark.parametrize("persona", ["social_worker", "team_manager", "admin"])
def test_organisers_schedule(world: World, persona: str) -> None:
    meeting = schedule(world, propose(world), actor=world.persona(persona))
    assert meeting.status == MeetingStatus.SCHEDULED


@pytest.mark.parametrize("persona", ["yjs_worker", "teammate", "police_analyst"])
def test_others_do_not_schedule_invite_cancel_or_close(world: World, persona: str) -> None:
    meeting = propose(world)
    worker = world.persona(persona)
    with nothing_written(*MEETING_MODELS):
        with pytest.raises(NotPermitted):
            schedule(world, meeting, actor=worker)
        with pytest.raises(NotPermitted):
            meeting_invite(actor=worker, meeting=meeting, worker=world.school_dsl)
        with pytest.raises(NotPermitted):
            meeting_cancel(actor=worker, meeting=meeting, reason="No")
        with pytest.raises(NotPermitted):
            meeting_close(actor=worker, meeting=meeting)


def test_inviting_one_more_worker_and_not_twice(world: World) -> None:
    meeting = propose(world)
    invitee = meeting_invite(actor=world.social_worker, meeting=meeting, worker=world.school_dsl)
    assert invitee.reason == InviteReason.ADDED
    assert last_change(invitee).action == ChangeAction.CREATE
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        meeting_invite(actor=world.social_worker, meeting=meeting, worker=world.school_dsl)
    assert caught.value.errors["worker"] == ["Test school_dsl is already invited"]


# --- Minutes ---------------------------------------------------------------------------------


def test_recording_minutes_holds_the_meeting_with_attendance_decisions_and_map(
    world: World,
) -> None:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    hold(world, meeting, attendance={world.police_analyst: Attendance.APOLOGIES})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.minutes_recorded_by == world.social_worker
    attendance = dict(meeting.invitees.values_list("worker__username", "attendance"))
    assert attendance == {
        "social_worker": Attendance.ATTENDED,
        "yjs_worker": Attendance.ATTENDED,
        "police_analyst": Attendance.APOLOGIES,
    }
    assert [d.text for d in meeting.decisions.all()] == [
        "Youth service to run sessions at the park"
    ]
    concerned = {n["person_id"] for n in meeting.map_snapshot["nodes"] if n["concerned"]}
    assert concerned == {world.csc_child.pk, world.yjs_child.pk}
    event = last_change(meeting)
    assert event.action == ChangeAction.UPDATE and event.after["status"] == "held"
    assert "map_snapshot" in event.after


def test_minutes_need_everyone_s_attendance_and_one_attendee(world: World) -> None:
    meeting = schedule(world, propose(world))
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        meeting_record_minutes(
            actor=world.social_worker,
            meeting=meeting,
            attendance={world.social_worker.pk: Attendance.APOLOGIES},
        )
    errors = caught.value.errors
    assert errors[f"attendance_{world.yjs_worker.pk}"] == ["Say whether Test yjs_worker attended"]
    assert errors["attendance"] == ["Record at least one worker as having attended"]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.map_snapshot == {}


def test_minutes_record_only_invited_workers(world: World) -> None:
    meeting = schedule(world, propose(world))
    marks = {
        world.social_worker.pk: Attendance.ATTENDED,
        world.yjs_worker.pk: Attendance.ATTENDED,
        world.teammate.pk: Attendance.ATTENDED,
    }
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        meeting_record_minutes(actor=world.social_worker, meeting=meeting, attendance=marks)
    assert caught.value.errors["attendance"] == ["Record attendance only for invited workers"]


def test_an_invitee_may_record_minutes_but_a_stranger_may_not(world: World) -> None:
    meeting = schedule(world, propose(world))
    with pytest.raises(NotPermitted):
        hold(world, meeting, actor=world.teammate)
    hold(world, meeting, actor=world.yjs_worker)
    assert Meeting.objects.get(pk=meeting.pk).minutes_recorded_by == world.yjs_worker


def test_a_decision_can_be_added_after_the_minutes(world: World) -> None:
    meeting = held_meeting(world)
    decision = decision_add(actor=world.yjs_worker, meeting=meeting, text="Review in 6 weeks")
    assert last_change(decision).action == ChangeAction.CREATE
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        decision_add(actor=world.yjs_worker, meeting=meeting, text=" ")
    assert caught.value.errors["text"] == ["Enter the decision"]


# --- Every state transition, and every illegal one ---------------------------------------------


def _proposed(world: World) -> Meeting:
    return propose(world)


def _scheduled_ahead(world: World) -> Meeting:
    return schedule(world, propose(world), when=clock.now() + dt.timedelta(days=5))


def _held(world: World) -> Meeting:
    return held_meeting(world)


def _closed(world: World) -> Meeting:
    meeting = held_meeting(world)
    return meeting_close(actor=world.social_worker, meeting=meeting)


def _cancelled(world: World) -> Meeting:
    return meeting_cancel(actor=world.social_worker, meeting=propose(world), reason="Merged")


STATES: dict[str, Callable[[World], Meeting]] = {
    "proposed": _proposed,
    "scheduled ahead": _scheduled_ahead,
    "held": _held,
    "closed": _closed,
    "cancelled": _cancelled,
}

MOVES: dict[str, Callable[[World, Meeting], Any]] = {
    "schedule": lambda w, m: schedule(w, m),
    "invite": lambda w, m: meeting_invite(actor=w.social_worker, meeting=m, worker=w.school_dsl),
    "record minutes": lambda w, m: hold(w, m),
    "add decision": lambda w, m: decision_add(actor=w.social_worker, meeting=m, text="More"),
    "add intervention": lambda w, m: add_intervention(w, m),
    "close": lambda w, m: meeting_close(actor=w.social_worker, meeting=m),
    "cancel": lambda w, m: meeting_cancel(actor=w.social_worker, meeting=m, reason="No longer"),
}

# (state, move) -> the plain words the refusal uses. Pairs not listed are allowed.
ILLEGAL: dict[tuple[str, str], str] = {
    ("proposed", "record minutes"): "Schedule the meeting before recording its minutes",
    ("proposed", "add decision"): "Decisions are recorded with the minutes of a held meeting",
    ("proposed", "add intervention"): "record its minutes first",
    ("proposed", "close"): "Only a meeting that has been held can be closed",
    ("scheduled ahead", "record minutes"): "record its minutes once it has taken place",
    ("scheduled ahead", "add decision"): "Decisions are recorded with the minutes",
    ("scheduled ahead", "add intervention"): "record its minutes first",
    ("scheduled ahead", "close"): "cancel it instead",
    ("held", "schedule"): "This meeting has been held: it is too late to schedule it",
    ("held", "invite"): "This meeting has been held: it is too late to invite anyone",
    ("held", "record minutes"): "it is too late to record its minutes",
    ("held", "cancel"): "This meeting has been held: it is too late to cancel it",
    **{
        ("closed", move): "This meeting is closed: it is too late"
        for move in MOVES
        if move != "close"
    },
    ("closed", "close"): "This meeting is closed: it is too late to close it",
    **{("cancelled", move): "This meeting was cancelled: it is too late" for move in MOVES},
}


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("move", sorted(MOVES))
def test_state_machine(world: World, state: str, move: str) -> None:
    meeting = STATES[state](world)
    expected = ILLEGAL.get((state, move))
    if expected is None:
        MOVES[move](world, meeting)
        return
    with nothing_written(*MEETING_MODELS), pytest.raises(InvalidTransition) as caught:
        MOVES[move](world, meeting)
    assert expected in str(caught.value)
    assert Meeting.objects.get(pk=meeting.pk).status == meeting.status


def test_the_legal_path_ends_closed(world: World) -> None:
    meeting = held_meeting(world)
    item = add_intervention(world, meeting)
    intervention_update(actor=world.yjs_worker, intervention=item, status="done", note="Finished")
    meeting_close(actor=world.team_manager, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED and meeting.closed_at is not None
    assert [e.after.get("status") for e in changes_for(meeting)][-2:] == ["held", "closed"]


def test_a_meeting_with_work_still_open_does_not_close(world: World) -> None:
    meeting = held_meeting(world)
    add_intervention(world, meeting)
    add_intervention(
        world, meeting, description="Detached youth work", person=None, group=world.group
    )
    with nothing_written(*MEETING_MODELS), pytest.raises(InvalidTransition) as caught:
        meeting_close(actor=world.social_worker, meeting=meeting)
    assert str(caught.value).startswith("2 interventions are still planned or in progress")


def test_cancelling_needs_a_reason(world: World) -> None:
    meeting = propose(world)
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        meeting_cancel(actor=world.social_worker, meeting=meeting, reason="  ")
    assert caught.value.errors["reason"] == ["Say why the meeting is cancelled"]
    meeting_cancel(actor=world.social_worker, meeting=meeting, reason="The cases merged")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.cancel_reason == "The cases merged"


# --- Interventions -------------------------------------------------------------------------------


def test_an_intervention_for_a_child_starts_its_history_and_is_audited(world: World) -> None:
    meeting = held_meeting(world)
    item = add_intervention(world, meeting)
    assert item.agency == world.yjs  # the owner's agency unless another is named
    assert item.status == "planned"
    assert [u.note for u in item.updates.all()] == [
        "Agreed at the meeting; owned by Test yjs_worker"
    ]
    assert last_change(item).action == ChangeAction.CREATE


def test_an_intervention_for_the_group_names_another_agency(world: World) -> None:
    meeting = held_meeting(world)
    item = add_intervention(
        world,
        meeting,
        person=None,
        group=world.group,
        agency=world.partner,
        owner=world.social_worker,
    )
    assert (item.group, item.person, item.agency) == (world.group, None, world.partner)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"person": None}, "concerns", "Choose the child or the group"),
        ({"group": "group"}, "concerns", "Choose the child or the group"),
        ({"person": "team_child"}, "concerns", "Choose a child the meeting was about"),
        ({"person": None, "group": "park"}, "concerns", "Choose the peer group the meeting mapped"),
        ({"owner": "police_analyst"}, "owner", "The owner must be a worker who attended"),
        ({"description": " "}, "description", "Describe the intervention"),
        ({"due_on": None}, "due_on", "Enter the date it is due"),
        ({"due_on": "yesterday"}, "due_on", "The due date must be today or later"),
        ({"status": "done"}, "status", "A new intervention is planned or in progress"),
    ],
)
def test_a_bad_intervention_names_the_field_and_writes_nothing(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    hold(world, meeting, attendance={world.police_analyst: Attendance.APOLOGIES})
    values = dict(fields)
    for key in ("person", "group", "owner"):
        if isinstance(values.get(key), str):
            values[key] = getattr(world, values[key])
    if values.get("due_on") == "yesterday":
        values["due_on"] = today() - dt.timedelta(days=1)
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        add_intervention(world, meeting, **values)
    assert any(message in m for m in caught.value.errors[field])


def test_only_organisers_and_attendees_agree_interventions(world: World) -> None:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    hold(world, meeting, attendance={world.police_analyst: Attendance.APOLOGIES})
    for name in ("police_analyst", "teammate", "other_social_worker"):
        with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
            add_intervention(world, meeting, actor=world.persona(name))
    add_intervention(world, meeting, actor=world.yjs_worker, person=world.yjs_child)  # attended


def test_the_it_administrator_neither_agrees_nor_records_interventions(world: World) -> None:
    """The IT administrator organises any meeting (schedules, invites, cancels, closes) but
    writes no casework: agreeing work with a child, or recording it done or stopped (the step
    before the meeting may close), is for those who work cases, as on a context plan."""
    meeting = held_meeting(world)
    with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
        add_intervention(world, meeting, actor=world.admin)
    item = add_intervention(world, meeting)
    with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
        intervention_update(actor=world.admin, intervention=item, status="stopped", note="Tidy")
    page = client_for(world.admin).get(reverse("meeting", args=[meeting.pk])).content.decode()
    assert reverse("intervention-add", args=[meeting.pk]) not in page
    assert reverse("intervention-update", args=[meeting.pk, item.pk]) not in page


def test_updates_keep_history_and_move_forward_only(world: World) -> None:
    meeting = held_meeting(world)
    item = add_intervention(world, meeting)
    later = today() + dt.timedelta(days=60)
    intervention_update(
        actor=world.yjs_worker, intervention=item, status="in_progress", note="First session held"
    )
    intervention_update(
        actor=world.yjs_worker,
        intervention=item,
        status="in_progress",
        note="Moved to Thursdays",
        due_on=later,
    )
    item.refresh_from_db()
    assert (item.status, item.due_on) == ("in_progress", later)
    assert [u.note for u in item.updates.order_by("at", "id")] == [
        "Agreed at the meeting; owned by Test yjs_worker",
        "First session held",
        "Moved to Thursdays",
    ]
    assert last_change(item).after == {
        "due_on": later.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }
    with nothing_written(*MEETING_MODELS), pytest.raises(InvalidTransition) as caught:
        intervention_update(actor=world.yjs_worker, intervention=item, status="planned", note="x")
    assert str(caught.value) == "An intervention in progress cannot go back to planned"
    intervention_update(
        actor=world.yjs_worker, intervention=item, status="stopped", note="Moved away"
    )
    with nothing_written(*MEETING_MODELS), pytest.raises(InvalidTransition) as caught:
        intervention_update(actor=world.yjs_worker, intervention=item, status="done", note="x")
    assert str(caught.value) == "This intervention is stopped: agree a new one to do more"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"note": " "}, "note", "Say what has happened"),
        ({"status": "paused"}, "status", "Choose the intervention's status"),
        ({"due_on": "yesterday"}, "due_on", "The due date must be today or later"),
    ],
)
def test_a_bad_update_names_the_field_and_writes_nothing(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    item = add_intervention(world, held_meeting(world))
    values: dict[str, Any] = {"status": "in_progress", "note": "Session held", **fields}
    if values.get("due_on") == "yesterday":
        values["due_on"] = today() - dt.timedelta(days=1)
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        intervention_update(actor=world.yjs_worker, intervention=item, **values)
    assert caught.value.errors[field] == [message]


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("yjs_worker", True),  # the owner
        ("social_worker", True),  # the proposer
        ("team_manager", True),  # manages the proposer
        ("admin", False),  # an organiser, but recording the work done is casework
        ("teammate", False),
        ("police_analyst", False),
    ],
)
def test_who_updates_an_intervention(world: World, persona: str, allowed: bool) -> None:
    item = add_intervention(world, held_meeting(world))
    update = {"intervention": item, "status": "in_progress", "note": "Started"}
    if allowed:
        intervention_update(actor=world.persona(persona), **update)
        return
    with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
        intervention_update(actor=world.persona(persona), **update)


def test_the_owner_s_team_manager_may_update_their_work(world: World) -> None:
    from tests.factories import make_worker

    yjs_manager = make_worker(world.system, team=world.yjs_team, role="manager", scope="team")
    # About a child his team holds: one he may read (one he may not is refused, as the
    # update page would show its words: tests/mapping/test_selectors.py).
    item = add_intervention(
        world, held_meeting(world), actor=world.yjs_worker, person=world.yjs_child
    )
    intervention_update(actor=yjs_manager, intervention=item, status="in_progress", note="Checked")
    assert ChangeEvent.objects.filter(actor=yjs_manager).exists()


def test_proposal_purpose_is_trimmed(world: World) -> None:
    meeting = meeting_propose(
        actor=world.social_worker,
        children=[world.csc_child],
        purpose=f"  {PURPOSE}  ",
        basis=Basis("6_1_a", "sch1_18", "ca1989_s17"),
    )
    assert meeting.purpose == PURPOSE
    assert meeting.title == "Peer group mapping meeting"


def test_a_stale_page_cannot_move_a_meeting_someone_else_has_moved(world: World) -> None:
    meeting = schedule(world, propose(world))
    stale = Meeting.objects.get(pk=meeting.pk)  # as loaded by another worker's open page
    meeting_cancel(actor=world.social_worker, meeting=meeting, reason="Merged with another")
    with nothing_written(*MEETING_MODELS), pytest.raises(InvalidTransition) as caught:
        hold(world, stale)
    assert str(caught.value) == "This meeting was cancelled: it is too late to record its minutes"


def test_a_stale_page_cannot_update_a_finished_intervention(world: World) -> None:
    item = add_intervention(world, held_meeting(world))
    stale = Intervention.objects.get(pk=item.pk)
    intervention_update(actor=world.yjs_worker, intervention=item, status="done", note="Done")
    with nothing_written(*MEETING_MODELS), pytest.raises(InvalidTransition):
        intervention_update(
            actor=world.social_worker, intervention=stale, status="stopped", note="x"
        )
