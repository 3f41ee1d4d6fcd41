"""British National Grid to WGS84: against the Ordnance Survey's worked example and pyproj.

pyproj is a test-time reference only; Locus itself does the conversion with numpy.
"""

from __future__ import annotations

import numpy as np
import pyproj
import pytest

from locus.analysis import geo

# A few real Hackney postcodes with their ONS grid references (oseast1m, osnrth1m).
HACKNEY_POINTS = [
    ("E5 0LL", 535455.0, 185460.0),
    ("E5 8AA", 534748.0, 186358.0),
    ("E8 1EJ", 534932.0, 184811.0),
    ("E9 6EJ", 535148.0, 185245.0),
    ("N1 5SE", 533113.0, 183839.0),
    ("N16 5AA", 533594.0, 187883.0),
    ("N4 2AA", 531518.0, 186809.0),
]


def test_os_worked_example_grid_to_osgb36():
    # OS "A guide to coordinate systems in Great Britain", annex C:
    # 651409.903 E, 313177.270 N is 52 39' 27.2531" N, 1 43' 4.5177" E on OSGB36.
    lat, lon = geo.bng_to_osgb36(651409.903, 313177.270)
    assert float(lat) == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-7)
    assert float(lon) == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-7)


def test_true_origin_maps_to_49n_2w():
    lat, lon = geo.bng_to_osgb36(400_000.0, -100_000.0)
    assert float(lat) == pytest.approx(49.0, abs=1e-9)
    assert float(lon) == pytest.approx(-2.0, abs=1e-9)


def test_helmert_moves_points_by_the_known_datum_shift():
    # In London, WGS84 positions sit roughly 100-120 m from the OSGB36 ones.
    lat36, lon36 = geo.bng_to_osgb36(533000.0, 185000.0)
    lat84, lon84 = geo.bng_to_wgs84(533000.0, 185000.0)
    shift = geo.haversine_m(lat36, lon36, lat84, lon84)
    assert 90 < float(shift) < 130


def test_agrees_with_pyproj_within_five_metres_for_hackney_postcodes():
    transformer = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    eastings = np.array([p[1] for p in HACKNEY_POINTS])
    northings = np.array([p[2] for p in HACKNEY_POINTS])
    lat, lon = geo.bng_to_wgs84(eastings, northings)
    ref_lon, ref_lat = transformer.transform(eastings, northings)
    errors = geo.haversine_m(lat, lon, np.asarray(ref_lat), np.asarray(ref_lon))
    assert errors.shape == (len(HACKNEY_POINTS),)
    assert float(errors.max()) < 5.0
    # And they are in Hackney.
    assert np.all((lat > 51.51) & (lat < 51.58))
    assert np.all((lon > -0.11) & (lon < -0.02))


def test_agrees_with_pyproj_across_great_britain():
    transformer = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    rng = np.random.default_rng(7)
    eastings = rng.uniform(100_000, 650_000, size=500)
    northings = rng.uniform(10_000, 1_200_000, size=500)
    lat, lon = geo.bng_to_wgs84(eastings, northings)
    ref_lon, ref_lat = transformer.transform(eastings, northings)
    assert float(geo.haversine_m(lat, lon, ref_lat, ref_lon).max()) < 5.0


def test_vectorised_shapes_and_scalars():
    lat, lon = geo.bng_to_wgs84(533000.0, 185000.0)
    assert lat.shape == () and lon.shape == ()
    grid_e = np.full((3, 4), 533000.0)
    grid_n = np.full((3, 4), 185000.0)
    lat2, lon2 = geo.bng_to_wgs84(grid_e, grid_n)
    assert lat2.shape == (3, 4)
    assert np.allclose(lat2, lat) and np.allclose(lon2, lon)
    # Broadcasting: one easting against several northings.
    lat3, _ = geo.bng_to_wgs84(533000.0, [184000.0, 185000.0, 186000.0])
    assert lat3.shape == (3,)
    assert np.all(np.diff(lat3) > 0)


def test_empty_input_gives_empty_output():
    lat, lon = geo.bng_to_wgs84(np.array([]), np.array([]))
    assert lat.shape == (0,) and lon.shape == (0,)


def test_haversine_known_distance():
    # One degree of latitude is about 111.2 km on the mean sphere.
    assert float(geo.haversine_m(51.0, 0.0, 52.0, 0.0)) == pytest.approx(111_195, rel=1e-3)
    assert float(geo.haversine_m(51.5, -0.1, 51.5, -0.1)) == 0.0


def test_round_trip_cartesian():
    x, y, z = geo.geodetic_to_cartesian([51.5, 55.0], [-0.1, -3.2], geo.WGS84, height=[0.0, 100.0])
    lat, lon = geo.cartesian_to_geodetic(x, y, z, geo.WGS84)
    assert np.allclose(lat, [51.5, 55.0], atol=1e-9)
    assert np.allclose(lon, [-0.1, -3.2], atol=1e-9)
