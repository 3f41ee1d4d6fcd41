"""A dispute waiting for a manager's decision is on their list of work, with its deadline (a
month from receipt): the ones they may decide, linked to the person's accuracy page; and, for
a manager in children's social care, a dispute of an imported child nobody holds whom they
do not see, without the child, so the month does not run out unnoticed."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.access.models import Role, Scope, Worker
from locus.casework.selectors import WorkItem, my_work
from locus.rectification.models import About
from tests.factories import World, make_person, make_worker
from tests.rectification.test_deciding_agency import manager, raised

DECIDE = "Decide a dispute of accuracy"
NOT_SEEN = "A dispute of accuracy about a child not shared with you"


def _disputes(worker: Worker) -> list[WorkItem]:
    return [i for i in my_work(viewer=worker) if i.shown and i.shown[0] == "disputes_shown"]


def test_a_dispute_a_manager_may_decide_is_on_their_work_list(world: World) -> None:
    police = manager(world, world.police_team, "police_recorder", Scope.AGENCY)
    d = raised(world, world.police_child, About.RECORD, by=police)
    csc_manager = manager(world, world.csc_team_b, "csc_all_manager", Scope.ALL)
    [item] = _disputes(csc_manager)
    assert (item.what, item.shown) == (DECIDE, ("disputes_shown", d.pk))
    assert item.url.endswith(f"/people/{world.police_child.pk}/accuracy/")
    received = d.received_on
    assert item.due_on > received and item.due_on - received <= dt.timedelta(days=31)
    # Not the police manager's to decide; not the recorder's.
    assert _disputes(manager(world, world.police_team, "police_manager", Scope.AGENCY)) == []
    assert _disputes(police) == []


def test_a_csc_manager_who_cannot_see_the_imported_child_is_told_without_the_child(
    world: World,
) -> None:
    police = manager(world, world.police_team, "police_recorder", Scope.AGENCY)
    d = raised(world, world.police_child, About.RECORD, by=police)
    [item] = _disputes(world.team_manager)  # team scope: does not see police_child
    assert (item.what, item.url, item.shown) == (NOT_SEEN, "", ("disputes_shown", d.pk))
    assert "Policechild" not in f"{item.subject} {item.who} {item.note}"
    assert str(police) not in item.who


def test_a_held_childs_dispute_is_listed_only_in_the_holding_agency(world: World) -> None:
    d = raised(world, world.csc_child, About.RECORD, by=world.social_worker)
    [item] = _disputes(world.team_manager)
    assert (item.what, item.shown) == (DECIDE, ("disputes_shown", d.pk))
    assert _disputes(manager(world, world.yjs_team, "yjs_manager", Scope.AGENCY)) == []


def test_the_work_list_costs_the_same_queries_however_many_disputes_are_open(
    world: World,
) -> None:
    """Every manager's home page and My work read it: it must not grow with the borough's
    open disputes (it asked a few queries for each child with one), whether of a whole
    record or of a detail, and whether the manager sees the child or not."""
    recorder = make_worker(
        world.system, team=world.csc_team_a, role=Role.PRACTITIONER, scope=Scope.ALL
    )
    boss = manager(world, world.csc_team_b, "csc_all_manager", Scope.ALL)
    counts: dict[str, list[tuple[int, int]]] = {"boss": [], "team": []}
    for _ in range(4):
        child = make_person(world.system)
        raised(world, child, About.RECORD, by=recorder)
        raised(world, child, About.FIELD, "date_of_birth", by=recorder)
        for name, who in (("boss", boss), ("team", world.team_manager)):
            with CaptureQueriesContext(connection) as queries:
                listed = _disputes(who)
            counts[name].append((len(listed), len(queries)))
    # The imported children: the all-seeing manager decides them; the team's, who does not
    # see them, is told of each without the child.
    assert [n for n, _ in counts["boss"]] == [2, 4, 6, 8]
    assert [n for n, _ in counts["team"]] == [2, 4, 6, 8]
    for name, seen in counts.items():
        assert len({q for _, q in seen}) == 1, (name, seen)
