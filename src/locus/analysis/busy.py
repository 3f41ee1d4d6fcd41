"""Busy places: where being at the same place around the same time says little.

Two children linked only because each was involved in an incident at a shopping centre
on a Saturday afternoon are not linked by anything: hundreds pass through. This module finds
such places from the incidents themselves, against the borough's own baseline rather than a
fixed number alone, and says why in data terms:

* **many different people**: a place is busy when more different people were involved in
  incidents there during the period than ``factor`` times the median place (the median over
  the places with any incident in the period), and at least ``min_people``;
* **concentrated times** (an explanation, not a test): when most of a place's incidents fall
  on one day of the week, or three in four within a few hours of the day, the reason says so
  ("most incidents here are on Saturdays, 11:00-16:00"), which is what a manager needs to
  choose between excluding the place and counting it only out of hours.

Places only, never people: nothing here is computed for, or returned about, a child. The
counts are of distinct people per place; which people is never part of the answer.

:func:`out_of_hours` defines the hours a manager's "only out of hours" rule keeps.

Pure numpy: no Django, no other locus package. Every argument is checked at the boundary
(``_checks``) and a bad one raises ``ValueError`` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from locus.analysis import _checks as check

__all__ = [
    "DAY_START_HOUR",
    "EVENING_HOUR",
    "BusyPlaces",
    "busy_places",
    "out_of_hours",
]

Ints = NDArray[np.integer]

# "Out of hours" is the evening and the night, every day of the week: from 18:00 to 07:59
# local time. In hours (08:00-17:59) a school, a shopping centre or a bus route is full of
# young people with every reason to be there; after 18:00 being there is a choice.
DAY_START_HOUR = 8
EVENING_HOUR = 18
# A time-of-day concentration is worth saying when three in four timed incidents fall within
# this many consecutive hours.
_CONCENTRATED_HOURS = 6
_CONCENTRATED_SHARE = 0.75
# ... or when at least half fall on one day of the week (one in seven would be even).
_WEEKDAY_SHARE = 0.5
# 1970-01-01 was a Thursday: (day + 3) % 7 is the weekday, Monday = 0.
_WEEKDAY_OFFSET = 3
# Places are indexed below this (as in locus.analysis.linked), so that a (place, person) key of
# fewer than 2**32 people fits int64.
_PLACE_LIMIT = 2**31
_WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def out_of_hours(hour: ArrayLike) -> NDArray[np.bool_]:
    """Which hours (0-23, or -1 for an unknown time) are out of hours (18:00-07:59).

    An unknown time is **not** out of hours: a rule that keeps only out-of-hours co-presence
    cannot show that such an incident was, so it gives none.
    """
    hours = check.integers(hour, "hour", low=-1, high=24, meaning="an hour 0-23, or -1")
    return (hours >= 0) & ((hours < DAY_START_HOUR) | (hours >= EVENING_HOUR))


@dataclass(frozen=True, eq=False)
class BusyPlaces:
    """Per place index ``0..n_places-1``: what the period's incidents say about it.

    ``people`` counts the different people involved in incidents there in the period,
    ``incidents`` the incidents; ``baseline`` is the median of ``people`` over the places
    with any incident in the period; ``busy`` marks the places where co-presence says little;
    ``peak_weekday`` (Monday = 0, -1: none) and ``peak_hours`` (``[from, to)``, -1: none) the
    times the incidents concentrate on, when they do.
    """

    people: Ints
    incidents: Ints
    baseline: float
    busy: NDArray[np.bool_]
    peak_weekday: Ints
    peak_weekday_share: NDArray[np.float64]
    peak_hours: Ints  # shape (n_places, 2)
    months: int

    def reason(self, place: int, noun: str = "people") -> str:
        """Why ``place`` is busy, in data terms ("" when it is not)."""
        place = check.integer(place, "place", high=self.busy.size)
        check.instance(noun, str, "noun")
        if not self.busy[place]:
            return ""
        count = int(self.people[place])
        # The median place is "a typical place"; a median of 28.5 people is "about 29".
        typical = int(self.baseline + 0.5)
        about = "" if typical == self.baseline else "about "
        words = (
            f"{count} different {noun} were involved in incidents here in the last "
            f"{self.months} months, "
        )
        if typical == 0:
            # Most places' incidents name nobody (a median is a whole number or a half, so 0
            # here is 0): not "60 times as many as at a typical place ..., which had 0".
            words += f"where a typical place in the borough had no {noun} named"
        else:
            ratio = count / self.baseline
            words += (
                f"{_times(ratio)} as many as at a typical place in the borough, which had "
                f"{about}{typical}"
            )
        return words + self.times_phrase(place)

    def times_phrase(self, place: int) -> str:
        """ "; most incidents here are on Saturdays, 11:00-16:00", or "" with no pattern."""
        place = check.integer(place, "place", high=self.busy.size)
        parts = []
        weekday = int(self.peak_weekday[place])
        if weekday >= 0:
            share = round(100 * float(self.peak_weekday_share[place]))
            parts.append(f"{share}% of incidents here are on {_WEEKDAYS[weekday]}")
        lo, hi = (int(h) for h in self.peak_hours[place])
        if lo >= 0:
            span = f"{lo:02d}:00 and {hi % 24:02d}:00"
            parts.append(f"three in four incidents here with a time recorded are between {span}")
        return "".join(f"; {p}" for p in parts)


def _times(ratio: float) -> str:
    """ "about 7 times" (a whole number from 2 up, where a tenth more says nothing), "1.5
    times" below."""
    if ratio >= 2:
        whole = int(ratio + 0.5)
        return f"{whole} times" if whole == ratio else f"about {whole} times"
    return f"{ratio:.1f} times".replace(".0 ", " ")


def busy_places(
    *,
    n_places: int,
    incident_place: ArrayLike,
    incident_day: ArrayLike,
    incident_hour: ArrayLike,
    involved_person: ArrayLike,
    involved_incident: ArrayLike,
    today: int,
    months: int = 12,
    factor: float = 3.0,
    min_people: int = 10,
) -> BusyPlaces:
    """Find the busy places among ``n_places`` from the incidents of the last ``months``.

    ``incident_place`` (a place index, or -1 for none), ``incident_day`` (days since
    1970-01-01) and ``incident_hour`` (0-23, or -1 when the time is not known) describe each
    incident; ``involved_person[k]`` was involved in ``involved_incident[k]`` (repeats count
    once). Incidents after ``today`` or before the period are left out. A place is busy when
    its different people number at least ``min_people`` and at least ``factor`` times the
    median place's. People may be any non-negative int64 ids (a database's, say), not only
    indices. O(I log I) for I involvements.
    """
    n_places = check.integer(
        n_places, "n_places", high=_PLACE_LIMIT, meaning="a number of places below 2**31"
    )
    day = check.days(incident_day, "incident_day").astype(np.int64)
    k = int(day.size)
    place = check.integers(
        incident_place, "incident_place", low=-1, high=n_places, length=k
    ).astype(np.int64)
    hour = check.integers(
        incident_hour, "incident_hour", low=-1, high=24, length=k, meaning="0-23, or -1"
    ).astype(np.int64)
    person = check.integers(
        involved_person, "involved_person", high=2**63, meaning="a person id from 0 to 2**63 - 1"
    ).astype(np.int64)
    incident = check.integers(
        involved_incident, "involved_incident", high=k, length=person.size
    ).astype(np.int64)
    today = check.day(today, "today")
    months = check.integer(months, "months", low=1, high=1200)
    factor = check.number(factor, "factor", low=1.0)
    min_people = check.integer(min_people, "min_people", low=1)

    since = today - round(months * 365 / 12)
    counted = (place >= 0) & (day > since) & (day <= today)
    incidents = np.bincount(place[counted], minlength=n_places).astype(np.int64)

    # Different people per place: unique (place, person) pairs among counted incidents.
    kept = counted[incident]
    pair_place, pair_person = place[incident[kept]], person[kept]
    if pair_place.size:
        # People numbered 0.. among those counted before the (place, person) key is made: an
        # id as large as int64 allows, times a place, would overflow it and count the person
        # at another place.
        _, who = np.unique(pair_person, return_inverse=True)
        width = int(who.max()) + 1
        pairs = np.unique(pair_place * width + who)
        people = np.bincount(pairs // width, minlength=n_places).astype(np.int64)
    else:
        people = np.zeros(n_places, dtype=np.int64)

    active = people[incidents > 0]
    baseline = float(np.median(active)) if active.size else 0.0
    busy = (people >= min_people) & (people >= factor * baseline)

    weekday, share = _peak_weekday(place[counted], day[counted], n_places)
    peak_hours = _peak_hours(place[counted], hour[counted], n_places)
    return BusyPlaces(
        people=people,
        incidents=incidents,
        baseline=baseline,
        busy=busy,
        peak_weekday=weekday,
        peak_weekday_share=share,
        peak_hours=peak_hours,
        months=months,
    )


def _peak_weekday(place: Ints, day: Ints, n_places: int) -> tuple[Ints, NDArray[np.float64]]:
    """Per place, the weekday with at least half its incidents (-1: none) and that share."""
    weekday = (day + _WEEKDAY_OFFSET) % 7
    counts = np.zeros((n_places, 7), dtype=np.int64)
    np.add.at(counts, (place, weekday), 1)
    total = counts.sum(axis=1)
    top = counts.argmax(axis=1)
    share = np.divide(
        counts.max(axis=1), total, out=np.zeros(n_places, dtype=np.float64), where=total > 0
    )
    # A pattern needs a few incidents: two of three on a Saturday is chance.
    found = (share >= _WEEKDAY_SHARE) & (total >= 5)
    return np.where(found, top, -1).astype(np.int64), share


def _peak_hours(place: Ints, hour: Ints, n_places: int) -> Ints:
    """Per place, ``[from, to)``: the first run of at most ``_CONCENTRATED_HOURS`` hours
    (wrapping past midnight) holding three in four of its timed incidents; -1s when none."""
    timed = hour >= 0
    counts = np.zeros((n_places, 24), dtype=np.int64)
    np.add.at(counts, (place[timed], hour[timed]), 1)
    total = counts.sum(axis=1)
    out = np.full((n_places, 2), -1, dtype=np.int64)
    sums = np.cumsum(np.concatenate([counts, counts], axis=1), axis=1)
    for width in range(1, _CONCENTRATED_HOURS + 1):
        # Incidents in each run of ``width`` hours starting at 0..23.
        runs = sums[:, width - 1 : width + 23] - np.concatenate(
            [np.zeros((n_places, 1), dtype=np.int64), sums[:, :23]], axis=1
        )
        hit = (runs >= _CONCENTRATED_SHARE * total[:, None]) & (total[:, None] >= 5)
        fresh = hit.any(axis=1) & (out[:, 0] < 0)
        start = hit.argmax(axis=1)
        out[fresh, 0] = start[fresh]
        out[fresh, 1] = start[fresh] + width
    return out
