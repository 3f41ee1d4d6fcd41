"""Periods read as current or as open on a day (locus.common.periods), for every period model."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locus.common.periods import during_q, held_during, held_on
from locus.common.services import today
from locus.peers.models import Association, GroupMembership, GroupRole
from locus.people.models import Allocation, LegalStatusEpisode, Person
from locus.places.models import Enrolment
from locus.profiles.models import ProfileItem
from tests.factories import START, World, make_association

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _roll(world: World, start: dt.date, end: dt.date | None) -> Enrolment:
    return Enrolment.objects.create(
        person=world.csc_child, school=world.school, start=start, end=end
    )


def _open_on(day: dt.date) -> set[int]:
    return set(Enrolment.objects.open_on(day).values_list("id", flat=True))


def test_the_start_day_counts_and_the_day_before_does_not(world: World) -> None:
    roll = _roll(world, START, None)
    assert roll.pk in _open_on(START)
    assert roll.pk not in _open_on(START - DAY)


def test_the_end_day_still_counts_and_the_day_after_does_not(world: World) -> None:
    roll = _roll(world, START, START + 10 * DAY)
    assert roll.pk in _open_on(START + 10 * DAY)
    assert roll.pk not in _open_on(START + 11 * DAY)


def test_a_period_that_starts_and_ends_on_one_day_is_open_that_day_only(world: World) -> None:
    roll = _roll(world, START, START)
    assert [roll.pk in _open_on(START + n * DAY) for n in (-1, 0, 1)] == [False, True, False]


def test_an_open_ended_period_stays_open(world: World) -> None:
    roll = _roll(world, START, None)
    assert roll.pk in _open_on(START + 10_000 * DAY)


def test_a_period_starting_in_the_future_is_not_open_yet_but_is_current(world: World) -> None:
    roll = _roll(world, today() + 5 * DAY, None)
    assert roll.pk not in _open_on(today())
    assert roll.pk in _open_on(today() + 5 * DAY)
    # Current means "no end recorded", as the scopes read it, whatever the start.
    assert Enrolment.objects.current().filter(pk=roll.pk).exists()


def test_an_end_date_closes_the_period_for_current_reads_at_once(world: World) -> None:
    # An end is recorded on the day it takes effect (check_period): current reads it as closed.
    roll = _roll(world, START, today())
    assert not Enrolment.objects.current().filter(pk=roll.pk).exists()
    assert roll.pk in _open_on(today())


def test_through_a_relation_the_condition_applies_to_the_same_row(world: World) -> None:
    """A person with an ended roll at one school and an open one at another is on the first
    school's roll only when both conditions meet on one enrolment."""
    child = world.csc_child
    _roll(world, START, START + 5 * DAY)
    Enrolment.objects.create(person=child, school=world.park, start=START, end=None)
    later = START + 20 * DAY

    def on_roll(day: dt.date) -> bool:
        return Person.objects.filter(
            Enrolment.objects.open_on_q(day, through="enrolments"),
            enrolments__school=world.school,
            pk=child.pk,
        ).exists()

    def currently_on_roll() -> bool:
        return Person.objects.filter(
            Enrolment.objects.current_q(through="enrolments"),
            enrolments__school=world.school,
            pk=child.pk,
        ).exists()

    assert on_roll(START + 5 * DAY)
    assert not on_roll(later)
    assert not currently_on_roll()


def test_each_period_model_reads_its_own_start_and_end_fields(world: World) -> None:
    sw = world.social_worker
    association = make_association(sw, person=world.csc_child, other_label="older boy, T")
    Association.objects.filter(pk=association.pk).update(valid_until=START + 3 * DAY)
    membership = GroupMembership.objects.get(person=world.csc_child, group=world.group)
    assert membership.role in GroupRole.values
    assert Association.objects.open_on(START + 3 * DAY).filter(pk=association.pk).exists()
    assert not Association.objects.open_on(START + 4 * DAY).filter(pk=association.pk).exists()
    assert not Association.objects.current().filter(pk=association.pk).exists()
    assert GroupMembership.objects.open_on(membership.since).filter(pk=membership.pk).exists()
    assert (
        not GroupMembership.objects.open_on(membership.since - DAY)
        .filter(pk=membership.pk)
        .exists()
    )
    assert GroupMembership.objects.current().filter(pk=membership.pk).exists()
    held = Allocation.objects.get(person=world.csc_child, worker=sw)
    assert Allocation.objects.open_on(held.start).filter(pk=held.pk).exists()
    assert not Allocation.objects.open_on(held.start - DAY).filter(pk=held.pk).exists()
    episode = LegalStatusEpisode.objects.filter(person=world.csc_child).first()
    assert episode is not None
    assert LegalStatusEpisode.objects.open_on(episode.start).filter(pk=episode.pk).exists()
    assert "recorded_on__lte" in str(ProfileItem.objects.open_on_q(START))
    assert "ended_on__isnull" in str(ProfileItem.objects.current_q())


periods = st.lists(
    st.tuples(st.integers(0, 40), st.none() | st.integers(0, 40)), min_size=0, max_size=8
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(periods=periods, offset=st.integers(-5, 90))
def test_open_on_agrees_with_a_plain_reading_of_the_dates(
    world: World, periods: list[tuple[int, int | None]], offset: int
) -> None:
    Enrolment.objects.filter(person=world.csc_child).delete()
    rows = [
        _roll(world, START + start * DAY, None if n is None else START + (start + n) * DAY)
        for start, n in periods
    ]
    day = START + offset * DAY
    expected = {r.pk for r in rows if r.start <= day and (r.end is None or r.end >= day)}
    assert _open_on(day) & {r.pk for r in rows} == expected
    current = set(Enrolment.objects.current().values_list("id", flat=True))
    assert current & {r.pk for r in rows} == {r.pk for r in rows if r.end is None}


spans = st.tuples(st.integers(-5, 90), st.integers(0, 30))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(periods=periods, span=spans)
def test_open_during_a_span_agrees_with_a_day_by_day_reading(
    world: World, periods: list[tuple[int, int | None]], span: tuple[int, int]
) -> None:
    """Open during a span is open on at least one of its days, both ends counting; the
    database reading, the same condition on named fields, and the reading of loaded
    dates all agree."""
    Enrolment.objects.filter(person=world.csc_child).delete()
    rows = [
        _roll(world, START + start * DAY, None if n is None else START + (start + n) * DAY)
        for start, n in periods
    ]
    first = START + span[0] * DAY
    last = first + span[1] * DAY
    days = [first + n * DAY for n in range(span[1] + 1)]
    expected = {r.pk for r in rows if any(held_on(r.start, r.end, day) for day in days)}
    mine = {r.pk for r in rows}
    assert set(Enrolment.objects.open_during(first, last).values_list("id", flat=True)) & mine == (
        expected
    )
    named = Enrolment.objects.filter(during_q(first, last, start="start", end="end"))
    assert set(named.values_list("id", flat=True)) & mine == expected
    assert {r.pk for r in rows if held_during(r.start, r.end, first, last)} == expected
    if first == last:
        assert expected == {pk for pk in mine if pk in _open_on(first)}


def test_a_span_through_a_relation_and_on_other_field_names(world: World) -> None:
    _roll(world, START, START + 5 * DAY)
    on_roll = Person.objects.filter(
        Enrolment.objects.open_during_q(START + 5 * DAY, START + 9 * DAY, through="enrolments"),
        pk=world.csc_child.pk,
    )
    assert on_roll.exists()
    later = Enrolment.objects.open_during_q(START + 6 * DAY, START + 9 * DAY, through="enrolments")
    assert not Person.objects.filter(later, pk=world.csc_child.pk).exists()
    assert "starts_on__lte" in str(during_q(START, START, start="starts_on", end="ends_on"))


def test_a_span_that_ends_before_it_starts_or_is_not_made_of_dates_is_refused() -> None:
    with pytest.raises(ValueError, match="first, last: the span ends"):
        during_q(START, START - DAY)
    with pytest.raises(ValueError, match="first, last"):
        held_during(START, None, START, START - DAY)
    with pytest.raises(TypeError, match="first: a date is needed, not datetime"):
        Enrolment.objects.open_during(dt.datetime(2024, 1, 1), START)
    with pytest.raises(TypeError, match="last: a date is needed, not str"):
        during_q(START, "2024-01-01")  # type: ignore[arg-type]
