"""A rule made shorter applies to the purge only ``RELEASE_DAYS`` after it was set (one person
alone cannot shorten a rule and purge what it kept at once); a longer one applies at once."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.audit.models import ChangeEvent
from locus.people.models import Person
from locus.retention import purge, selectors, services
from locus.retention.models import RELEASE_DAYS, RetentionRule, RuleKind
from tests.factories import World, client_for
from tests.frozen_clock import FrozenClock
from tests.retention.conftest import leaver

pytestmark = pytest.mark.django_db

KIND = RuleKind.CHILD_NO_PLAN
PAGE = "/data/retention/"


def set_rule(world: World, amount: int, reason: str = "Policy review") -> RetentionRule:
    return services.rule_set(actor=world.admin, kind=KIND, amount=amount, reason=reason)


def recorded_years_ago(years: int, world: World, frozen_clock: FrozenClock) -> Person:
    """A child with nothing open and no plan, recorded ``years`` ago (the clock moved on)."""
    child = leaver(world.system)
    frozen_clock.advance(days=years * 366)
    return child


def purged(world: World, person: Person) -> bool:
    """Run a purge; whether it took ``person``."""
    purge.purge(actor=world.admin)
    return not Person.objects.filter(pk=person.pk).exists()


def in_force(frozen_clock: FrozenClock) -> int:
    return selectors.amounts(frozen_clock.today)[KIND]


def on_day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def test_a_shortened_rule_purges_nothing_the_day_it_is_set_only_after_the_release_period(
    frozen_clock: FrozenClock, world: World
) -> None:
    """The reviewer's case: a child kept under the 6-year rule, the rule set to 1 year and a
    purge started the same minute by the same administrator."""
    child = recorded_years_ago(2, world, frozen_clock)
    rule = set_rule(world, 1)
    applies = frozen_clock.today + dt.timedelta(days=RELEASE_DAYS)
    assert (rule.amount, rule.previous_amount, rule.applies_from) == (1, 6, applies)
    assert in_force(frozen_clock) == 6

    found = selectors.plan()
    assert child.pk not in found.people
    [waiting] = found.pending
    assert waiting.rule.kind == KIND and child.pk in waiting.ids  # what would go then
    assert not purged(world, child)

    frozen_clock.advance(days=RELEASE_DAYS - 1)
    assert not purged(world, child)  # the day before it applies

    frozen_clock.advance(days=1)
    assert frozen_clock.today == applies and in_force(frozen_clock) == 1
    assert not selectors.plan().pending
    assert purged(world, child)


def test_a_longer_rule_applies_at_once_and_ends_a_waiting_shortening(
    frozen_clock: FrozenClock, world: World
) -> None:
    child = recorded_years_ago(7, world, frozen_clock)  # past the default 6 years
    set_rule(world, 1)
    rule = set_rule(world, 8)
    assert (rule.amount, rule.previous_amount, rule.applies_from) == (8, None, None)
    assert in_force(frozen_clock) == 8
    assert not selectors.plan().pending
    assert not purged(world, child)  # kept under 8 years, at once


def test_shortening_again_keeps_the_longest_amount_and_waits_again(
    frozen_clock: FrozenClock, world: World
) -> None:
    child = recorded_years_ago(3, world, frozen_clock)
    first = set_rule(world, 2).applies_from
    assert first == frozen_clock.today + dt.timedelta(days=RELEASE_DAYS)

    frozen_clock.advance(days=10)
    rule = set_rule(world, 1)
    # Still the 6 years in force before the first change, not the 2 it set (never in force).
    assert (rule.previous_amount, in_force(frozen_clock)) == (6, 6)
    assert rule.applies_from == frozen_clock.today + dt.timedelta(days=RELEASE_DAYS)
    event = ChangeEvent.objects.filter(record_type="retention.retentionrule").latest("id")
    assert (event.before["amount"], event.after["amount"]) == (2, 1)

    # Rewording the reason (or going back to a time no shorter than the one waiting) keeps
    # the day it applies.
    assert set_rule(world, 1, "Policy review, minuted").applies_from == rule.applies_from
    assert set_rule(world, 3).applies_from == rule.applies_from

    frozen_clock.at(first)  # the first change's day: not applied, the second restarted it
    assert in_force(frozen_clock) == 6
    assert not purged(world, child)

    assert rule.applies_from is not None
    frozen_clock.at(rule.applies_from)
    assert in_force(frozen_clock) == 3
    assert purged(world, child)


def test_the_retention_and_purge_pages_show_a_waiting_shortening(
    frozen_clock: FrozenClock, world: World
) -> None:
    child = recorded_years_ago(2, world, frozen_clock)
    applies = set_rule(world, 1).applies_from
    assert applies is not None
    said = (
        f"Shortened to 1 year from {on_day(applies)}: until then the purge keeps these "
        "records for 6 years"
    )
    for persona in (world.admin, world.auditor):
        page = client_for(persona).get(PAGE).content.decode()
        assert said in page and "Shortening waits" in page

    admin = client_for(world.admin)
    rule_page = admin.get(f"{PAGE}rules/{KIND}/").content.decode()
    assert said in rule_page and 'value="1"' in rule_page  # the amount last set, to edit

    dry_run = admin.get(f"{PAGE}purge/").content.decode()
    assert "Rules made shorter, not applied yet" in dry_run and said in dry_run
    would_go = dry_run.split("Would go then: ")[1].split("</li>")[0]
    assert str(child.pk) in would_go.split("(")[1].rstrip(").").split(", ")
    assert "Purgeable" not in dry_run  # numbers, never names
