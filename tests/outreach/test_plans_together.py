"""Several visit plans for one place made together (a rota's evenings): each checked, written
and audited as one plan is, the right to plan visits there asked once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.access import outreach as rules
from locus.access.models import Worker
from locus.common.errors import NotPermitted, ValidationFailed
from locus.outreach import services
from locus.outreach.models import Visit, VisitPerson, VisitPlan, Weekday
from locus.places.models import Context
from tests.factories import World, changes_for, nothing_written
from tests.frozen_clock import FrozenClock
from tests.outreach.helpers import park_case, plan

MODELS = (VisitPlan, Visit, VisitPerson)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Worker, Context]]:
    """Each time the right to plan visits is asked, who asked about which place."""
    calls: list[tuple[Worker, Context]] = []
    rule = rules.can_plan_visits

    def counted(worker: Worker, context: Context) -> bool:
        calls.append((worker, context))
        return rule(worker, context)

    monkeypatch.setattr(rules, "can_plan_visits", counted)
    return calls


def _evening(world: World, day: Weekday, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "purpose": "Be seen by the skate park on the evenings the group gathers.",
        "weekday": day,
        "start_time": dt.time(17),
        "end_time": dt.time(19),
        "starts_on": dt.date(2026, 11, 30),
        "ends_on": dt.date(2026, 12, 13),
        "workers": [world.social_worker],
    }
    values.update(fields)
    return values


@pytest.fixture
def on_a_friday(frozen_clock: FrozenClock) -> FrozenClock:
    frozen_clock.at(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    return frozen_clock


def test_a_rota_s_plans_are_made_and_audited_each_asking_once_whether_she_may(
    world: World, on_a_friday: FrozenClock, asked: list[tuple[Worker, Context]]
) -> None:
    park_case(world)
    days = (Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY)
    made = services.visit_plans_create(
        actor=world.social_worker,
        context=world.park,
        plans=[_evening(world, day) for day in days],
    )
    assert [p.weekday for p in made] == list(days)
    assert asked == [(world.social_worker, world.park)]
    for each in made:
        [created] = changes_for(each)
        assert created.actor == world.social_worker
        assert created.after["workers"] == [world.social_worker.pk]
    # A plan made alone afterwards asks again.
    plan(world)
    assert len(asked) == 2


@pytest.mark.parametrize("name", ["other_social_worker", "yjs_worker", "auditor", "admin"])
def test_nobody_outside_the_case_team_makes_a_rota(
    world: World, on_a_friday: FrozenClock, name: str
) -> None:
    park_case(world)
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        services.visit_plans_create(
            actor=world.persona(name),
            context=world.park,
            plans=[_evening(world, Weekday.MONDAY, workers=[world.persona(name)])],
        )


def test_one_plan_refused_refuses_the_rota(world: World, on_a_friday: FrozenClock) -> None:
    park_case(world)
    good, bad = _evening(world, Weekday.MONDAY), _evening(world, Weekday.TUESDAY, workers=[])
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as refused:
        services.visit_plans_create(
            actor=world.social_worker, context=world.park, plans=[good, bad]
        )
    assert set(refused.value.errors) == {"workers"}


def test_a_place_without_an_open_case_has_no_rota(world: World, on_a_friday: FrozenClock) -> None:
    with nothing_written(*MODELS), pytest.raises(NotPermitted):
        services.visit_plans_create(
            actor=world.social_worker,
            context=world.park,
            plans=[_evening(world, Weekday.MONDAY)],
        )
