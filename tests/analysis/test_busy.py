"""Busy places (``locus.analysis.busy``): a planted busy place is found and a quiet one is not,
the reason says why in data terms, and the answer is about places only."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locus.analysis.busy import busy_places, out_of_hours
from tests.analysis.test_input_properties import refused

TODAY = 20_000
SATURDAY = 19_994  # 1970-01-01 was a Thursday: 19_994 days later is a Saturday
EXAMPLES = settings(max_examples=50, deadline=None)


def planted(*, busy_people=60, quiet_people=2, other_places=8):
    """Place 0 busy (``busy_people`` different people, Saturdays 12:00-14:00), place 1 quiet,
    and ``other_places`` places of 3 people each as the borough's baseline."""
    place, day, hour, person, incident = [], [], [], [], []

    def add(p, d, h, people):
        place.append(p)
        day.append(d)
        hour.append(h)
        for who in people:
            person.append(who)
            incident.append(len(place) - 1)

    for i in range(busy_people):
        add(0, SATURDAY - 7 * (i % 40), 12 + i % 2, [i])
    for i in range(quiet_people):
        add(1, TODAY - 30 * i - 1, 21, [1000 + i, 1001 + i])
    for p in range(other_places):
        add(2 + p, TODAY - 10 * p - 1, 16, [2000 + 3 * p, 2001 + 3 * p, 2002 + 3 * p])
    return {
        "n_places": 2 + other_places,
        "incident_place": place,
        "incident_day": day,
        "incident_hour": hour,
        "involved_person": person,
        "involved_incident": incident,
        "today": TODAY,
    }


def test_planted_busy_place_is_found_and_the_quiet_one_is_not():
    found = busy_places(**planted())
    assert found.busy.tolist() == [True] + [False] * 9
    assert found.people[0] == 60
    assert found.baseline == 3.0
    reason = found.reason(0, "young people")
    assert reason.startswith(
        "60 different young people were involved in incidents here in the last 12 months, "
        "20 times as many as at a typical place in the borough, which had 3"
    )
    assert "100% of incidents here are on Saturdays" in reason
    assert "between 12:00 and 14:00" in reason
    assert found.reason(1) == ""


def test_the_baseline_is_the_borough_own_not_a_fixed_number():
    # 60 people is busy among places of 3, not among places of 40.
    args = planted()
    for p in range(8):
        start = len(args["incident_place"])
        args["incident_place"].append(2 + p)
        args["incident_day"].append(TODAY - 1)
        args["incident_hour"].append(-1)
        args["involved_person"].extend(range(5000 + 40 * p, 5040 + 40 * p))
        args["involved_incident"].extend([start] * 40)
    assert not busy_places(**args).busy[0]


def test_incidents_outside_the_period_are_left_out():
    args = planted()
    args["incident_day"] = [
        d - 400 if p == 0 else d
        for p, d in zip(args["incident_place"], args["incident_day"], strict=True)
    ]
    found = busy_places(**args)
    assert found.people[0] == 0 and not found.busy[0]


def test_out_of_hours_is_evening_and_night_and_unknown_is_not():
    hours = np.arange(-1, 24)
    expected = [False] + [h < 8 or h >= 18 for h in range(24)]
    assert out_of_hours(hours).tolist() == expected


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("incident_place", {"incident_place": [5]}),
        ("incident_hour", {"incident_hour": [24]}),
        ("incident_day", {"incident_day": [1.5]}),
        ("involved_incident", {"involved_incident": [3]}),
        ("involved_person", {"involved_person": [-1]}),
        ("factor", {"factor": 0.5}),
        ("months", {"months": 0}),
    ],
)
def test_bad_input_is_refused_naming_the_argument(name, change):
    args = {
        "n_places": 2,
        "incident_place": [0],
        "incident_day": [TODAY],
        "incident_hour": [3],
        "involved_person": [0],
        "involved_incident": [0],
        "today": TODAY,
        **change,
    }
    refused(name, busy_places, **args)


@st.composite
def boroughs(draw):
    n_places = draw(st.integers(1, 8))
    k = draw(st.integers(0, 40))
    place = draw(st.lists(st.integers(-1, n_places - 1), min_size=k, max_size=k))
    day = draw(st.lists(st.integers(TODAY - 500, TODAY + 5), min_size=k, max_size=k))
    hour = draw(st.lists(st.integers(-1, 23), min_size=k, max_size=k))
    pairs = (
        draw(st.lists(st.tuples(st.integers(0, 30), st.integers(0, max(k - 1, 0))))) if k else []
    )
    return {
        "n_places": n_places,
        "incident_place": place,
        "incident_day": day,
        "incident_hour": hour,
        "involved_person": [p for p, _ in pairs],
        "involved_incident": [i for _, i in pairs],
        "today": TODAY,
        "min_people": draw(st.integers(1, 6)),
    }


def _reference_people(args):
    since = TODAY - 365
    seen = [set() for _ in range(args["n_places"])]
    for who, i in zip(args["involved_person"], args["involved_incident"], strict=True):
        p, d = args["incident_place"][i], args["incident_day"][i]
        if p >= 0 and since < d <= TODAY:
            seen[p].add(who)
    return [len(s) for s in seen]


@EXAMPLES
@given(boroughs())
def test_people_are_counted_once_per_place_and_busy_follows_the_rule(args):
    found = busy_places(**args)
    people = _reference_people(args)
    assert found.people.tolist() == people
    for p, count in enumerate(people):
        expected = count >= args["min_people"] and count >= 3.0 * found.baseline
        assert bool(found.busy[p]) == expected
        assert bool(found.reason(p)) == expected


@EXAMPLES
@given(boroughs(), st.randoms(use_true_random=False))
def test_the_answer_follows_the_places_not_their_labels_or_the_people_ids(args, rnd):
    found = busy_places(**args)
    n = args["n_places"]
    relabel = list(range(n))
    rnd.shuffle(relabel)
    people_map = {p: 100 + 7 * p for p in range(31)}
    moved = {
        **args,
        "incident_place": [relabel[p] if p >= 0 else -1 for p in args["incident_place"]],
        "involved_person": [people_map[p] for p in args["involved_person"]],
    }
    again = busy_places(**moved)
    for p in range(n):
        assert again.busy[relabel[p]] == found.busy[p]
        assert again.people[relabel[p]] == found.people[p]


@EXAMPLES
@given(boroughs(), st.integers(1, 30))
def test_more_people_at_a_busy_place_keep_it_busy(args, extra):
    found = busy_places(**args)
    for p in np.flatnonzero(found.busy):
        more = {**args}
        more["incident_place"] = [*args["incident_place"], int(p)]
        more["incident_day"] = [*args["incident_day"], TODAY]
        more["incident_hour"] = [*args["incident_hour"], 12]
        new = len(more["incident_place"]) - 1
        more["involved_person"] = [*args["involved_person"], *range(500, 500 + extra)]
        more["involved_incident"] = [*args["involved_incident"], *[new] * extra]
        assert busy_places(**more).busy[p]


def test_the_answer_has_no_field_about_a_person():
    found = busy_places(**planted())
    for value in vars(found).values():
        if isinstance(value, np.ndarray):
            assert value.shape[0] == 10  # one row per place, none per person


@pytest.mark.parametrize("hours", [[24], [-2], [1.5], [True]])
def test_out_of_hours_refuses_what_is_not_an_hour(hours):
    refused("hour", out_of_hours, hours)


def test_how_many_times_busier_is_said_as_a_social_worker_would_say_it():
    """A context page read "7.1 times the median place (28.5)": a whole number from 2 up,
    "about" where it was rounded."""
    from locus.analysis.busy import _times

    assert _times(203 / 28.5) == "about 7 times"
    assert _times(20.0) == "20 times"
    assert _times(1.5) == "1.5 times"


def test_where_a_typical_place_names_nobody_the_reason_says_so_and_no_ratio():
    """Where most places' incidents name nobody, the median is 0: the reason said "60 times
    as many as at a typical place in the borough, which had 0"."""
    args = planted()
    for p in range(10, 30):
        args["incident_place"].append(p)
        args["incident_day"].append(TODAY - 2)
        args["incident_hour"].append(-1)
    args["n_places"] = 30
    found = busy_places(**args)
    assert found.baseline == 0.0
    reason = found.reason(0, "young people")
    assert reason.startswith(
        "60 different young people were involved in incidents here in the last 12 months, "
        "where a typical place in the borough had no young people named;"
    )
    assert "times as many" not in reason
