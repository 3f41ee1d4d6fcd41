"""A worker's cases are reallocated before they move team.

Was: the admin site moved a worker holding open allocations to another team (perhaps another
agency) and they kept every child: holding them from a team that did not, and changing their
details (``policies.can_edit_person``) from there. Now the move is refused, saying how many
children and who reallocates them (a manager of the old team, on each child's page); a worker
with no cases moves as before, waiting for their new team's manager to confirm it."""

from __future__ import annotations

from django.test import Client

from locus.access.episodes import can_open_episode
from locus.access.models import Worker
from locus.access.policies import can_edit_person
from locus.access.services import worker_access_ask, worker_access_confirm
from locus.common.services import today
from locus.people.models import Allocation
from locus.people.services import allocation_create
from tests.access.test_admin import _change_form
from tests.factories import (
    World,
    client_for,
    end_cases,
    make_manager,
    move_worker,
    nothing_written,
)

HELD_IN_A = "social_worker still holds the cases of 1 child in Contextual Safeguarding Team A."


def _move(admin: Client, worker: Worker, team_id: int) -> str:
    """Post the admin site's change of ``worker``'s team; the page drawn again, or ""."""
    url = f"/admin/access/worker/{worker.pk}/change/"
    page = admin.post(url, _change_form(worker, team=str(team_id)))
    return "" if page.status_code == 302 else page.content.decode()


def _fresh(worker: Worker) -> Worker:
    return Worker.objects.get(pk=worker.pk)


def test_a_worker_holding_cases_is_not_moved_until_their_old_team_reallocates_them(
    world: World,
) -> None:
    admin = client_for(world.admin)
    with nothing_written(Worker):
        page = _move(admin, world.social_worker, world.csc_team_b.pk)
    assert HELD_IN_A in page
    assert "a manager of that team transfers each case or ends the allocation" in page
    assert _fresh(world.social_worker).team == world.csc_team_a
    assert can_edit_person(_fresh(world.social_worker), world.csc_child)
    # The old team's manager ends it (or transfers it); then the move goes through as before.
    end_cases(world.social_worker, world.team_manager)
    assert _move(admin, world.social_worker, world.csc_team_b.pk) == ""
    moved = _fresh(world.social_worker)
    assert moved.team == world.csc_team_b and moved.access_awaiting_since is not None
    worker_access_confirm(actor=make_manager(world.admin, team=world.csc_team_b), worker=moved)
    assert not can_edit_person(_fresh(moved), world.csc_child)


def test_a_worker_with_no_cases_moves_as_before(world: World) -> None:
    assert not Allocation.objects.current().filter(worker=world.team_manager).exists()
    assert _move(client_for(world.admin), world.team_manager, world.csc_team_b.pk) == ""
    assert _fresh(world.team_manager).team == world.csc_team_b


def test_cases_held_in_every_team_left_are_counted(world: World) -> None:
    """A worker moved before moves were refused, still holding cases in two teams they left."""
    move_worker(world.social_worker, world.csc_team_b)
    allocation_create(
        actor=world.admin, person=world.other_child, worker=world.social_worker, start=today()
    )
    move_worker(world.social_worker, world.yjs_team)
    page = _move(client_for(world.admin), world.social_worker, world.police_team.pk)
    assert "1 child in Assessment Team B and 1 child in Contextual Safeguarding Team A" in page
    assert "a manager of each of those teams" in page


def test_a_move_waiting_with_the_old_team_s_cases_is_not_confirmed_until_they_are_reallocated(
    world: World,
) -> None:
    """A move made before moves were refused, still waiting for the new team's manager: its
    confirmation is refused the same way, in the manager's own page."""
    move_worker(world.social_worker, world.csc_team_b)
    worker_access_ask(actor=world.admin, worker=world.social_worker)
    b_manager = make_manager(world.admin, team=world.csc_team_b)
    with nothing_written(Worker):
        page = client_for(b_manager).post(
            f"/account/access/{world.social_worker.pk}/", {"decision": "confirm"}
        )
    assert page.status_code == 200 and HELD_IN_A in page.content.decode()
    assert "Then confirm their access." in page.content.decode()
    assert _fresh(world.social_worker).access_awaiting_since is not None
    end_cases(world.social_worker, world.team_manager)
    worker_access_confirm(actor=b_manager, worker=_fresh(world.social_worker))
    assert _fresh(world.social_worker).access_awaiting_since is None


def test_a_worker_moved_with_their_cases_changes_none_of_them_from_the_new_team(
    world: World,
) -> None:
    """A move made before moves were refused (or straight in the database) left the worker
    holding the old team's children: only an allocation in the team they are in now lets
    them change a child's details, or open a legal-status episode for them."""
    assert can_edit_person(world.social_worker, world.csc_child)
    move_worker(world.social_worker, world.csc_team_b)
    moved = _fresh(world.social_worker)
    assert Allocation.objects.current().filter(worker=moved, person=world.csc_child).exists()
    assert not can_edit_person(moved, world.csc_child)
    assert not can_open_episode(moved, world.csc_child)
    # The old team's manager still holds the case and changes the child's details.
    assert can_edit_person(world.team_manager, world.csc_child)
