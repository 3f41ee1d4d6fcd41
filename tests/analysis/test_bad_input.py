"""Bad input that used to give silent wrong answers (or fail late) is refused, naming the argument.

Each test is one way the analysis core was seen to go wrong: the old code returned an answer
(or raised something unrelated) where these expect a ``ValueError`` about the argument.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from locus.analysis import network
from locus.analysis.community import leiden, modularity, symmetric_matrix, upper_matrix
from locus.analysis.groups import meeting_groups
from locus.analysis.linked import (
    Evidence,
    clusters,
    communities,
    find_link_rows,
    find_links,
    link_table,
)
from locus.analysis.network import OPEN_END, build_network, neighbourhood, row_entries

# The filtered walks, by name.
components, degree, edge_mask = network.components, network.degree, network.edge_mask


def net_of(n, src=(), dst=(), nature=None):
    m = len(src)
    return build_network(
        n,
        np.array(src, dtype=np.int64),
        np.array(dst, dtype=np.int64),
        nature=np.zeros(m, dtype=np.int64) if nature is None else np.array(nature),
        since=np.zeros(m, dtype=np.int64),
        until=np.full(m, OPEN_END, dtype=np.int64),
    )


def evidence_of(n, persons, incidents, places, days):
    return Evidence(net_of(n), np.array(persons), np.array(incidents), np.array(places), days)


# ---------------------------------------------------------------------------
# Days past 2**31 (Unix milliseconds passed as days)


def test_a_day_in_milliseconds_is_refused_rather_than_read_as_another_place():
    # Day 2**32 + 5 at place 0 has the (place, day) key of day 5 at place 1: the old code
    # linked person 0 at place 0 to person 1 at place 1, two places they never shared.
    days = np.array([2**32 + 5, 5], dtype=np.int64)
    with pytest.raises(ValueError, match=r"incident_day must be a day number.*not 4294967301"):
        evidence_of(2, [0, 1], [0, 1], [0, 1], days)


def test_days_are_refused_as_floats_and_as_timestamps():
    with pytest.raises(ValueError, match="incident_day must be integers"):
        evidence_of(2, [0], [0], [0], np.array([5.5]))
    with pytest.raises(ValueError, match="incident_day"):
        evidence_of(2, [0], [0], [0], np.array([1_764_720_000_000]))  # a Unix time in ms


def test_a_place_too_large_for_the_key_is_refused():
    with pytest.raises(ValueError, match="incident_place"):
        evidence_of(2, [0], [0], [2**31], np.array([5]))
    with pytest.raises(ValueError, match="incident_place"):
        evidence_of(2, [0], [0], [-2], np.array([5]))


# ---------------------------------------------------------------------------
# build_network wrapped ids, dates and times to int32 (and nature to int8) before checking


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("src", [2**32]),  # wrapped to 0, a valid node
        ("dst", [2**32 + 1]),  # wrapped to 1
        ("nature", [256]),  # int8 wrapped to 0, "protective"
        ("since", [2**32 + 5]),  # wrapped to day 5
        ("until", [2**32 + 5]),
        ("src", [0.9]),  # truncated to 0
        ("since", [5.5]),
    ],
)
def test_build_network_checks_ranges_before_casting(argument, value):
    given = dict(src=[0], dst=[1], nature=[0], since=[0], until=[OPEN_END])
    given[argument] = value
    arrays = {k: np.array(v) for k, v in given.items()}
    with pytest.raises(ValueError, match=argument):
        build_network(2, arrays.pop("src"), arrays.pop("dst"), **arrays)


def test_build_network_refuses_booleans_for_ids_and_a_float_or_boolean_n():
    with pytest.raises(ValueError, match="src must be integer indices, not a boolean mask"):
        build_network(2, np.array([True]), [1], nature=[0], since=[0], until=[OPEN_END])
    with pytest.raises(TypeError, match="n must be an integer"):
        build_network(2.0, [0], [1], nature=[0], since=[0], until=[OPEN_END])
    with pytest.raises(TypeError, match="n must be an integer"):
        build_network(True, [0], [0], nature=[0], since=[0], until=[OPEN_END])


# ---------------------------------------------------------------------------
# A boolean mask read as indices 0 and 1


WORLD = dict(persons=[0, 1, 2, 3], incidents=[0, 0, 1, 1], places=[-1, -1], days=np.array([0, 0]))


def test_a_boolean_mask_is_not_taken_for_focus_indices():
    ev = evidence_of(4, **WORLD)
    mask = np.array([False, False, True, False])  # meant person 2; read as people 0 and 0, 1, 0
    with pytest.raises(ValueError, match="focus must be integer indices, not a boolean mask"):
        find_links(ev, mask)
    with pytest.raises(ValueError, match="focus must be integer indices, not a boolean mask"):
        find_link_rows(ev, mask)
    with pytest.raises(ValueError, match="people must be integer indices, not a boolean mask"):
        link_table(ev, mask)


def test_a_boolean_mask_is_not_taken_for_a_centre_or_edges():
    net = net_of(3, [0, 1], [1, 2])
    with pytest.raises(TypeError, match="centre must be an integer"):
        neighbourhood(net, True)
    with pytest.raises(ValueError, match="edges must be integer indices"):
        edge_mask(net, np.array([True, False]))
    with pytest.raises(ValueError, match="nodes must be integer indices"):
        row_entries(net, np.array([False, True, False]))


# ---------------------------------------------------------------------------
# Negative indices counted from the end


def test_negative_indices_do_not_count_from_the_end():
    ev = evidence_of(4, **WORLD)
    negative = "a negative index does not count from the end"
    with pytest.raises(ValueError, match=f"focus must be an index in 0..3.*{negative}"):
        find_links(ev, [-1])  # the old code answered for person 3
    with pytest.raises(ValueError, match="candidates"):
        find_links(ev, [2], candidates=[-1])
    with pytest.raises(ValueError, match="people"):
        link_table(ev, [-1, 2])
    with pytest.raises(ValueError, match="people"):
        ev.incidents_of([-1])
    with pytest.raises(ValueError, match="incidents"):
        ev.people_in([-1])
    with pytest.raises(ValueError, match=r"^a must be"):
        clusters(4, [-1], [0])
    with pytest.raises(ValueError, match=r"^b must be"):
        communities(4, [0], [-2])
    with pytest.raises(ValueError, match=r"^a must be"):
        meeting_groups(4, [-1], [0])
    with pytest.raises(ValueError, match="nodes"):
        row_entries(net_of(3), [-1])
    with pytest.raises(ValueError, match=r"^b must be"):
        symmetric_matrix(3, [0], [-1])
    with pytest.raises(ValueError, match="x must be"):
        find_link_rows(ev, [2]).link(-1)


# ---------------------------------------------------------------------------
# One NaN weight made every community a singleton


def two_triangles():
    a = np.array([0, 1, 2, 3, 4, 5, 2])
    b = np.array([1, 2, 0, 4, 5, 3, 3])
    return a, b


@pytest.mark.parametrize("bad", [np.nan, np.inf, -1.0])
def test_a_nan_infinite_or_negative_weight_is_refused(bad):
    a, b = two_triangles()
    weight = np.ones(a.size)
    weight[0] = bad
    with pytest.raises(ValueError, match="weight"):
        communities(6, a, b, weight)
    with pytest.raises(ValueError, match="weight"):
        meeting_groups(6, a, b, weight, max_size=3)
    with pytest.raises(ValueError, match="weight"):
        upper_matrix(6, a, b, weight)


def test_weights_must_be_numbers_one_per_pair():
    a, b = two_triangles()
    with pytest.raises(ValueError, match="weight must be numbers"):
        communities(6, a, b, np.ones(a.size, dtype=bool))
    with pytest.raises(ValueError, match="weight must have length 7"):
        communities(6, a, b, np.ones(3))


# ---------------------------------------------------------------------------
# leiden(matrix) read only the upper triangle; a dense array failed after the work was done


def test_leiden_refuses_a_matrix_with_entries_only_below_the_diagonal():
    a, b = two_triangles()
    lower = upper_matrix(6, a, b).T.tocsr()  # the old code saw no edges: six singletons
    with pytest.raises(ValueError, match="matrix must be symmetric or upper-triangular"):
        leiden(lower)


def test_leiden_reads_a_dense_array_like_its_sparse_matrix():
    a, b = two_triangles()
    matrix = symmetric_matrix(6, a, b)
    assert leiden(matrix.toarray()).tolist() == leiden(matrix).tolist() == [0, 0, 0, 1, 1, 1]


def test_matrices_must_be_square_finite_and_symmetric_where_it_matters():
    with pytest.raises(ValueError, match="matrix must be square"):
        leiden(sp.csr_matrix((2, 3)))
    with pytest.raises(TypeError, match="matrix must be a scipy sparse matrix"):
        leiden([[0, 1], [1, 0]])
    nan = sp.csr_matrix(np.array([[0.0, np.nan], [np.nan, 0.0]]))
    with pytest.raises(ValueError, match="matrix must be finite"):
        leiden(nan)
    upper = upper_matrix(2, [0], [1])
    with pytest.raises(ValueError, match="matrix must be symmetric"):
        modularity(upper, [0, 0])  # the old code halved every weight


# ---------------------------------------------------------------------------
# A nature code beyond the known ones, with a nature filter, raised IndexError


def test_an_unknown_nature_code_is_refused_when_the_network_is_built():
    with pytest.raises(ValueError, match=r"nature must be a nature code in 0..2, not 3"):
        net_of(2, [0], [1], nature=[3])


def test_a_filter_on_an_unknown_nature_is_refused():
    net = net_of(3, [0, 1], [1, 2])
    for walk in (components, degree, edge_mask):
        with pytest.raises(ValueError, match="natures"):
            walk(net, natures=[7])
    with pytest.raises(ValueError, match="natures"):
        neighbourhood(net, 0, natures=[-1])
    with pytest.raises(TypeError, match="natures"):
        neighbourhood(net, 0, natures="risk")


# ---------------------------------------------------------------------------
# Days and windows given as the wrong kind of number


def test_as_at_and_window_must_be_whole_days_in_range():
    net = net_of(3, [0, 1], [1, 2])
    with pytest.raises(TypeError, match="as_at must be an integer"):
        neighbourhood(net, 0, as_at=10.5)
    with pytest.raises(ValueError, match="as_at must be a day number"):
        components(net, as_at=2**40)
    ev = evidence_of(4, **WORLD)
    with pytest.raises(TypeError, match="window_days must be an integer"):
        find_links(ev, [0], window_days=30.0)
    with pytest.raises(ValueError, match="window_days"):
        link_table(ev, [0], window_days=2**40)


# ---------------------------------------------------------------------------
# A window per place


@pytest.mark.parametrize(
    ("place_window", "error", "words"),
    [
        ([30], ValueError, "place_window must have length 2"),
        ([30, 30, 30], ValueError, "place_window must have length 2"),
        ([[30, 30]], ValueError, "place_window must be a 1-d array"),
        ([30.0, 30.0], ValueError, "place_window must be integers"),
        ([True, False], ValueError, "place_window must be integers, not booleans"),
        ([-2, 30], ValueError, "place_window must be -1 .* not -2"),
        ([2**40, 30], ValueError, "place_window must be -1 .* below 2\\*\\*32, not"),
    ],
)
def test_a_place_window_must_be_one_whole_number_of_days_per_place(place_window, error, words):
    ev = evidence_of(4, [0, 1], [0, 1], [0, 1], np.array([5, 6]))
    for call in (
        lambda: find_links(ev, [0], place_window=place_window),
        lambda: find_link_rows(ev, [0], place_window=place_window),
        lambda: link_table(ev, [0, 1], place_window=place_window),
        lambda: ev.incidents_near([0], 30, place_window=place_window),
    ):
        with pytest.raises(error, match=words):
            call()


def test_the_number_of_places_covers_every_place_used():
    net = net_of(2)
    persons, incidents, places, days = [0, 1], [0, 1], [0, 3], [5, 6]
    assert Evidence(net, persons, incidents, places, days).n_places == 4
    # Places no incident happened at count too, when the caller says how many there are.
    ev = Evidence(net, persons, incidents, places, days, n_places=6)
    assert len(link_table(ev, [0, 1], place_window=[0, 0, 0, 0, 0, 0])) == 0
    with pytest.raises(ValueError, match=r"n_places must be -1 or at least 4 .*, not 3"):
        Evidence(net, persons, incidents, places, days, n_places=3)
    with pytest.raises(TypeError, match="n_places must be an integer"):
        Evidence(net, persons, incidents, places, days, n_places=4.0)
