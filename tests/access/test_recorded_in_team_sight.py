"""An agency is involved with a person it recorded: one first recorded in one of its teams.
The team is the one the recorder was in when they recorded the person, kept on the record
(``Person.recorded_in_team``), not the team they are in now. A youth justice worker who
recorded a child and is later moved (in the admin) to the police takes none of the child
with them: the police's agency-wide staff (the analyst), who never had any part in the
child's case, still do not see the child, nor a peer group the worker recorded. What the
worker records once in the police is the police's, as before.

Sight does not follow a worker's move, as a meeting's or a panel's invitees keep the team
they were in when invited."""

from __future__ import annotations

import pytest

from locus.access import scopes
from locus.peers.services import group_create
from locus.people.services import allocation_create
from tests.factories import START, World, client_for, make_person, move_worker

pytestmark = pytest.mark.django_db


def test_a_recorder_moved_to_the_police_takes_none_of_their_children_to_the_police(
    world: World,
) -> None:
    recorder = world.yjs_worker
    child = make_person(recorder, given_name="Rhys", family_name="Recordedbyyjs")
    allocation_create(actor=world.system, person=child, worker=recorder, start=START)
    analyst = world.police_analyst
    assert not scopes.people_visible_to(analyst).filter(pk=child.pk).exists()  # before

    move_worker(recorder, world.police_team)  # as the admin site does

    assert not scopes.people_visible_to(analyst).filter(pk=child.pk).exists()
    assert client_for(analyst).get(f"/people/{child.pk}/").status_code == 404


def test_a_recorder_moved_to_the_police_takes_none_of_their_peer_groups_to_the_police(
    world: World,
) -> None:
    recorder = world.yjs_worker
    group = group_create(actor=recorder, name="Recorded in youth justice")
    analyst = world.police_analyst
    assert not scopes.groups_visible_to(analyst).filter(pk=group.pk).exists()  # before

    move_worker(recorder, world.police_team)

    assert not scopes.groups_visible_to(analyst).filter(pk=group.pk).exists()


def test_what_a_moved_recorder_records_in_their_new_agency_is_that_agencys(world: World) -> None:
    recorder = world.yjs_worker
    move_worker(recorder, world.police_team)

    child = make_person(recorder, given_name="Rowan", family_name="Recordedbypolice")
    group = group_create(actor=recorder, name="Recorded in the police")

    assert child.recorded_in_team_id == world.police_team.pk
    analyst = world.police_analyst
    assert scopes.people_visible_to(analyst).filter(pk=child.pk).exists()
    assert scopes.groups_visible_to(analyst).filter(pk=group.pk).exists()
