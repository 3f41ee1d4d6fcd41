"""Linked cases: evidence worked out by hand, agreement between the caseload and
borough-wide answers, networkx's Davis Southern Women projection, clusters and
communities."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networkx.algorithms import bipartite

from locus.analysis import linked
from locus.analysis.community import modularity, symmetric_matrix
from locus.analysis.linked import (
    Evidence,
    Link,
    clusters,
    communities,
    find_link_rows,
    find_links,
    link_table,
)
from locus.analysis.network import OPEN_END, build_network

OPEN = OPEN_END


def evidence(n, edges=(), involvements=(), incidents=(), n_places=-1):
    """Edges (a, b, until), involvements (person, incident) and incidents (place, day)."""
    edges = list(edges)
    src = [e[0] for e in edges]
    dst = [e[1] for e in edges]
    until = [e[2] for e in edges]
    net = build_network(n, src, dst, nature=[0] * len(edges), since=[0] * len(edges), until=until)
    involvements = list(involvements)
    incidents = list(incidents)
    return Evidence(
        net,
        np.array([p for p, _ in involvements], dtype=np.int64),
        np.array([i for _, i in involvements], dtype=np.int64),
        np.array([p for p, _ in incidents], dtype=np.int64),
        np.array([d for _, d in incidents], dtype=np.int64),
        n_places=n_places,
    )


def by_pair(links):
    return {(x.a, x.b): x for x in links}


def table_dict(table):
    return table.by_pair()


def counts(link):
    return (
        len(link.direct_edges),
        len(link.shared_associates),
        len(link.shared_incidents),
        len(link.co_presence),
    )


# ---------------------------------------------------------------------------
# Co-presence windows

# Incident 0 involves 0 and 4 at place 0 on day 1000; incidents 1, 2, 3 are at the same
# place 29, 30 and 31 days later (involving 6, 7 and 8); incident 4 is at place 1 on day 1000
# (involving 9); incident 5 has no place, on day 1000 (involving 5).
WINDOWS = dict(
    involvements=[(0, 0), (4, 0), (6, 1), (7, 2), (8, 3), (9, 4), (5, 5)],
    incidents=[(0, 1000), (0, 1029), (0, 1030), (0, 1031), (1, 1000), (-1, 1000)],
)


def test_co_presence_window_is_inclusive_at_30_days():
    links = by_pair(find_links(evidence(10, **WINDOWS), [0], window_days=30))
    # 29 and 30 days apart link; 31 does not; another place or no place never does.
    assert set(links) == {(0, 4), (0, 6), (0, 7)}
    assert links[(0, 6)].co_presence == ((0, 1, 0),)
    assert links[(0, 7)].co_presence == ((0, 2, 0),)


def test_co_presence_window_edges_at_29_and_31_days():
    ev = evidence(10, **WINDOWS)
    assert {b for _, b in by_pair(find_links(ev, [0], window_days=29))} == {4, 6}
    assert {b for _, b in by_pair(find_links(ev, [0], window_days=31))} == {4, 6, 7, 8}


def test_the_same_incident_is_a_shared_incident_not_co_presence():
    link = by_pair(find_links(evidence(10, **WINDOWS), [0]))[(0, 4)]
    assert link == Link(
        a=0, b=4, direct_edges=(), shared_associates=(), shared_incidents=(0,), co_presence=()
    )


def test_co_presence_is_seen_from_either_side_and_in_the_table():
    ev = evidence(10, **WINDOWS)
    link = by_pair(find_links(ev, [7]))[(7, 0)]
    assert link.co_presence == ((2, 0, 0),)  # (incident of 7, incident of 0, place)
    table = table_dict(link_table(ev, range(10), window_days=30))
    # 0 and 4 share incident 0; incidents 0-3 are pairwise within 30 days except 0 and 3.
    assert table == {
        (0, 4): (0, 0, 1, 0),
        (0, 6): (0, 0, 0, 1),
        (0, 7): (0, 0, 0, 1),
        (4, 6): (0, 0, 0, 1),
        (4, 7): (0, 0, 0, 1),
        (6, 7): (0, 0, 0, 1),
        (6, 8): (0, 0, 0, 1),
        (7, 8): (0, 0, 0, 1),
    }


def test_window_of_zero_means_the_same_day():
    ev = evidence(3, involvements=[(0, 0), (1, 1), (2, 2)], incidents=[(0, 5), (0, 5), (0, 6)])
    assert table_dict(link_table(ev, [0, 1, 2], window_days=0)) == {(0, 1): (0, 0, 0, 1)}
    with pytest.raises(ValueError, match="window_days"):
        find_links(ev, [0], window_days=-1)


def test_a_place_window_narrows_or_turns_off_co_presence_at_one_place():
    ev = evidence(10, **WINDOWS)
    # Place 0 narrowed to 29 days: 30 days apart no longer links there.
    found = by_pair(find_links(ev, [0], window_days=30, place_window=[29, 30]))
    assert set(found) == {(0, 4), (0, 6)}
    # Place 0 off: nothing but the shared incident, which is not co-presence.
    found = by_pair(find_links(ev, [0], window_days=30, place_window=[-1, 30]))
    assert set(found) == {(0, 4)}
    assert table_dict(link_table(ev, range(10), place_window=[-1, 30])) == {(0, 4): (0, 0, 1, 0)}


def test_a_place_window_above_the_global_window_is_capped_to_it():
    ev = evidence(10, **WINDOWS)
    wide = find_links(ev, [0], window_days=30, place_window=[365, 365])
    assert wide == find_links(ev, [0], window_days=30)
    assert table_dict(link_table(ev, range(10), window_days=30, place_window=[365, 0])) == (
        table_dict(link_table(ev, range(10), window_days=30))
    )


def test_incidents_near_follows_the_place_window():
    ev = evidence(10, **WINDOWS)
    k, j = ev.incidents_near([0, 4], 30)
    assert sorted(zip(k.tolist(), j.tolist(), strict=True)) == [(0, 1), (0, 2)]
    k, j = ev.incidents_near([0, 4], 30, place_window=[29, 30])
    assert sorted(zip(k.tolist(), j.tolist(), strict=True)) == [(0, 1)]
    k, j = ev.incidents_near([0, 4], 30, place_window=[-1, 30])
    assert k.size == j.size == 0


# ---------------------------------------------------------------------------
# Associations


# 0-1 and 0-2 open; 3-2 and 3-5 open; 0-3 ended; 1-1 a self-loop (ignored);
# 0-2 a second, parallel open edge.
ASSOCIATIONS = [
    (0, 1, OPEN),
    (0, 2, OPEN),
    (3, 2, OPEN),
    (3, 5, OPEN),
    (0, 3, 100),
    (1, 1, OPEN),
    (0, 2, OPEN),
]


def test_direct_associations_are_open_edges_with_every_parallel_edge():
    links = by_pair(find_links(evidence(6, ASSOCIATIONS), [0]))
    assert links[(0, 1)].direct_edges == (0,)
    assert links[(0, 2)].direct_edges == (1, 6)
    # The ended association to 3 is not a direct link; 3 is linked through 2.
    assert links[(0, 3)].direct_edges == ()
    assert links[(0, 3)].shared_associates == (2,)


def test_shared_associates():
    links = by_pair(find_links(evidence(6, ASSOCIATIONS), [1, 2]))
    # 1 and 2 share 0; 2 and 5 share 3; 1 has no link to itself through its self-loop.
    assert links[(1, 2)].shared_associates == (0,)
    assert links[(2, 1)].shared_associates == (0,)
    assert links[(2, 5)].shared_associates == (3,)
    assert (1, 1) not in links
    assert set(links) == {(1, 0), (1, 2), (2, 0), (2, 1), (2, 3), (2, 5)}


def test_candidates_limit_who_is_reported_not_what_evidence_passes_through():
    ev = evidence(6, ASSOCIATIONS)
    # Only 3 and 5 are worth reporting; 0 is linked to 3 through 2, who is not a candidate.
    as_array = find_links(ev, [0, 2], candidates=[3, 5])
    mask = np.zeros(6, dtype=bool)
    mask[[3, 5]] = True
    assert as_array == find_links(ev, [0, 2], candidates=mask)
    assert [(x.a, x.b) for x in as_array] == [(0, 3), (2, 3), (2, 5)]
    with pytest.raises(ValueError, match="mask"):
        find_links(ev, [0], candidates=np.zeros(3, dtype=bool))


def test_links_are_sorted_and_counts_agree_with_the_table():
    ev = evidence(6, ASSOCIATIONS)
    links = find_links(ev, range(6))
    assert [(x.a, x.b) for x in links] == sorted((x.a, x.b) for x in links)
    assert {k: counts(x) for k, x in by_pair(links).items() if k[0] < k[1]} == table_dict(
        link_table(ev, range(6))
    )
    assert table_dict(link_table(ev, range(6)))[(0, 2)] == (2, 0, 0, 0)


def test_table_limits_pairs_to_the_population_but_associates_to_no_one():
    ev = evidence(6, ASSOCIATIONS)
    # 0 and 3 are linked through 2 even though 2 is not in the population.
    assert table_dict(link_table(ev, [3, 0, 3])) == {(0, 3): (0, 1, 0, 0)}


def test_people_involved_twice_in_one_incident_count_once():
    ev = evidence(2, involvements=[(0, 0), (0, 0), (1, 0)], incidents=[(-1, 0)])
    assert find_links(ev, [0]) == [
        Link(a=0, b=1, direct_edges=(), shared_associates=(), shared_incidents=(0,), co_presence=())
    ]


def test_bad_evidence_is_refused():
    net = build_network(2, [], [], nature=[], since=[], until=[])
    with pytest.raises(ValueError, match="involved_person"):
        Evidence(net, np.array([5]), np.array([0]), np.array([0]), np.array([0]))
    with pytest.raises(ValueError, match="involved_incident"):
        Evidence(net, np.array([0]), np.array([3]), np.array([0]), np.array([0]))


# ---------------------------------------------------------------------------
# Davis Southern Women: people x events projected to people x people


def test_davis_southern_women_projection_matches_networkx():
    graph = nx.davis_southern_women_graph()
    women = sorted(v for v, d in graph.nodes(data=True) if d["bipartite"] == 0)
    events = sorted(v for v, d in graph.nodes(data=True) if d["bipartite"] == 1)
    person = {w: i for i, w in enumerate(women)}
    incident = {e: i for i, e in enumerate(events)}
    involvements = [(person[w], incident[e]) for w, e in graph.edges() if w in person] + [
        (person[w], incident[e]) for e, w in graph.edges() if w in person
    ]
    ev = evidence(len(women), involvements=involvements, incidents=[(-1, 0)] * len(events))
    projected = bipartite.weighted_projected_graph(graph, women)
    expected = {
        tuple(sorted((person[u], person[v]))): d["weight"] for u, v, d in projected.edges(data=True)
    }
    table = link_table(ev, range(len(women)))
    assert {(a, b): c[2] for (a, b), c in table_dict(table).items()} == expected
    assert sum(table.n_co_presence) == 0
    # The caseload answer gives the same weights, naming the events.
    found = by_pair(find_links(ev, range(len(women))))
    assert {k: len(x.shared_incidents) for k, x in found.items() if k[0] < k[1]} == expected
    evelyn, laura = person["Evelyn Jefferson"], person["Laura Mandeville"]
    shared = {events[i] for i in found[(evelyn, laura)].shared_incidents}
    assert shared == set(graph[women[evelyn]]) & set(graph[women[laura]])


# ---------------------------------------------------------------------------
# find_links against link_table and against the definition, on random data

populations = st.integers(min_value=2, max_value=14).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(
                st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from([OPEN, OPEN, 5])
            ),
            max_size=30,
        ),
        st.lists(st.tuples(st.integers(-1, 3), st.integers(0, 90)), max_size=12),
        st.data(),
    )
)


def definition(n, edges, incidents, involvements, window, place_window=None):
    """The four kinds of evidence, straight from their definitions, for every ordered pair.

    ``place_window`` (a window per place, -1 for none, capped at ``window``) as documented.
    """

    def window_at(place):
        return window if place_window is None else min(place_window[place], window)

    open_edges = [(i, a, b) for i, (a, b, until) in enumerate(edges) if until == OPEN and a != b]
    neighbours = {v: set() for v in range(n)}
    for _, a, b in open_edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    involved = {v: {i for p, i in involvements if p == v} for v in range(n)}
    out = {}
    for a, b in itertools.permutations(range(n), 2):
        direct = tuple(sorted(i for i, x, y in open_edges if {x, y} == {a, b}))
        shared = tuple(sorted((neighbours[a] & neighbours[b]) - {a, b}))
        same = tuple(sorted(involved[a] & involved[b]))
        co = tuple(
            sorted(
                (i, j, incidents[i][0])
                for i in involved[a]
                for j in involved[b]
                if i != j
                and incidents[i][0] >= 0
                and incidents[i][0] == incidents[j][0]
                and abs(incidents[i][1] - incidents[j][1]) <= window_at(incidents[i][0])
            )
        )
        if direct or shared or same or co:
            out[(a, b)] = Link(a, b, direct, shared, same, co)
    return out


@settings(max_examples=120, deadline=None)
@given(populations, st.integers(0, 40))
def test_find_links_and_link_table_agree_with_the_definition(population, window):
    n, edges, incidents, data = population
    involvements = (
        data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, len(incidents) - 1))))
        if incidents
        else []
    )
    ev = evidence(n, edges, involvements, incidents)
    expected = definition(n, edges, incidents, involvements, window)
    found = find_links(ev, range(n), window_days=window)
    assert by_pair(found) == expected
    assert [(x.a, x.b) for x in found] == sorted(expected)
    rows = find_link_rows(ev, range(n), window_days=window)
    assert len(rows) == len(found) and all(rows.link(k) == x for k, x in enumerate(found))
    # Rows too wide to pack into one int64 key are sorted by lexsort instead: same answer.
    with mock.patch.object(linked, "_PACKED_BITS", 0):
        assert find_links(ev, range(n), window_days=window) == found
    people = data.draw(st.lists(st.integers(0, n - 1)))
    chosen = set(people)
    assert table_dict(link_table(ev, people, window_days=window)) == {
        (a, b): counts(x) for (a, b), x in expected.items() if a < b and {a, b} <= chosen
    }


# Incidents in the random populations are at places -1..3: four places.
PLACES = 4


@settings(max_examples=120, deadline=None)
@given(
    populations,
    st.integers(0, 40),
    st.lists(st.integers(-1, 50), min_size=PLACES, max_size=PLACES),
)
def test_a_place_window_agrees_with_the_definition(population, window, place_window):
    n, edges, incidents, data = population
    involvements = (
        data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, len(incidents) - 1))))
        if incidents
        else []
    )
    ev = evidence(n, edges, involvements, incidents, n_places=PLACES)
    expected = definition(n, edges, incidents, involvements, window, place_window)
    # As a list and as an int32 array alike.
    found = find_links(ev, range(n), window_days=window, place_window=place_window)
    assert by_pair(found) == expected
    rows = find_link_rows(
        ev, range(n), window_days=window, place_window=np.array(place_window, dtype=np.int32)
    )
    assert rows.links() == found
    people = data.draw(st.lists(st.integers(0, n - 1)))
    chosen = set(people)
    table = link_table(ev, people, window_days=window, place_window=place_window)
    assert table_dict(table) == {
        (a, b): counts(x) for (a, b), x in expected.items() if a < b and {a, b} <= chosen
    }


# ---------------------------------------------------------------------------
# Clusters and communities


def test_clusters_label_components_and_leave_the_unlinked_out():
    # 1-3, 3-5 and 6-7 linked; 0, 2 and 4 have no link (4's only pair is with itself).
    labels = clusters(8, [1, 3, 6, 4], [3, 5, 7, 4])
    assert labels.tolist() == [-1, 0, -1, 0, -1, 0, 1, 1]
    assert clusters(3, [], []).tolist() == [-1, -1, -1]


def two_cliques_and_a_bridge():
    left = list(itertools.combinations(range(5), 2))
    right = list(itertools.combinations(range(5, 10), 2))
    pairs = [*left, *right, (4, 5)]
    return np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])


def test_communities_split_two_cliques_at_their_bridge():
    a, b = two_cliques_and_a_bridge()
    assert clusters(11, a, b).tolist() == [0] * 10 + [-1]
    assert communities(11, a, b).tolist() == [0] * 5 + [1] * 5 + [-1]


def test_communities_are_deterministic_and_nest_in_clusters():
    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 300, 900), rng.integers(0, 300, 900)
    first = communities(400, a, b, seed=3)
    # Repeated, because a parallel graph build once made every few runs differ.
    for _ in range(30):
        assert np.array_equal(first, communities(400, a, b, seed=3))
    found = clusters(400, a, b)
    assert np.array_equal(first >= 0, found >= 0)
    for label in np.unique(first[first >= 0]):
        assert np.unique(found[first == label]).size == 1


def test_communities_found_in_several_threads_at_once_are_the_same_as_alone():
    # The whole-network pass finds one graph's communities in a second thread while the first
    # works on another: NetworKit's generator is per thread, so each run must seed its own.
    rng = np.random.default_rng(11)
    graphs = [(rng.integers(0, 500, 2_000), rng.integers(0, 500, 2_000)) for _ in range(4)]
    alone = [communities(500, a, b, seed=seed) for seed, (a, b) in enumerate(graphs)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(5):
            found = pool.map(lambda job: communities(500, *job[1], seed=job[0]), enumerate(graphs))
            for mine, theirs in zip(found, alone, strict=True):
                assert np.array_equal(mine, theirs)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40).flatmap(lambda n: st.tuples(st.just(n), st.data())))
def test_a_link_tables_ascending_pairs_give_the_same_groups_as_any_order(case):
    # A link table's pairs (a < b, ascending, once each) are laid out as CSR directly; the same
    # pairs in any order, either way round, go the general way. Both must give one answer.
    n, data = case
    pairs = data.draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))))
    upper = sorted({(min(p), max(p)) for p in pairs if p[0] != p[1]})
    a = np.array([p[0] for p in upper], dtype=np.int32)
    b = np.array([p[1] for p in upper], dtype=np.int32)
    weight = np.array(data.draw(st.lists(st.integers(1, 5), min_size=a.size, max_size=a.size)))
    order = np.array(data.draw(st.permutations(range(a.size))), dtype=np.int64)
    flip = np.array(data.draw(st.lists(st.booleans(), min_size=a.size, max_size=a.size)))
    shuffled_a = np.where(flip, b, a)[order].astype(np.int64)
    shuffled_b = np.where(flip, a, b)[order].astype(np.int64)
    assert np.array_equal(clusters(n, a, b), clusters(n, shuffled_a, shuffled_b))
    assert np.array_equal(
        communities(n, a, b, weight, seed=1),
        communities(n, shuffled_a, shuffled_b, weight[order] if a.size else weight, seed=1),
    )


def test_communities_on_the_karate_club_match_networkx_louvain():
    graph = nx.karate_club_graph()
    a = np.array([u for u, _ in graph.edges()])
    b = np.array([v for _, v in graph.edges()])
    matrix = symmetric_matrix(34, a, b)
    ours = modularity(matrix, communities(34, a, b))
    theirs = [
        nx.community.modularity(
            graph, nx.community.louvain_communities(graph, seed=s, weight=None), weight=None
        )
        for s in range(5)
    ]
    assert ours == pytest.approx(
        nx.community.modularity(graph, _groups(communities(34, a, b)), weight=None)
    )
    assert ours >= max(theirs) - 0.01
    # The club's real split (Mr Hi against the Officer) never shares a community across
    # its two leaders, 0 and 33.
    labels = communities(34, a, b)
    assert labels[0] != labels[33]


def test_weights_change_what_belongs_together():
    # A 4-cycle 0-1-2-3: heavy weights on 0-1 and 2-3 pair those up.
    a, b = np.array([0, 1, 2, 3]), np.array([1, 2, 3, 0])
    assert communities(4, a, b, [10.0, 1.0, 10.0, 1.0]).tolist() == [0, 0, 1, 1]
    assert communities(4, a, b, [1.0, 10.0, 1.0, 10.0]).tolist() == [0, 1, 1, 0]


def _groups(labels):
    return [set(np.flatnonzero(labels == k).tolist()) for k in range(labels.max() + 1)]
