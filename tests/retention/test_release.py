"""A lifted legal hold's release period, the placer told of a lift, and the purge reading the
holds once per batch (docs/retention.md, "Legal holds")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.access.models import Worker
from locus.notifications.models import Notification, NotificationKind
from locus.notifications.services import on_day
from locus.people.models import Person
from locus.retention import purge, selectors, services
from locus.retention.models import RELEASE_DAYS, HeldKind, LegalHold, Outcome
from tests.casework.helpers import refer_child, screen
from tests.factories import World, client_for
from tests.frozen_clock import FrozenClock
from tests.retention.conftest import leaver

SEVEN_YEARS = 7 * 366
PAGE = "/data/retention/"


def hold_on(actor: Worker, person: Person, reason: str = "care") -> LegalHold:
    return services.hold_place(
        actor=actor,
        held_kind=HeldKind.PERSON,
        held_id=person.pk,
        reason=reason,
        detail="Proceedings, ref ZC26C00042",
        review_on=dt.date(2099, 1, 1),
    )


def day_text(day: dt.date) -> str:
    """A date as the pages and the dry run write it: "4 Jan 2027"."""
    return f"{day.day} {day:%b %Y}"


# --- The release period ---------------------------------------------------------------------


def test_a_lifted_hold_keeps_its_record_out_of_the_plan_and_the_purge_for_30_days(
    frozen_clock: FrozenClock, world: World
) -> None:
    child = leaver(world.system)
    hold = hold_on(world.admin, child)
    frozen_clock.advance(days=SEVEN_YEARS)
    services.hold_lift(actor=world.admin, hold=hold, reason="Final order made")
    lifted_on = frozen_clock.today
    purge_from = lifted_on + dt.timedelta(days=RELEASE_DAYS)

    found = selectors.plan()
    assert child.pk not in found.people and child.pk in [d.record_id for d in found.held]
    ((label, record_id, release),) = found.released
    assert (label, record_id) == ("Person", child.pk)
    assert str(release) == (
        f"hold lifted on {day_text(lifted_on)}; may be purged from {day_text(purge_from)}"
    )
    # The data team sees it coming on the dry run's page, by number, never by name.
    page = client_for(world.admin).get(f"{PAGE}purge/").content.decode()
    assert f"Person {child.pk}: {release}" in page and "Purgeable" not in page

    purge.purge(actor=world.admin)
    assert Person.objects.filter(pk=child.pk).exists()
    frozen_clock.advance(days=RELEASE_DAYS - 1)  # the last day of the release period
    assert child.pk not in selectors.plan().people
    purge.purge(actor=world.admin)
    assert Person.objects.filter(pk=child.pk).exists()

    frozen_clock.advance(days=1)  # the day it may be purged from
    assert frozen_clock.today == purge_from
    found = selectors.plan()
    assert child.pk in found.people and not found.released
    purge.purge(actor=world.admin)
    assert not Person.objects.filter(pk=child.pk).exists()


def test_a_hold_lifted_after_the_plan_still_keeps_the_record_in_the_purge(
    frozen_clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's plan listed the record (no hold then); a hold placed and lifted before the run
    acts on it still keeps it: the purge reads the holds again, release periods included."""
    child = leaver(world.system)
    frozen_clock.advance(days=SEVEN_YEARS)
    real_plan = selectors.plan

    def plan_then_hold_and_lift(now: Any = None) -> selectors.Plan:
        found = real_plan(now)
        hold = hold_on(world.admin, child)
        services.hold_lift(actor=world.admin, hold=hold, reason="Proceedings ended")
        return found

    monkeypatch.setattr(selectors, "plan", plan_then_hold_and_lift)
    run = purge.purge(actor=world.admin)
    item = run.items.get(record_id=child.pk, record_type=selectors.PERSON)
    assert item.outcome == Outcome.HELD
    assert Person.objects.filter(pk=child.pk).exists()


def test_a_live_hold_on_the_same_record_still_wins_over_a_release(
    frozen_clock: FrozenClock, world: World
) -> None:
    child = leaver(world.system)
    first = hold_on(world.admin, child)
    hold_on(world.admin, child, reason="criminal")
    frozen_clock.advance(days=SEVEN_YEARS)
    services.hold_lift(actor=world.admin, hold=first, reason="Care proceedings ended")
    found = selectors.plan()
    assert child.pk in [d.record_id for d in found.held]
    # Held by the live hold, not by a release: no "may be purged from" date is promised.
    assert found.released == []
    frozen_clock.advance(days=RELEASE_DAYS + 5)
    assert child.pk in [d.record_id for d in selectors.plan().held]
    purge.purge(actor=world.admin)
    assert Person.objects.filter(pk=child.pk).exists()


def test_a_lifted_case_hold_keeps_the_children_it_named_for_the_release_period(
    frozen_clock: FrozenClock, world: World
) -> None:
    case = screen(world, refer_child(world, world.park), context=world.park).case
    assert case is not None
    hold = services.hold_place(
        actor=world.admin,
        held_kind=HeldKind.CASE,
        held_id=case.pk,
        reason="inquiry",
        detail="Review ref LSPR-2026-9",
        review_on=dt.date(2099, 1, 1),
    )
    hold = services.hold_lift(actor=world.admin, hold=hold, reason="Review published")
    holds = selectors.read_holds()
    assert case.pk in holds.cases and world.csc_child.pk in holds.people
    release = holds.release_of(selectors.PERSON, world.csc_child.pk)
    assert release is not None and release.purge_from == hold.purge_from
    frozen_clock.advance(days=RELEASE_DAYS)
    holds = selectors.read_holds()
    assert case.pk not in holds.cases and world.csc_child.pk not in holds.people


# --- The placer is told -------------------------------------------------------------------


def test_the_manager_who_placed_a_hold_is_told_when_an_administrator_lifts_it(
    frozen_clock: FrozenClock, world: World
) -> None:
    hold = hold_on(world.team_manager, world.csc_child)
    frozen_clock.advance(days=3)
    services.hold_lift(actor=world.admin, hold=hold, reason="Final order made, ref ZC26C00042")
    purge_from = frozen_clock.today + dt.timedelta(days=RELEASE_DAYS)
    told = Notification.objects.get(recipient=world.team_manager)
    assert told.kind == NotificationKind.HOLD_LIFTED
    assert (told.record_type, told.record_id) == ("retention.legalhold", hold.pk)
    assert str(world.admin) in told.text and "care proceedings" in told.text
    assert on_day(frozen_clock.today) in told.text and on_day(purge_from) in told.text
    # Never the child: not their name, not the free text the administrator typed.
    assert world.csc_child.given_name not in told.text
    assert world.csc_child.family_name not in told.text and "Final order" not in told.text
    assert Notification.objects.count() == 1

    # The link is a page the manager may open: the hold, with who lifted it, why, and the day
    # the record may be purged from.
    assert told.url == f"{PAGE}holds/{hold.pk}/"
    page = client_for(world.team_manager).get(told.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Final order made, ref ZC26C00042" in text and str(world.admin) in text
    assert day_text(purge_from) in text
    assert world.csc_child.family_name not in text  # by number only


def test_the_lift_page_says_the_record_stays_for_the_release_period(world: World) -> None:
    hold = hold_on(world.team_manager, world.csc_child)
    page = client_for(world.admin).get(f"{PAGE}holds/{hold.pk}/lift/").content.decode()
    assert f"stays out of the purge for {RELEASE_DAYS} days more" in page
    lifted = client_for(world.admin).post(f"{PAGE}holds/{hold.pk}/lift/", {"reason": "Ended"})
    assert lifted.status_code == 302
    assert Notification.objects.filter(recipient=world.team_manager).count() == 1


@pytest.mark.parametrize("placer", ["admin", "team_manager"])
def test_lifting_your_own_hold_tells_nobody(world: World, placer: str) -> None:
    hold = hold_on(world.persona(placer), world.csc_child)
    services.hold_lift(actor=world.persona(placer), hold=hold, reason="Proceedings ended")
    assert not Notification.objects.exists()


def test_a_placer_who_no_longer_sees_the_record_is_told_without_a_link_to_it(
    world: World,
) -> None:
    hold = hold_on(world.team_manager, world.csc_child)
    manager = world.team_manager
    manager.team = world.csc_team_b  # moved team: the child is no longer theirs to see
    manager.save(update_fields=["team"])
    services.hold_lift(actor=world.admin, hold=hold, reason="Final order made")
    told = Notification.objects.get(recipient=manager)
    assert told.url == "/"  # their My work, not the hold
    assert client_for(manager).get(f"{PAGE}holds/{hold.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("auditor", 200),
        ("team_manager", 200),  # the held child is their team's
        ("social_worker", 404),
        ("police_analyst", 404),
    ],
)
def test_who_reads_a_holds_page(world: World, persona: str, status: int) -> None:
    hold = hold_on(world.admin, world.csc_child)
    assert client_for(world.persona(persona)).get(f"{PAGE}holds/{hold.pk}/").status_code == status
    other = hold_on(world.admin, world.other_child)  # not the manager's team's child
    assert client_for(world.team_manager).get(f"{PAGE}holds/{other.pk}/").status_code == 404
    assert client_for(world.admin).get(f"{PAGE}holds/999999/").status_code == 404


def test_the_hold_list_shows_when_a_lifted_holds_record_may_be_purged(
    frozen_clock: FrozenClock, world: World
) -> None:
    hold = hold_on(world.admin, world.csc_child)
    services.hold_lift(actor=world.admin, hold=hold, reason="Proceedings ended")
    purge_from = frozen_clock.today + dt.timedelta(days=RELEASE_DAYS)
    text = client_for(world.auditor).get(PAGE).content.decode()
    assert "May be purged from" in text and day_text(purge_from) in text
    assert "Release period" in text


# --- A hold placed while the purge runs --------------------------------------------------


def test_a_hold_placed_while_the_purge_runs_keeps_the_records_still_to_come(
    frozen_clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proceedings can start while a purge is going through a day's records: the holds are
    read again for each record, so one placed after the first child went keeps the next."""
    leavers = [leaver(world.system, family_name=f"Leaver{n}") for n in range(3)]
    frozen_clock.advance(days=7 * 366)
    real = purge.ACTS[selectors.PERSON]
    acted: list[int] = []

    def hold_the_rest_after_one(actor: Any, item: Any, holds: selectors.Holds) -> str:
        ids = [p.pk for p in leavers]
        if item.record_id in ids and not acted:  # as the first goes, the others are held
            for pk in ids:
                if pk != item.record_id:
                    hold_on(world.admin, Person.objects.get(pk=pk))
            acted.append(item.record_id)
        return real(actor, item, holds)  # the holds the purge read for this item

    monkeypatch.setitem(purge.ACTS, selectors.PERSON, hold_the_rest_after_one)
    run = purge.purge(actor=world.admin)
    outcomes = dict(
        run.items.filter(
            record_type=selectors.PERSON, record_id__in=[p.pk for p in leavers]
        ).values_list("record_id", "outcome")
    )
    assert sorted(outcomes.values()) == [Outcome.HELD, Outcome.HELD, Outcome.PURGED]
    assert Person.objects.filter(pk__in=[p.pk for p in leavers]).count() == 2
