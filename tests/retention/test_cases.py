"""Context cases: purged 6 years after closure with all that hangs off them, unless held."""

from __future__ import annotations

import datetime as dt

from locus.audit.models import ChangeEvent
from locus.casework import services as casework
from locus.casework.models import ContextCase, ContextPlan, PlanAction, Referral
from locus.retention import purge, selectors
from locus.retention.models import RELEASE_DAYS, HeldKind, Outcome, RuleKind
from locus.retention.services import hold_lift, hold_place
from tests.casework.helpers import (
    active_case,
    finish_actions,
    refer_child,
    refreshed,
    request_closure,
    screen,
)
from tests.factories import World
from tests.frozen_clock import FrozenClock

SEVEN_YEARS = 7 * 366


def closed_case_with_a_plan(world: World) -> ContextCase:
    case = active_case(world)
    finish_actions(world, case)
    request_closure(world, refreshed(case))
    return casework.closure_approve(actor=world.team_manager, case=refreshed(case))


def test_a_closed_case_goes_with_its_plan_actions_and_referral_unless_held(
    frozen_clock: FrozenClock, world: World
) -> None:
    case = closed_case_with_a_plan(world)
    assert case.status == "closed"
    plan_id = ContextPlan.objects.get(case=case).pk
    hold = hold_place(
        actor=world.team_manager,
        held_kind=HeldKind.CASE,
        held_id=case.pk,
        reason="inquiry",
        detail="Local safeguarding practice review, ref LSPR-2026-3",
        review_on=frozen_clock.today + dt.timedelta(days=60),
    )
    frozen_clock.advance(days=SEVEN_YEARS)
    found = selectors.plan()
    assert case.pk not in found.ids(RuleKind.CONTEXT_CASE)
    assert case.pk in [d.record_id for d in found.held]
    purge.purge(actor=world.admin)
    assert ContextCase.objects.filter(pk=case.pk).exists()

    hold_lift(actor=world.admin, hold=hold, reason="Review published")
    frozen_clock.advance(days=RELEASE_DAYS)  # the release period over
    run = purge.purge(actor=world.admin)

    assert run.items.get(record_type="casework.contextcase").outcome == Outcome.PURGED
    assert not ContextCase.objects.filter(pk=case.pk).exists()
    assert not ContextPlan.objects.filter(pk=plan_id).exists()
    assert not PlanAction.objects.filter(plan_id=plan_id).exists()
    assert not Referral.objects.filter(case_id=case.pk).exists()
    gone = ChangeEvent.objects.filter(action="delete", after__purge_run=run.pk)
    assert {"casework.contextcase", "casework.contextplan", "casework.planaction"} <= set(
        gone.values_list("record_type", flat=True)
    )


def test_a_hold_on_a_case_keeps_the_children_it_named(
    world: World, frozen_clock: FrozenClock
) -> None:
    case = screen(world, refer_child(world, world.park), context=world.park).case
    assert case is not None
    assert world.csc_child.pk not in selectors.held_person_ids()
    hold_place(
        actor=world.admin,
        held_kind=HeldKind.CASE,
        held_id=case.pk,
        reason="criminal",
        detail="Trial ref T20267002",
        review_on=frozen_clock.today + dt.timedelta(days=60),
    )
    assert world.csc_child.pk in selectors.held_person_ids()
