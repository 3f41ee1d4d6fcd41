"""The borough's outline and its areas from postcode points (locus.analysis.areas)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locus.analysis.areas import area_shapes

EXAMPLES = settings(max_examples=40, deadline=None)
# A degree of latitude in metres, as the module has it.
M = 6_371_008.8 * np.pi / 180
LAT0, LON0 = 51.55, -0.06


def _degrees(x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return LAT0 + y_m / M, LON0 + x_m / (M * np.cos(np.radians(LAT0)))


def _area(ring: np.ndarray) -> float:
    """Signed area (shoelace) in square metres, anticlockwise positive."""
    y = (ring[:, 0] - LAT0) * M
    x = (ring[:, 1] - LON0) * M * np.cos(np.radians(LAT0))
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def _total(rings: list[np.ndarray]) -> float:
    return sum(_area(r) for r in rings)


@st.composite
def point_sets(draw):
    """Up to 60 points in a 2 km square, with up to 4 area labels."""
    n = draw(st.integers(1, 60))
    xs = draw(st.lists(st.floats(0, 2000), min_size=n, max_size=n))
    ys = draw(st.lists(st.floats(0, 2000), min_size=n, max_size=n))
    count = draw(st.integers(1, 4))
    labels = draw(st.lists(st.integers(0, count - 1), min_size=n, max_size=n))
    lat, lon = _degrees(np.array(xs), np.array(ys))
    return lat, lon, np.array(labels), count


@EXAMPLES
@given(point_sets())
def test_the_areas_tile_the_outline_and_every_point_is_inside(data) -> None:
    lat, lon, labels, count = data
    shapes = area_shapes(lat, lon, labels, count, cell_m=50, reach_m=200)
    outline = _total(shapes.outline)
    assert outline > 0
    # Dissolved, the areas cover the outline; cutting corners loses slivers where three
    # areas meet and halves a lone square (a diamond): at most half a square a ring.
    areas = sum(_total(rings) for rings in shapes.areas)
    rings = len(shapes.outline) + sum(len(r) for r in shapes.areas)
    assert areas == pytest.approx(outline, rel=0.03, abs=rings * 50 * 50 / 2)
    assert (shapes.locate(lat, lon) >= 0).all()
    # Each area's drawn rings hold the squares labelled with it.
    for k, rings in enumerate(shapes.areas):
        assert (_total(rings) > 0) == bool((shapes.grid == k).any())


@EXAMPLES
@given(point_sets())
def test_a_point_is_in_the_area_of_a_postcode_near_it(data) -> None:
    lat, lon, labels, count = data
    cell = 50.0
    shapes = area_shapes(lat, lon, labels, count, cell_m=cell, reach_m=200)
    found = shapes.locate(lat, lon)
    x = (lon - LON0) * M * np.cos(np.radians(LAT0))
    y = (lat - LAT0) * M
    for i in range(lat.size):
        # Some point of the area found lies within a square's diagonal of point i.
        same = labels == found[i]
        near = np.hypot(x[same] - x[i], y[same] - y[i]).min()
        assert near <= cell * np.sqrt(2) + 1e-6


def test_one_area_is_the_whole_outline_and_far_away_is_outside() -> None:
    rng = np.random.default_rng(1)
    lat, lon = _degrees(rng.uniform(0, 1500, 200), rng.uniform(0, 1500, 200))
    shapes = area_shapes(lat, lon, np.zeros(200, dtype=int), 1)
    assert _total(shapes.areas[0]) == pytest.approx(_total(shapes.outline))
    assert shapes.locate([LAT0 + 0.5], [LON0]).tolist() == [-1]


def test_two_halves_make_two_areas_split_down_the_middle() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.uniform(0, 2000, 400), rng.uniform(0, 2000, 400)
    labels = (x > 1000).astype(int)
    lat, lon = _degrees(x, y)
    shapes = area_shapes(lat, lon, labels, 2)
    assert (shapes.locate(lat, lon) == labels)[np.abs(x - 1000) > 100].all()
    west, east = _total(shapes.areas[0]), _total(shapes.areas[1])
    assert west == pytest.approx(east, rel=0.15)


def test_the_outline_follows_a_concave_borough() -> None:
    # An L of postcodes: the outline leaves the L's empty corner out, where a convex
    # hull would take it in.
    grid = np.arange(0, 3000, 50.0)
    xs, ys = np.meshgrid(grid, grid)
    keep = (xs < 1000) | (ys < 1000)
    lat, lon = _degrees(xs[keep], ys[keep])
    shapes = area_shapes(lat, lon, np.zeros(int(keep.sum()), dtype=int), 1)
    corner_lat, corner_lon = _degrees(np.array([2500.0]), np.array([2500.0]))
    assert shapes.locate(corner_lat, corner_lon).tolist() == [-1]
    l_area = 3000 * 3000 - 2000 * 2000
    assert _total(shapes.outline) == pytest.approx(l_area, rel=0.1)


def test_a_gap_between_postcodes_within_the_reach_is_closed() -> None:
    # A park 400 m across with no postcode in it, inside the borough: no hole.
    grid = np.arange(0, 2000, 50.0)
    xs, ys = np.meshgrid(grid, grid)
    keep = np.hypot(xs - 1000, ys - 1000) > 200
    lat, lon = _degrees(xs[keep], ys[keep])
    shapes = area_shapes(lat, lon, np.zeros(int(keep.sum()), dtype=int), 1)
    assert len(shapes.outline) == 1
    park_lat, park_lon = _degrees(np.array([1000.0]), np.array([1000.0]))
    assert shapes.locate(park_lat, park_lon).tolist() == [0]


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("latitude", {"latitude": [91.0, 51.5]}),
        ("latitude", {"latitude": [np.nan, 51.5]}),
        ("latitude", {"latitude": [], "longitude": [], "labels": []}),
        ("longitude", {"longitude": [-0.1]}),
        ("longitude", {"longitude": ["a", "b"]}),
        ("labels", {"labels": [0, 2]}),
        ("labels", {"labels": [0, -1]}),
        ("labels", {"labels": [True, False]}),
        ("labels", {"labels": [0.0, 1.0]}),
        ("labels", {"labels": [0]}),
        ("count", {"count": 0}),
        ("cell_m", {"cell_m": 0.5}),
        ("cell_m", {"cell_m": float("nan")}),
        ("cell_m", {"cell_m": 1.0, "reach_m": 5.0, "latitude": [51.0, 52.0]}),
        ("reach_m", {"reach_m": 10.0}),
    ],
)
def test_bad_arguments_are_refused_naming_them(name: str, change: dict) -> None:
    args = {
        "latitude": [51.55, 51.56],
        "longitude": [-0.06, -0.05],
        "labels": [0, 1],
        "count": 2,
        "cell_m": 30.0,
        "reach_m": 300.0,
    }
    args.update(change)
    with pytest.raises(ValueError, match=rf"^{name} "):
        area_shapes(**args)


def test_locate_refuses_bad_points() -> None:
    shapes = area_shapes([51.55], [-0.06], [0], 1)
    with pytest.raises(ValueError, match=r"^latitude "):
        shapes.locate([np.inf], [0.0])
