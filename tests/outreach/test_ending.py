"""Ending a plan's visits: once the place is reclaimed (or the case closes) the team that
works the place's case ends the visits, saying why, and they stop being due in My work.
Without it a plan with no last date stayed due, and overdue, to everyone on it for good."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.casework.models import ContextCase
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.outreach import selectors, services
from locus.outreach.models import Visit, VisitPlan
from tests.factories import World, changes_for, client_for, nothing_written
from tests.frozen_clock import FrozenClock
from tests.outreach.helpers import park_case, plan, visit

FRIDAY = dt.date(2026, 11, 27)
REASON = "The park has had wardens at the gates since October and no approaches since."


@pytest.fixture
def park_plan(world: World, frozen_clock: FrozenClock) -> VisitPlan:
    frozen_clock.at(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    park_case(world)
    return plan(world)


def _end(world: World, visits: VisitPlan, **fields: Any) -> VisitPlan:
    values: dict[str, Any] = {"actor": world.social_worker, "last_on": FRIDAY, "reason": REASON}
    return services.visit_plan_end(plan=visits, **{**values, **fields})


def test_the_case_team_ends_the_visits_with_a_reason_and_none_after_are_due(
    world: World, park_plan: VisitPlan
) -> None:
    assert dt.date(2026, 12, 4) in [d.on for d in selectors.visits_due(world.yjs_worker)]
    ended = _end(world, park_plan)
    assert (ended.ends_on, ended.ended_by, ended.ended_reason) == (
        FRIDAY,
        world.social_worker,
        REASON,
    )
    assert ended.ended_at is not None
    assert [d.on for d in selectors.visits_due(world.yjs_worker)] == [
        dt.date(2026, 11, d) for d in (6, 13, 20, 27)
    ]
    assert changes_for(ended)[-1].after["ended_reason"] == REASON


def test_the_visits_end_once_with_a_reason_and_not_before_a_visit_recorded(
    world: World, park_plan: VisitPlan
) -> None:
    visit(world, park_plan)  # on 20 November
    with nothing_written(VisitPlan), pytest.raises(ValidationFailed) as refused:
        _end(world, park_plan, last_on=dt.date(2026, 11, 13), reason=" ")
    assert refused.value.errors["reason"] == ["Say why the visits end"]
    assert refused.value.errors["last_on"] == [
        "A visit is recorded on 20 November 2026: end the visits on or after it"
    ]
    with pytest.raises(ValidationFailed) as refused:
        _end(world, park_plan, last_on=None)
    assert refused.value.errors["last_on"] == ["Enter the date of the last visit"]
    _end(world, park_plan)
    with pytest.raises(InvalidTransition):
        _end(world, park_plan)


@pytest.mark.parametrize("name", ["yjs_worker", "other_social_worker", "auditor", "admin"])
def test_only_the_team_working_the_place_s_case_ends_its_visits(
    world: World, park_plan: VisitPlan, name: str
) -> None:
    """A worker who goes on the plan for their agency records its visits, but ending the
    work is the case team's decision, as planning it was."""
    with nothing_written(VisitPlan), pytest.raises(NotPermitted):
        _end(world, park_plan, actor=world.persona(name))
    assert (
        client_for(world.persona(name)).get(f"/outreach/plans/{park_plan.pk}/end/").status_code
        == 404
    )


def test_the_case_team_still_ends_the_visits_once_the_case_has_closed(
    world: World, park_plan: VisitPlan
) -> None:
    ContextCase.objects.filter(context=world.park).update(status="closed")
    assert _end(world, park_plan).ended_at is not None


def test_the_visits_are_ended_through_the_plan_page(world: World, park_plan: VisitPlan) -> None:
    client = client_for(world.social_worker)
    page = client.get(f"/outreach/plans/{park_plan.pk}/").text
    assert f'href="/outreach/plans/{park_plan.pk}/end/"' in page
    refused = client.post(f"/outreach/plans/{park_plan.pk}/end/", {"last_on": "27/11/2026"})
    assert refused.status_code == 200 and "Say why the visits end" in refused.text
    ended = client.post(
        f"/outreach/plans/{park_plan.pk}/end/", {"last_on": "27/11/2026", "reason": REASON}
    )
    assert ended.status_code == 302
    page = client.get(f"/outreach/plans/{park_plan.pk}/").text
    assert "Ended by" in page and REASON in page
    assert f'href="/outreach/plans/{park_plan.pk}/end/"' not in page


def test_a_visit_form_loaded_before_the_visits_ended_records_nothing_after_the_end(
    world: World, park_plan: VisitPlan
) -> None:
    """A worker who opened the plan before the case team ended it does not then record a
    visit (made or missed) after the last date: the services read the plan afresh."""
    loaded = VisitPlan.objects.get(pk=park_plan.pk)
    _end(world, park_plan, last_on=dt.date(2026, 11, 13))
    with nothing_written(Visit), pytest.raises(ValidationFailed) as refused:
        visit(world, loaded, actor=world.yjs_worker, went=[world.yjs_worker], people=[])
    assert refused.value.errors["on"] == ["The plan's visits ended before that date"]
    with nothing_written(Visit), pytest.raises(ValidationFailed):
        services.visit_missed(actor=world.yjs_worker, plan=loaded, on=FRIDAY, reason="Rain")


def test_the_visits_are_not_ended_on_a_date_far_ahead_that_leaves_them_due(
    world: World, park_plan: VisitPlan
) -> None:
    """Ending the visits says the work is done now: a last date months ahead would show the
    plan as ended (by whom, why) while its visits stayed due in My work and were recorded
    until then. The last date is today, before it, or tomorrow at the latest."""
    with nothing_written(VisitPlan), pytest.raises(ValidationFailed) as refused:
        _end(world, park_plan, last_on=dt.date(2027, 6, 25))
    assert refused.value.errors["last_on"] == [
        "The visits end now: enter today's date, an earlier one, or tomorrow's at the latest"
    ]
    ended = _end(world, park_plan, last_on=FRIDAY + dt.timedelta(days=1))
    assert ended.ends_on == dt.date(2026, 11, 28)
    assert [d.on for d in selectors.visits_due(world.yjs_worker)] == [
        dt.date(2026, 11, d) for d in (6, 13, 20, 27)
    ]
