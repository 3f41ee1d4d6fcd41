"""Properties of every public function of ``locus.analysis`` at its boundary.

For each function: any argument spoiled in one of the ways seen in practice (a value out of
range, a negative index, a boolean mask, floats, the wrong length or shape, a NaN) raises
``ValueError`` naming that argument and never returns; valid input gives the answer of a plain
reference (NetworkX or numpy) where there is one; and the answer does not depend on the integer
dtype the input came in.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from locus.analysis import community, geo, groups, linked, network
from locus.analysis.network import NATURES, OPEN_END
from tests.analysis.test_network import graphs, networkx_graph

EXAMPLES = settings(max_examples=50, deadline=None)
# The ones that run Leiden (a few milliseconds each) get fewer.
FEW = settings(max_examples=25, deadline=None)
INT_DTYPES = (np.int32, np.int64)
# Values that wrap to small valid ones when cast to int32 or int8, and a Unix time in ms.
WRAPPING = (2**31, 2**32, 2**32 + 1, 256, 1_764_720_000_000, 2**63 - 1)


def refused(name, call, *args, **kwargs):
    """``call`` raises ValueError with a message that starts by naming ``name``."""
    with pytest.raises(ValueError) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{name} ") or f" {name} " in message, message


@st.composite
def spoiled(draw, valid, low=0, high=None, *, length_fixed=True, mask_is_valid=False):
    """A spoiled copy of the integer array ``valid`` (values meant to be in ``low..high-1``)."""
    values = list(valid)
    kinds = ["2-d"]
    if high is not None:
        kinds.append("above")
    if low is not None:
        kinds.append("below")
    if values:
        kinds.append("float")
        if not mask_is_valid:
            kinds.append("mask")
    if length_fixed:
        kinds.append("length")
    kind = draw(st.sampled_from(kinds))
    if kind == "2-d":
        return np.array(values or [0], dtype=np.int64).reshape(1, -1)
    if kind == "float":
        return np.array(values, dtype=np.float64) + 0.5
    if kind == "mask":
        return np.array([bool(v % 2) for v in values])
    if kind == "length":
        return np.array([*values, values[0] if values else 0], dtype=np.int64)
    if kind == "above":
        wrapping = [w for w in WRAPPING if w >= high]
        bad = draw(st.one_of(st.integers(high, high + 3), st.sampled_from(wrapping)))
    else:
        bad = draw(st.one_of(st.integers(low - 3, low - 1), st.just(-(2**40))))
    if values and length_fixed:
        values[draw(st.integers(0, len(values) - 1))] = bad
    else:
        values.insert(draw(st.integers(0, len(values))), bad)
    return np.array(values, dtype=np.int64)


# ---------------------------------------------------------------------------
# The association network

# test_network's random graphs, with at least one edge to spoil.
edge_lists = graphs.filter(lambda graph: bool(graph[1]))
COLUMNS = ("src", "dst", "nature", "since", "until")


def columns(edges, dtype=np.int64):
    by_column = zip(*edges, strict=True)
    return {k: np.array(v, dtype=dtype) for k, v in zip(COLUMNS, by_column, strict=True)}


def build(n, cols):
    cols = dict(cols)
    return network.build_network(n, cols.pop("src"), cols.pop("dst"), **cols)


def bounds(name, n):
    """The valid range of each column of ``build_network``."""
    if name in ("src", "dst"):
        return 0, n
    if name == "nature":
        return 0, len(NATURES)
    return -(2**31), 2**31


@EXAMPLES
@given(edge_lists, st.sampled_from(COLUMNS), st.data())
def test_build_network_refuses_any_spoiled_column(graph, name, data):
    n, edges = graph
    cols = columns(edges)
    low, high = bounds(name, n)
    # src comes first, so its length is free: a longer src is a shorter dst.
    cols[name] = data.draw(spoiled(cols[name].tolist(), low, high, length_fixed=name != "src"))
    refused(name, build, n, cols)


@EXAMPLES
@given(edge_lists, st.sampled_from((*INT_DTYPES, np.uint32)))
def test_build_network_does_not_depend_on_the_integer_dtype(graph, dtype):
    n, edges = graph
    ours = build(n, columns(edges, np.int64))
    theirs = build(np.int32(n), columns(edges, dtype))
    for field in ("indptr", "indices", "edge", "src", "dst", "nature", "since", "until"):
        assert np.array_equal(getattr(ours, field), getattr(theirs, field)), field


def multigraph(n, edges, as_at=None, natures=None):
    return networkx_graph(n, edges, as_at, natures)


days = st.one_of(st.none(), st.integers(0, 20))
nature_sets = st.one_of(st.none(), st.sets(st.integers(0, len(NATURES) - 1), min_size=1))


@EXAMPLES
@given(edge_lists, days, nature_sets, st.sampled_from(INT_DTYPES), st.data())
def test_walks_match_networkx_whatever_the_integer_type(graph, as_at, natures, dtype, data):
    n, edges = graph
    net = build(n, columns(edges))
    centre = data.draw(st.integers(0, n - 1))
    day = None if as_at is None else dtype(as_at)
    reference = multigraph(n, edges, as_at, natures)
    found = network.neighbourhood(net, dtype(centre), as_at=day, natures=natures)
    expected = nx.single_source_shortest_path_length(reference, centre, cutoff=2)
    assert dict(zip(found.nodes.tolist(), found.distance.tolist(), strict=True)) == expected
    assert network.degree(net, as_at=day, natures=natures).tolist() == [
        reference.degree(v) for v in range(n)
    ]
    mask = network.edge_mask(net, np.arange(len(edges), dtype=dtype), as_at=day, natures=natures)
    assert set(np.flatnonzero(mask).tolist()) == {k for _, _, k in reference.edges(keys=True)}
    labels = network.components(net, as_at=day, natures=natures)
    found_parts = {frozenset(np.flatnonzero(labels == k).tolist()) for k in np.unique(labels)}
    assert found_parts == {frozenset(c) for c in nx.connected_components(reference)}


not_an_index = st.one_of(
    st.integers(max_value=-1),
    st.booleans(),
    st.floats(allow_nan=True),
    st.just(np.float64(1.0)),
    st.just("0"),
)


@EXAMPLES
@given(edge_lists, st.data())
def test_walk_arguments_out_of_range_or_of_the_wrong_kind_are_refused(graph, data):
    n, edges = graph
    net = build(n, columns(edges))
    centre = data.draw(st.one_of(not_an_index, st.integers(min_value=n)))
    with pytest.raises((ValueError, TypeError), match=r"^centre "):
        network.neighbourhood(net, centre)
    as_at = data.draw(
        st.one_of(st.booleans(), st.floats(), st.integers(min_value=2**31), st.just("5"))
    )
    natures = data.draw(
        st.one_of(
            st.lists(st.integers(min_value=len(NATURES)), min_size=1),
            st.lists(st.integers(max_value=-1), min_size=1),
            st.lists(st.booleans(), min_size=1),
            st.just("risk"),
        )
    )
    for walk in (network.components, network.degree, network.edge_mask):
        with pytest.raises((ValueError, TypeError), match=r"^as_at "):
            walk(net, as_at=as_at)
        with pytest.raises((ValueError, TypeError), match=r"^natures "):
            walk(net, natures=natures)
    edge_ids = list(range(len(edges)))
    bad = data.draw(spoiled(edge_ids, 0, len(edges), length_fixed=False))
    refused("edges", network.edge_mask, net, bad)
    refused("nodes", network.row_entries, net, data.draw(spoiled([0], 0, n, length_fixed=False)))


@EXAMPLES
@given(edge_lists, st.sampled_from(INT_DTYPES), st.data())
def test_row_entries_are_the_rows_slices(graph, dtype, data):
    n, edges = graph
    net = build(n, columns(edges))
    nodes = data.draw(st.lists(st.integers(0, n - 1), max_size=10))
    expected = [p for v in nodes for p in range(net.indptr[v], net.indptr[v + 1])]
    assert network.row_entries(net, np.array(nodes, dtype=dtype)).tolist() == expected


@EXAMPLES
@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(0, 5))), st.sampled_from(INT_DTYPES))
def test_ranges_concatenates_aranges_and_refuses_reversed_bounds(spans, dtype):
    lo = np.array([s for s, _ in spans], dtype=dtype)
    hi = np.array([s + k for s, k in spans], dtype=dtype)
    expected = [x for s, k in spans for x in range(s, s + k)]
    assert network.ranges(lo, hi).tolist() == expected
    if any(k for _, k in spans):
        refused("hi", network.ranges, hi, lo)
        refused("lo", network.ranges, lo.astype(np.float64), hi)


@EXAMPLES
@given(st.lists(st.integers(-(2**40), 2**40)), st.sampled_from((np.int64, np.float64, bool)))
def test_sorted_unique_is_numpys_unique_on_integers_only(values, dtype):
    arr = np.array(values, dtype=np.int64)
    assert network.sorted_unique(arr).tolist() == np.unique(arr).tolist()
    if values and dtype is not np.int64:
        refused("values", network.sorted_unique, arr.astype(dtype))


@EXAMPLES
@given(edge_lists, st.data())
def test_symmetric_components_labels_a_symmetric_csr_and_refuses_any_other(graph, data):
    n, edges = graph
    net = build(n, columns(edges))
    labels = network.symmetric_components(n, net.indptr, net.indices.astype(np.int64))
    reference = multigraph(n, [(u, v, 0, 0, OPEN_END) for u, v, *_ in edges])
    found = {frozenset(np.flatnonzero(labels == k).tolist()) for k in np.unique(labels)}
    assert found == {frozenset(c) for c in nx.connected_components(reference)}
    proper = [(u, v) for u, v, *_ in edges if u != v]
    if proper:
        # One direction only of an edge: the pattern is no longer symmetric.
        u, v = data.draw(st.sampled_from(proper))
        one_way = sp.csr_matrix(([1], ([u], [v])), shape=(n, n))
        refused("indptr", network.symmetric_components, n, one_way.indptr, one_way.indices)
    refused("indices", network.symmetric_components, n, net.indptr, net.indices + n)


# ---------------------------------------------------------------------------
# Weighted matrices and communities

pair_lists = st.integers(min_value=2, max_value=12).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(1, 5)),
            min_size=1,
            max_size=30,
        ),
    )
)


def pair_arrays(pairs, dtype=np.int64, weight_dtype=np.float64):
    a, b, w = (np.array(c) for c in zip(*pairs, strict=True))
    return a.astype(dtype), b.astype(dtype), w.astype(weight_dtype)


def dense_reference(n, pairs, *, upper=False):
    out = np.zeros((n, n))
    for u, v, w in pairs:
        if upper:
            out[min(u, v), max(u, v)] += w
        else:
            out[u, v] += w
            out[v, u] += w
    return out


@EXAMPLES
@given(pair_lists, st.sampled_from(INT_DTYPES), st.sampled_from((np.float32, np.int64)))
def test_matrices_hold_the_summed_weights_whatever_the_dtypes(graph, dtype, weight_dtype):
    n, pairs = graph
    a, b, w = pair_arrays(pairs, dtype, weight_dtype)
    full = community.symmetric_matrix(n, a, b, w)
    assert np.array_equal(full.toarray(), dense_reference(n, pairs))
    upper = community.upper_matrix(n, a, b, w)
    assert np.array_equal(upper.toarray(), dense_reference(n, pairs, upper=True))


@EXAMPLES
@given(pair_lists, st.sampled_from(("a", "b", "weight")), st.data())
def test_matrices_refuse_any_spoiled_pair_or_weight(graph, name, data):
    n, pairs = graph
    a, b, w = pair_arrays(pairs)
    given_ = {"a": a, "b": b, "weight": w}
    if name == "weight":
        spoilt = w.copy()
        spoilt[data.draw(st.integers(0, w.size - 1))] = data.draw(
            st.sampled_from([np.nan, np.inf, -np.inf, -1.0])
        )
        given_[name] = data.draw(st.sampled_from([spoilt, w.astype(bool), w[:-1], w[None, :]]))
    else:
        given_[name] = data.draw(spoiled(given_[name].tolist(), 0, n, length_fixed=name == "b"))
    for build_matrix in (community.symmetric_matrix, community.upper_matrix):
        refused(name, build_matrix, n, given_["a"], given_["b"], given_["weight"])


def weighted_graph(n, pairs):
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for u, v, w in pairs:
        if u != v:
            old = graph.get_edge_data(u, v, {"weight": 0})["weight"]
            graph.add_edge(u, v, weight=old + w)
    return graph


@EXAMPLES
@given(pair_lists, st.data())
def test_modularity_is_networkxs_and_needs_a_symmetric_matrix(graph, data):
    n, pairs = graph
    pairs = [(u, v, w) for u, v, w in pairs if u != v] or [(0, 1, 1)]
    a, b, w = pair_arrays(pairs)
    labels = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    parts = [set(np.flatnonzero(labels == k).tolist()) for k in np.unique(labels)]
    expected = nx.community.modularity(weighted_graph(n, pairs), parts)
    matrix = community.symmetric_matrix(n, a, b, w)
    assert community.modularity(matrix, labels) == pytest.approx(expected)
    assert community.modularity(matrix.toarray(), labels.astype(np.int32)) == pytest.approx(
        expected
    )
    refused("matrix", community.modularity, community.upper_matrix(n, a, b, w), labels)
    refused("labels", community.modularity, matrix, data.draw(spoiled(labels.tolist(), -1, None)))
    with pytest.raises((ValueError, TypeError), match=r"^resolution "):
        community.modularity(matrix, labels, data.draw(st.sampled_from([np.nan, -1.0, True])))


@FEW
@given(pair_lists, st.integers(0, 3))
def test_leiden_reads_every_form_of_one_graph_alike_and_keeps_communities_connected(graph, seed):
    n, pairs = graph
    # Without self-loops, which the two forms weigh differently (2w and w on the diagonal).
    pairs = [(u, v, x) for u, v, x in pairs if u != v] or [(0, 1, 1)]
    a, b, w = pair_arrays(pairs)
    full = community.symmetric_matrix(n, a, b, w)
    labels = community.leiden(full, seed=seed)
    assert community.leiden(community.upper_matrix(n, a, b, w), seed=seed).tolist() == (
        labels.tolist()
    )
    assert community.leiden(full.toarray(), seed=np.int32(seed)).tolist() == labels.tolist()
    reference = weighted_graph(n, pairs)
    for k in np.unique(labels):
        assert nx.is_connected(reference.subgraph(np.flatnonzero(labels == k).tolist()))
    assert community.connected_pieces(full, labels).tolist() == labels.tolist()


@EXAMPLES
@given(pair_lists, st.data())
def test_leiden_refuses_a_lower_or_lopsided_matrix(graph, data):
    n, pairs = graph
    proper = [(u, v, w) for u, v, w in pairs if u != v]
    if not proper:
        return
    a, b, w = pair_arrays(proper)
    upper = community.upper_matrix(n, a, b, w)
    lopsided = upper + data.draw(st.sampled_from([0.5, 2.0])) * upper.T
    for matrix in (upper.T.tocsr(), lopsided, upper.toarray().T):
        refused("matrix", community.leiden, matrix)
    refused("matrix", community.leiden, upper * -1.0)
    with pytest.raises((ValueError, TypeError), match=r"^seed "):
        community.leiden(upper, seed=data.draw(st.sampled_from([-1, 1.5, True, 2**64])))


@EXAMPLES
@given(pair_lists, st.data())
def test_connected_pieces_split_each_community_into_networkx_components(graph, data):
    n, pairs = graph
    a, b, w = pair_arrays(pairs)
    matrix = community.upper_matrix(n, a, b, w)
    labels = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    pieces = community.connected_pieces(matrix, labels.astype(np.int32))
    reference = weighted_graph(n, pairs)
    expected = {
        frozenset(c)
        for k in np.unique(labels)
        for c in nx.connected_components(reference.subgraph(np.flatnonzero(labels == k).tolist()))
    }
    assert {frozenset(np.flatnonzero(pieces == k).tolist()) for k in np.unique(pieces)} == expected
    refused("labels", community.connected_pieces, matrix, labels[:-1])


# ---------------------------------------------------------------------------
# Linked cases

worlds = st.integers(min_value=2, max_value=10).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=15),
        st.lists(st.tuples(st.integers(-1, 2), st.integers(0, 60)), min_size=1, max_size=8),
        st.data(),
    )
)
EVIDENCE = ("involved_person", "involved_incident", "incident_place", "incident_day")


def world_arrays(world, dtype=np.int64):
    n, edges, incidents, data = world
    involvements = data.draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, len(incidents) - 1)), min_size=1),
        label="involvements",
    )
    arrays = {
        "src": [u for u, _ in edges],
        "dst": [v for _, v in edges],
        "involved_person": [p for p, _ in involvements],
        "involved_incident": [i for _, i in involvements],
        "incident_place": [p for p, _ in incidents],
        "incident_day": [d for _, d in incidents],
    }
    return n, {k: np.array(v, dtype=dtype) for k, v in arrays.items()}


def make_evidence(n, arrays):
    m = arrays["src"].size
    net = network.build_network(
        n,
        arrays["src"],
        arrays["dst"],
        nature=np.zeros(m, dtype=np.int64),
        since=np.zeros(m, dtype=np.int64),
        until=np.full(m, OPEN_END, dtype=np.int64),
    )
    return linked.Evidence(net, *(arrays[k] for k in EVIDENCE))


EVIDENCE_BOUNDS = {
    "involved_person": lambda n, k: (0, n),
    "involved_incident": lambda n, k: (0, k),
    "incident_place": lambda n, k: (-1, 2**31 - 1),
    "incident_day": lambda n, k: (-(2**31), 2**31),
}


@EXAMPLES
@given(worlds, st.sampled_from(EVIDENCE))
def test_evidence_refuses_any_spoiled_array(world, name):
    n, arrays = world_arrays(world)
    low, high = EVIDENCE_BOUNDS[name](n, arrays["incident_day"].size)
    # The first of each parallel pair sets the length the other must have.
    free = name in ("involved_person", "incident_day")
    data = world[3]
    arrays[name] = data.draw(spoiled(arrays[name].tolist(), low, high, length_fixed=not free))
    refused(name, make_evidence, n, arrays)


def link_answers(n, arrays, focus, window):
    ev = make_evidence(n, arrays)
    mask = np.zeros(n, dtype=bool)
    mask[::2] = True
    table = linked.link_table(ev, focus, window_days=window)
    return (
        linked.find_links(ev, focus, window_days=window),
        linked.find_links(ev, focus, candidates=mask, window_days=window),
        [getattr(table, f).tolist() for f in ("a", "b", "n_direct", "n_co_presence")],
        [x.tolist() for x in ev.incidents_of(focus) + ev.people_in(np.arange(ev.n_incidents))],
        [x.tolist() for x in ev.incidents_near(np.zeros(1, dtype=focus.dtype), window)],
    )


@EXAMPLES
@given(worlds, st.integers(0, 40), st.sampled_from((np.int32, np.uint16)))
def test_links_do_not_depend_on_the_integer_dtype(world, window, dtype):
    n, arrays = world_arrays(world)
    arrays["incident_day"] = arrays["incident_day"] + 20_000  # real days, still small enough
    focus = np.arange(n)
    expected = link_answers(n, arrays, focus, window)
    narrow = {k: v.astype(np.int32 if k == "incident_place" else dtype) for k, v in arrays.items()}
    assert link_answers(n, narrow, focus.astype(dtype), dtype(window)) == expected


@EXAMPLES
@given(worlds, st.data())
def test_link_queries_refuse_spoiled_people_and_windows(world, data):
    n, arrays = world_arrays(world)
    ev = make_evidence(n, arrays)
    focus = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))
    bad = data.draw(spoiled(focus, 0, n, length_fixed=False))
    refused("focus", linked.find_links, ev, bad)
    refused("focus", linked.find_link_rows, ev, bad)
    refused("people", linked.link_table, ev, bad)
    refused("people", ev.incidents_of, bad)
    spoilt_candidates = data.draw(spoiled(focus, 0, n, length_fixed=False, mask_is_valid=True))
    refused("candidates", linked.find_links, ev, focus, candidates=spoilt_candidates)
    k = ev.n_incidents
    refused("incidents", ev.people_in, data.draw(spoiled([0], 0, k, length_fixed=False)))
    window = data.draw(st.one_of(st.integers(max_value=-1), st.integers(min_value=2**32)))
    refused("window_days", linked.find_links, ev, focus, window_days=window)
    refused("window_days", linked.link_table, ev, focus, window_days=window)
    refused("window_days", ev.incidents_near, [0], window)


@EXAMPLES
@given(pair_lists, st.sampled_from(INT_DTYPES))
def test_clusters_are_networkx_components_of_the_linked(graph, dtype):
    n, pairs = graph
    a, b, _ = pair_arrays(pairs, dtype)
    labels = linked.clusters(np.int64(n), a, b)
    reference = weighted_graph(n, pairs)
    expected = {frozenset(c) for c in nx.connected_components(reference) if len(c) > 1}
    linked_labels = np.unique(labels[labels >= 0])
    found = {frozenset(np.flatnonzero(labels == k).tolist()) for k in linked_labels}
    assert found == expected
    assert set(np.flatnonzero(labels < 0).tolist()) == set(nx.isolates(reference))


@FEW
@given(pair_lists, st.sampled_from(("a", "b", "weight")), st.data())
def test_communities_and_meeting_groups_refuse_spoiled_pairs_and_give_one_answer(graph, name, data):
    n, pairs = graph
    a, b, w = pair_arrays(pairs)
    expected = linked.communities(n, a, b, w, seed=1)
    narrow = pair_arrays(pairs, np.int32, np.float32)
    assert linked.communities(np.int32(n), *narrow, seed=np.int64(1)).tolist() == expected.tolist()
    groups_expected = groups.meeting_groups(n, a, b, w, max_size=3)
    assert all(
        np.array_equal(x, y)
        for x, y in zip(groups.meeting_groups(n, *narrow, max_size=3), groups_expected, strict=True)
    )
    given_ = {"a": a, "b": b, "weight": w}
    if name == "weight":
        spoilt = w.copy()
        spoilt[0] = data.draw(st.sampled_from([np.nan, np.inf, -2.0]))
        given_[name] = spoilt
    else:
        given_[name] = data.draw(spoiled(given_[name].tolist(), 0, n, length_fixed=name == "b"))
    refused(name, linked.communities, n, given_["a"], given_["b"], given_["weight"])
    refused(name, groups.meeting_groups, n, given_["a"], given_["b"], given_["weight"])
    if name != "weight":
        refused(name, linked.clusters, n, given_["a"], given_["b"])
    with pytest.raises((ValueError, TypeError), match=r"^max_size "):
        groups.meeting_groups(n, a, b, max_size=data.draw(st.sampled_from([0, -1, 2.5, True])))


# ---------------------------------------------------------------------------
# Grid references to latitude and longitude

grid = st.tuples(st.integers(100_000, 600_000), st.integers(50_000, 1_000_000))


def spoilt_reals(draw_from, size):
    return draw_from(
        st.sampled_from(
            [
                np.full(size, np.nan),
                np.full(size, np.inf),
                np.ones(size, dtype=bool),
                np.array(["1"] * size),
                np.ones(size, dtype=complex),
            ]
        )
    )


@EXAMPLES
@given(st.lists(grid, min_size=1, max_size=5), st.data())
def test_geo_gives_one_answer_for_whole_metres_and_refuses_what_is_not_a_finite_real(points, data):
    east = np.array([e for e, _ in points], dtype=np.int64)
    north = np.array([n for _, n in points], dtype=np.int64)
    lat, lon = geo.bng_to_wgs84(east.astype(np.float64), north.astype(np.float64))
    lat_i, lon_i = geo.bng_to_wgs84(east.astype(np.int32), north)
    assert np.array_equal(lat, lat_i) and np.array_equal(lon, lon_i)
    assert np.all(np.isfinite(geo.haversine_m(lat, lon, lat[::-1], lon[::-1])))
    bad = spoilt_reals(data.draw, east.size)
    refused("eastings", geo.bng_to_wgs84, bad, north)
    refused("northings", geo.bng_to_osgb36, east, bad)
    refused("lat2", geo.haversine_m, lat, lon, bad, lon)
    refused("latitude", geo.geodetic_to_cartesian, lat + 180.0, lon, geo.WGS84)
    refused("y", geo.helmert_osgb36_to_wgs84, east, bad, north)
    refused("z", geo.cartesian_to_geodetic, east, north, bad, geo.WGS84)
    refused("eastings and northings", geo.bng_to_wgs84, np.ones(2), np.ones(3))
    ellipsoid = data.draw(st.sampled_from([(1.0, 2.0), (np.nan, 1.0), [6e6, 6e6], (0.0, 0.0)]))
    with pytest.raises((ValueError, TypeError), match=r"^ellipsoid "):
        geo.cartesian_to_geodetic(east, north, east, ellipsoid)


@EXAMPLES
@given(pair_lists, st.randoms(use_true_random=False))
def test_a_symmetric_matrix_in_any_storage_order_is_accepted_and_left_untouched(graph, random):
    n, pairs = graph
    a, b, w = pair_arrays(pairs)
    # Each entry stored as given, both ways, shuffled and unsummed, plus an explicit zero on
    # one side only: numerically still symmetric.
    rows, cols, data = [*a, *b, 0], [*b, *a, n - 1], [*w, *w, 0.0]
    order = list(range(len(rows)))
    random.shuffle(order)
    given_ = sp.csr_matrix(
        (np.take(data, order), (np.take(rows, order), np.take(cols, order))), shape=(n, n)
    )
    before = (given_.indptr.copy(), given_.indices.copy(), given_.data.copy())
    labels = np.zeros(n, dtype=np.int64)
    expected = community.modularity(community.symmetric_matrix(n, a, b, w), labels)
    assert community.modularity(given_, labels) == pytest.approx(expected)
    assert all(
        np.array_equal(x, y)
        for x, y in zip(before, (given_.indptr, given_.indices, given_.data), strict=True)
    )
