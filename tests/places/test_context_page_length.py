"""A busy place's page stays a few screens long: its timeline comes a screenful at a time, the
people involved there are the first few with a way to all of them (each read logged with only
the people it showed), and the co-presence section comes before the long timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.casework.reference import ensure_reference_data
from locus.common import clock
from locus.incidents.models import InvolvementRole
from locus.people.models import Person
from locus.places import selectors, views
from tests.factories import World, client_for, make_incident, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_data(db: Any) -> None:
    ensure_reference_data()


def _incident(world: World, people: list[Person], days_ago: int) -> None:
    make_incident(
        world.system,
        context=world.shopping_centre,
        involvements=[(p, InvolvementRole.HARMED) for p in people],
        reporting_agency=world.police,
        occurred_at=clock.now() - dt.timedelta(days=days_ago),
    )


def _crowd(world: World, n: int) -> list[int]:
    """``n`` children each in an incident at the shopping centre two months ago (by name
    order), under a timeline's first page of newer incidents naming someone else."""
    people = [
        make_person(world.system, given_name="Crowd", family_name=f"Abbot{i:03d}") for i in range(n)
    ]
    for person in people:
        _incident(world, [person], 60)
    for day in range(views.EVENTS_PER_PAGE):
        _incident(world, [world.csc_child], day + 1)
    return [p.pk for p in people]


def _page(world: World, query: str = "") -> str:
    url = reverse("context", args=[world.shopping_centre.pk]) + query
    response = client_for(world.admin).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _logged(world: World) -> dict[str, Any]:
    return AccessEvent.objects.filter(actor=world.admin).latest("id").detail


def test_a_busy_place_names_the_first_people_and_links_to_all_of_them(world: World) -> None:
    crowd = _crowd(world, selectors.PEOPLE_SHOWN + 5)
    html = _page(world)
    assert html.count("Crowd Abbot") == selectors.PEOPLE_SHOWN
    assert "Crowd Abbot000" in html and "Crowd Abbot024" not in html
    assert f"Show all {len(crowd) + 1} people" in html  # the crowd and Ciara, on the timeline
    # The read is logged with the people the page named, not the ones it left off.
    shown = set(_logged(world)["people_shown"])
    assert set(crowd[: selectors.PEOPLE_SHOWN]) <= shown
    assert not shown & set(crowd[selectors.PEOPLE_SHOWN :])

    everyone = _page(world, "?people=all")
    assert everyone.count("Crowd Abbot") == len(crowd)
    assert "Show all" not in everyone
    assert set(crowd) <= set(_logged(world)["people_shown"])


def test_a_quiet_place_lists_everyone_with_no_link(world: World) -> None:
    _crowd(world, 3)
    html = _page(world)
    assert html.count("Crowd Abbot") == 3 and "Show all" not in html


def test_a_busy_places_timeline_shows_a_screenful_of_events_a_page(world: World) -> None:
    for day in range(40):
        _incident(world, [world.csc_child], day + 1)
    html = _page(world)
    assert "40 events, newest first: 1 to 15 on this page" in html
    assert len(_logged(world)["records_shown"]) == 15
    assert "31 to 40 on this page" in _page(world, "?page=3")


def test_the_co_presence_section_comes_before_the_timeline(world: World) -> None:
    html = _page(world)
    assert html.index("Being here around the same time") < html.index('id="timeline"')
