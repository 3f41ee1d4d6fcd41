"""Reminders of what falls due are sent once per record and date, however often they run:
a context plan's review to the case's lead, an action to its owner, a panel's review to its
chair. ``locus notify-due`` runs them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from locus import cli
from locus.access.models import Role, Scope
from locus.casework import services as casework
from locus.casework.models import PlanAction, PlanReview
from locus.notifications.models import Notification
from locus.notifications.reminders import NOTICE, send_due_reminders
from tests.casework.helpers import active_case, add_action, home_plan
from tests.factories import World, client_for
from tests.frozen_clock import FrozenClock
from tests.mapping.helpers import add_intervention, held_meeting
from tests.notifications.helpers import new_notifications, who_and_what
from tests.panels.helpers import act, held, item


def test_nothing_is_reminded_before_its_notice(world: World, frozen_clock: FrozenClock) -> None:
    case = active_case(world)
    first_due = min(
        [case.plan.reviews.get().due_on, *PlanAction.objects.values_list("due_on", flat=True)]
    )
    frozen_clock.at(first_due - NOTICE - dt.timedelta(days=1))
    with new_notifications() as made:
        assert send_due_reminders() == 0
    assert made == []


def test_reminders_are_sent_once_for_each_due_date(world: World, frozen_clock: FrozenClock) -> None:
    case = active_case(world)
    review = PlanReview.objects.get(plan=case.plan)
    action = PlanAction.objects.get(plan=case.plan)
    frozen_clock.at(max(review.due_on, action.due_on))  # both due today
    with new_notifications() as made:
        assert send_due_reminders() == 2
    assert sorted(who_and_what(made)) == [
        ("partner_worker", "action_due"),
        ("social_worker", "review_due"),
    ]
    day = f"{review.due_on.day} {review.due_on:%B %Y}"
    assert {n.text for n in made} >= {f"A context plan review is due on {day}"}
    frozen_clock.advance(days=1)
    with new_notifications() as again:
        assert send_due_reminders() == 0
    assert again == []
    # A new date is a new reminder, once.
    casework.action_update(
        actor=world.social_worker,
        action=action,
        status="in_progress",
        note="Patrols start next week",
        due_on=frozen_clock.today + dt.timedelta(days=3),
    )
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0


def test_panel_actions_reviews_and_interventions_are_reminded(
    world: World, frozen_clock: FrozenClock
) -> None:
    meeting = held(world)
    panel_action = act(world, item(meeting, "harmed"), owner=world.team_manager)
    intervention = add_intervention(world, held_meeting(world))
    frozen_clock.at(max(panel_action.due_on, intervention.due_on, meeting.review_on))
    with new_notifications() as made:
        send_due_reminders()
    assert sorted(who_and_what(made)) == [
        ("team_manager", "action_due"),
        ("team_manager", "review_due"),  # the chair
        ("yjs_worker", "action_due"),
    ]
    assert send_due_reminders() == 0


def test_locus_notify_due_sends_them(
    world: World, frozen_clock: FrozenClock, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path / "data"))
    case = active_case(world)
    frozen_clock.at(PlanReview.objects.get(plan=case.plan).due_on)
    out = io.StringIO()
    assert cli.main(["notify-due"], out=out) == 0
    sent = Notification.objects.filter(due_on__isnull=False).count()
    assert sent >= 1 and out.getvalue() == f"{sent} reminder{'' if sent == 1 else 's'} sent.\n"
    out = io.StringIO()
    assert cli.main(["notify-due"], out=out) == 0
    assert out.getvalue() == "0 reminders sent.\n"


def test_an_action_s_reminder_leads_to_its_own_page_which_its_owner_may_open(
    world: World, frozen_clock: FrozenClock
) -> None:
    """The owner of an action on a family home's plan may not see the home's case: the
    reminder leads to the action's own page (the plan's would answer "not found")."""
    plan = home_plan(world)
    action = add_action(world, plan, agency=world.yjs, owner=world.yjs_worker)
    frozen_clock.at(action.due_on)
    with new_notifications() as made:
        send_due_reminders()
    (reminder,) = [n for n in made if n.recipient_id == world.yjs_worker.pk]
    assert reminder.url == reverse("own-action", args=[action.pk])
    assert client_for(world.yjs_worker).get(reminder.url).status_code == 200


def test_no_reminder_goes_to_an_owner_who_no_longer_works_cases(
    world: World, frozen_clock: FrozenClock
) -> None:
    """An owner made the information governance lead no longer opens the action (its page,
    the panel's, answers "not found") nor has it in My work: a reminder would send them to
    a page that refuses them, so none is sent; the action's other reminders still go."""
    meeting = held(world)
    panel_action = act(world, item(meeting, "harmed"), owner=world.police_analyst)
    owner = world.police_analyst
    owner.role, owner.scope, owner.team = Role.AUDITOR, Scope.NONE, None
    owner.save(update_fields=["role", "scope", "team"])
    assert client_for(owner).get(reverse("panel", args=[meeting.pk])).status_code == 404
    frozen_clock.at(max(panel_action.due_on, meeting.review_on))
    with new_notifications() as made:
        send_due_reminders()
    assert who_and_what(made) == [("team_manager", "review_due")]  # the chair's, as before
