"""Two people (or two tabs) ending or changing one episode or allocation at once.

Each second call is handed a copy of the row loaded before the first committed, as a
page opened before it would: the service reads the row afresh, locked, and refuses.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from locus.access.models import Role
from locus.common.errors import ValidationFailed
from locus.common.services import today
from locus.people.models import Allocation, LegalStatus, LegalStatusEpisode
from locus.people.services import allocation_end, episode_change, episode_end
from locus.transfers.services import transfer_accept, transfer_propose
from tests.factories import START, World, make_worker, nothing_written
from tests.people.episodes import open_plan

pytestmark = pytest.mark.django_db


def _stale(row: LegalStatusEpisode) -> LegalStatusEpisode:
    """The episode as a page loaded now has it."""
    return LegalStatusEpisode.objects.get(pk=row.pk)


def _open_plans(world: World) -> int:
    return LegalStatusEpisode.objects.filter(
        person=world.csc_child, status=LegalStatus.CHILD_PROTECTION, end__isnull=True
    ).count()


def test_two_changes_of_one_plan_at_once_leave_one_open_plan(world: World) -> None:
    plan = open_plan(world)
    first_tab, second_tab = _stale(plan), _stale(plan)
    episode_change(
        actor=world.social_worker, episode=first_tab, start=today(), detail="PHY", reason="Review"
    )
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as refused:
        episode_change(
            actor=world.team_manager, episode=second_tab, start=today(), detail="EMO", reason="Mine"
        )
    # Said on the date of the change, the field the change form shows.
    assert refused.value.errors["start"] == ["This episode has already ended"]
    assert _open_plans(world) == 1
    plan.refresh_from_db()
    assert plan.end_reason == "Review"  # the first change's reason stands


def test_an_episode_ended_meanwhile_is_not_ended_again(world: World) -> None:
    plan = open_plan(world)
    first_tab, second_tab = _stale(plan), _stale(plan)
    episode_end(actor=world.social_worker, episode=first_tab, end=today(), reason="Plan ended")
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as refused:
        episode_end(actor=world.team_manager, episode=second_tab, end=START, reason="Other")
    assert refused.value.errors["end"] == ["This episode has already ended"]
    plan.refresh_from_db()
    assert (plan.end, plan.end_reason) == (today(), "Plan ended")


def test_a_plan_changed_meanwhile_is_not_then_ended_as_it_was(world: World) -> None:
    plan = open_plan(world)
    stale = _stale(plan)
    episode_change(
        actor=world.social_worker, episode=plan, start=today(), detail="PHY", reason="Review"
    )
    with pytest.raises(ValidationFailed, match="already ended"):
        episode_end(actor=world.team_manager, episode=stale, end=today(), reason="Closed")
    assert _open_plans(world) == 1  # the plan as changed is still open


def test_one_open_episode_per_status_is_held_by_the_database(world: World) -> None:
    plan = open_plan(world)
    # Another status beside it is legitimate: a child in need may also be on a plan.
    assert world.csc_child.episodes.current().filter(status=LegalStatus.CHILD_IN_NEED).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalStatusEpisode.objects.create(
            person=world.csc_child,
            status=LegalStatus.CHILD_PROTECTION,
            start=START,
            agency=world.csc,
            cp_category="EMO",
        )
    # Ended ones are history: any number of them (the next opens the day one ended).
    episode_end(actor=world.social_worker, episode=plan, end=today(), reason="Plan ended")
    open_plan(world, "PHY", start=today())
    assert _open_plans(world) == 1


def test_an_allocation_transferred_meanwhile_keeps_the_transfer_as_its_reason(
    world: World,
) -> None:
    receiving = make_worker(world.system, team=world.csc_team_b, role=Role.MANAGER, username="bm")
    held = Allocation.objects.get(person=world.csc_child, end__isnull=True)
    stale = Allocation.objects.get(pk=held.pk)  # the team manager's page, loaded before
    transfer = transfer_propose(
        actor=world.social_worker,
        allocation=held,
        to_team=world.csc_team_b,
        handover_note="Moving to team B: the risks are in the plan",
    )
    transfer_accept(actor=receiving, transfer=transfer, to_worker=world.other_social_worker)
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as refused:
        allocation_end(actor=world.team_manager, allocation=stale, end=today(), reason="Closed")
    assert refused.value.errors["end"] == ["This allocation has already ended"]
    held.refresh_from_db()
    assert held.end_reason.startswith("Transferred to ")


def test_an_allocation_still_held_ends_as_asked(world: World) -> None:
    held = Allocation.objects.get(person=world.csc_child, end__isnull=True)
    stale = Allocation.objects.get(pk=held.pk)  # a page loaded before: nothing changed since
    ended = allocation_end(
        actor=world.team_manager, allocation=stale, end=today(), reason="Case closed"
    )
    assert (ended.end, ended.end_reason) == (today(), "Case closed")
