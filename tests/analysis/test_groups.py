"""Splitting the link graph into meeting-sized groups (worked by hand)."""

from __future__ import annotations

import itertools

import numpy as np

from locus.analysis.groups import meeting_groups


def clique(nodes: range) -> list[tuple[int, int]]:
    return list(itertools.combinations(nodes, 2))


def run(n: int, pairs: list[tuple[int, int]], **kw):  # type: ignore[no-untyped-def]
    a, b = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True))
    return meeting_groups(n, a, b, **kw)


def test_two_cliques_joined_by_one_link_split_into_the_two_cliques() -> None:
    pairs = clique(range(8)) + clique(range(8, 16)) + [(7, 8)]
    group, component = run(17, pairs, max_size=10)
    assert set(component[:16]) == {0} and component[16] == -1  # one network; 16 has no link
    assert group[16] == -1
    assert set(group[:8]) == {0} and set(group[8:16]) == {1}


def test_a_network_that_fits_is_left_whole() -> None:
    pairs = clique(range(8)) + clique(range(8, 16)) + [(7, 8)]
    group, _ = run(16, pairs, max_size=16)
    assert set(group) == {0}


def test_a_tight_group_too_big_to_split_stays_whole() -> None:
    group, _ = run(15, clique(range(15)), max_size=5)
    assert set(group) == {0}


def test_groups_never_cross_networks_and_are_numbered_by_their_first_member() -> None:
    pairs = [(5, 6), (0, 1), (1, 2)]
    group, component = run(7, pairs, max_size=12)
    assert group.tolist() == [0, 0, 0, -1, -1, 1, 1]
    assert component.tolist() == group.tolist()


def test_splitting_goes_on_until_every_group_fits() -> None:
    # Four cliques of 6 in a ring: at most 12 allowed, so at least two rounds may be needed.
    cliques = [range(i * 6, i * 6 + 6) for i in range(4)]
    pairs = [p for c in cliques for p in clique(c)]
    pairs += [(5, 6), (11, 12), (17, 18), (23, 0)]
    group, _ = run(24, pairs, max_size=6)
    sizes = np.bincount(group)
    assert sizes.max() <= 6 and sizes.sum() == 24
    for c in cliques:
        assert len(set(group[list(c)])) == 1
