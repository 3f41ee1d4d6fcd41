"""The hotspot pages and selectors: a planted hotspot listed in words and opened, the counts
made only of what every worker may already see (never a restricted incident, never a home),
the detail scoped to the viewer, and the reads audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from locus.access import scopes
from locus.audit.models import AccessEvent
from locus.common import clock
from locus.incidents.models import Incident
from locus.places import views_hotspots
from locus.places.models import ContextKind
from locus.places.selectors_hotspots import (
    borough_hotspots,
    hotspot_detail,
    hotspot_for_context,
)
from tests.factories import World, client_for, make_context, make_incident, make_person

pytestmark = pytest.mark.django_db

# Public places about 300-700 m apart in east London, and the hot one among them.
SPREAD = [(51.5500 + 0.004 * i, -0.0600 + 0.006 * (i % 3)) for i in range(6)]
HOT = (51.5560, -0.0540)
# Each with its access log's write, whose chain head is read locked and moved on (2).
LIST_QUERIES = 11
DETAIL_QUERIES = 16


def borough(world: World, *, hot_kind=ContextKind.OPEN_SPACE, restricted=False, **hot_fields):
    """Six quiet public places with one incident each, and a hot place with twelve incidents
    in the last three weeks: a new hotspot."""
    for i, (lat, lon) in enumerate(SPREAD):
        place = make_context(world.system, name=f"Quiet {i}", latitude=lat, longitude=lon)
        make_incident(
            world.system,
            context=place,
            involvements=[(world.police_child, "harmed")],
            occurred_at=clock.now() - dt.timedelta(days=10 * i + 3),
            reporting_agency=world.police,
        )
    hot = make_context(
        world.system,
        kind=hot_kind,
        name="Hot Park",
        latitude=HOT[0],
        longitude=HOT[1],
        **hot_fields,
    )
    for i in range(12):
        child = make_person(world.system, given_name="Hot", family_name=f"Child{i}")
        make_incident(
            world.system,
            context=hot,
            involvements=[(child, "harmed")],
            occurred_at=clock.now() - dt.timedelta(days=1 + i % 20),
            reporting_agency=world.police,
            restricted=restricted,
        )
    return hot


def test_a_planted_hotspot_is_found_new_and_said_in_words(world: World):
    hot = borough(world)
    found = borough_hotspots()
    assert len(found) == 1
    spot = found[0]
    assert spot.klass == "new" and hot.pk in spot.place_ids
    assert spot.words.startswith("12 incidents within 150 m of Hot Park in 12 weeks, ")
    assert spot.words.endswith(" times the borough's rate")
    assert sum(spot.weekly) == 12 and len(spot.week_starts) == 12
    assert hotspot_for_context(hot) == ("new", spot.words)
    assert hotspot_for_context(world.park) is None  # no coordinates


def test_the_hotspots_are_cached_for_the_day(world: World, django_assert_num_queries):
    borough(world)
    first = borough_hotspots()
    # One query: the database cache's own read (no incident is read again).
    with django_assert_num_queries(1):
        assert [h.key for h in borough_hotspots()] == [h.key for h in first]


def test_restricted_incidents_never_make_a_hotspot(world: World):
    hot = borough(world, restricted=True)
    assert borough_hotspots() == []
    assert hotspot_for_context(hot) is None


@pytest.mark.parametrize("withheld", [False, True])
def test_a_home_never_makes_a_hotspot_withheld_or_not(world: World, withheld):
    home = borough(world, hot_kind=ContextKind.HOME, address_withheld=withheld)
    assert borough_hotspots() == []
    assert hotspot_for_context(home) is None


def test_the_list_links_each_hotspot_to_its_page_and_is_audited(world: World):
    borough(world)
    spot = borough_hotspots()[0]
    client = client_for(world.social_worker)
    page = client.get(reverse("hotspots")).content.decode()
    assert "Near Hot Park" in page and escape(spot.words) in page
    assert reverse("hotspot", args=[spot.key]) in page
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert event.detail["shown"] == [spot.key]
    # The contexts list leads here.
    assert reverse("hotspots") in client.get(reverse("contexts")).content.decode()


def test_the_detail_shows_the_weeks_as_a_chart_and_a_table(world: World):
    borough(world)
    spot = borough_hotspots()[0]
    page = client_for(world.police_analyst).get(reverse("hotspot", args=[spot.key]))
    text = page.content.decode()
    assert page.status_code == 200
    assert '<svg viewBox="0 0 480' in text and 'role="img"' in text
    assert text.count('<td class="govuk-table__cell govuk-table__cell--numeric">') >= 12
    assert escape(spot.words) in text and "Hot Park" in text


@pytest.mark.parametrize("persona", ["social_worker", "police_analyst", "school_dsl"])
def test_the_detail_lists_only_the_incidents_and_places_the_viewer_may_see(world: World, persona):
    borough(world)
    viewer = getattr(world, persona)
    spot = borough_hotspots()[0]
    detail = hotspot_detail(viewer=viewer, key=spot.key)
    visible = set(scopes.incidents_visible_to(viewer).values_list("id", flat=True))
    shown = {i.pk for i in detail.incidents}
    assert shown <= visible
    at_hot = set(
        scopes.incidents_visible_to(viewer)
        .filter(context__name="Hot Park")
        .values_list("id", flat=True)
    )
    assert shown == at_hot and detail.incidents.count() == len(at_hot)
    seen = set(scopes.contexts_visible_to(viewer).values_list("id", flat=True))
    assert {p.pk for p in detail.places} <= seen
    page = client_for(viewer).get(reverse("hotspot", args=[spot.key]))
    event = AccessEvent.objects.filter(actor=viewer).latest("id")
    assert event.detail["hotspot"] == spot.key
    assert sorted(event.detail["shown"]) == sorted(str(i) for i in shown)
    # Children the viewer may not see are not named on the page.
    hidden = {f"Hot Child{i}" for i in range(12)}
    text = page.content.decode()
    named = {name for name in hidden if name in text}
    people_visible = set(
        scopes.people_visible_to(viewer)
        .filter(given_name="Hot")
        .values_list("family_name", flat=True)
    )
    assert named <= {f"Hot {f}" for f in people_visible}


def _hot_incident(world: World, place) -> None:
    make_incident(
        world.system,
        context=place,
        involvements=[(world.police_child, "harmed")],
        occurred_at=clock.now() - dt.timedelta(days=2),
        reporting_agency=world.police,
    )


WHERE = '<th scope="col" role="columnheader" class="govuk-table__header">Where</th>'


def test_every_incident_there_is_reached_a_page_at_a_time(world: World):
    """A busy hotspot's incidents are paged, each page logged with what it showed, and the
    place is said once above the table when every row is at it."""
    hot = borough(world)
    for _ in range(13):
        _hot_incident(world, hot)
    (spot,) = borough_hotspots()
    client = client_for(world.admin)
    url = reverse("hotspot", args=[spot.key])
    first = client.get(url).content.decode()
    assert "Incidents there you can see (25)" in first
    assert "Page 1 of 2" in first
    assert "The newest" not in first
    assert WHERE not in first
    assert f'All at <a class="govuk-link" href="{reverse("context", args=[hot.pk])}">' in first
    first_shown = AccessEvent.objects.filter(actor=world.admin).latest("id").detail["shown"]
    second = client.get(url + "?page=2").content.decode()
    assert "Incidents there you can see (25)" in second
    second_shown = AccessEvent.objects.filter(actor=world.admin).latest("id").detail["shown"]
    assert (len(first_shown), len(second_shown)) == (views_hotspots.INCIDENTS_PER_PAGE, 5)
    at_hot = {str(pk) for pk in Incident.objects.filter(context=hot).values_list("id", flat=True)}
    assert set(first_shown) | set(second_shown) == at_hot


def test_the_where_column_is_kept_when_the_incidents_are_at_different_places(world: World):
    borough(world)
    corner = make_context(world.system, name="Hot Corner", latitude=HOT[0], longitude=HOT[1])
    _hot_incident(world, corner)
    (spot,) = borough_hotspots()
    html = client_for(world.admin).get(reverse("hotspot", args=[spot.key])).content.decode()
    assert WHERE in html and "All at" not in html


def test_an_auditor_is_shown_no_hotspot_as_for_the_borough_map(world: World):
    """An auditor reads the audit trail, not case records: the hotspots list and a hotspot's
    page (incident counts and the places they happened at) answer them "not found", as the
    borough map and its hotspot rings do, and their reads log nothing shown."""
    borough(world)
    spot = borough_hotspots()[0]
    client = client_for(world.auditor)
    for url in (reverse("hotspots"), reverse("hotspot", args=[spot.key])):
        page = client.get(url)
        assert page.status_code == 404
        assert "Hot Park" not in page.content.decode()
    assert not AccessEvent.objects.filter(actor=world.auditor, record_type="places.hotspot")


def test_an_unknown_or_faded_away_key_is_not_found(world: World):
    borough(world)
    client = client_for(world.social_worker)
    assert client.get(reverse("hotspot", args=["E1N1"])).status_code == 404
    assert client.get("/contexts/hotspots/../").status_code in (200, 404)


def test_the_pages_query_counts_are_pinned(world: World, django_assert_num_queries):
    borough(world)
    spot = borough_hotspots()[0]
    client = client_for(world.police_analyst)
    client.get(reverse("hotspots"))  # the session and the cache warmed
    # The list: session, worker, the cached hotspots, the audit write and the menu's reads.
    with django_assert_num_queries(LIST_QUERIES):
        client.get(reverse("hotspots"))
    # The page: the list's, and the places, incidents (with their people), their count and
    # who the viewer may see among them.
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(reverse("hotspot", args=[spot.key]))


def test_a_place_s_page_says_it_is_in_a_hotspot_and_links_to_it(world: World):
    hot = borough(world)
    (spot,) = borough_hotspots()
    html = client_for(world.social_worker).get(reverse("context", args=[hot.pk])).content.decode()
    assert "In a hotspot: new" in html and escape(spot.words) in html
    assert reverse("hotspot", args=[spot.key]) in html
    quiet = client_for(world.social_worker).get(reverse("context", args=[world.park.pk]))
    assert "In a hotspot" not in quiet.content.decode()


def test_the_borough_map_rings_each_hotspot_and_lists_it_in_a_table(world: World):
    from tests.places.test_borough_map import _map

    borough(world)
    (spot,) = borough_hotspots()
    page, layers = _map(world.social_worker, "?kind=missing")  # filters leave hotspots alone
    (ring,) = layers["hotspots"]
    assert set(ring) == {"at", "radius", "label", "anchor", "words", "url"}  # what is drawn
    assert ring["words"] == spot.words
    assert ring["at"] == [round(spot.latitude, 5), round(spot.longitude, 5)]
    assert ring["url"] == reverse("hotspot", args=[spot.key])
    assert reverse("hotspot", args=[spot.key]) in page.split('id="hotspots"')[1]
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("at")
    assert event.detail["hotspots"] == [spot.key]


def test_a_place_s_hotspot_says_its_window_and_its_figures_beside_the_plan_s(world: World):
    """A place's page said "Hotspot: intensifying" beside "fewer incidents a week since the
    plan", with nothing to read the two together by: the hotspot now gives its weeks, that
    it counts the whole area, and its incidents a week before and in the last 4 weeks."""
    hot = borough(world)
    (spot,) = borough_hotspots()
    html = client_for(world.social_worker).get(reverse("context", args=[hot.pk])).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert f"in the 12 weeks from {spot.week_starts[0]:%-d %B %Y}" in text
    assert "It counts every public place within the area, not this one alone." in text
    earlier, recent = sum(spot.weekly[:8]), sum(spot.weekly[8:])
    said = (
        rf"In the area: {earlier} incidents? in the first 8 weeks \(\d+\.\d a week\), "
        rf"{recent} in the last 4 \(\d+\.\d a week\)\."
    )
    assert re.search(said, text)
