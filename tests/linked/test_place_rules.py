"""Managers' co-presence rules and a school's own pupils, where links are found: an excluded
place gives no co-presence (but its shared incidents still link), a narrower window, only out of
hours, and two pupils at their own school."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from locus.analysis import triage
from locus.analysis.linked import link_table
from locus.common import clock
from locus.incidents.models import InvolvementRole
from locus.linked.evidence import busy_flags, load_borough
from locus.linked.selectors import linked_cases, linked_together
from locus.places.models import CoPresenceMode
from locus.places.selectors import busy_places
from locus.places.services import co_presence_rule_remove, co_presence_rule_set, enrolment_create
from tests.factories import START, World, make_incident

pytestmark = pytest.mark.django_db

HARMED, PRESENT = InvolvementRole.HARMED, InvolvementRole.PRESENT
LONDON = ZoneInfo("Europe/London")


def at(days_ago: int, hour: int = 12) -> dt.datetime:
    day = clock.today() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def incident(world: World, place, people, days_ago: int, hour: int = 12):  # type: ignore[no-untyped-def]
    return make_incident(
        world.system,
        context=place,
        involvements=people,
        reporting_agency=world.police,
        occurred_at=at(days_ago, hour),
    )


def rule(world: World, place, mode: str, days: int | None = None) -> None:  # type: ignore[no-untyped-def]
    co_presence_rule_set(
        actor=world.team_manager,
        context=place,
        mode=mode,
        window_days=days,
        reason="Many young people pass through",
    )


def linked_to_csc_child(world: World) -> set[int]:
    found = linked_cases(
        viewer=world.social_worker,
        focus=[world.csc_child],
        exclude_holders=[world.social_worker.pk],
    )
    return {case.other_id for case in found.links}


def both_at(world: World, place, *, apart: int = 3, hours=(12, 12)) -> None:  # type: ignore[no-untyped-def]
    """Ciara and Yusuf each in an incident of their own at ``place``, ``apart`` days apart."""
    incident(world, place, [(world.csc_child, HARMED)], 100, hours[0])
    incident(world, place, [(world.yjs_child, HARMED)], 100 - apart, hours[1])


def test_an_excluded_place_gives_no_co_presence(world: World) -> None:
    both_at(world, world.shopping_centre)
    assert linked_to_csc_child(world) == {world.yjs_child.pk}
    rule(world, world.shopping_centre, CoPresenceMode.EXCLUDE)
    assert linked_to_csc_child(world) == set()
    # Nor on the borough's clusters (the whole borough's link table).
    loaded = load_borough()
    table = link_table(
        loaded.evidence,
        loaded.person_index([world.csc_child.pk, world.yjs_child.pk]),
        window_days=30,
    )
    assert int(table.n_co_presence.sum()) == 0
    # Nor in a meeting's "linked together".
    ids = [world.csc_child.pk, world.yjs_child.pk]
    assert linked_together(world.social_worker, ids) == {world.csc_child.pk}


def test_an_excluded_place_keeps_the_evidence_of_a_shared_incident(world: World) -> None:
    rule(world, world.shopping_centre, CoPresenceMode.EXCLUDE)
    incident(
        world, world.shopping_centre, [(world.csc_child, HARMED), (world.yjs_child, PRESENT)], 50
    )
    found = linked_cases(
        viewer=world.social_worker,
        focus=[world.csc_child],
        exclude_holders=[world.social_worker.pk],
    )
    [case] = found.links
    assert case.other_id == world.yjs_child.pk
    assert any(
        "Both involved in 1 incident at Mare Street Centre" in r for r in case.evidence.reasons
    )


def test_removing_the_rule_brings_the_co_presence_back(world: World) -> None:
    both_at(world, world.shopping_centre)
    rule(world, world.shopping_centre, CoPresenceMode.EXCLUDE)
    co_presence_rule_remove(
        actor=world.team_manager, context=world.shopping_centre, reason="Closed"
    )
    assert linked_to_csc_child(world) == {world.yjs_child.pk}


@pytest.mark.parametrize(("apart", "linked"), [(3, True), (5, True), (6, False), (20, False)])
def test_a_narrower_window(world: World, apart: int, linked: bool) -> None:
    both_at(world, world.park, apart=apart)
    assert linked_to_csc_child(world) == {world.yjs_child.pk}
    rule(world, world.park, CoPresenceMode.WINDOW, 5)
    assert (linked_to_csc_child(world) == {world.yjs_child.pk}) is linked
    # Elsewhere the page's window still holds.
    both_at(world, world.shopping_centre, apart=20)
    assert linked_to_csc_child(world) == {world.yjs_child.pk}


@pytest.mark.parametrize(
    ("hours", "linked"),
    [((20, 22), True), ((6, 19), True), ((7, 18), True), ((14, 20), False), ((8, 17), False)],
)
def test_only_out_of_hours(world: World, hours: tuple[int, int], linked: bool) -> None:
    both_at(world, world.shopping_centre, hours=hours)
    rule(world, world.shopping_centre, CoPresenceMode.OUT_OF_HOURS)
    assert (linked_to_csc_child(world) == {world.yjs_child.pk}) is linked


def test_pupils_at_their_own_school_are_not_linked_by_being_there(world: World) -> None:
    both_at(world, world.school)
    # Ciara alone on the roll: the co-presence stands.
    enrolment_create(actor=world.system, person=world.csc_child, school=world.school, start=START)
    assert linked_to_csc_child(world) == {world.yjs_child.pk}
    # Both on its roll: they were at their own school.
    enrolment_create(actor=world.system, person=world.yjs_child, school=world.school, start=START)
    assert linked_to_csc_child(world) == set()
    # At another place, the same two pupils are still linked by being there together.
    both_at(world, world.park)
    assert linked_to_csc_child(world) == {world.yjs_child.pk}


def test_a_pupil_who_joined_the_roll_after_the_incident_was_not_at_their_own_school(
    world: World,
) -> None:
    both_at(world, world.school)
    enrolment_create(actor=world.system, person=world.csc_child, school=world.school, start=START)
    joined = clock.today() - dt.timedelta(days=10)
    enrolment_create(actor=world.system, person=world.yjs_child, school=world.school, start=joined)
    assert linked_to_csc_child(world) == {world.yjs_child.pk}


def test_a_narrower_window_holds_when_a_caseload_loads_the_incidents_anyway(world: World) -> None:
    # Tariq's incident (day 86) brings Yusuf's (day 88) into the caseload's evidence; Ciara's
    # (day 100) is 12 days from Yusuf's: within the page's 30, not the park's 5.
    incident(world, world.park, [(world.csc_child, HARMED)], 100)
    incident(world, world.park, [(world.team_child, HARMED)], 86)
    incident(world, world.park, [(world.yjs_child, HARMED)], 88)
    rule(world, world.park, CoPresenceMode.WINDOW, 5)
    found = linked_cases(
        viewer=world.social_worker,
        focus=[world.csc_child, world.team_child],
        exclude_holders=[world.social_worker.pk, world.teammate.pk],
    )
    pairs = {(case.child.pk, case.other_id) for case in found.links}
    assert pairs == {(world.team_child.pk, world.yjs_child.pk)}


def test_busy_flags_follow_the_loaded_places(world: World) -> None:
    both_at(world, world.shopping_centre)
    both_at(world, world.park)
    rule(world, world.park, CoPresenceMode.WINDOW, 3)
    loaded = load_borough()
    flags = busy_flags(loaded, busy_places())
    busy_ids = {int(p) for p, busy in zip(loaded.place_ids, flags, strict=True) if busy}
    assert busy_ids == {world.park.pk}


def test_being_together_only_at_a_busy_place_is_the_weakest_evidence(world: World) -> None:
    """The same co-presence is listed as "at the same place" at a quiet place and drops to the
    last tier once the place is busy (here: a manager's narrower-window rule on it)."""

    def tier_of_yusuf() -> int:
        found = linked_cases(
            viewer=world.social_worker,
            focus=[world.csc_child],
            exclude_holders=[world.social_worker.pk],
        )
        (case,) = [c for c in found.links if c.other_id == world.yjs_child.pk]
        return case.tier

    both_at(world, world.park, apart=2)
    assert tier_of_yusuf() == triage.QUIET_PLACE
    rule(world, world.park, CoPresenceMode.WINDOW, 5)
    assert tier_of_yusuf() == triage.BUSY_PLACE
