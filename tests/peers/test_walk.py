"""The peer map's walk, on small graphs worked out by hand (no database)."""

from __future__ import annotations

from locus.peers.walk import neighbourhood


def test_two_steps_out_from_the_centre_and_no_further() -> None:
    # a - b - c - d, and a - e: from a, b and e are one step out, c two, d three (left out).
    edges = [("a", "b"), ("b", "c"), ("c", "d"), ("a", "e")]
    assert neighbourhood(edges, "a") == {"a": 0, "b": 1, "e": 1, "c": 2}


def test_the_shortest_distance_wins_and_cycles_do_not_loop() -> None:
    # a triangle a-b-c with a tail c-d: c is one step from a (not two, through b).
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]
    assert neighbourhood(edges, "a") == {"a": 0, "b": 1, "c": 1, "d": 2}


def test_direction_repeats_and_self_loops_do_not_matter() -> None:
    edges = [("b", "a"), ("a", "b"), ("a", "a"), ("c", "b")]
    assert neighbourhood(edges, "a") == {"a": 0, "b": 1, "c": 2}


def test_a_centre_with_no_edges_is_alone_and_depth_is_honoured() -> None:
    assert neighbourhood([], "a") == {"a": 0}
    assert neighbourhood([("x", "y")], "a") == {"a": 0}
    edges = [(1, 2), (2, 3), (3, 4)]
    assert neighbourhood(edges, 1, depth=1) == {1: 0, 2: 1}
    assert neighbourhood(edges, 1, depth=3) == {1: 0, 2: 1, 3: 2, 4: 3}
