"""Giving a plan action to someone else: its owner has left, or can no longer work it.

The case's lead (or a manager of the case's team) gives an open action to another worker
who may own casework, saying why. The step is kept in the action's history and audited;
the new owner is told and finds it in My work, the old owner's notification about it goes.
A partner given it is written to the sharing register, as for a new partner action.
Before, nothing let anyone hand an action on: it stayed with a worker who had gone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from locus.access.context_cases import action_receivers
from locus.casework import services
from locus.casework.models import PlanAction
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.notifications.models import Notification, NotificationKind
from locus.sharing.models import Share, ShareKind
from tests.casework.helpers import (
    CASEWORK_MODELS,
    add_action,
    closed,
    finish_actions,
    planned_case,
    request_closure,
)
from tests.factories import World, changes_for, client_for, nothing_written

pytestmark = pytest.mark.django_db

WORDS = "Walk the underpass with the youth workers after school"


def _assigned(worker: object, action: PlanAction) -> bool:
    return Notification.objects.filter(
        recipient=worker, kind=NotificationKind.ACTION_ASSIGNED, record_id=action.pk
    ).exists()


def _teammates_action(world: World) -> PlanAction:
    """An action on social_worker's case (its plan agreed, not yet approved), owned by her
    teammate."""
    plan = planned_case(world).plan
    return add_action(world, plan, agency=world.csc, owner=world.teammate, description=WORDS)


def _partner_shares(action: PlanAction) -> list[Share]:
    return list(
        Share.objects.filter(kind=ShareKind.PLAN_ACTION, source_id=str(action.pk)).prefetch_related(
            "recipients"
        )
    )


@pytest.mark.parametrize("giver", ["social_worker", "team_manager"])
def test_the_lead_or_the_teams_manager_gives_an_action_to_someone_else(
    world: World, giver: str
) -> None:
    action = _teammates_action(world)
    assert _assigned(world.teammate, action)
    given = services.action_give(
        actor=world.persona(giver),
        action=action,
        owner=world.yjs_worker,
        reason="Teammate has left the team; the youth justice worker knows the group",
    )
    given.refresh_from_db()
    assert given.owner == world.yjs_worker and given.agency == world.yjs
    step = given.updates.first()
    assert step is not None and step.status == given.status
    assert "Given to" in step.note and "knows the group" in step.note
    assert changes_for(given)[-1].after["owner_id"] == world.yjs_worker.pk
    # The new owner is told; the old owner's notification (its page is now 404 to them) goes.
    assert _assigned(world.yjs_worker, given)
    assert not Notification.objects.filter(recipient=world.teammate, record_id=given.pk).exists()
    # Not a partner: nothing is shared.
    assert _partner_shares(given) == []


@pytest.mark.parametrize(
    "name", ["teammate", "other_social_worker", "yjs_worker", "partner_worker", "auditor", "admin"]
)
def test_nobody_else_gives_an_action_away(world: World, name: str) -> None:
    """The owner, the rest of the team and every other agency update an action at most:
    choosing who does the plan's work is the lead's (or the team manager's)."""
    action = _teammates_action(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        services.action_give(
            actor=world.persona(name), action=action, owner=world.yjs_worker, reason="Left"
        )


def test_giving_an_action_needs_a_reason_and_a_new_owner_who_works_cases(world: World) -> None:
    action = _teammates_action(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.action_give(actor=world.social_worker, action=action, owner=None, reason=" ")
    assert set(error.value.errors) == {"owner", "reason"}
    assert error.value.errors["reason"] == ["Say why the action goes to someone else"]
    for owner in (world.auditor, world.admin):
        with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
            services.action_give(actor=world.social_worker, action=action, owner=owner, reason="x")
        assert error.value.errors["owner"] == ["Choose a worker from the list"]
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.action_give(
            actor=world.social_worker, action=action, owner=world.teammate, reason="x"
        )
    assert "owns it already" in error.value.errors["owner"][0]
    # The page offers the add-action form's owners, less the owner now.
    offered = set(action_receivers(action))
    assert world.yjs_worker in offered and world.partner_worker in offered
    assert not {world.teammate, world.auditor, world.admin} & offered


def test_a_closing_or_closed_case_gives_no_action_away(world: World) -> None:
    action = _teammates_action(world)
    case = action.plan.case
    services.plan_submit(actor=world.social_worker, plan=case.plan, manager=world.team_manager)
    services.plan_approve(actor=world.team_manager, plan=case.plan)
    finish_actions(world, case)
    # A finished action is not given away.
    action.refresh_from_db()
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="finished"):
        services.action_give(
            actor=world.social_worker, action=action, owner=world.yjs_worker, reason="Left"
        )
    request_closure(world, case)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="closing"):
        services.action_give(
            actor=world.social_worker, action=action, owner=world.yjs_worker, reason="Left"
        )


def test_a_closed_case_gives_no_action_away(world: World) -> None:
    case = planned_case(world)
    services.plan_submit(actor=world.social_worker, plan=case.plan, manager=world.team_manager)
    services.plan_approve(actor=world.team_manager, plan=case.plan)
    finish_actions(world, case)
    case = closed(world, case)
    action = case.plan.actions.first()
    assert action is not None
    with nothing_written(*CASEWORK_MODELS), pytest.raises(InvalidTransition, match="closed"):
        services.action_give(
            actor=world.team_manager, action=action, owner=world.yjs_worker, reason="Left"
        )


def test_a_partner_given_an_action_is_written_to_the_sharing_register(world: World) -> None:
    action = _teammates_action(world)
    services.action_give(
        actor=world.social_worker,
        action=action,
        owner=world.partner_worker,
        reason="The centre's security will walk it with the youth workers",
    )
    action.refresh_from_db()
    assert action.agency == world.partner
    (share,) = _partner_shares(action)
    assert [r.worker for r in share.recipients.all()] == [world.partner_worker]


def test_the_plan_page_offers_it_to_the_lead_and_manager_only(world: World) -> None:
    action = _teammates_action(world)
    case = action.plan.case
    plan_url = reverse("context-plan", args=[case.pk])
    give_url = reverse("context-action-give", args=[case.pk, action.pk])
    for who in (world.social_worker, world.team_manager):
        assert give_url in client_for(who).get(plan_url).content.decode()
        assert client_for(who).get(give_url).status_code == 200
    for who in (world.teammate, world.other_social_worker, world.partner_worker, world.admin):
        page = client_for(who).get(plan_url)
        assert give_url not in page.content.decode()
        assert client_for(who).get(give_url).status_code == 404
        assert client_for(who).post(give_url, {"owner": world.yjs_worker.pk}).status_code == 404
    assert PlanAction.objects.get(pk=action.pk).owner == world.teammate


def test_the_new_owner_finds_the_action_in_my_work(world: World) -> None:
    action = _teammates_action(world)
    case = action.plan.case
    give_url = reverse("context-action-give", args=[case.pk, action.pk])
    answer = client_for(world.social_worker).post(
        give_url, {"owner": world.yjs_worker.pk, "reason": "Teammate is on long-term leave"}
    )
    assert answer.status_code == 302
    assert escape(WORDS) in client_for(world.yjs_worker).get(reverse("my-work")).content.decode()
    assert escape(WORDS) not in client_for(world.teammate).get(reverse("my-work")).content.decode()
    own = reverse("own-action", args=[action.pk])
    assert client_for(world.yjs_worker).get(own).status_code == 200
    assert client_for(world.teammate).get(own).status_code == 404
