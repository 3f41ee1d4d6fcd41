"""The borough map: what each viewer sees placed and counted on it (docs/borough-map.md)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.common import clock
from locus.incidents.models import IncidentKind, InvolvementRole
from locus.places import selectors_map, views_map
from locus.places.models import Context
from locus.places.services import context_update
from tests.factories import World, client_for, make_context, make_incident, make_person

MAP = reverse("borough-map")
SHAPES = reverse("borough-map-shapes")
PARK_POSTCODE, PARK_SECTOR = "E8 1EJ", "E8 1"
HOME_POSTCODE, HOME_SECTOR = "E5 0AR", "E5 0"

pytestmark = pytest.mark.django_db


def _layers(page: str) -> dict[str, Any]:
    start = page.index('<script id="borough-map-data" type="application/json">')
    body = page[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def _map(worker: Any, query: str = "") -> tuple[str, dict[str, Any]]:
    response = client_for(worker).get(MAP + query)
    assert response.status_code == 200
    page = response.content.decode()
    return page, _layers(page)


def _sector(page: str, code: str) -> int:
    """A sector's count as the page's sectors table gives it (0 when it is not listed: it
    has none), checked against the map's data: a sector is shaded when it has incidents."""
    rows = re.findall(
        r"<td[^>]*>([^<]*)</td>\s*<td[^>]*numeric[^>]*>(\d+)</td>", _section(page, "sectors")
    )
    count = int(dict(rows).get(code, 0))
    assert (code in _layers(page)["shaded"]) == (count > 0), code
    return count


def _names(layers: dict[str, Any]) -> set[str]:
    return {p["name"] for p in layers["places"]}


@pytest.fixture
def placed(world: World) -> World:
    """The park on a real postcode (its two incidents, police's and CSC's, are on the map),
    and the home on another, its address withheld from all but the team holding its child."""
    context_update(actor=world.admin, context=world.park, postcode=PARK_POSTCODE)
    context_update(
        actor=world.social_worker,
        context=world.home,
        name="Family home of C.C.",
        postcode=HOME_POSTCODE,
        address_withheld=True,
    )
    return world


def test_public_places_and_their_sectors_are_on_the_map_for_everyone_who_sees_cases(
    placed: World,
) -> None:
    for worker in (placed.social_worker, placed.police_analyst, placed.school_dsl):
        page, layers = _map(worker)
        # Both incidents at the park: counts at a public place are aggregates (RULES.md).
        assert _sector(page, PARK_SECTOR) == 2
        [park] = [p for p in layers["places"] if p["name"] == "Millfields Park"]
        assert park["count"] == 2 and park["sector"] == PARK_SECTOR
        assert park["url"] == reverse("context", args=[placed.park.pk])
        assert f'href="{park["url"]}"' in page  # the table's link, for keyboard and no JS


def test_a_hidden_incident_at_a_withheld_home_is_neither_placed_nor_counted(
    placed: World,
) -> None:
    # Police record an incident at the withheld home: the analyst sees the incident and the
    # home, not where it is; the holding team sees where it is, not the incident.
    make_incident(
        placed.system,
        context=placed.home,
        reporting_agency=placed.police,
        involvements=[(placed.police_child, InvolvementRole.HARMED)],
    )
    for worker in (placed.police_analyst, placed.social_worker):
        page = _map(worker)[0]
        assert _sector(page, HOME_SECTOR) == 0, worker
        assert "Family home of C.C." not in page, worker
    # The analyst is told one incident they may read is not on the map, and not where.
    _, police = _map(placed.police_analyst)
    assert "1 not on the map" in _map(placed.police_analyst)[0]
    assert HOME_SECTOR not in {p["sector"] for p in police["places"]}


def test_the_holding_team_sees_its_own_withheld_home_and_what_it_may_read_there(
    placed: World,
) -> None:
    make_incident(
        placed.system,
        context=placed.home,
        reporting_agency=placed.csc,
        involvements=[(placed.csc_child, InvolvementRole.HARMED)],
    )
    page, holder = _map(placed.teammate)
    assert "Family home of C.C." in _names(holder)
    assert _sector(page, HOME_SECTOR) == 1
    # Another CSC team sees neither the home nor its count.
    page = _map(placed.other_social_worker)[0]
    assert "Family home" not in page
    assert _sector(page, HOME_SECTOR) == 0


def test_a_restricted_incident_counts_only_for_the_agency_that_holds_it(placed: World) -> None:
    make_incident(
        placed.system,
        context=placed.park,
        reporting_agency=placed.police,
        involvements=[(placed.police_child, InvolvementRole.HARMED)],
        restricted=True,
    )
    assert _sector(_map(placed.police_analyst)[0], PARK_SECTOR) == 3
    assert _sector(_map(placed.social_worker)[0], PARK_SECTOR) == 2


def test_a_public_home_the_viewer_may_not_see_is_not_on_the_map(placed: World) -> None:
    home = make_context(placed.system, kind="home", name="Flat 9, Open House")
    context_update(actor=placed.admin, context=home, postcode=PARK_POSTCODE)
    child = make_person(placed.system, home=home)
    make_incident(
        placed.system,
        context=home,
        reporting_agency=placed.csc,
        involvements=[(child, InvolvementRole.HARMED)],
    )
    page = _map(placed.school_dsl)[0]
    assert "Open House" not in page
    assert _sector(page, PARK_SECTOR) == 2


def test_the_filters_narrow_the_map_and_its_tables(placed: World) -> None:
    old = clock.now() - dt.timedelta(days=200)
    make_incident(
        placed.system,
        context=placed.park,
        reporting_agency=placed.csc,
        kind=IncidentKind.ROBBERY,
        involvements=[
            (placed.other_child, InvolvementRole.PRESENT),
            (placed.team_child, InvolvementRole.HARMED),
        ],
        occurred_at=old,
    )
    sector = lambda q: _sector(_map(placed.social_worker, q)[0], PARK_SECTOR)  # noqa: E731
    assert sector("") == 2  # the last 13 weeks
    assert sector("?window=all") == 3
    assert sector("?window=all&kind=robbery") == 1
    assert sector("?window=all&role=harming") == 1  # the police incident's adult
    assert sector("?window=all&role=present") == 1
    # Nonsense is ignored, not an error.
    assert sector("?window=forever&kind=<b>&role=x") == 2
    page, _ = _map(placed.social_worker, "?window=all&kind=robbery")
    assert '<option value="robbery" selected>' in page


def test_names_are_escaped_in_the_table_and_the_data(placed: World) -> None:
    context_update(actor=placed.admin, context=placed.park, name="</script><b>Park</b>")
    page, layers = _map(placed.social_worker)
    assert "</script><b>" not in page
    assert "&lt;/script&gt;&lt;b&gt;Park&lt;/b&gt;" in page
    assert "</script><b>Park</b>" in _names(layers)


def test_the_map_read_is_audited_with_the_places_shown(placed: World) -> None:
    _map(placed.social_worker, "?kind=peer_physical")
    event = AccessEvent.objects.filter(actor=placed.social_worker).latest("id")
    assert event.detail["page"] == "map"
    assert event.detail["kind"] == "peer_physical"
    assert event.detail["shown"] == [str(placed.park.pk)]


def test_a_worker_who_sees_no_case_records_gets_not_found_on_the_page_and_its_json(
    placed: World,
) -> None:
    for url in (MAP, SHAPES):
        assert client_for(placed.auditor).get(url).status_code == 404
    shapes = client_for(placed.social_worker).get(SHAPES)
    assert shapes.status_code == 200 and shapes["Content-Type"] == "application/json"
    sectors = {s["code"] for s in shapes.json()["sectors"]}
    assert {PARK_SECTOR, HOME_SECTOR} <= sectors
    assert shapes.json()["outline"]


def test_the_map_s_data_holds_what_its_script_draws_and_no_sector_count(
    placed: World, settings: Any
) -> None:
    """The page's data carries what the map draws and nothing else: each place's name, kind,
    sector, count, point, route end and link; each sector with incidents only as its shade
    (the sectors are pictures; their counts are in the sectors table); the tile server's
    address, whose attribution is the page's text under the map."""
    settings.LOCUS_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.LOCUS_TILE_ATTRIBUTION = "Tiles: Example"
    page, layers = _map(placed.social_worker)
    [park] = layers["places"]
    assert set(park) == {"name", "kind", "sector", "count", "at", "end", "url"}
    assert layers["shaded"] == {PARK_SECTOR: 0}  # the first of the shades
    assert "sectors" not in layers
    assert layers["tiles"] == {"url": settings.LOCUS_TILE_URL}
    assert _sector(page, PARK_SECTOR) == 2


def test_no_tiles_unless_a_tile_server_is_set(placed: World, settings: Any) -> None:
    page, layers = _map(placed.social_worker)
    assert layers["tiles"] is None
    response = client_for(placed.social_worker).get(MAP)
    assert "img-src 'self' data: blob:;" in response["Content-Security-Policy"]
    settings.LOCUS_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.LOCUS_TILE_ATTRIBUTION = "Tiles: Example <org>"
    response = client_for(placed.social_worker).get(MAP)
    assert "img-src 'self' https://*.tiles.example.org data:" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert _layers(page)["tiles"]["url"] == settings.LOCUS_TILE_URL
    assert "Tiles: Example &lt;org&gt;" in page


def _busy_shop(placed: World) -> Context:
    """The shopping centre, placed in the home's sector, with one incident: a second
    place on the map, less busy than the park."""
    shop = Context.objects.get(pk=placed.shopping_centre.pk)
    context_update(actor=placed.admin, context=shop, postcode=HOME_POSTCODE)
    make_incident(
        placed.system,
        context=shop,
        reporting_agency=placed.csc,
        involvements=[(placed.other_child, InvolvementRole.HARMED)],
    )
    return shop


def test_the_busiest_places_only_are_drawn_and_the_page_says_so(
    placed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors_map, "MAX_PLACES", 1)
    _busy_shop(placed)
    page, layers = _map(placed.social_worker)
    assert _names(layers) == {"Millfields Park"}
    assert "the 1 places with most incidents, of 2" in page
    assert _sector(page, HOME_SECTOR) == 1  # the sectors still count every place


def test_the_page_reads_a_fixed_number_of_queries(
    placed: World, django_assert_num_queries: Any
) -> None:
    client = client_for(placed.social_worker)
    client.get(MAP)  # the borough's shapes built and cached
    for _ in range(5):
        shop = make_context(placed.system, kind="retail")
        context_update(actor=placed.admin, context=shop, postcode=PARK_POSTCODE)
        make_incident(
            placed.system,
            context=shop,
            reporting_agency=placed.csc,
            involvements=[(placed.other_child, InvolvementRole.HARMED)],
        )
    # Pinned: five more places with incidents (above) add no query.
    # and one read of the day's hotspots (cached), and the access log's chain head (2)
    with django_assert_num_queries(14):
        assert client.get(MAP).status_code == 200


def _section(page: str, heading_id: str) -> str:
    """The page from the heading with ``heading_id`` to the next h2."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("<h2", start)
    return page[start : end if end > 0 else None]


def _rows(section: str) -> list[str]:
    return re.findall(
        r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">(.*?)</td>', section
    )


def test_the_places_table_pages_and_keeps_the_filters_while_the_map_draws_every_place(
    placed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy borough's places table is read a page at a time (the map above draws them
    all), and the next page's link keeps the filters and lands on the table."""
    monkeypatch.setattr(views_map, "PLACES_PER_PAGE", 1)
    shop = _busy_shop(placed)
    page, layers = _map(placed.social_worker, "?window=52w")
    assert _names(layers) == {"Millfields Park", shop.name}
    places = _section(page, "places")
    assert len(_rows(places)) == 1 and "Millfields Park" in places  # the busiest first
    assert "Places 1 to 1 of 2" in places
    assert 'href="?window=52w&amp;page=2#places"' in places
    page, layers = _map(placed.social_worker, "?window=52w&page=2")
    places = _section(page, "places")
    assert len(_rows(places)) == 1 and shop.name in places
    assert _names(layers) == {"Millfields Park", shop.name}
    # Logged with every place the page names (the map's data names them all) and the page.
    event = AccessEvent.objects.filter(actor=placed.social_worker).latest("id")
    assert sorted(event.detail["shown"]) == sorted([str(placed.park.pk), str(shop.pk)])
    assert event.detail["table_page"] == 2


def test_the_sectors_table_lists_only_sectors_with_incidents_and_counts_the_rest(
    placed: World,
) -> None:
    """Most sectors are empty under narrow filters: the table lists those with incidents
    and says how many have none, so a phone does not scroll through rows of zeros."""
    page, _ = _map(placed.social_worker)
    everywhere = len(selectors_map.borough().sectors)
    sectors = _section(page, "sectors")
    assert _rows(sectors) == [PARK_SECTOR]
    assert f"1 of the borough's {everywhere} sectors has incidents on the map" in sectors
    assert f"the other {everywhere - 1} have none" in sectors
    page, _ = _map(placed.social_worker, "?kind=grooming")
    sectors = _section(page, "sectors")
    assert _rows(sectors) == []
    assert f"None of the borough's {everywhere} sectors has an incident on the map" in sectors
