"""Each write a worker needs to hear of tells exactly that worker, once, in its own
transaction: invitations to mapping meetings and panels, sign-offs asked (and passed on),
actions given (a panel's action that lands on a plan is told of once, as the plan's),
interventions, and emergency access to review. The words never name a child."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from locus.access.services import break_glass_request, break_glass_review, team_create
from locus.audit.models import ChangeEvent
from locus.casework import services as casework
from locus.common.clock import now, today
from locus.common.errors import ValidationFailed
from locus.mapping.services import meeting_cancel, meeting_invite
from locus.notifications.models import Notification
from locus.notifications.services import notification_read, on_day
from locus.panels.services import panel_attendee_add, panel_cancel, panel_hold
from tests.casework.helpers import (
    active_case,
    add_action,
    assessed_case,
    conference_of,
    home_plan,
    open_case,
    planned_case,
    schedule,
    submit,
    submit_plan,
)
from tests.casework.helpers import hold as hold_conference
from tests.factories import World, client_for, make_manager, make_worker
from tests.mapping.helpers import add_intervention, held_meeting, propose
from tests.mapping.helpers import schedule as schedule_meeting
from tests.notifications.helpers import new_notifications, who_and_what
from tests.panels.helpers import act, add, held, item, set_up

INVITED = "meeting_invitation"
PATROL = "Security patrol of the car park from 3pm to 7pm"  # the helper's action


def _names(world: World) -> list[str]:
    return [
        part
        for child in (world.csc_child, world.yjs_child, world.police_child, world.other_child)
        for part in (child.given_name, child.family_name)
    ]


def _no_child_named(world: World, made: list[Notification]) -> None:
    for notification in made:
        assert not [n for n in _names(world) if n in notification.text]


def test_a_mapping_meeting_invites_each_holder_but_not_the_proposer(world: World) -> None:
    with new_notifications() as made:
        meeting = propose(world, agreed=False)
    # The proposer holds csc_child; yjs_child's holder is invited and told.
    assert who_and_what(made) == [("yjs_worker", INVITED)]
    assert made[0].url == f"/meetings/{meeting.pk}/"
    assert made[0].text == "You are invited to a peer group mapping meeting"
    with new_notifications() as more:
        meeting_invite(actor=world.social_worker, meeting=meeting, worker=world.school_dsl)
    assert who_and_what(more) == [("school_dsl", INVITED)]
    _no_child_named(world, made + more)


def test_scheduling_a_mapping_meeting_tells_each_invitee_the_date(world: World) -> None:
    meeting = propose(world, agreed=False)
    meeting_invite(actor=world.social_worker, meeting=meeting, worker=world.school_dsl)
    when = now() + dt.timedelta(days=3)
    with new_notifications() as made:
        schedule_meeting(world, meeting, when=when)
    assert sorted(who_and_what(made)) == [("school_dsl", INVITED), ("yjs_worker", INVITED)]
    day = timezone.localtime(when).date()
    assert made[0].text == f"You are invited to a peer group mapping meeting on {on_day(day)}"


def test_a_refused_invitation_tells_nobody(world: World) -> None:
    meeting = propose(world, agreed=False)
    with new_notifications() as made, pytest.raises(ValidationFailed):
        meeting_invite(actor=world.social_worker, meeting=meeting, worker=world.yjs_worker)
    assert made == []


def test_a_panel_invites_its_chair_and_list_and_a_worker_added_later(world: World) -> None:
    with new_notifications() as made:
        meeting = set_up(world)
    assert sorted(who_and_what(made)) == [("police_analyst", INVITED), ("team_manager", INVITED)]
    day = f"{meeting.meets_on.day} {meeting.meets_on:%B %Y}"
    assert made[0].text == f"You are invited to the MACE panel on {day}"
    with new_notifications() as more:
        panel_attendee_add(actor=world.social_worker, meeting=meeting, worker=world.yjs_worker)
        panel_attendee_add(
            actor=world.social_worker, meeting=meeting, name="Dee Morgan", organisation="Security"
        )
    assert who_and_what(more) == [("yjs_worker", INVITED)]


def test_a_sign_off_asked_tells_the_named_manager_and_passing_it_on_the_next(
    world: World,
) -> None:
    case = open_case(world)
    with new_notifications() as made:
        case = submit(world, case)
    assert who_and_what(made) == [("team_manager", "sign_off_request")]
    assert made[0].url == f"/context-cases/{case.pk}/assessment/sign-off/"
    assert made[0].text == "You are asked to sign off a context case's assessment"
    second = make_worker(world.system, team=world.csc_team_a, role="manager", username="second")
    request = case.sign_offs.get(decided_at__isnull=True)
    with new_notifications() as more:
        casework.sign_off_reassign(
            actor=world.team_manager, request=request, manager=second, reason="On leave"
        )
    assert who_and_what(more) == [("second", "sign_off_request")]


def test_a_sign_off_passed_on_leaves_the_first_manager_no_request_they_cannot_open(
    world: World,
) -> None:
    """Once passed on, the sign-off page answers "not found" to the manager first asked: the
    notification asking them goes (audited), so My work does not send them to it."""
    case = submit(world, open_case(world))
    (asked,) = Notification.objects.filter(recipient=world.team_manager, kind="sign_off_request")
    second = make_worker(world.system, team=world.csc_team_a, role="manager", username="second")
    casework.sign_off_reassign(
        actor=world.team_manager,
        request=case.sign_offs.get(decided_at__isnull=True),
        manager=second,
        reason="On leave",
    )
    assert client_for(world.team_manager).get(asked.url).status_code == 404
    assert not Notification.objects.filter(pk=asked.pk).exists()
    assert [n.url for n in Notification.objects.filter(recipient=second)] == [asked.url]
    assert ChangeEvent.objects.filter(
        record_type="notifications.notification", record_id=str(asked.pk), action="delete"
    ).exists()


def test_a_sign_off_decided_takes_back_the_request_to_sign_it_off(world: World) -> None:
    """Was: after the manager approved the assessment (or refused it), My work still said,
    unread, "You are asked to sign off a context case's assessment"; it goes, audited."""
    case = submit(world, open_case(world))
    (asked,) = Notification.objects.filter(recipient=world.team_manager, kind="sign_off_request")
    casework.assessment_approve(actor=world.team_manager, assessment=case.assessment)
    assert not Notification.objects.filter(pk=asked.pk).exists()
    assert ChangeEvent.objects.filter(
        record_type="notifications.notification", record_id=str(asked.pk), action="delete"
    ).exists()


def _invitations(meeting: Any) -> Any:
    return Notification.objects.filter(
        kind="meeting_invitation", record_id=meeting.pk, record_type=meeting._meta.label_lower
    )


def test_a_meeting_recorded_as_held_takes_back_its_unread_invitations(world: World) -> None:
    """Was: months after a panel, or a conference, took place, My work still said, unread,
    "You are invited to the MACE panel on <date>". Once it is recorded as held, the unread
    invitations go (audited); one already read stays, as read."""
    panel = set_up(world)
    read = _invitations(panel).get(recipient=world.team_manager)
    notification_read(actor=world.team_manager, notification_id=read.pk)
    panel_hold(actor=world.social_worker, meeting=panel, attended=[panel.attendees.first().pk])
    assert list(_invitations(panel)) == [read]
    conference = schedule(world, conference_of(assessed_case(world)))
    assert _invitations(conference).count() == 1
    hold_conference(world, conference)
    assert not _invitations(conference).exists()


def test_a_plan_sent_for_sign_off_tells_the_manager_once(world: World) -> None:
    case = planned_case(world)
    with new_notifications() as made:
        submit_plan(world, case)
    assert who_and_what(made) == [("team_manager", "sign_off_request")]


def test_a_conference_s_chair_replaced_keeps_no_invitation_they_cannot_open(
    world: World,
) -> None:
    """A chair replaced by another no longer chairs the conference: their invitation to
    chair it goes from their notifications (audited), so that it does not go on asking them
    to (nor, on a home's case that they saw only as its chair, lead to "not found"); the
    new chair is told."""
    case = assessed_case(world)
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    first = make_worker(world.system, team=unit, scope="team", username="first_chair")
    conference = conference_of(case)
    where = {"when": now(), "location": "Hackney Service Centre, room 2"}
    casework.conference_schedule(
        actor=world.social_worker, conference=conference, chair=first, **where
    )
    (invited,) = Notification.objects.filter(recipient=first)
    assert client_for(first).get(invited.url).status_code == 200
    with new_notifications() as made:
        casework.conference_schedule(
            actor=world.social_worker,
            conference=conference_of(case),
            chair=world.other_social_worker,
            **where,
        )
    assert who_and_what(made) == [("other_social_worker", INVITED)]
    assert not Notification.objects.filter(recipient=first).exists()


def test_a_conference_s_new_chair_is_told_and_a_moved_date_tells_nobody(world: World) -> None:
    case = assessed_case(world)
    with new_notifications() as made:
        schedule(world, conference_of(case))
    assert who_and_what(made) == [("other_social_worker", INVITED)]
    assert made[0].text.startswith("You are invited to chair a context conference on ")
    assert made[0].url == f"/context-cases/{case.pk}/conference/"
    with new_notifications() as more:
        schedule(world, conference_of(case), when=now() + dt.timedelta(days=3))
    assert more == []


def test_an_action_given_tells_its_owner_and_nobody_for_a_named_partner(world: World) -> None:
    case = planned_case(world)
    with new_notifications() as made:
        add_action(world, case.plan, owner=world.teammate, agency=world.csc)
        add_action(world, case.plan, owner=None, owner_name="Centre manager")
    assert who_and_what(made) == [("teammate", "action_assigned")]
    due = today() + dt.timedelta(days=28)
    action = f"An action on the plan for {case.context.name}"
    assert made[0].text == f"{action} is yours, due by {due.day} {due:%B %Y}"
    # The action's own page (which links the plan for an owner who may see the case).
    assert made[0].url == f"/my-work/actions/{made[0].record_id}/"


def test_a_panel_action_tells_its_owner_once(world: World) -> None:
    meeting = held(world)
    with new_notifications() as made:
        act(world, item(meeting, "harmed"), owner=world.team_manager)
    assert who_and_what(made) == [("team_manager", "action_assigned")]
    assert made[0].url == f"/panels/{meeting.pk}/"
    _no_child_named(world, made)


def test_a_panel_action_landing_on_a_plan_is_told_of_once_as_the_plan_s(world: World) -> None:
    active_case(world)  # the plan the panel action lands on
    meeting = held(world)
    centre = add(world, meeting, "location", context=world.shopping_centre)
    with new_notifications() as made:
        action = act(world, centre, owner=world.team_manager, agency=world.csc)
    assert action.plan_action is not None
    assert who_and_what(made) == [("team_manager", "action_assigned")]
    assert made[0].url == f"/my-work/actions/{action.plan_action.pk}/"


def test_an_intervention_tells_its_owner(world: World) -> None:
    meeting = held_meeting(world)
    with new_notifications() as made:
        add_intervention(world, meeting)
    assert who_and_what(made) == [("yjs_worker", "action_assigned")]
    _no_child_named(world, made)


def _olu_missing(world: World) -> Any:
    """The social worker opens a child outside her scope in an emergency."""
    return break_glass_request(
        actor=world.social_worker,
        person_id=world.other_child.pk,
        category="missing_child",
        reason="Police report Olu missing since 6pm; need his address and contacts",
    )


def test_emergency_access_tells_the_team_s_managers_to_review(world: World) -> None:
    with new_notifications() as made:
        use = _olu_missing(world)
    assert use is not None
    assert who_and_what(made) == [("team_manager", "break_glass_review")]
    assert made[0].url == f"/access/break-glass/{use.pk}/review/"
    _no_child_named(world, made)


def test_a_reviewed_emergency_access_takes_back_every_manager_s_request_to_review_it(
    world: World,
) -> None:
    """Once one manager has reviewed a use, the others' "review it" would lead to a page
    saying it is already reviewed: it goes, each removal in the change trail."""
    second = make_manager(world.system, team=world.csc_team_a)
    use = _olu_missing(world)
    assert use is not None
    asked = Notification.objects.filter(kind="break_glass_review", record_id=use.pk)
    assert {n.recipient_id for n in asked} == {world.team_manager.pk, second.pk}
    notification_read(actor=second, notification_id=asked.get(recipient=second).pk)
    break_glass_review(
        actor=world.team_manager, use=use, outcome="justified", note="Olu was found by 9pm"
    )
    assert not asked.all().exists()  # .all(): a fresh query, not the set read above
    removed = ChangeEvent.objects.filter(record_type="notifications.notification", action="delete")
    assert removed.filter(actor=world.team_manager).count() == 2


def test_a_sign_off_s_email_goes_to_the_manager_and_says_nothing_of_the_case(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.team_manager.email = "tess.manager@example.org"
    world.team_manager.save()
    case = open_case(world)
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, case)
    [email] = mail.outbox
    assert email.to == ["tess.manager@example.org"]
    assert email.body.startswith("You have a new item in Locus: Sign-off request.")
    text = email.subject + email.body
    assert not [n for n in _names(world) if n in text]
    assert case.context.name not in text and f"/context-cases/{case.pk}" not in text


CANCELLED = "meeting_cancelled"


def _removals(notifications: list[Notification]) -> int:
    return ChangeEvent.objects.filter(
        record_type="notifications.notification",
        record_id__in=[str(n.pk) for n in notifications],
        action="delete",
    ).count()


def test_a_cancelled_mapping_meeting_tells_its_invitees_and_takes_back_unread_invitations(
    world: World,
) -> None:
    """A worker invited to a peer group mapping meeting that is then cancelled hears that it
    is off, with its date (no child, no reason), and an invitation they had not read goes
    (audited): My work does not go on inviting them to a meeting that will not happen. One
    they had read stays, as read. Failed before: nobody was told, the invitation stayed."""
    meeting = propose(world, agreed=False)
    meeting_invite(actor=world.social_worker, meeting=meeting, worker=world.school_dsl)
    when = now() + dt.timedelta(days=3)
    schedule_meeting(world, meeting, when=when)
    invited = list(Notification.objects.filter(kind=INVITED, record_id=meeting.pk))
    read = next(n for n in invited if n.recipient == world.school_dsl)
    notification_read(actor=world.school_dsl, notification_id=read.pk)
    unread = [n for n in invited if n.read_at is None and n.pk != read.pk]
    with new_notifications() as made:
        meeting_cancel(actor=world.social_worker, meeting=meeting, reason="Holder off sick")
    assert sorted(who_and_what(made)) == [("school_dsl", CANCELLED), ("yjs_worker", CANCELLED)]
    day = on_day(timezone.localtime(when).date())
    assert {n.text for n in made} == {
        f"The peer group mapping meeting on {day} you were invited to is cancelled"
    }
    assert {n.url for n in made} == {f"/meetings/{meeting.pk}/"}
    _no_child_named(world, made)
    left = Notification.objects.filter(kind=INVITED, record_id=meeting.pk)
    assert [n.pk for n in left] == [read.pk]
    assert unread and _removals(unread) == len(unread)
    assert client_for(world.yjs_worker).get(made[0].url).status_code == 200


def test_a_cancelled_panel_tells_its_list_and_takes_back_unread_invitations(
    world: World,
) -> None:
    """The chair and the workers on a panel's list hear it is cancelled (the kind of panel
    and its date), and their unread invitations to it go, audited. Failed before: nobody was
    told and the invitations stayed unread."""
    meeting = set_up(world)
    invited = list(Notification.objects.filter(kind=INVITED, record_id=meeting.pk))
    with new_notifications() as made:
        panel_cancel(actor=world.social_worker, meeting=meeting, reason="Chair unwell")
    assert sorted(who_and_what(made)) == [
        ("police_analyst", CANCELLED),
        ("team_manager", CANCELLED),
    ]
    assert made[0].text == (
        f"The MACE panel on {on_day(meeting.meets_on)} you were invited to is cancelled"
    )
    assert not Notification.objects.filter(kind=INVITED, record_id=meeting.pk).exists()
    assert len(invited) == 2 and _removals(invited) == 2
    assert client_for(world.police_analyst).get(made[0].url).status_code == 200


def test_an_action_on_a_home_s_plan_is_told_of_without_the_home_s_address(world: World) -> None:
    """A notice named an action's plan by its case's place, and a home's name is its
    address: kept in the owner's notifications after they no longer see the case. A home's
    plan is "a context plan" to every owner, the lead's own team too."""
    plan = home_plan(world)
    with new_notifications() as made:
        add_action(world, plan, owner=world.teammate, agency=world.csc)
    assert who_and_what(made) == [("teammate", "action_assigned")]
    assert made[0].text.startswith("An action on a context plan is yours, due by ")
    assert world.home.name not in made[0].text
