"""The order linked cases are listed in: tiers by the kind of evidence, then amount and recency."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locus.analysis import triage as t

EXAMPLES = settings(max_examples=60, deadline=None)

# One hand-built link per tier, as the keyword arguments of ``triage`` for that link alone.
ONE_OF_EACH = {
    t.RISK_ASSOCIATION: {"n_direct": 1, "n_risk_direct": 1},
    t.SHARED_INCIDENT: {"n_shared_incidents": 1},
    t.DIRECT: {"n_direct": 1},
    t.ASSOCIATES: {"n_shared_associates": 2},
    t.QUIET_PLACE: {"n_co_presence": 1},
    t.ONE_ASSOCIATE: {"n_shared_associates": 1},
    t.BUSY_PLACE: {"n_co_presence": 1, "busy_place": True},
}
COLUMNS = (
    "n_direct",
    "n_risk_direct",
    "n_shared_incidents",
    "n_harm_incidents",
    "n_shared_associates",
    "n_co_presence",
)


def run(links, busy_places=None):
    """Triage hand-built links: dicts of counts, ``day``, and ``busy_place`` (all of the link's
    co-presence at place 1, which is busy; otherwise at place 0, which is not)."""
    columns = {c: [link.get(c, 0) for link in links] for c in COLUMNS}
    rows = [(i, 1 if link.get("busy_place") else 0) for i, link in enumerate(links)]
    rows = [
        r for r, link in zip(rows, links, strict=True) for _ in range(link.get("n_co_presence", 0))
    ]
    return t.triage(
        **columns,
        latest_day=[link.get("day", 0) for link in links],
        busy=np.array([False, True]),
        co_presence_link=[r[0] for r in rows],
        co_presence_place=[r[1] for r in rows],
    )


@pytest.mark.parametrize(
    ("stronger", "weaker"), list(itertools.combinations(sorted(ONE_OF_EACH), 2))
)
def test_each_pair_of_kinds_in_the_documented_order(stronger, weaker):
    # Given weaker first, with five times as much of it and more recent: the kind still decides.
    weak = {
        k: v * 5 if k != "busy_place" and weaker != t.ONE_ASSOCIATE else v
        for k, v in ONE_OF_EACH[weaker].items()
    }
    weak["day"] = 100
    result = run([weak, dict(ONE_OF_EACH[stronger], day=1)])
    assert result.tier.tolist() == [weaker, stronger]
    assert result.order.tolist() == [1, 0]


def test_harm_incidents_before_other_incidents_in_their_tier():
    result = run(
        [
            {"n_shared_incidents": 3, "day": 50},
            {"n_shared_incidents": 1, "n_harm_incidents": 1, "day": 1},
        ]
    )
    assert result.tier.tolist() == [t.SHARED_INCIDENT, t.SHARED_INCIDENT]
    assert result.order.tolist() == [1, 0]


def test_within_a_tier_more_evidence_then_more_recent_then_as_given():
    links = [
        {"n_shared_associates": 2, "day": 10},
        {"n_shared_associates": 3, "day": 1},
        {"n_shared_associates": 2, "day": 20},
        {"n_shared_associates": 2, "day": 10},
        {"n_shared_associates": 2, "n_co_presence": 1, "day": 5},
    ]
    assert run(links).order.tolist() == [1, 4, 2, 0, 3]


def test_co_presence_is_quiet_unless_busy_is_given():
    quiet = t.triage(
        n_direct=[0],
        n_risk_direct=[0],
        n_shared_incidents=[0],
        n_harm_incidents=[0],
        n_shared_associates=[0],
        n_co_presence=[2],
        latest_day=[0],
    )
    assert quiet.tier.tolist() == [t.QUIET_PLACE]
    # One of two co-presences at a busy place: it is still co-presence at a quiet place.
    mixed = t.triage(
        n_direct=[0],
        n_risk_direct=[0],
        n_shared_incidents=[0],
        n_harm_incidents=[0],
        n_shared_associates=[0],
        n_co_presence=[2],
        latest_day=[0],
        busy=np.array([True, False]),
        co_presence_link=[0, 0],
        co_presence_place=[0, 1],
    )
    assert mixed.tier.tolist() == [t.QUIET_PLACE]


def test_words_for_every_tier_and_the_strong_ones_are_the_first_four():
    assert len(t.TIER_WORDS) == t.BUSY_PLACE + 1
    assert sorted(t.STRONG_TIERS) == [0, 1, 2, 3]


@st.composite
def link_columns(draw):
    n = draw(st.integers(0, 40))
    counts = st.lists(st.integers(0, 4), min_size=n, max_size=n)
    direct = np.array(draw(counts), dtype=np.int64)
    incidents = np.array(draw(counts), dtype=np.int64)
    associates = np.array(draw(counts), dtype=np.int64)
    co = np.array(draw(counts), dtype=np.int64)
    co[direct + incidents + associates + co == 0] = 1
    risk = np.minimum(direct, np.array(draw(counts), dtype=np.int64))
    harm = np.minimum(incidents, np.array(draw(counts), dtype=np.int64))
    days = np.array(draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)), dtype=np.int64)
    places = draw(st.integers(1, 4))
    busy = np.array(draw(st.lists(st.booleans(), min_size=places, max_size=places)))
    link = np.repeat(np.arange(n), co)
    place = np.array(
        draw(st.lists(st.integers(0, places - 1), min_size=link.size, max_size=link.size)),
        dtype=np.int64,
    )
    return {
        "n_direct": direct,
        "n_risk_direct": risk,
        "n_shared_incidents": incidents,
        "n_harm_incidents": harm,
        "n_shared_associates": associates,
        "n_co_presence": co,
        "latest_day": days,
        "busy": busy,
        "co_presence_link": link,
        "co_presence_place": place,
    }


def _tier_of(c, i):
    """The tier rule, link by link, as the docstring states it."""
    quiet = c["n_co_presence"][i] - int(
        c["busy"][c["co_presence_place"][c["co_presence_link"] == i]].sum()
    )
    if c["n_risk_direct"][i]:
        return t.RISK_ASSOCIATION
    if c["n_shared_incidents"][i]:
        return t.SHARED_INCIDENT
    if c["n_direct"][i]:
        return t.DIRECT
    if c["n_shared_associates"][i] >= 2:
        return t.ASSOCIATES
    if quiet:
        return t.QUIET_PLACE
    if c["n_shared_associates"][i] == 1:
        return t.ONE_ASSOCIATE
    return t.BUSY_PLACE


@EXAMPLES
@given(link_columns())
def test_the_order_is_a_permutation_by_tier_that_matches_the_rule(c):
    result = t.triage(**c)
    n = len(c["n_direct"])
    assert sorted(result.order.tolist()) == list(range(n))
    assert result.tier.tolist() == [_tier_of(c, i) for i in range(n)]
    assert np.all(np.diff(result.tier[result.order]) >= 0)


@EXAMPLES
@given(link_columns())
def test_strong_links_are_exactly_those_in_the_strong_tiers(c):
    tiers = t.triage(**c).tier
    found = t.strong(
        n_direct=c["n_direct"],
        n_shared_incidents=c["n_shared_incidents"],
        n_shared_associates=c["n_shared_associates"],
    )
    assert found.tolist() == [int(tier) in t.STRONG_TIERS for tier in tiers]


def test_strong_on_one_link_of_each_kind():
    # Strong: the first four tiers; one associate in common or co-presence alone is weak.
    links = [ONE_OF_EACH[tier] for tier in sorted(ONE_OF_EACH)]
    found = t.strong(
        n_direct=[link.get("n_direct", 0) for link in links],
        n_shared_incidents=[link.get("n_shared_incidents", 0) for link in links],
        n_shared_associates=[link.get("n_shared_associates", 0) for link in links],
    )
    assert found.tolist() == [True, True, True, True, False, False, False]


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        (
            {"n_direct": [1, -1], "n_shared_incidents": [0, 0], "n_shared_associates": [0, 0]},
            "n_direct",
        ),
        (
            {"n_direct": [1], "n_shared_incidents": [0, 0], "n_shared_associates": [0]},
            "n_shared_incidents",
        ),
        (
            {"n_direct": [1], "n_shared_incidents": [0], "n_shared_associates": [0.5]},
            "n_shared_associates",
        ),
    ],
)
def test_strong_refuses_bad_counts_naming_them(kwargs, named):
    with pytest.raises(ValueError, match=named):
        t.strong(**kwargs)


@EXAMPLES
@given(link_columns(), st.randoms(use_true_random=False))
def test_the_order_does_not_depend_on_the_order_links_were_given_in(c, rnd):
    n = len(c["n_direct"])
    perm = np.arange(n)
    rnd.shuffle(perm)
    inverse = np.argsort(perm)
    shuffled = {
        k: v if k in ("busy", "co_presence_link", "co_presence_place") else v[perm]
        for k, v in c.items()
    }
    shuffled["co_presence_link"] = inverse[c["co_presence_link"]]

    def rows(columns, result):
        # Links equal in every key may swap; these are keys, so the sequences must agree.
        total = sum(
            columns[k]
            for k in ("n_direct", "n_shared_incidents", "n_shared_associates", "n_co_presence")
        )
        return [
            (int(result.tier[i]), int(total[i]), int(columns["latest_day"][i]))
            for i in result.order
        ]

    assert rows(c, t.triage(**c)) == rows(shuffled, t.triage(**shuffled))


def _valid_one():
    return {
        "n_direct": [1],
        "n_risk_direct": [0],
        "n_shared_incidents": [0],
        "n_harm_incidents": [0],
        "n_shared_associates": [0],
        "n_co_presence": [0],
        "latest_day": [0],
    }


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("n_direct", [-1]),
        ("n_direct", [1.5]),
        ("n_direct", [True]),
        ("n_risk_direct", [2]),
        ("n_risk_direct", [0, 0]),
        ("n_shared_incidents", [[1]]),
        ("n_harm_incidents", [1]),
        ("n_shared_associates", [-2]),
        ("n_co_presence", [0.0]),
        ("latest_day", [2**31]),
        ("latest_day", [1_764_720_000_000]),
    ],
)
def test_bad_arguments_are_refused_naming_them(name, bad):
    args = _valid_one()
    args[name] = bad
    with pytest.raises(ValueError, match=name):
        t.triage(**args)


def test_busy_places_must_come_with_their_rows_and_be_flags():
    args = _valid_one()
    with pytest.raises(ValueError, match="busy"):
        t.triage(**args, busy=np.array([True]))
    with pytest.raises(ValueError, match="busy"):
        t.triage(**args, busy=[1, 0], co_presence_link=[], co_presence_place=[])
    with pytest.raises(ValueError, match="co_presence_place"):
        t.triage(**args, busy=np.array([True]), co_presence_link=[0], co_presence_place=[3])
    with pytest.raises(ValueError, match="n_co_presence"):
        t.triage(**args, busy=np.array([True]), co_presence_link=[0], co_presence_place=[0])


def test_a_link_without_evidence_is_refused():
    args = _valid_one()
    args["n_direct"] = [0]
    with pytest.raises(ValueError, match="evidence"):
        t.triage(**args)


def test_no_links_give_an_empty_order():
    result = t.triage(**{k: [] for k in _valid_one()})
    assert result.order.tolist() == [] and result.tier.tolist() == []
