"""A forum share cannot be granted by one worker to themselves.

What a meeting shares about a child is what the child's case holder (or the
holder's manager) agreed to bring, with the fields they chose, to workers who
confirmed their own attendance, at a meeting the agreeing worker confirmed
attending too; and a meeting cannot be back-dated beyond an hour.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from locus.access import lookups, policies
from locus.access.fields import PersonField
from locus.access.forum import DEFAULT_SHARED_FIELDS, fields_shared_with
from locus.access.models import Role, Scope
from locus.audit.models import AccessEvent, ChangeAction
from locus.common import clock
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.mapping.models import Attendance, Invitee, InviteReason, MeetingStatus, ShareAgreement
from locus.mapping.selectors import MAX_PROPOSAL_CHILDREN
from locus.mapping.services import (
    attendance_confirm,
    meeting_close,
    meeting_record_minutes,
    meeting_schedule,
    share_agree,
    share_withdraw,
)
from locus.peers.models import GroupRole
from locus.peers.services import membership_add
from locus.people.services import allocation_create
from locus.sharing.models import Recipient, Share
from locus.sharing.services import source_of
from locus.sharing.vocab import CHILDREN_IN_NEED, POLICE_DISCLOSURE, Basis
from tests.factories import (
    START,
    World,
    client_for,
    last_change,
    make_person,
    make_worker,
    nothing_written,
)
from tests.mapping.helpers import MEETING_MODELS, agree, associate, hold, propose, schedule
from tests.sharing.helpers import BASIS_POST

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def sees(world: World, persona: str, child: str) -> bool:
    return policies.can_view_person(world.persona(persona), getattr(world, child))


def errors_on(html: str, field: str) -> str:
    """The error message shown on one form field."""
    found = re.search(
        rf'for="id_{field}">[^<]*</label>(?:(?!<input).)*?govuk-error-message"[^>]*>(.*?)</p>',
        html,
        re.S,
    )
    assert found, f"no error on {field}"
    return re.sub(r"<[^>]+>", "", found[1]).strip()


# --- The attack: propose, back-date, minute yourself present -------------------------------------


def hidden_children(world: World, count: int) -> list[Any]:
    """Children held by other_social_worker, in social_worker's child's group: linked to her
    case (so she may propose a meeting about them) but not hers to see."""
    out = []
    for n in range(count):
        child = make_person(world.system, given_name="Hidden", family_name=f"Child{n}")
        allocation_create(
            actor=world.system, person=child, worker=world.other_social_worker, start=START
        )
        membership_add(
            actor=world.system,
            person=child,
            group=world.group,
            role=GroupRole.PERIPHERAL,
            since=START,
            source="professional",
            confidence="medium",
        )
        out.append(child)
    return out


def test_a_worker_cannot_open_children_s_records_by_minuting_a_meeting_they_called(
    world: World,
) -> None:
    attacker = client_for(world.social_worker)
    hidden = [world.yjs_child, *hidden_children(world, 5)]
    for child in hidden:
        assert not policies.can_view_person(world.social_worker, child)
    query = "&".join(f"person={c.pk}" for c in hidden)
    response = attacker.post(
        url("meeting-propose") + "?" + query,
        {
            "children": [str(c.pk) for c in hidden],
            "title": "Mapping",
            "purpose": "Map the group",
            **BASIS_POST,
        },
    )
    assert response.status_code == 302
    meeting = world.social_worker.meetings_proposed.get()
    # She cannot agree to bring children she does not hold.
    for child in hidden:
        assert attacker.get(url("meeting-share", meeting.pk, child.pk)).status_code == 404
    # Two hours back is refused, on the date field.
    earlier = timezone.localtime(clock.now() - dt.timedelta(hours=2))
    schedule_form = {
        "when": earlier.strftime("%d/%m/%Y"),
        "time": earlier.strftime("%H:%M"),
        "online": "in_person",
        "location": "Room 1",
    }
    refused = attacker.post(url("meeting-schedule", meeting.pk), schedule_form)
    assert refused.status_code == 200
    assert "no more than 1 hour ago" in errors_on(refused.content.decode(), "when")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PROPOSED
    # Within the grace it is accepted, and she minutes only herself as present.
    just_now = timezone.localtime(clock.now() - dt.timedelta(minutes=5))
    schedule_form.update(when=just_now.strftime("%d/%m/%Y"), time=just_now.strftime("%H:%M"))
    assert attacker.post(url("meeting-schedule", meeting.pk), schedule_form).status_code == 302
    minutes = {
        f"attendance_{i.worker_id}": "attended"
        if i.worker_id == world.social_worker.pk
        else "absent"
        for i in meeting.invitees.all()
    }
    assert attacker.post(url("meeting-minutes", meeting.pk), minutes).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    for child in hidden:
        assert not policies.can_view_person(world.social_worker, child)
        assert attacker.get(url("person", child.pk)).status_code == 404
    assert fields_shared_with(world.social_worker, [c.pk for c in hidden]) == {}


# --- Only the holder or their manager agrees -----------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["social_worker", "police_analyst", "admin", "other_social_worker"]
)
def test_only_the_holder_or_their_manager_may_agree_to_share(world: World, persona: str) -> None:
    meeting = propose(world, agreed=False, invitees=[world.police_analyst])
    worker = world.persona(persona)
    with nothing_written(*MEETING_MODELS, ShareAgreement), pytest.raises(NotPermitted):
        share_agree(actor=worker, meeting=meeting, person=world.yjs_child, basis=CHILDREN_IN_NEED)


def test_the_holder_agrees_with_basis_and_fields_audited(world: World) -> None:
    meeting = propose(world, agreed=False)
    agreement = share_agree(
        actor=world.yjs_worker,
        meeting=meeting,
        person=world.yjs_child,
        basis=POLICE_DISCLOSURE,
        shared_fields=[PersonField.AGE, PersonField.UPN],
    )
    assert agreement.agreed_by == world.yjs_worker and agreement.agreed_at is not None
    assert agreement.basis == POLICE_DISCLOSURE
    assert agreement.fields == ["name", "age", "upn"]  # the name always goes with the child
    assert last_change(agreement).action == ChangeAction.CREATE
    # Agreeing again changes what is shared, audited.
    again = share_agree(
        actor=world.yjs_worker,
        meeting=meeting,
        person=world.yjs_child,
        basis=POLICE_DISCLOSURE,
        shared_fields=[],
    )
    assert again.pk == agreement.pk and again.fields == ["name"]
    assert last_change(agreement).action == ChangeAction.UPDATE


def test_a_manager_of_the_holding_team_may_agree_and_is_invited(world: World) -> None:
    meeting = propose(world, agreed=False)
    share_agree(
        actor=world.team_manager, meeting=meeting, person=world.csc_child, basis=CHILDREN_IN_NEED
    )
    invitation = meeting.invitees.get(worker=world.team_manager)
    assert invitation.reason == InviteReason.AGREED


def test_a_manager_invited_by_agreeing_is_named_on_the_meeting_s_other_shares(
    world: World,
) -> None:
    """Invited by agreeing to bring a child, the holder's manager is at the meeting like any
    worker invited later: the register names her as a recipient of the other children shared
    there (she sees them once she confirms attending), not of the child she agreed to bring."""
    meeting = propose(world, agreed=False)  # invites the holders: social_worker, yjs_worker
    agree(meeting, world.yjs_worker, world.yjs_child)
    assert not meeting.invitees.filter(worker=world.team_manager).exists()
    agree(meeting, world.team_manager, world.csc_child)  # the holder's manager: now invited
    hold(world, schedule(world, meeting))  # everyone attended and confirmed
    assert sees(world, "team_manager", "yjs_child")  # shared with her at the meeting

    def named_for(person: Any) -> set[Any]:
        agreement = ShareAgreement.objects.get(child__meeting=meeting, child__person=person)
        source_type, source_id = source_of(agreement)
        shares = Share.objects.filter(source_type=source_type, source_id=source_id)
        return set(Recipient.objects.filter(share__in=shares).values_list("worker", flat=True))

    assert world.team_manager.pk in named_for(world.yjs_child)
    assert world.team_manager.pk not in named_for(world.csc_child)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"basis": Basis("", "none", "ca1989_s17")}, "article6", "Choose the UK GDPR"),
        ({"basis": Basis("6_1_e", "none", "other")}, "duty_other", "Say which duty or power"),
        ({"shared_fields": ["shoe_size"]}, "shared_fields", "Choose what to share from the list"),
    ],
)
def test_a_bad_agreement_names_the_field_and_writes_nothing(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    meeting = propose(world, agreed=False)
    values: dict[str, Any] = {"basis": CHILDREN_IN_NEED, **fields}
    with (
        nothing_written(*MEETING_MODELS, ShareAgreement),
        pytest.raises(ValidationFailed) as caught,
    ):
        share_agree(actor=world.yjs_worker, meeting=meeting, person=world.yjs_child, **values)
    assert any(message in m for m in caught.value.errors[field])


def test_agreement_is_given_before_the_meeting_is_held(world: World) -> None:
    meeting = hold(world, schedule(world, propose(world, agreed=False)))
    with pytest.raises(InvalidTransition):
        agree(meeting, world.yjs_worker, world.yjs_child)


def test_the_share_page_agrees_for_the_holder_and_is_404_for_others(world: World) -> None:
    meeting = propose(world, agreed=False)
    page = url("meeting-share", meeting.pk, world.yjs_child.pk)
    assert client_for(world.social_worker).get(page).status_code == 404
    assert (
        client_for(world.yjs_worker).get(url("meeting-share", meeting.pk, "²")).status_code == 404
    )
    holder = client_for(world.yjs_worker)
    html = holder.get(page).content.decode()
    assert "Bring Yusuf Yjschild to this meeting" in html
    response = holder.post(page, {"shared_fields": ["age", "legal_status"], **BASIS_POST})
    assert response.status_code == 302
    agreement = ShareAgreement.objects.get()
    assert agreement.fields == ["name", "age", "legal_status"]
    detail = client_for(world.social_worker).get(url("meeting", meeting.pk)).content.decode()
    assert "Nobody yet: nothing is shared about this child" in detail  # csc_child
    assert "Test yjs_worker: name, age, social care and youth justice status" in detail


# --- A child nobody agreed to bring --------------------------------------------------------------


def test_a_child_nobody_agreed_to_bring_shares_nothing(world: World) -> None:
    meeting = propose(world, agreed=False)
    agree(meeting, world.social_worker, world.csc_child)
    hold(world, schedule(world, meeting))
    assert sees(world, "yjs_worker", "csc_child")  # agreed, both confirmed
    assert not sees(world, "social_worker", "yjs_child")  # never agreed
    with pytest.raises(Http404):
        lookups.access_person(world.social_worker, world.yjs_child.pk, shared=True)


# --- Each attendee confirms their own attendance -------------------------------------------------


def test_a_recorder_marking_others_present_grants_them_nothing(world: World) -> None:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    hold(world, meeting, confirmed=False)  # the recorder marks everyone present
    assert meeting.invitees.get(worker=world.social_worker).confirmed  # her own word
    assert not meeting.invitees.get(worker=world.police_analyst).confirmed
    assert not sees(world, "police_analyst", "csc_child")
    assert not sees(world, "yjs_worker", "csc_child")
    # social_worker confirmed, but yjs_child's holder has not: nothing of yjs_child yet.
    assert not sees(world, "social_worker", "yjs_child")
    attendance_confirm(actor=world.police_analyst, meeting=meeting)
    assert sees(world, "police_analyst", "csc_child")  # her holder confirmed
    assert not sees(world, "police_analyst", "yjs_child")  # his has not
    attendance_confirm(actor=world.yjs_worker, meeting=meeting)
    assert sees(world, "police_analyst", "yjs_child") and sees(world, "social_worker", "yjs_child")
    assert last_change(meeting.invitees.get(worker=world.yjs_worker)).actor == world.yjs_worker


@pytest.mark.parametrize("attendance", [Attendance.ABSENT, Attendance.APOLOGIES])
def test_only_an_attendance_the_minutes_record_can_be_confirmed(
    world: World, attendance: str
) -> None:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    with pytest.raises(InvalidTransition):  # not before the minutes
        attendance_confirm(actor=world.police_analyst, meeting=meeting)
    hold(world, meeting, attendance={world.police_analyst: attendance}, confirmed=False)
    with nothing_written(Invitee), pytest.raises(InvalidTransition):
        attendance_confirm(actor=world.police_analyst, meeting=meeting)
    with pytest.raises(NotPermitted):  # not invited
        attendance_confirm(actor=world.school_dsl, meeting=meeting)
    client = client_for(world.police_analyst)
    assert client.get(url("meeting-confirm-attendance", meeting.pk)).status_code == 404


# --- A meeting none of the child's agreeing workers attended -------------------------------------


@pytest.mark.parametrize("holder_mark", [Attendance.ABSENT, Attendance.APOLOGIES, "unconfirmed"])
def test_a_meeting_without_the_agreeing_holder_shares_nothing_of_their_child(
    world: World, holder_mark: str
) -> None:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    mark = Attendance.ATTENDED if holder_mark == "unconfirmed" else holder_mark
    hold(world, meeting, attendance={world.yjs_worker: mark}, confirmed=False)
    attendance_confirm(actor=world.police_analyst, meeting=meeting)
    assert sees(world, "police_analyst", "csc_child")
    assert not sees(world, "police_analyst", "yjs_child")
    assert not sees(world, "social_worker", "yjs_child")


def test_the_holder_s_manager_attending_in_their_place_carries_the_share(world: World) -> None:
    meeting = propose(world, agreed=False, invitees=[world.police_analyst])
    agree(meeting, world.team_manager, world.csc_child)  # social_worker's manager
    hold(
        world,
        schedule(world, meeting),
        attendance={world.social_worker: Attendance.APOLOGIES},
        actor=world.team_manager,
    )
    assert sees(world, "police_analyst", "csc_child")


# --- Back-dating ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ago", "refused"),
    [
        (dt.timedelta(minutes=50), False),
        (dt.timedelta(minutes=70), True),
        (dt.timedelta(days=21), True),
    ],
)
def test_scheduling_more_than_an_hour_in_the_past_is_refused(
    world: World, ago: dt.timedelta, refused: bool
) -> None:
    meeting = propose(world)
    when = clock.now() - ago
    if refused:
        with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
            schedule(world, meeting, when=when)
        assert caught.value.errors["when"] == [
            "The date and time must be no more than 1 hour ago: "
            "a meeting is scheduled before it takes place"
        ]
    else:
        assert schedule(world, meeting, when=when).scheduled_for == when


def test_a_meeting_set_ahead_cannot_be_moved_into_the_past(world: World) -> None:
    meeting = schedule(world, propose(world), when=clock.now() + dt.timedelta(days=2))
    with pytest.raises(ValidationFailed):
        meeting_schedule(
            actor=world.social_worker,
            meeting=meeting,
            when=clock.now() - dt.timedelta(days=2),
            online=True,
        )
    with pytest.raises(InvalidTransition):  # minutes only once it has taken place
        meeting_record_minutes(
            actor=world.social_worker,
            meeting=meeting,
            attendance=dict.fromkeys(
                meeting.invitees.values_list("worker_id", flat=True), Attendance.ATTENDED
            ),
        )


# --- A share shows only what was shared ----------------------------------------------------------


def test_the_share_carries_only_the_agreed_fields(world: World) -> None:
    meeting = propose(world, agreed=False, invitees=[world.police_analyst])
    agree(meeting, world.social_worker, world.csc_child)
    agree(
        meeting,
        world.yjs_worker,
        world.yjs_child,
        shared_fields=[PersonField.DATE_OF_BIRTH, PersonField.HOME_ADDRESS],
    )
    ids = [world.csc_child.pk, world.yjs_child.pk, world.pupil.pk]
    assert fields_shared_with(world.police_analyst, ids) == {}  # not held yet
    hold(world, schedule(world, meeting))
    assert fields_shared_with(world.police_analyst, ids) == {
        world.csc_child.pk: DEFAULT_SHARED_FIELDS,
        world.yjs_child.pk: frozenset({"name", "date_of_birth", "home_address"}),
    }
    # A worker's own cases follow their role, not the share.
    assert fields_shared_with(world.yjs_worker, ids) == {world.csc_child.pk: DEFAULT_SHARED_FIELDS}
    meeting_close(actor=world.social_worker, meeting=meeting)
    assert fields_shared_with(world.police_analyst, ids) == {}


def test_two_meetings_share_what_each_agreed_together(world: World) -> None:
    first = propose(world, agreed=False)
    agree(first, world.social_worker, world.csc_child, shared_fields=[PersonField.UPN])
    hold(world, schedule(world, first))
    second = propose(world, agreed=False)
    agree(second, world.social_worker, world.csc_child, shared_fields=[PersonField.AGE])
    hold(world, schedule(world, second))
    assert fields_shared_with(world.yjs_worker, [world.csc_child.pk]) == {
        world.csc_child.pk: frozenset({"name", "upn", "age"})
    }


def test_a_manager_who_does_not_see_the_team_s_child_cannot_bring_them(world: World) -> None:
    narrow = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, scope=Scope.OWN)
    meeting = propose(world, agreed=False)
    with pytest.raises(NotPermitted):
        agree(meeting, narrow, world.csc_child)
    agree(meeting, world.team_manager, world.csc_child)  # a manager who sees the team's cases


def test_a_proposal_names_at_most_thirty_children(world: World) -> None:
    mine = [world.csc_child]
    for _ in range(MAX_PROPOSAL_CHILDREN):
        child = make_person(world.system)
        allocation_create(actor=world.system, person=child, worker=world.social_worker, start=START)
        mine.append(child)
    with nothing_written(*MEETING_MODELS), pytest.raises(ValidationFailed) as caught:
        propose(world, children=mine)
    assert caught.value.errors["children"] == [
        "Choose at most 30 children: a meeting about more cannot map them"
    ]


def test_the_admin_cannot_make_an_agreement_or_confirm_an_attendance(world: World) -> None:
    meeting = hold(world, schedule(world, propose(world)), confirmed=False)
    admin = client_for(world.admin)
    assert admin.get("/admin/cocase/shareagreement/add/").status_code in (403, 404)
    agreement = ShareAgreement.objects.first()
    assert agreement is not None
    shown = admin.get(f"/admin/cocase/shareagreement/{agreement.pk}/change/")
    page = shown.content.decode()
    assert shown.status_code == 200 and "Lawful basis" in page
    assert 'name="fields"' not in page and 'name="agreed_by"' not in page
    invitee = meeting.invitees.get(worker=world.yjs_worker)
    shown = admin.get(f"/admin/cocase/invitee/{invitee.pk}/change/")
    page = shown.content.decode()
    assert shown.status_code == 200 and "View invitee" in page  # read, and nothing to write
    assert not any(f'name="{f}' in page for f in ("reason", "confirmed_at", "attendance"))


def test_a_holder_may_withdraw_their_agreement_before_the_meeting_is_held(world: World) -> None:
    meeting = schedule(world, propose(world))
    page = url("meeting-share-withdraw", meeting.pk, world.yjs_child.pk)
    assert client_for(world.social_worker).post(page).status_code == 404  # not hers
    holder = client_for(world.yjs_worker)
    assert "Withdraw your agreement" in holder.get(url("meeting", meeting.pk)).content.decode()
    agreement = ShareAgreement.objects.get(agreed_by=world.yjs_worker)
    # Withdrawing is said with a reason, asked on the page; without one, nothing changes.
    asked = holder.get(page).content.decode()
    assert "Why do you withdraw your agreement?" in asked and 'name="reason"' in asked
    refused = holder.post(page, {"reason": "  "})
    assert refused.status_code == 200
    assert "Say why you withdraw your agreement" in refused.content.decode()
    assert ShareAgreement.objects.filter(pk=agreement.pk).exists()
    assert holder.post(page, {"reason": WHY_WITHDRAWN}).status_code == 302
    assert not ShareAgreement.objects.filter(pk=agreement.pk).exists()
    # The trail's end event says what was shared, who withdrew it and why.
    event = last_change(agreement)
    assert (event.action, event.actor) == (ChangeAction.END, world.yjs_worker)
    assert event.before["fields"] == agreement.fields and event.after["fields"] == []
    assert event.after["withdrawal_reason"] == WHY_WITHDRAWN
    with pytest.raises(InvalidTransition):  # nothing left to withdraw
        share_withdraw(
            actor=world.yjs_worker, meeting=meeting, person=world.yjs_child, reason="Again"
        )
    hold(world, meeting)
    assert not sees(world, "social_worker", "yjs_child")
    assert sees(world, "yjs_worker", "csc_child")  # social_worker's agreement stands
    with pytest.raises(InvalidTransition):  # too late once held
        share_withdraw(
            actor=world.social_worker, meeting=meeting, person=world.csc_child, reason="Late"
        )


WHY_WITHDRAWN = "Her mother asked us not to bring her into a group meeting"


def test_a_withdrawal_needs_a_reason_and_writes_nothing_without_one(world: World) -> None:
    meeting = schedule(world, propose(world))
    with nothing_written(ShareAgreement, Share), pytest.raises(ValidationFailed) as refused:
        share_withdraw(actor=world.yjs_worker, meeting=meeting, person=world.yjs_child, reason="")
    assert refused.value.errors == {"reason": ["Say why you withdraw your agreement"]}


def test_the_pages_ask_an_attendee_to_confirm_and_log_who_they_show(world: World) -> None:
    peer = make_person(world.system, given_name="Kofi")  # another of the YJS worker's children
    allocation_create(actor=world.system, person=peer, worker=world.yjs_worker, start=START)
    associate(world, world.yjs_child, peer)
    associate(world, world.yjs_child, world.adult)  # one she may not see: by initials
    meeting = hold(world, schedule(world, propose(world)), confirmed=False)
    client = client_for(world.yjs_worker)
    listing = client.get(url("meetings")).content.decode()
    assert url("meeting-confirm-attendance", meeting.pk) in listing
    client.get(url("meeting", meeting.pk))
    event = AccessEvent.objects.filter(actor=world.yjs_worker, record_id=str(meeting.pk)).latest(
        "id"
    )
    assert event.detail["people_shown"] == [world.yjs_child.pk]
    assert event.detail["held_by_only"] == [world.csc_child.pk]
    # The group map names her own children, the other peer by initials: the event says so.
    assert sorted(event.detail["map_named"]) == sorted([world.yjs_child.pk, peer.pk])
    client.post(url("meeting-confirm-attendance", meeting.pk))
    assert (
        url("meeting-confirm-attendance", meeting.pk)
        not in client.get(url("meetings")).content.decode()
    )
