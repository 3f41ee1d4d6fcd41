"""The open requests whose answerer moved on go on to the next manager (the home page counts
them on every load): finding them costs the same few queries however many there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.access.models import Role
from locus.common import clock
from locus.people.models import IdentifierQuery, QueryKind
from locus.people.selectors import identifier_query_count
from tests.factories import World, make_worker

pytestmark = pytest.mark.django_db


def _queries_for_count(world: World, n: int) -> int:
    routed = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="m2")
    for i in range(n):
        IdentifierQuery.objects.create(
            kind=QueryKind.IDENTIFIER,
            requested_by=world.social_worker,
            requested_at=clock.now(),
            person=world.csc_child,
            field="upn",
            value=f"X{i}",
            conflicting=world.team_child,
            routed_to=routed,
        )
    routed.role = Role.PRACTITIONER  # moved on: the requests go on to the team's manager
    routed.save(update_fields=["role"])
    with CaptureQueriesContext(connection) as seen:
        assert identifier_query_count(viewer=world.team_manager) == n
    return len(seen.captured_queries)


def test_the_home_pages_count_does_not_grow_with_the_requests(world: World) -> None:
    assert _queries_for_count(world, 20) <= 5, "queries grow with the number of requests"
