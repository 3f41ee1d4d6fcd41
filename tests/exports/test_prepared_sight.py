"""A prepared file is taken away only with the sight it was made with (docs/exports.md, "Sight
at the time it is downloaded"). Workers depend on a file of homes, groups, cases or incidents
not outliving their sight of them, and on a people list not giving a field they no longer
see: a move of team, a change of role, or a child's case going to another team withdraws the
file, and My exports says so.

(Review 28c: the check counted only the people a file named, with a forum share as sight: a
contexts list names nobody, and a people list made in a worker's own right still downloaded
after a move left them a forum's share of the child.)"""

from __future__ import annotations

from typing import Any

import pytest

from locus.access.fields import is_shared_only
from locus.access.models import Scope
from locus.common.models import JobState
from locus.exports import services
from locus.exports.models import ExportRun
from locus.people import selectors as people
from locus.people.models import Allocation
from locus.places.models import Context
from tests.exports.conftest import read_csv
from tests.factories import World, client_for, make_worker
from tests.mapping import helpers as mapping
from tests.sharing.helpers import WHY

pytestmark = pytest.mark.django_db


def _prepared(actor: Any, key: str, query: dict[str, str], why: Any = None) -> ExportRun:
    run = services.export_list(why=why, actor=actor, key=key, query=query, fmt="csv", limit=0)
    assert isinstance(run, ExportRun) and run.state == JobState.DONE
    return run


def _moved(worker: Any, **change: Any) -> Any:
    type(worker).objects.filter(pk=worker.pk).update(**change)
    return type(worker).objects.get(pk=worker.pk)


def _body(response: Any) -> str:
    return b"".join(response.streaming_content).decode() if response.status_code == 200 else ""


def test_a_prepared_contexts_list_does_not_outlive_the_sight_of_its_homes(world: World) -> None:
    home = world.home  # csc_child's home: the teammate's team holds her case
    Context.objects.filter(pk=home.pk).update(address_withheld=True, postcode="E8 3PB")
    teammate = world.teammate
    page = client_for(teammate).get("/contexts/?kind=home").content.decode()
    assert home.name in page and "E8 3PB" in page  # the holding team sees where it is
    run = _prepared(teammate, "contexts", {"kind": "home"})
    url = f"/exports/runs/{run.pk}/download/"
    assert "E8 3PB" in _body(client_for(teammate).get(url))  # theirs while nothing changed

    moved = _moved(teammate, team=world.csc_team_b)
    # After the move the home is out of their sight altogether: not listed, its page 404.
    assert home.name not in client_for(moved).get("/contexts/?kind=home").content.decode()
    assert client_for(moved).get(f"/contexts/{home.pk}/").status_code == 404
    # ... and so is the file made with the old team's sight, home and postcode.
    response = client_for(moved).get(url)
    assert response.status_code == 404, _body(response)
    assert "No longer yours to download" in client_for(moved).get("/exports/").content.decode()


def test_a_prepared_contexts_list_is_withdrawn_when_its_home_goes_out_of_sight(
    world: World,
) -> None:
    """The worker did not move: the child whose home it is went to another team's caseload.
    The home is out of their sight, so the file holding it is too."""
    teammate = world.teammate
    run = _prepared(teammate, "contexts", {"kind": "home"})
    assert str(world.home.pk) in run.row_keys
    url = f"/exports/runs/{run.pk}/download/"
    Allocation.objects.filter(person=world.csc_child).update(
        worker=world.other_social_worker, team=world.csc_team_b
    )
    assert client_for(teammate).get(f"/contexts/{world.home.pk}/").status_code == 404
    assert client_for(teammate).get(url).status_code == 404
    assert "No longer yours to download" in client_for(teammate).get("/exports/").content.decode()


def test_a_prepared_people_list_gives_no_field_the_worker_no_longer_sees(world: World) -> None:
    child, teammate = world.csc_child, world.teammate
    meeting = mapping.schedule(world, mapping.propose(world, invitees=[teammate]))
    mapping.hold(world, meeting)  # the social worker shares the child: name, age, status
    dob = child.date_of_birth.isoformat()
    run = _prepared(teammate, "people", {}, why=WHY)
    assert child.pk in run.people_named
    moved = _moved(teammate, team=world.csc_team_b)
    # Now the child is seen only through the share: the page withholds the date of birth.
    (seen,) = people.with_fields(moved, [child])
    assert is_shared_only(people.visible_fields(seen))
    assert "date_of_birth" not in people.visible_fields(seen)
    page = client_for(moved).get(f"/people/{child.pk}/").content.decode()
    assert child.date_of_birth.strftime("%-d %B %Y") not in page and dob not in page
    # ... and the file made with the old sight, which gives it, no longer downloads.
    response = client_for(moved).get(f"/exports/runs/{run.pk}/download/")
    rows = read_csv(b"".join(response.streaming_content)) if response.status_code == 200 else []
    line = next((r for r in rows if r and r[0] == str(child.pk)), None)
    assert response.status_code == 404, line


def test_a_prepared_file_is_withdrawn_when_its_askers_role_changed(world: World) -> None:
    """A role shows its own fields: a file made with another role's does not leave."""
    run = _prepared(world.social_worker, "contexts", {})
    url = f"/exports/runs/{run.pk}/download/"
    moved = _moved(world.social_worker, role="manager")
    assert client_for(moved).get(url).status_code == 404


def test_a_file_from_before_its_sight_was_recorded_is_withdrawn(world: World) -> None:
    """Files made before the run recorded its asker's sight cannot be checked: withdrawn."""
    run = _prepared(world.social_worker, "contexts", {})
    ExportRun.objects.filter(pk=run.pk).update(made_with={})
    assert client_for(world.social_worker).get(f"/exports/runs/{run.pk}/download/").status_code == (
        404
    )


def _shared_with_teammate(world: World) -> None:
    meeting = mapping.schedule(world, mapping.propose(world, invitees=[world.teammate]))
    mapping.hold(world, meeting)  # the social worker shares csc_child: name, age, status


def test_a_people_list_made_with_a_forum_share_leaves_the_shared_child_out(
    world: World,
) -> None:
    """A child the worker sees only through a share is on the people page while the share
    lasts, not in the file, which would keep them after the meeting closes (it was written as
    the share shows them before): the file names the others and downloads."""
    other = world.other_social_worker  # another team: csc_child only through the share
    meeting = mapping.schedule(world, mapping.propose(world, invitees=[other]))
    mapping.hold(world, meeting)
    run = _prepared(other, "people", {}, why=WHY)
    assert world.csc_child.pk not in run.people_named and not run.people_shared
    assert world.other_child.pk in run.people_named
    assert client_for(other).get(f"/exports/runs/{run.pk}/download/").status_code == 200


def test_a_people_list_made_in_own_right_is_withdrawn_when_only_a_share_is_left(
    world: World,
) -> None:
    """The worker did not move: the child's case went to another team, and a forum share is
    all the worker has left of her. The file gave her date of birth; it no longer downloads."""
    _shared_with_teammate(world)
    run = _prepared(world.teammate, "people", {}, why=WHY)
    assert world.csc_child.pk in run.people_named and world.csc_child.pk not in run.people_shared
    Allocation.objects.filter(person=world.csc_child).update(
        worker=world.other_social_worker, team=world.csc_team_b
    )
    url = f"/exports/runs/{run.pk}/download/"
    assert client_for(world.teammate).get(url).status_code == 404


def test_a_withheld_address_in_a_file_is_taken_only_while_the_worker_may_see_it(
    world: World,
) -> None:
    """Agency-wide sight shows the home to both workers; its withheld address only to the
    holding team's. The other's file says "Withheld" and stays theirs; the holding team's
    gave the postcode, and is withdrawn once the child's case (and the address) leaves the
    team, though the home is still in their sight."""
    Context.objects.filter(pk=world.home.pk).update(address_withheld=True, postcode="E8 3PB")
    holding = make_worker(world.system, team=world.csc_team_a, scope=Scope.AGENCY)
    other = make_worker(world.system, team=world.csc_team_b, scope=Scope.AGENCY)
    runs = {w: _prepared(w, "contexts", {"kind": "home"}) for w in (holding, other)}
    assert runs[holding].addresses_shown == [world.home.pk] and runs[other].addresses_shown == []
    Allocation.objects.filter(person=world.csc_child).update(
        worker=world.other_social_worker, team=world.csc_team_b
    )
    assert "E8 3PB" not in client_for(holding).get(f"/contexts/{world.home.pk}/").content.decode()
    assert client_for(holding).get(f"/exports/runs/{runs[holding].pk}/download/").status_code == 404
    assert client_for(other).get(f"/exports/runs/{runs[other].pk}/download/").status_code == 200
