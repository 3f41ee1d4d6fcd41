"""The association network: CSR build, two-step neighbourhoods and components.

Small graphs with answers worked out by hand, then random graphs against NetworkX.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locus.analysis import network
from locus.analysis.network import (
    NATURES,
    OPEN_END,
    build_network,
    components,
    degree,
    edge_mask,
    neighbourhood,
)

P, R, U = (NATURES.index(x) for x in ("protective", "risk", "unclear"))
OPEN = OPEN_END

# The hand-drawn graph (edge index: endpoints, nature, since, until):
#
#   0: 0-1 protective  10..open        4: 4-5 protective 150..open
#   1: 1-2 risk        10..open        5: 1-6 risk        10..open
#   2: 2-3 risk        10..open        6: 2-6 protective  10..open
#   3: 0-4 unclear    100..200         7: 0-1 risk        50..60  (an ended parallel edge)
#
#        3           5
#        |           |
#        2 --- 6     4
#        |    /      :  (ended)
#        1 --+       :
#        |  ......... 0
#        0
HAND = [
    (0, 1, P, 10, OPEN),
    (1, 2, R, 10, OPEN),
    (2, 3, R, 10, OPEN),
    (0, 4, U, 100, 200),
    (4, 5, P, 150, OPEN),
    (1, 6, R, 10, OPEN),
    (2, 6, P, 10, OPEN),
    (0, 1, R, 50, 60),
]


def hand_network(n: int = 8):
    src, dst, nature, since, until = (np.array(c) for c in zip(*HAND, strict=True))
    return build_network(n, src, dst, nature=nature, since=since, until=until)


def as_lists(found):
    return found.nodes.tolist(), found.distance.tolist(), found.edges.tolist()


def test_csr_is_symmetric_and_maps_entries_back_to_edges():
    net = hand_network()
    assert net.n == 8 and net.m == 8
    assert np.diff(net.indptr).tolist() == [3, 4, 3, 1, 2, 1, 2, 0]
    for v in range(net.n):
        row = slice(net.indptr[v], net.indptr[v + 1])
        for u, e in zip(net.indices[row].tolist(), net.edge[row].tolist(), strict=True):
            assert {int(net.src[e]), int(net.dst[e])} == {u, v}
    # Each row lists its edges in edge order, so node 0's row is edges 0, 3, 7.
    assert net.edge[net.indptr[0] : net.indptr[1]].tolist() == [0, 3, 7]


def test_bad_endpoints_are_refused():
    with pytest.raises(ValueError, match="endpoint"):
        build_network(2, [0], [2], nature=[0], since=[0], until=[OPEN])


def test_two_steps_now_walks_open_edges_only():
    # Now: edge 3 (ended) and edge 7 (ended) do not count; 3 is three steps away.
    assert as_lists(neighbourhood(hand_network(), 0)) == ([0, 1, 2, 6], [0, 1, 2, 2], [0, 1, 5, 6])


def test_edges_between_two_people_on_the_outer_ring_are_included():
    # 2 and 6 are both two steps from 0; the edge between them (6) belongs on the map.
    assert 6 in neighbourhood(hand_network(), 0).edges.tolist()


def test_one_and_three_steps():
    net = hand_network()
    assert as_lists(neighbourhood(net, 0, steps=1)) == ([0, 1], [0, 1], [0])
    assert as_lists(neighbourhood(net, 0, steps=3)) == (
        [0, 1, 2, 6, 3],
        [0, 1, 2, 2, 3],
        [0, 1, 2, 5, 6],
    )


@pytest.mark.parametrize(
    ("as_at", "expected"),
    [
        # Before anything started: the centre alone.
        (9, ([0], [0], [])),
        # The first day of edges 0, 1, 2, 5, 6 (since is inclusive).
        (10, ([0, 1, 2, 6], [0, 1, 2, 2], [0, 1, 5, 6])),
        # Edge 7 was live from day 50 to day 60.
        (55, ([0, 1, 2, 6], [0, 1, 2, 2], [0, 1, 5, 6, 7])),
        # Edge 3 starts on day 100: 4 is one step away; edge 4 (4-5) has not started.
        (100, ([0, 1, 4, 2, 6], [0, 1, 1, 2, 2], [0, 1, 3, 5, 6])),
        # Day 200 is edge 3's last day (until is inclusive); edge 4 has started, so 5 joins.
        (200, ([0, 1, 4, 2, 5, 6], [0, 1, 1, 2, 2, 2], [0, 1, 3, 4, 5, 6])),
        # The day after, edge 3 has ended.
        (201, ([0, 1, 2, 6], [0, 1, 2, 2], [0, 1, 5, 6])),
    ],
)
def test_as_at_counts_an_edge_from_since_to_until_inclusive(as_at, expected):
    assert as_lists(neighbourhood(hand_network(), 0, as_at=as_at)) == expected


def test_natures_limit_the_edges_walked_and_returned():
    net = hand_network()
    # Protective only: 0-1 (edge 0), but 1's other open edges are risk; 2-6 is out of reach.
    assert as_lists(neighbourhood(net, 0, natures={P})) == ([0, 1], [0, 1], [0])
    # Risk only: 0's only risk edge (7) has ended.
    assert as_lists(neighbourhood(net, 0, natures=[R])) == ([0], [0], [])
    # Risk on day 55: edge 7, then 1's risk edges to 2 and 6 (edge 6 between them is protective).
    assert as_lists(neighbourhood(net, 0, natures=[R], as_at=55)) == (
        [0, 1, 2, 6],
        [0, 1, 2, 2],
        [1, 5, 7],
    )


def test_isolated_person_and_bad_centre():
    net = hand_network()
    assert as_lists(neighbourhood(net, 7)) == ([7], [0], [])
    with pytest.raises(ValueError, match="centre"):
        neighbourhood(net, 8)


def test_edge_mask_and_degree():
    net = hand_network()
    assert np.flatnonzero(edge_mask(net)).tolist() == [0, 1, 2, 4, 5, 6]
    assert np.flatnonzero(edge_mask(net, as_at=200, natures=[U])).tolist() == [3]
    assert degree(net).tolist() == [1, 3, 3, 1, 1, 1, 2, 0]


def test_components_now_and_as_at():
    net = hand_network()
    # Now: {0, 1, 2, 3, 6}, {4, 5}, {7}, numbered by smallest member.
    assert components(net).tolist() == [0, 0, 0, 0, 1, 1, 0, 2]
    # Day 100: edge 3 joins 4 to 0's component; edge 4 (4-5) has not started.
    assert components(net, as_at=100).tolist() == [0, 0, 0, 0, 0, 1, 0, 2]
    # Protective edges only: 0-1, 2-6 and 4-5.
    assert components(net, natures=[P]).tolist() == [0, 0, 1, 2, 3, 3, 1, 4]


def test_components_without_scipys_private_loop_give_the_same_labels(monkeypatch):
    # components() calls scipy's labelling loop directly; a scipy without it takes the public call.
    net = hand_network()
    monkeypatch.setattr(network, "_connected_components_undirected", None)
    assert components(net).tolist() == [0, 0, 0, 0, 1, 1, 0, 2]
    assert components(net, as_at=100).tolist() == [0, 0, 0, 0, 0, 1, 0, 2]


# ---------------------------------------------------------------------------
# Random graphs against NetworkX

graphs = st.integers(min_value=1, max_value=25).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.integers(0, 2),
                st.integers(0, 20),
                st.one_of(st.just(OPEN), st.integers(0, 20)),
            ),
            max_size=60,
        ),
    )
)


def networkx_graph(n, edges, as_at, natures):
    graph = nx.MultiGraph()
    graph.add_nodes_from(range(n))
    for i, (u, v, nature, since, until) in enumerate(edges):
        live = until == OPEN if as_at is None else since <= as_at <= until
        if live and (natures is None or nature in natures):
            graph.add_edge(u, v, key=i)
    return graph


def build(n, edges):
    if not edges:
        return build_network(n, [], [], nature=[], since=[], until=[])
    src, dst, nature, since, until = (np.array(c) for c in zip(*edges, strict=True))
    return build_network(n, src, dst, nature=nature, since=since, until=until)


@settings(max_examples=150, deadline=None)
@given(
    graphs,
    st.one_of(st.none(), st.integers(0, 20)),
    st.one_of(st.none(), st.sets(st.integers(0, 2), min_size=1)),
    st.integers(0, 3),
    st.data(),
)
def test_neighbourhoods_match_networkx(graph, as_at, natures, steps, data):
    n, edges = graph
    centre = data.draw(st.integers(0, n - 1))
    reference = networkx_graph(n, edges, as_at, natures)
    found = neighbourhood(build(n, edges), centre, steps=steps, as_at=as_at, natures=natures)
    expected = nx.single_source_shortest_path_length(reference, centre, cutoff=steps)
    assert dict(zip(found.nodes.tolist(), found.distance.tolist(), strict=True)) == expected
    assert found.nodes[0] == centre
    assert found.distance.tolist() == sorted(found.distance.tolist())
    expected_edges = {k for _, _, k in reference.subgraph(expected).edges(keys=True)}
    assert found.edges.tolist() == sorted(expected_edges)


@settings(max_examples=150, deadline=None)
@given(graphs, st.one_of(st.none(), st.integers(0, 20)))
def test_components_match_networkx(graph, as_at):
    n, edges = graph
    labels = components(build(n, edges), as_at=as_at)
    reference = networkx_graph(n, edges, as_at, None)
    found = {frozenset(np.flatnonzero(labels == k).tolist()) for k in range(labels.max() + 1)}
    assert found == {frozenset(c) for c in nx.connected_components(reference)}
    # Numbered by smallest member: the first appearance of each label is in order.
    _, first = np.unique(labels, return_index=True)
    assert first.tolist() == sorted(first.tolist())


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([np.int32, np.int64, np.uint32, np.int16]),
    st.integers(0, 62),
    st.lists(st.integers(0, 2**62), max_size=300),
)
def test_radix_argsort_is_a_stable_argsort(dtype, bits, values):
    # Keys of every width the passes cover (one 16-bit pass up to four), with many ties, in
    # each integer type a caller hands it: the same permutation as numpy's stable argsort.
    top = min(2 ** min(bits, 8 * np.dtype(dtype).itemsize - 1) - 1, np.iinfo(dtype).max)
    keys = np.array([v % (top + 1) for v in values], dtype=dtype)
    assert network.radix_argsort(keys).tolist() == np.argsort(keys, kind="stable").tolist()


def test_radix_argsort_sorts_negative_keys_the_plain_way():
    keys = np.array([3, -1, 2, -1, 0], dtype=np.int64)
    assert network.radix_argsort(keys).tolist() == [1, 3, 4, 2, 0]
    assert network.radix_argsort(np.zeros(0, dtype=np.int64)).tolist() == []
