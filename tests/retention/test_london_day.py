"""The retention plan's "today" is the London day, as legal holds and waiting shortenings count
theirs: at 23:30 UTC in British Summer Time it is already the next day in London, and what
falls due, is released or applies that day does so then."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.retention import selectors, services
from locus.retention.models import RELEASE_DAYS, RuleKind
from tests.factories import World
from tests.frozen_clock import FrozenClock
from tests.retention.conftest import leaver
from tests.retention.test_release import hold_on

pytestmark = pytest.mark.django_db

RECORDED = dt.date(2027, 5, 3)
LONDON_DAY = dt.date(2034, 7, 15)  # in British Summer Time


def just_after_london_midnight(frozen_clock: FrozenClock, day: dt.date) -> None:
    """Stop the clock at 23:30 UTC the day before ``day``: 00:30 on ``day`` in London."""
    before = day - dt.timedelta(days=1)
    frozen_clock.at(dt.datetime.combine(before, dt.time(23, 30), tzinfo=dt.UTC))
    assert frozen_clock.today == day


def test_a_record_kept_until_a_london_day_is_due_from_its_first_minute(
    frozen_clock: FrozenClock, world: World
) -> None:
    frozen_clock.at(RECORDED)
    child = leaver(world.system, retain_until=LONDON_DAY)  # later than its rule's day
    just_after_london_midnight(frozen_clock, LONDON_DAY)
    found = selectors.plan()
    assert found.today == LONDON_DAY
    assert child.pk in found.people


def test_a_lifted_holds_release_ends_at_london_midnight(
    frozen_clock: FrozenClock, world: World
) -> None:
    frozen_clock.at(RECORDED)
    child = leaver(world.system)
    hold = hold_on(world.admin, child)
    frozen_clock.at(LONDON_DAY - dt.timedelta(days=RELEASE_DAYS))
    services.hold_lift(actor=world.admin, hold=hold, reason="Final order made")
    hold.refresh_from_db()
    assert hold.purge_from == LONDON_DAY
    just_after_london_midnight(frozen_clock, LONDON_DAY)
    found = selectors.plan()
    assert child.pk in found.people and not found.released


def test_a_waiting_shortening_applies_at_london_midnight(
    frozen_clock: FrozenClock, world: World
) -> None:
    frozen_clock.at(LONDON_DAY - dt.timedelta(days=3 * 365))
    child = leaver(world.system)  # due in 6 years; in 1 once the shortening applies
    frozen_clock.at(LONDON_DAY - dt.timedelta(days=RELEASE_DAYS))
    rule = services.rule_set(
        actor=world.admin, kind=RuleKind.CHILD_NO_PLAN, amount=1, reason="Policy review"
    )
    assert rule.applies_from == LONDON_DAY
    just_after_london_midnight(frozen_clock, LONDON_DAY)
    found = selectors.plan()
    assert child.pk in found.people and not found.pending
