"""A missing episode recorded with no place (docs/recording.md) is judged as at no place: no
point or sector on the borough map ("not on the map", and only for who may read it), no
hotspot, no busy place, nothing on any place's page or counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from locus.common import clock
from locus.incidents.models import Incident, IncidentKind, InvolvementRole
from locus.places import selectors_hotspots, selectors_map
from locus.places.selectors import busy_places, context_detail, with_incident_counts
from locus.places.services import context_update
from tests.factories import World, make_incident, make_person
from tests.places.test_busy_places import plant_busy

pytestmark = pytest.mark.django_db


def _missing(world: World, child=None, days_ago: int = 4) -> Incident:  # type: ignore[no-untyped-def]
    return make_incident(
        world.system,
        context=None,
        kind=IncidentKind.MISSING,
        involvements=[(child or world.csc_child, InvolvementRole.MISSING)],
        reporting_agency=world.csc,
        occurred_at=clock.now() - dt.timedelta(days=days_ago),
    )


def _map(world: World, worker) -> selectors_map.BoroughMap:  # type: ignore[no-untyped-def]
    return selectors_map.borough_map(viewer=worker, filters=selectors_map.MapFilters())


def test_it_is_not_on_the_map_and_counted_there_only_for_who_may_read_it(world: World) -> None:
    context_update(actor=world.admin, context=world.park, postcode="E8 1EJ")
    before = {w.pk: _map(world, w) for w in (world.social_worker, world.police_analyst)}
    _missing(world)
    mine, police = _map(world, world.social_worker), _map(world, world.police_analyst)
    # The social worker holds the child: one more "not on the map", no place, no sector.
    assert mine.not_placed == before[world.social_worker.pk].not_placed + 1
    assert mine.places == before[world.social_worker.pk].places
    assert mine.sectors == before[world.social_worker.pk].sectors
    # The police analyst may not read it: it is no public place's, so not counted at all.
    assert police.not_placed == before[world.police_analyst.pk].not_placed
    assert police.sectors == before[world.police_analyst.pk].sectors


def test_it_makes_no_place_busy_and_no_hotspot(world: World) -> None:
    plant_busy(world)
    for i in range(12):  # as many children missing, with no place, as at the busy place
        _missing(world, make_person(world.system, given_name="Gone", family_name=f"Child{i}"))
    cache.clear()
    assert set(busy_places()) == {world.shopping_centre.pk}
    cache.clear()
    hotspots = selectors_hotspots.borough_hotspots()
    assert all(None not in h.place_ids for h in hotspots)


def test_no_place_counts_it(world: World) -> None:
    places = [world.park, world.shopping_centre, world.school, world.home]
    before = [
        c.incident_count for c in with_incident_counts(viewer=world.social_worker, contexts=places)
    ]  # type: ignore[attr-defined]
    detail = context_detail(viewer=world.social_worker, context=world.park)
    _missing(world)
    after = [
        c.incident_count for c in with_incident_counts(viewer=world.social_worker, contexts=places)
    ]  # type: ignore[attr-defined]
    assert after == before
    assert context_detail(viewer=world.social_worker, context=world.park).incidents_by_kind == (
        detail.incidents_by_kind
    )
