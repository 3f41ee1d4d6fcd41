"""The one caseload read (people.selectors.caseload_for): the viewer's, a colleague's or the
team's open allocations, always within what the viewer may see."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.common.services import today
from locus.people.models import Allocation, Person
from locus.people.selectors import caseload_for
from locus.people.services import allocation_create, allocation_end
from tests.factories import START, World, make_person

pytestmark = pytest.mark.django_db


def _names(people: Iterable[Person]) -> list[str]:
    return [p.family_name for p in people]


def test_a_worker_s_caseload_is_their_open_allocations_by_name(world: World) -> None:
    sw = world.social_worker
    extra = make_person(world.system, given_name="Amy", family_name="Abbott")
    allocation_create(actor=world.system, person=extra, worker=sw, start=START)
    assert _names(caseload_for(viewer=sw)) == ["Abbott", "Cscchild"]


def test_an_allocation_ended_today_leaves_the_caseload_at_once(world: World) -> None:
    held = Allocation.objects.get(person=world.csc_child, worker=world.social_worker)
    allocation_end(actor=world.team_manager, allocation=held, end=today(), reason="The case closed")
    assert _names(caseload_for(viewer=world.social_worker)) == []


def test_the_team_caseload_is_everyone_the_team_holds(world: World) -> None:
    assert _names(caseload_for(viewer=world.team_manager, team=True)) == [
        "Cscchild",
        "Teamchild",
    ]
    assert _names(caseload_for(viewer=world.team_manager)) == []


def test_a_worker_outside_any_team_has_no_team_caseload(world: World) -> None:
    assert _names(caseload_for(viewer=world.admin, team=True)) == []


def test_a_colleague_s_caseload_shows_only_whom_the_viewer_may_see(world: World) -> None:
    # The team manager sees their team's children; the other team's are not theirs to list.
    assert _names(caseload_for(viewer=world.team_manager, holder=world.teammate)) == ["Teamchild"]
    assert _names(caseload_for(viewer=world.team_manager, holder=world.other_social_worker)) == []
    assert _names(caseload_for(viewer=world.police_analyst, holder=world.social_worker)) == []
    assert _names(caseload_for(viewer=world.auditor, holder=world.social_worker)) == []


def test_open_statuses_come_in_a_second_query_and_only_when_asked(world: World) -> None:
    sw = world.social_worker
    with CaptureQueriesContext(connection) as ids_only:
        ids = list(caseload_for(viewer=sw, statuses=False).values_list("id", flat=True))
    assert ids == [world.csc_child.pk]
    assert len(ids_only.captured_queries) == 1
    with CaptureQueriesContext(connection) as with_statuses:
        (child,) = caseload_for(viewer=sw)
        assert [e.status for e in child.open_episodes] == ["CIN"]
    assert len(with_statuses.captured_queries) == 2
