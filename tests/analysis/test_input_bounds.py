"""The boundary checks of the modules added after the first round (layout, busy places, areas,
hotspots, triage) and the ones the first round left: keys that overflow int64, uint64 values
that wrap when cast, floats or masks taken for indices, and out-of-range numbers that gave a
quiet wrong answer or an error naming another argument.

Each plain example is a case the old code got wrong (it is named in the test); each property
spoils one argument of valid input and expects ``ValueError`` (``TypeError`` for the wrong kind
of object) naming it, and checks that valid input still gives the answer it gave.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locus.analysis import areas, busy, community, geo, hotspots, layout, linked, network, triage
from tests.analysis.test_busy import TODAY, boroughs, planted
from tests.analysis.test_input_properties import (
    WRAPPING,
    make_evidence,
    pair_arrays,
    pair_lists,
    refused,
    spoiled,
    world_arrays,
    worlds,
)
from tests.analysis.test_layout import busy_map
from tests.analysis.test_triage import COLUMNS as COUNTS
from tests.analysis.test_triage import link_columns

EXAMPLES = settings(max_examples=50, deadline=None)


def refused_as(name, call, *args, **kwargs):
    """``call`` raises ValueError or TypeError with a message that starts by naming ``name``."""
    with pytest.raises((ValueError, TypeError), match=rf"^{name} "):
        call(*args, **kwargs)


negative = st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False)
# A bad value for one cell of an array (a boolean among integers would pass as 1) ...
not_a_number = st.sampled_from([np.nan, np.inf, -np.inf, "12", None])
not_a_size_cell = st.one_of(not_a_number, negative)
# ... and for a size given on its own.
not_a_size = st.one_of(not_a_size_cell, st.just(True))


# ---------------------------------------------------------------------------
# The map's layout (it checked nothing but NaN sizes, bands and the range of a and b)


def test_layout_refuses_links_given_as_floats_or_a_mask_rather_than_truncating_them():
    sizes = [[10, 10]] * 3
    # The old code read 0.9 and 1.2 as items 0 and 1, and a mask as item 1 and item 0.
    refused("a", layout.banded, [0, 1, 1], sizes, [0.9], [1.2])
    refused("a", layout.banded, [0, 1, 1], sizes, np.array([False, True]), [1, 2])
    refused("b", layout.banded, [0, 1, 1], sizes, [0], [[1]])


def test_layout_refuses_sizes_that_are_not_rows_of_finite_non_negative_numbers():
    # The old code took strings, booleans and a flat list for sizes, and a negative gap.
    refused("sizes", layout.banded, [0, 1], [["10", "10"], ["10", "10"]])
    refused("sizes", layout.banded, [0, 1], [[True, True], [True, True]])
    refused("sizes", layout.banded, [0, 1], [10, 10, 10, 10])
    refused("sizes", layout.overlapping, [[0, 0], [5, 0]], [[-100, 1], [1, 1]])
    refused("centres", layout.overlapping, [[0, 0], [np.nan, 0]], [[1, 1], [1, 1]])
    refused_as("gap", layout.banded, [0, 1], [[1, 1], [1, 1]], gap=True)


def test_a_label_box_needs_strings_and_finite_sizes():
    # The old code gave a NaN height for a NaN font, and counted a string's letters as lines.
    refused("font_px", layout.label_box, ["Nour"], font_px=np.nan, node_px=30)
    refused_as("lines", layout.label_box, "Nour", font_px=13, node_px=30)
    refused_as("lines", layout.label_box, ["Nour", 7], font_px=13, node_px=30)
    refused_as("node_px", layout.label_box, ["Nour"], font_px=13, node_px=True)


@EXAMPLES
@given(st.integers(0, 4), st.sampled_from(("a", "b")), st.data())
def test_banded_refuses_any_spoiled_link_end_and_reads_any_integer_type_alike(seed, name, data):
    bands, sizes, a, b = busy_map(seed)
    expected = layout.banded(bands, sizes, a, b)
    narrow = layout.banded(bands.astype(np.int32), sizes.tolist(), a.astype(np.uint16), b.tolist())
    assert np.array_equal(narrow, expected)
    ends = {"a": a, "b": b}
    ends[name] = data.draw(spoiled(ends[name].tolist(), 0, bands.size, length_fixed=name == "b"))
    refused(name, layout.banded, bands, sizes, ends["a"], ends["b"])


@EXAMPLES
@given(st.integers(0, 4), st.data())
def test_banded_refuses_any_spoiled_size_band_or_gap(seed, data):
    bands, sizes, a, b = busy_map(seed)
    spoilt = sizes.astype(object)
    spoilt[data.draw(st.integers(0, sizes.shape[0] - 1)), data.draw(st.integers(0, 1))] = data.draw(
        not_a_size_cell
    )
    with pytest.raises((ValueError, TypeError), match=r"^sizes "):
        layout.banded(bands, np.array(spoilt.tolist()), a, b)
    shape = data.draw(st.sampled_from([sizes.ravel(), sizes[:-1], sizes[:, :1], sizes[None]]))
    refused("sizes", layout.banded, bands, shape, a, b)
    spoilt_bands = data.draw(spoiled(bands.tolist(), 0, None, length_fixed=False))
    refused("bands", layout.banded, spoilt_bands, sizes, a, b)
    refused_as("gap", layout.banded, bands, sizes, a, b, gap=data.draw(not_a_size))


def brute_force_overlaps(centres, sizes):
    return [
        [i, j]
        for i in range(len(centres))
        for j in range(i + 1, len(centres))
        if abs(centres[i][0] - centres[j][0]) < (sizes[i][0] + sizes[j][0]) / 2
        and abs(centres[i][1] - centres[j][1]) < (sizes[i][1] + sizes[j][1]) / 2
    ]


boxes = st.lists(
    st.tuples(st.integers(-50, 50), st.integers(-50, 50), st.integers(0, 30), st.integers(0, 30)),
    max_size=12,
)


@EXAMPLES
@given(boxes, st.data())
def test_overlapping_is_the_brute_force_answer_and_refuses_spoiled_boxes(rows, data):
    centres = [(x, y) for x, y, _, _ in rows]
    sizes = [(w, h) for _, _, w, h in rows]
    assert layout.overlapping(centres, sizes).tolist() == brute_force_overlaps(centres, sizes)
    if not rows:
        return
    name = data.draw(st.sampled_from(("centres", "sizes")))
    given_ = {"centres": np.array(centres, dtype=object), "sizes": np.array(sizes, dtype=object)}
    bad = data.draw(not_a_size_cell if name == "sizes" else not_a_number)
    given_[name][data.draw(st.integers(0, len(rows) - 1)), 0] = bad
    with pytest.raises((ValueError, TypeError), match=rf"^{name} "):
        layout.overlapping(np.array(given_["centres"].tolist()), np.array(given_["sizes"].tolist()))
    refused("sizes", layout.overlapping, centres, sizes[:-1])


@EXAMPLES
@given(st.lists(st.text(max_size=30), max_size=4), st.floats(0, 40), st.floats(0, 60), st.data())
def test_label_box_grows_with_its_text_and_refuses_what_is_not_a_size(lines, font, node, data):
    width, height = layout.label_box(lines, font_px=font, node_px=node)
    assert width >= node and height >= node
    assert layout.label_box(tuple(lines), font_px=font, node_px=node) == (width, height)
    name = data.draw(st.sampled_from(("font_px", "node_px")))
    sizes = {"font_px": font, "node_px": node, name: data.draw(not_a_size)}
    refused_as(name, layout.label_box, lines, **sizes)


# ---------------------------------------------------------------------------
# Busy places


def test_a_person_id_as_large_as_int64_allows_is_counted_at_its_own_place():
    # Person 2**62 at place 4: the old (place, person) key 4 * (2**62 + 1) overflowed int64 to
    # 4, and the person was counted at place 1 instead.
    found = busy.busy_places(
        n_places=5,
        incident_place=[4, 0],
        incident_day=[TODAY, TODAY],
        incident_hour=[1, 1],
        involved_person=[2**62, 0],
        involved_incident=[0, 1],
        today=TODAY,
        min_people=1,
    )
    assert found.people.tolist() == [1, 0, 0, 0, 1]


def test_busy_places_refuses_ids_places_and_places_asked_about_out_of_range():
    args = planted()
    wrapped = np.array(args["involved_person"], dtype=np.uint64)
    wrapped[0] = 2**64 - 1  # the old code read it as person -1
    refused("involved_person", busy.busy_places, **{**args, "involved_person": wrapped})
    # The old code tried to allocate 8 TiB.
    refused("n_places", busy.busy_places, **{**args, "n_places": 2**40})
    found = busy.busy_places(**args)
    # The old code described the last place for -1, and failed on True with a numpy error.
    refused("place", found.times_phrase, -1)
    refused_as("place", found.times_phrase, True)
    refused_as("noun", found.reason, 0, noun=5)


@EXAMPLES
@given(boroughs(), st.integers(0, 2**62), st.data())
def test_busy_places_count_the_same_people_whatever_their_ids(args, offset, data):
    found = busy.busy_places(**args)
    # Ids spread over int64 (a database's), and in a narrower type: the same answer.
    scale = data.draw(st.sampled_from([1, 7, 2**20]))
    far = [min(p * scale + offset, 2**63 - 1) for p in args["involved_person"]]
    if len(set(far)) == len(set(args["involved_person"])):
        again = busy.busy_places(**{**args, "involved_person": np.array(far, dtype=np.int64)})
        assert again.people.tolist() == found.people.tolist()
        assert again.busy.tolist() == found.busy.tolist()
    narrow = busy.busy_places(
        **{**args, "involved_person": np.array(args["involved_person"], dtype=np.uint16)}
    )
    assert narrow.people.tolist() == found.people.tolist()
    place = data.draw(
        st.one_of(
            st.integers(max_value=-1),
            st.integers(min_value=args["n_places"]),
            st.booleans(),
            st.floats(),
        )
    )
    refused_as("place", found.times_phrase, place)
    refused_as("place", found.reason, place)
    too_many = data.draw(st.one_of(st.integers(min_value=2**31), st.sampled_from(WRAPPING)))
    refused("n_places", busy.busy_places, **{**args, "n_places": max(too_many, 2**31)})


# ---------------------------------------------------------------------------
# Areas


def test_more_areas_than_a_grid_has_squares_is_refused():
    lat, lon = np.array([51.5, 51.501]), np.array([-0.1, -0.1])
    # The old code made four million empty areas; with 2**31 and more the int32 grid wrapped
    # the labels and an area vanished.
    refused("count", areas.area_shapes, lat, lon, [0, 1], areas.MAX_SQUARES + 1)


@settings(max_examples=20, deadline=None)
@given(
    st.one_of(
        st.integers(min_value=areas.MAX_SQUARES + 1),
        st.sampled_from([w for w in WRAPPING if w > areas.MAX_SQUARES]),
        st.integers(max_value=0),
    )
)
def test_area_shapes_refuses_any_count_beyond_the_grid(count):
    refused("count", areas.area_shapes, [51.5, 51.501], [-0.1, -0.1], [0, 0], count)


# ---------------------------------------------------------------------------
# Hotspots


def test_counts_that_would_wrap_or_overflow_are_refused():
    # The old code read a uint64 2**63 as -2**63 incidents, and summed 2**62s to a negative.
    refused("counts", hotspots.gi_star, np.array([[2**63, 0], [0, 0]], dtype=np.uint64))
    refused("counts", hotspots.gi_star, np.full((2, 2), 2**62, dtype=np.int64))


def test_a_cell_beyond_int32_has_no_key():
    # The old code gave 'E691752902764108185600N0' for column 2**62: not exact, and shared.
    refused("col", hotspots.cell_key, 2**62, 0, 150.0)
    refused("row", hotspots.cell_key, 0, -(2**31) - 1, 150.0)


@EXAMPLES
@given(
    st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=2, max_size=4),
    st.one_of(st.integers(2**31, 2**63 - 1), st.sampled_from([w for w in WRAPPING if w >= 2**31])),
    st.data(),
)
def test_gi_star_reads_any_integer_type_alike_and_refuses_counts_from_2_31(rows, big, data):
    counts = np.array(rows, dtype=np.int64)
    expected = hotspots.gi_star(counts)
    for dtype in (np.uint16, np.int32, np.uint64):
        again = hotspots.gi_star(counts.astype(dtype))
        assert np.array_equal(again.z, expected.z) and np.array_equal(again.p, expected.p)
    spoilt = counts.astype(np.uint64)
    spoilt[data.draw(st.integers(0, len(rows) - 1)), data.draw(st.integers(0, 2))] = big
    refused("counts", hotspots.gi_star, spoilt)


@EXAMPLES
@given(
    st.integers(-(2**31), 2**31 - 1),
    st.one_of(st.integers(min_value=2**31), st.integers(max_value=-(2**31) - 1)),
)
def test_cell_keys_refuse_any_column_or_row_beyond_int32(good, bad):
    assert hotspots.cell_key(good, -good - 1, 1.0) == f"E{good}N{-good - 1}"
    refused("col", hotspots.cell_key, bad, good, 150.0)
    refused("row", hotspots.cell_key, good, bad, 150.0)


# ---------------------------------------------------------------------------
# Triage


def test_a_count_that_would_wrap_is_refused_naming_it():
    one = {k: np.zeros(1, dtype=np.uint64) for k in COUNTS}
    one["n_direct"] = np.array([2**63], dtype=np.uint64)
    # The old code blamed n_risk_direct (its n_direct had wrapped to -2**63), and strong said
    # the link was not strong.
    refused("n_direct", triage.triage, **one, latest_day=[0])
    strong = {k: one[k] for k in ("n_direct", "n_shared_incidents", "n_shared_associates")}
    refused("n_direct", triage.strong, **strong)


@EXAMPLES
@given(link_columns(), st.sampled_from(COUNTS), st.data())
def test_triage_refuses_any_count_from_2_31_and_reads_narrow_counts_alike(c, name, data):
    n = len(c["n_direct"])
    expected = triage.triage(**c)
    narrow = {k: c[k].astype(np.uint16) if k in COUNTS else c[k] for k in c}
    again = triage.triage(**narrow)
    assert again.order.tolist() == expected.order.tolist()
    assert again.tier.tolist() == expected.tier.tolist()
    if not n:
        return
    big = data.draw(st.one_of(st.integers(2**31, 2**64 - 1), st.sampled_from(WRAPPING[:2])))
    spoilt = {**c, name: c[name].astype(np.uint64)}
    spoilt[name][data.draw(st.integers(0, n - 1))] = big
    refused(name, triage.triage, **spoilt)
    if name in ("n_direct", "n_shared_incidents", "n_shared_associates"):
        strong = {k: spoilt[k] for k in ("n_direct", "n_shared_incidents", "n_shared_associates")}
        refused(name, triage.strong, **strong)


# ---------------------------------------------------------------------------
# Modularity's labels, the network's sorts and ranges, the evidence's number of places


def test_a_uint64_label_past_int64_is_refused_rather_than_read_as_unlabelled():
    matrix = community.symmetric_matrix(3, [0, 1], [1, 2])
    # The old code read 2**64 - 1 as -1 (no community): -0.375 rather than 0 for one community.
    refused("labels", community.modularity, matrix, np.full(3, 2**64 - 1, dtype=np.uint64))


@EXAMPLES
@given(pair_lists, st.integers(0, 2**62), st.data())
def test_modularity_depends_on_the_partition_not_on_the_label_values(graph, offset, data):
    n, pairs = graph
    a, b, w = pair_arrays(pairs)
    matrix = community.symmetric_matrix(n, a, b, w)
    labels = np.array(data.draw(st.lists(st.integers(-1, 3), min_size=n, max_size=n)))
    expected = community.modularity(matrix, labels)
    # Unlabelled nodes are communities of their own: the same as giving each a fresh label.
    fresh = np.where(labels >= 0, labels, 10 + np.arange(n))
    assert community.modularity(matrix, fresh) == pytest.approx(expected)
    far = np.where(labels >= 0, labels + offset, -1).astype(np.int64)
    assert community.modularity(matrix, far) == pytest.approx(expected)
    big = labels.astype(np.uint64)
    big[data.draw(st.integers(0, n - 1))] = data.draw(st.integers(2**63, 2**64 - 1))
    refused("labels", community.modularity, matrix, big)


def test_radix_argsort_refuses_what_a_cast_would_truncate():
    # The old code cast 2.7 and 2.1 to a tie, took a mask for keys 0 and 1, and flattened 2-d.
    refused("keys", network.radix_argsort, np.array([2.7, 2.1, 1.0]))
    refused("keys", network.radix_argsort, np.array([True, False]))
    refused("keys", network.radix_argsort, np.array([[3, 1], [2, 0]]))


def test_ranges_of_uint64_bounds_are_the_int64_ones():
    lo, hi = np.array([0, 2], dtype=np.uint64), np.array([1, 4], dtype=np.uint64)
    # The old code mixed uint64 with int64 as floats and failed casting them back.
    assert network.ranges(lo, hi).tolist() == [0, 2, 3]
    refused("lo", network.ranges, np.array([2**63], dtype=np.uint64), hi[:1])


@EXAMPLES
@given(
    st.lists(st.integers(-(2**40), 2**40), max_size=40),
    st.sampled_from(("float", "bool", "2-d", "str")),
)
def test_radix_argsort_refuses_any_key_array_that_is_not_1_d_integers(values, kind):
    keys = np.array(values, dtype=np.int64)
    assert network.radix_argsort(keys).tolist() == np.argsort(keys, kind="stable").tolist()
    spoilt = {
        "float": keys.astype(np.float64) + 0.5,
        "bool": keys % 2 == 1,
        "2-d": keys.reshape(1, -1),
        "str": keys.astype(str),
    }[kind]
    if values or kind == "2-d":
        refused("keys", network.radix_argsort, spoilt)


@EXAMPLES
@given(
    st.lists(st.tuples(st.integers(0, 2**40), st.integers(0, 5)), max_size=20),
    st.sampled_from((np.uint64, np.uint32, np.int64)),
)
def test_ranges_read_any_integer_type_alike_and_refuse_uint64_past_int64(spans, dtype):
    lo = np.array([s for s, _ in spans], dtype=np.int64)
    hi = np.array([s + k for s, k in spans], dtype=np.int64)
    if dtype is np.uint32:
        lo, hi = lo % 2**20, lo % 2**20 + (hi - lo)
    expected = [x for s, e in zip(lo.tolist(), hi.tolist(), strict=True) for x in range(s, e)]
    assert network.ranges(lo.astype(dtype), hi.astype(dtype)).tolist() == expected
    if spans:
        past = hi.astype(np.uint64)
        past[-1] = 2**63 + past[-1]
        refused("hi", network.ranges, lo.astype(np.uint64), past)


def test_the_default_number_of_places_is_the_integer_minus_one_only():
    net = network.build_network(2, [], [], nature=[], since=[], until=[])
    assert linked.Evidence(net, [0], [0], [3], [5], n_places=np.int32(-1)).n_places == 4
    # The old code took -1.0 (and a numpy -1.0) for the default.
    for fake in (-1.0, np.float64(-1.0)):
        with pytest.raises(TypeError, match=r"^n_places must be an integer"):
            linked.Evidence(net, [0], [0], [3], [5], n_places=fake)


@EXAMPLES
@given(worlds, st.sampled_from([-1.0, True, np.float64(3.0), "4", None]))
def test_the_number_of_places_must_be_an_integer(world, fake):
    n, arrays = world_arrays(world)
    ev = make_evidence(n, arrays)
    assert ev.n_places == max(int(arrays["incident_place"].max()) + 1, 0)
    with pytest.raises(TypeError, match=r"^n_places must be an integer"):
        linked.Evidence(
            ev.network,
            arrays["involved_person"],
            arrays["involved_incident"],
            arrays["incident_place"],
            arrays["incident_day"],
            n_places=fake,
        )


# ---------------------------------------------------------------------------
# Grid references and angles out of range


def test_a_grid_reference_in_millimetres_is_refused_naming_it():
    # The old code refused it further on as "latitude must be from -90.0 to 90.0".
    refused("eastings", geo.bng_to_wgs84, 530_000_000.0, 180_000.0)
    refused("northings", geo.bng_to_osgb36, 530_000.0, 1e200)


def test_longitudes_heights_and_metres_out_of_range_are_refused():
    # The old code answered with a point for longitude 1e20, and an infinite one for 1e308.
    refused("longitude", geo.wgs84_to_bng, 51.5, 1e20)
    refused("lon2", geo.haversine_m, 51.5, 0.0, 51.5, 361.0)
    refused("height", geo.geodetic_to_cartesian, 51.5, 0.0, geo.WGS84, 1e308)
    refused("x", geo.helmert_osgb36_to_wgs84, 1e308, 0.0, 0.0)
    refused("z", geo.cartesian_to_geodetic, 0.0, 0.0, -1e9, geo.WGS84)


grid_refs = st.tuples(st.floats(-200_000, 900_000), st.floats(-200_000, 1_400_000))
too_far = st.one_of(
    st.floats(2_000_000.001, 1e300), st.floats(-1e300, -2_000_000.001), st.sampled_from([1e9])
)


@EXAMPLES
@given(st.lists(grid_refs, min_size=1, max_size=5), too_far, st.data())
def test_geo_refuses_any_value_out_of_range_naming_it(points, bad, data):
    east = np.array([e for e, _ in points])
    north = np.array([n for _, n in points])
    lat, lon = geo.bng_to_wgs84(east, north)
    assert np.all(np.abs(lat) <= 90) and np.all(np.abs(lon) <= 180)
    e2, n2 = geo.wgs84_to_bng(lat, lon)
    assert np.all(np.abs(e2 - east) < 1) and np.all(np.abs(n2 - north) < 1)
    at = data.draw(st.integers(0, east.size - 1))
    name = data.draw(st.sampled_from(("eastings", "northings")))
    spoilt = {"eastings": east.copy(), "northings": north.copy()}
    spoilt[name][at] = bad
    refused(name, geo.bng_to_wgs84, spoilt["eastings"], spoilt["northings"])
    angle = lon.copy()
    angle[at] = data.draw(st.sampled_from([180.0001, -180.0001, 1e20, 720.0]))
    refused("longitude", geo.wgs84_to_bng, lat, angle)
    refused("lon1", geo.haversine_m, lat, angle, lat, lon)
    refused("longitude", geo.geodetic_to_cartesian, lat, angle, geo.AIRY_1830)
    far = np.zeros(east.size)
    far[at] = data.draw(st.sampled_from([1e8 + 1, -1e9, 1e300]))
    refused("height", geo.geodetic_to_cartesian, lat, lon, geo.AIRY_1830, far)
    refused("y", geo.helmert_osgb36_to_wgs84, east, far, north)
    refused("x", geo.cartesian_to_geodetic, far, east, north, geo.WGS84)
