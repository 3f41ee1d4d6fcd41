"""Hotspots (``locus.analysis.hotspots``): a planted cluster is found, uniform noise is not
flagged beyond the stated rate, the emerging classes follow the weekly counts, and bad input
is refused naming the argument."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from locus.analysis import geo
from locus.analysis.hotspots import (
    CLASSES,
    FADING,
    INTENSIFYING,
    NEW,
    PERSISTENT,
    benjamini_hochberg,
    cell_key,
    gi_star,
    hotspots,
    mann_kendall,
)
from tests.analysis.test_input_properties import refused

TODAY = 20_000
CELL = 150.0
# A 20 x 20 cell square whose edges are cell edges, so uniform points fill every cell alike.
E0, N0 = 530_100.0, 180_000.0
SIDE = 20 * CELL
EXAMPLES = settings(max_examples=50, deadline=None)


def noise(rng, count, weeks=12):
    """``count`` incidents uniform over the square and over the ``weeks`` weeks to TODAY."""
    return (
        rng.uniform(E0, E0 + SIDE, count),
        rng.uniform(N0, N0 + SIDE, count),
        TODAY - rng.integers(0, 7 * weeks, count),
    )


def with_cluster(rng, per_week, background=2000):
    """Noise plus ``per_week[w]`` incidents in week ``w`` (oldest first) at one cell near the
    middle (E531600N181500)."""
    e, n, d = noise(rng, background)
    weeks = len(per_week)
    ce, cn, cd = [], [], []
    for w, k in enumerate(per_week):
        ce += list(rng.uniform(531_600, 531_750, k))
        cn += list(rng.uniform(181_500, 181_650, k))
        cd += list(TODAY - 7 * (weeks - 1 - w) - rng.integers(0, 7, k))
    return np.r_[e, ce], np.r_[n, cn], np.r_[d, cd].astype(np.int64)


def found(per_week, seed=1):
    e, n, d = with_cluster(np.random.default_rng(seed), per_week)
    return hotspots(easting=e, northing=n, day=d, today=TODAY)


def test_a_planted_cluster_is_found_at_its_cell_and_described_in_numbers():
    result = found([5] * 12)
    assert len(result) == 1
    assert result.key(0) == "E531600N181500"
    # 60 planted plus about 2000 x 9/400 = 45 by chance, against the borough's 47 expected.
    assert result.incidents[0] >= 100
    assert 2.0 < result.ratio[0] < 3.0
    assert result.p[0] < 1e-6 and result.z[0] > 5
    # The hotspot covers the point it was planted at, and not a far corner.
    assert result.at(531_650.0, 181_550.0) == 0
    assert result.at(E0 + 10, N0 + 10) == -1
    assert result.weekly[0].sum() == result.incidents[0]
    assert result.borough_weekly.sum() == result.total == 2060


def test_uniform_noise_gives_a_hotspot_in_at_most_the_stated_share_of_boroughs():
    # Benjamini-Hochberg at 0.05 with no hotspot at all: any hotspot is false, and the chance
    # of one is at most 5%. 40 boroughs: a binomial(40, 0.05) exceeds 6 less than 1% of times.
    flagged = 0
    for seed in range(40):
        e, n, d = noise(np.random.default_rng(1000 + seed), 3000)
        flagged += len(hotspots(easting=e, northing=n, day=d, today=TODAY)) > 0
    assert flagged <= 6


def test_the_normal_approximation_would_flag_the_same_noise():
    # Why the p-value is exact: sparse counts are skewed, and Gi*'s z read as normal calls
    # chance significant. The same noise, tested as normal with the same correction, flags more.
    flagged_normal = flagged_exact = 0
    for seed in range(20):
        e, n, d = noise(np.random.default_rng(2000 + seed), 80)
        result = hotspots(easting=e, northing=n, day=d, today=TODAY, min_incidents=1)
        flagged_exact += len(result) > 0
        normal = benjamini_hochberg(stats.norm.sf(result.gi.z))
        flagged_normal += bool(normal.any())
    assert flagged_exact <= 3 and flagged_normal >= 6


@pytest.mark.parametrize(
    ("per_week", "expected"),
    [
        ([5] * 12, PERSISTENT),
        ([0] * 8 + [10] * 4, NEW),
        ([9] * 8 + [0] * 4, FADING),
        (list(range(12)), INTENSIFYING),
        ([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 3, 3], FADING),
    ],
    ids=["persistent", "new", "fading", "intensifying", "fading-by-trend"],
)
def test_the_emerging_class_follows_the_weekly_counts(per_week, expected):
    for seed in (1, 2, 3):
        result = found(per_week, seed)
        # Benjamini-Hochberg controls the share of false discoveries: beside a true hotspot
        # chance may add another, so the one planted is read at its place.
        k = result.at(531_675.0, 181_575.0)
        assert k >= 0
        assert result.klass[k] == expected, (seed, result.class_name(k), result.weekly[k])


def test_only_the_window_counts():
    e, n, d = with_cluster(np.random.default_rng(4), [6] * 12)
    inside = hotspots(easting=e, northing=n, day=d, today=TODAY)
    # The same incidents a year later are outside the window; a day after today too.
    moved = hotspots(easting=e, northing=n, day=d - 365, today=TODAY)
    future = hotspots(easting=e, northing=n, day=d + 7 * 12 + 1, today=TODAY)
    assert len(inside) == 1 and len(moved) == 0 and len(future) == 0
    assert moved.total == future.total == 0


def test_touching_significant_cells_are_one_hotspot_named_by_its_peak():
    result = found([8] * 12)
    assert len(result) == 1 and result.cells[0] > 1
    assert (result.label >= 0).sum() == result.cells[0]


def test_two_places_a_street_apart_are_two_hotspots_not_one():
    # Clusters two cells apart: the cells between are significant for both, and touch.
    rng = np.random.default_rng(7)
    e, n, d = noise(rng, 2000)
    ce = np.r_[rng.uniform(531_600, 531_750, 60), rng.uniform(531_900, 532_050, 40)]
    cn = rng.uniform(181_500, 181_650, 100)
    cd = TODAY - rng.integers(0, 84, 100)
    result = hotspots(easting=np.r_[e, ce], northing=np.r_[n, cn], day=np.r_[d, cd], today=TODAY)
    first, second = result.at(531_650.0, 181_550.0), result.at(531_950.0, 181_550.0)
    assert first >= 0 and second >= 0 and first != second
    assert {result.key(first), result.key(second)} == {"E531600N181500", "E531900N181500"}


def test_gi_star_matches_the_textbook_formula_on_a_small_grid():
    counts = np.array([[0, 1, 2, 0], [3, 9, 0, 1], [1, 0, 0, 4]])
    gi = gi_star(counts)
    x = counts.ravel().astype(float)
    n = x.size
    mean, spread = x.mean(), np.sqrt((x**2).mean() - x.mean() ** 2)
    for i in range(3):
        for j in range(4):
            near = [
                (a, b)
                for a in range(i - 1, i + 2)
                for b in range(j - 1, j + 2)
                if 0 <= a < 3 and 0 <= b < 4
            ]
            w = len(near)
            s = sum(counts[a, b] for a, b in near)
            z = (s - mean * w) / (spread * np.sqrt((n * w - w * w) / (n - 1)))
            assert gi.neighbours[i, j] == w and gi.neighbourhood[i, j] == s
            assert gi.z[i, j] == pytest.approx(z)
            assert gi.p[i, j] == pytest.approx(stats.binom.sf(s - 1, x.sum(), w / n))


def test_cell_keys_are_the_south_west_corner_in_grid_metres():
    assert cell_key(3539, 1209, 150) == "E530850N181350"
    assert cell_key(-1, 0, 150.0) == "E-150N0"


def test_grid_metres_round_trip_through_wgs84():
    e = np.array([530_000.0, 651_409.903, 200_000.0])
    n = np.array([180_000.0, 313_177.27, 600_000.0])
    lat, lon = geo.bng_to_wgs84(e, n)
    back_e, back_n = geo.wgs84_to_bng(lat, lon)
    assert np.abs(back_e - e).max() < 0.05 and np.abs(back_n - n).max() < 0.05


# ---------------------------------------------------------------------------
# Bad input, refused naming the argument

GOOD = {"easting": [530_000.0], "northing": [180_000.0], "day": [TODAY], "today": TODAY}


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("easting", {"easting": [np.nan]}),
        ("easting", {"easting": [[530_000.0]]}),
        ("northing", {"northing": [180_000.0, 1.0]}),
        ("northing", {"northing": [np.inf]}),
        ("day", {"day": [1.5]}),
        ("day", {"day": [1_764_720_000_000]}),
        ("day", {"day": [TODAY, TODAY]}),
        ("weeks", {"weeks": 1}),
        ("recent_weeks", {"recent_weeks": 12}),
        ("cell_m", {"cell_m": 0.5}),
        ("cell_m", {"cell_m": float("nan")}),
        ("alpha", {"alpha": 1.0}),
        ("min_incidents", {"min_incidents": 0}),
        ("area", {"area": (1.0, 1.0, 0.0, 0.0)}),
    ],
)
def test_hotspots_refuses_bad_input_naming_the_argument(name, change):
    refused(name, hotspots, **{**GOOD, **change})


def test_a_stray_point_far_away_is_refused_rather_than_a_huge_grid():
    far = {"easting": [0.0, 700_000.0], "northing": [0.0, 700_000.0], "day": [TODAY] * 2}
    refused("easting", hotspots, **{**GOOD, **far, "cell_m": 1.0})


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: gi_star([1, 2, 3]), "counts"),
        (lambda: gi_star([[1.5]]), "counts"),
        (lambda: gi_star([[-1]]), "counts"),
        (lambda: gi_star([[True]]), "counts"),
        (lambda: gi_star([[1]], alpha=0), "alpha"),
        (lambda: mann_kendall([1, 2, 3]), "series"),
        (lambda: mann_kendall([[1, np.nan]]), "series"),
        (lambda: benjamini_hochberg([0.5, 1.5]), "p"),
        (lambda: benjamini_hochberg([np.nan]), "p"),
        (lambda: cell_key(1, 2, 0), "cell_m"),
    ],
)
def test_the_other_functions_refuse_bad_input_naming_the_argument(call, name):
    refused(name, call)


# ---------------------------------------------------------------------------
# Properties

grids = st.integers(1, 6).flatmap(
    lambda nx: st.integers(1, 6).flatmap(
        lambda ny: st.lists(st.integers(0, 9), min_size=nx * ny, max_size=nx * ny).map(
            lambda v: np.array(v).reshape(nx, ny)
        )
    )
)


@EXAMPLES
@given(grids)
def test_gi_star_properties(counts):
    gi = gi_star(counts)
    assert gi.total == counts.sum()
    assert ((gi.p >= 0) & (gi.p <= 1)).all()
    assert (gi.neighbourhood >= counts).all()
    assert not (gi.significant & (gi.p > gi.alpha)).any()
    # The same grid in another integer dtype, or transposed, gives the same (transposed) answer.
    assert np.allclose(gi_star(counts.astype(np.int32)).z, gi.z)
    assert np.allclose(gi_star(counts.T).z, gi.z.T)


@EXAMPLES
@given(st.lists(st.lists(st.integers(0, 5), min_size=12, max_size=12), min_size=1, max_size=4))
def test_mann_kendall_is_kendalls_tau_against_time(rows):
    s, z, p = mann_kendall(np.array(rows))
    assert (np.sign(z) == np.sign(s)).all()
    for row, s_, p_ in zip(rows, s, p, strict=True):
        if len(set(row)) == 1:
            assert s_ == 0 and p_ == 1.0
            continue
        tau = stats.kendalltau(np.arange(12), row)
        assert np.sign(s_) == np.sign(tau.statistic)
        assert p_ == pytest.approx(tau.pvalue)


@EXAMPLES
@given(st.lists(st.floats(0, 1), max_size=30), st.sampled_from([0.01, 0.05, 0.2]))
def test_benjamini_hochberg_agrees_with_scipy(p, alpha):
    kept = benjamini_hochberg(p, alpha)
    if p:
        assert np.array_equal(kept, stats.false_discovery_control(p) <= alpha)


points = st.lists(
    st.tuples(
        st.floats(E0, E0 + 900), st.floats(N0, N0 + 900), st.integers(TODAY - 100, TODAY + 5)
    ),
    max_size=60,
)


@EXAMPLES
@given(points, st.randoms(use_true_random=False))
def test_hotspots_do_not_depend_on_order_or_dtype(rows, rnd):
    e, n, d = (np.array(c) for c in zip(*rows, strict=True)) if rows else ([], [], [])
    a = hotspots(
        easting=e, northing=n, day=np.asarray(d, dtype=np.int64), today=TODAY, min_incidents=2
    )
    order = list(range(len(rows)))
    rnd.shuffle(order)
    b = hotspots(
        easting=np.asarray(e, dtype=float)[order] if rows else [],
        northing=np.asarray(n, dtype=float)[order] if rows else [],
        day=np.asarray(d, dtype=np.int32)[order] if rows else [],
        today=TODAY,
        min_incidents=2,
    )
    assert [a.key(k) for k in range(len(a))] == [b.key(k) for k in range(len(b))]
    assert np.array_equal(a.klass, b.klass) and np.array_equal(a.weekly, b.weekly)
    assert a.total == sum(TODAY - 84 < day <= TODAY for _, _, day in rows)
    assert all(CLASSES[k] != "not a hotspot" for k in a.klass)
    assert (a.incidents >= 2).all()


@EXAMPLES
@given(st.integers(-5000, 5000), st.integers(-5000, 5000), st.sampled_from([50, 100, 150.0, 250]))
def test_cell_keys_are_distinct_per_cell_and_name_the_corner(col, row, cell_m):
    key = cell_key(col, row, cell_m)
    east, north = key[1:].split("N")
    assert (int(east), int(north)) == (round(col * cell_m), round(row * cell_m))
    assert key != cell_key(col + 1, row, cell_m) and key != cell_key(col, row + 1, cell_m)


@EXAMPLES
@given(st.floats(100_000, 650_000), st.floats(10_000, 1_200_000))
def test_wgs84_to_bng_inverts_bng_to_wgs84_across_great_britain(east, north):
    lat, lon = geo.bng_to_wgs84(east, north)
    back = geo.wgs84_to_bng(lat, lon)
    assert abs(float(back[0]) - east) < 0.05 and abs(float(back[1]) - north) < 0.05


@EXAMPLES
@given(st.sampled_from(["easting", "northing", "day"]), st.data())
def test_any_spoiled_point_column_is_refused_naming_it(name, data):
    good = {
        "easting": [530_000.0, 530_100.0],
        "northing": [180_000.0, 180_100.0],
        "day": [TODAY] * 2,
    }
    bad = data.draw(
        st.sampled_from(
            [[np.nan, 1.0], [np.inf, 1.0], [1.0], [[1.0, 2.0]], ["a", "b"], [True, False]]
            + ([[1.5, 2.0], [2**40, 0]] if name == "day" else [[2e7, 0.0]])
        )
    )
    refused(name, hotspots, **{**good, name: bad}, today=TODAY)
