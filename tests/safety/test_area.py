"""The area picture: counts of distinct children, small numbers suppressed (primary and
secondary), nobody named, and only for those the rules allow."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locus.people.services import allocation_create
from locus.safety.disclosure import THRESHOLD, suppress
from locus.safety.selectors import area_picture, area_ratings_for_context
from tests.factories import START, World, client_for, make_person
from tests.profiles.pages import last_read, url
from tests.safety.helpers import days_ago, mark, session

ORDER = ("red", "amber", "green")


def test_a_row_under_the_threshold_shows_nothing() -> None:
    row = suppress({"red": 2, "green": 2}, ORDER)
    assert (row.cells, row.total) == ((None, None, None), None)


def test_one_small_cell_hides_a_second_so_the_total_does_not_give_it_away() -> None:
    row = suppress({"red": 3, "amber": 9, "green": 12}, ORDER)
    assert (row.cells, row.total) == ((None, None, 12), 24)
    with_zero = suppress({"red": 2, "green": 7}, ORDER)
    assert with_zero.cells == (None, None, 7)


def test_large_cells_are_shown_whole() -> None:
    row = suppress({"red": 5, "amber": 0, "green": 6}, ORDER)
    assert (row.cells, row.total) == ((5, 0, 6), 11)


@given(st.tuples(*[st.integers(0, 12)] * 3))
def test_no_withheld_cell_can_be_worked_out_from_what_is_shown(cells: tuple[int, ...]) -> None:
    """Every combination of hidden values that agrees with what is shown: a hidden cell of
    1 to 4 children always has another value that fits too."""
    row = suppress(dict(zip(ORDER, cells, strict=True)), ORDER)
    hidden = [i for i, c in enumerate(row.cells) if c is None]
    assert all((c is None) or (c == 0 or c >= THRESHOLD) for c in row.cells), (
        "a small number is shown"
    )
    if row.total is None or not hidden:
        return
    rest = row.total - sum(c for c in row.cells if c is not None)
    fits = [
        combo
        for combo in itertools.product(range(rest + 1), repeat=len(hidden))
        if sum(combo) == rest
    ]
    for n, i in enumerate(hidden):
        if 0 < cells[i] < THRESHOLD:
            assert len({combo[n] for combo in fits}) > 1


@pytest.fixture
def marked(world: World) -> World:
    """Seven children held by social_worker mark the park this month: six red, one amber;
    then one of the six, in a later session the same month, green (counted once, as green)."""
    children = [make_person(world.system, given_name=f"Child{n}") for n in range(7)]
    for child in children:
        allocation_create(actor=world.system, person=child, worker=world.social_worker, start=START)
    for n, child in enumerate(children):
        s = session(world.social_worker, child, held_on=days_ago(0))
        mark(world.social_worker, s, "amber" if n == 6 else "red", context=world.park)
    first = session(world.social_worker, children[0], held_on=days_ago(0))
    mark(world.social_worker, first, "green", context=world.park)
    world.extra["children"] = children
    return world


@pytest.mark.django_db
def test_the_park_shows_five_red_and_withholds_one_amber_and_one_green(marked: World) -> None:
    (row,) = area_ratings_for_context(marked.team_manager, marked.park)
    assert (row.red, row.amber, row.green, row.counts.total) == (5, None, None, 7)
    assert row.month == days_ago(0).replace(day=1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("team_manager", True),
        ("police_analyst", True),
        ("social_worker", False),
        ("partner_worker", False),
        ("auditor", False),
        ("admin", False),
    ],
)
def test_who_sees_the_area_picture(marked: World, persona: str, sees: bool) -> None:
    worker = marked.persona(persona)
    assert bool(area_picture(worker)) is sees
    response = client_for(worker).get(url("safety-area"))
    assert response.status_code == (200 if sees else 404)


@pytest.mark.django_db
def test_the_area_page_names_nobody_and_shows_no_words(marked: World) -> None:
    response = client_for(marked.police_analyst).get(url("safety-area"))
    page = response.content.decode()
    assert "Millfields Park" in page and "withheld" in page
    for child in marked.extra["children"]:
        assert child.given_name not in page
    assert "Older boys" not in page
    event = last_read(marked.police_analyst)
    assert event.detail["contexts_shown"] == [marked.park.pk]


@pytest.mark.django_db
def test_a_described_place_counts_by_postcode_sector_never_by_its_words(marked: World) -> None:
    for child in marked.extra["children"][:5]:
        s = session(marked.social_worker, child)
        mark(
            marked.social_worker, s, "red", description="Behind the chicken shop", postcode="E8 1AB"
        )
    rows = [r for r in area_picture(marked.team_manager) if r.context_id is None]
    assert [(r.place, r.red) for r in rows] == [("Places described in postcode sector E8 1", 5)]


@pytest.mark.django_db
def test_the_place_s_timeline_shows_its_safety_ratings_suppressed_to_those_who_see_the_area(
    marked: World,
) -> None:
    page = client_for(marked.team_manager).get(url("context", marked.park.pk)).content.decode()
    assert "7 young people marked this place on their safety maps" in page
    assert "red: 5, amber: withheld, green: withheld." in page
    for child in marked.extra["children"]:
        assert child.given_name not in page
    # A worker who may not see the area picture is given no safety ratings on the timeline.
    other = client_for(marked.social_worker).get(url("context", marked.park.pk)).content.decode()
    assert "safety maps" not in other
