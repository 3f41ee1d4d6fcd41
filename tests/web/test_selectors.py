"""Selectors answer in a pinned number of queries, whatever the data holds.

A number here changing is a decision: a selector that starts querying per row
shows up as a count that grows with ``grow``; one that gains a fixed query
shows up here, to be accepted on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.incidents.selectors import incidents_for, involvement_views
from locus.peers.selectors import group_detail
from locus.people.selectors import PeopleFilter, caseload_for, people_list, person_detail
from locus.places.selectors import context_detail, contexts_list, with_incident_counts
from locus.places.timeline import timeline_for
from tests.factories import World
from tests.web.test_views import grow

pytestmark = pytest.mark.django_db


def _incidents(w: World) -> Any:
    rows = list(incidents_for(viewer=w.social_worker)[:50])
    return involvement_views(viewer=w.social_worker, incidents=rows)


SELECTORS: dict[str, tuple[int, Callable[[World], Any]]] = {
    "caseload_for": (2, lambda w: list(caseload_for(viewer=w.social_worker))),
    "people_list": (
        3,
        lambda w: list(people_list(viewer=w.social_worker, filters=PeopleFilter())[:50]),
    ),
    "people_list filtered": (
        3,
        lambda w: list(
            people_list(
                viewer=w.social_worker,
                filters=PeopleFilter(q="Grow", status="CIN", age_from=10, age_to=18, mine=True),
            )[:50]
        ),
    ),
    # One more than before the field table: which of the person's fields the viewer sees
    # in their own right (access.fields).
    "person_detail": (10, lambda w: person_detail(viewer=w.social_worker, person=w.csc_child)),
    "contexts_list with counts": (
        2,
        lambda w: with_incident_counts(
            viewer=w.social_worker, contexts=list(contexts_list(viewer=w.social_worker)[:50])
        ),
    ),
    # The place's incidents moved to its timeline (below): three queries fewer here.
    "context_detail": (4, lambda w: context_detail(viewer=w.social_worker, context=w.park)),
    # Incidents, cases (their ratings from the same read), and the visits to the place (safety
    # ratings need no read for a worker who may not see the area picture).
    "context timeline": (3, lambda w: timeline_for(w.social_worker, w.park)),
    # One more than before the field table: which members the viewer sees in their own right.
    "group_detail": (10, lambda w: group_detail(viewer=w.social_worker, group=w.group)),
    # One more than before homes were withheld from a role without the home address: which
    # of the homes the incidents happened at the viewer sees (no query when none is a home).
    "incidents with involvements": (4, _incidents),
}


@pytest.mark.parametrize("name", sorted(SELECTORS))
def test_selector_query_count_is_pinned(world: World, name: str) -> None:
    expected, call = SELECTORS[name]
    grow(world, 1)
    for n in (1, 5):
        if n == 5:
            grow(world, 4, start=1)
        with CaptureQueriesContext(connection) as ctx:
            call(world)
        assert len(ctx.captured_queries) == expected, (
            f"{name} with {n} grown children: "
            f"{len(ctx.captured_queries)} queries, pinned {expected}"
        )
