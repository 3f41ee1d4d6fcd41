"""A list's queries do not grow with the rows it returns (as the pages' counts are pinned)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.incidents.models import InvolvementRole
from locus.people.services import allocation_create
from tests.api.conftest import ApiClient, api_as
from tests.factories import START, World, make_association, make_incident, make_person
from tests.frozen_clock import FrozenClock

pytestmark = pytest.mark.django_db

LISTS = ["/people", "/contexts", "/incidents", "/groups", "/context-cases", "/linked-cases"]


def queries(api: ApiClient, path: str, limit: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        api.ok(path, limit=limit)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["social_worker", "admin", "police_analyst"])
def test_a_longer_page_costs_no_more_queries(
    frozen_clock: FrozenClock, world: World, persona: str
) -> None:
    # The clock stopped: the token's read counts are per minute, and a new minute's first
    # read makes its count's row, a cost of the minute, not of the page.
    system = world.system
    for i in range(8):
        child = make_person(system, given_name=f"Many{i}", family_name="Rows", home=world.home)
        allocation_create(actor=system, person=child, worker=world.social_worker, start=START)
        make_association(system, person=world.csc_child, other=child)
        make_incident(
            system,
            context=world.park,
            reporting_agency=world.police,
            involvements=[(child, InvolvementRole.HARMED), (world.adult, InvolvementRole.HARMING)],
        )
    api = api_as(world.persona(persona))
    child = world.csc_child.pk
    for path in [*LISTS, f"/people/{child}/associations"]:
        if persona != "social_worker" and "associations" in path:
            continue
        # Once first: the token's first use is stamped, and linked cases' evidence is loaded
        # ahead by its task; neither is a cost of the page.
        api.ok(path)
        assert queries(api, path, 4) == queries(api, path, 50), path
