"""A relationship between two children is ended or changed by a worker who sees both, its
recorder, or a manager of the team the recorder was in when they recorded it
(``Association.recorded_in_team``), not the team they are in now. Move the recorder to
another team and a manager of the team they recorded it in, who sees only one of the two,
keeps that, while the new team's manager, who sees only the other, may not undo what
another team recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.models import Role, Scope
from locus.access.policies import can_change_association, sees_lastingly
from locus.common.errors import NotPermitted
from locus.peers.services import association_end
from tests.factories import World, client_for, make_association, make_worker, move_worker

pytestmark = pytest.mark.django_db


def test_an_association_stays_with_the_team_it_was_recorded_in(world: World) -> None:
    # Managers who see only their own team's children, so that seeing both never decides.
    old_manager, new_manager = (
        make_worker(world.system, team=team, role=Role.MANAGER, scope=Scope.TEAM)
        for team in (world.csc_team_a, world.csc_team_b)
    )
    # A recorder who sees the whole agency, both children among them.
    recorder = make_worker(world.system, team=world.csc_team_a, scope=Scope.AGENCY)
    a = make_association(recorder, person=world.other_child, other=world.csc_child)
    assert a.recorded_in_team_id == world.csc_team_a.pk
    assert sees_lastingly(old_manager, world.csc_child)
    assert not sees_lastingly(old_manager, world.other_child)
    assert sees_lastingly(new_manager, world.other_child)
    assert not sees_lastingly(new_manager, world.csc_child)
    assert not can_change_association(new_manager, a)  # before: not her team's

    move_worker(recorder, world.csc_team_b)  # as the admin site does
    a.refresh_from_db()

    assert not can_change_association(new_manager, a)
    with pytest.raises(NotPermitted):
        association_end(actor=new_manager, association=a, valid_until=None, reason="Not ours")
    assert can_change_association(old_manager, a)
    ended = association_end(
        actor=old_manager, association=a, valid_until=a.valid_from, reason="Recorded in error"
    )
    assert ended.ended_by == old_manager


def test_provenance_names_the_agency_it_was_recorded_in(world: World) -> None:
    """A relationship's provenance line names the agency that recorded it, then: a recorder
    seconded to another agency does not rewrite who said so."""
    make_association(world.social_worker, person=world.csc_child)
    move_worker(world.social_worker, world.yjs_team)
    reader = client_for(world.team_manager)

    for name in ("person", "person-peers"):
        page = reader.get(reverse(name, args=[world.csc_child.pk])).content.decode()
        line = page.split("recorded by", 1)[1].split("</span>", 1)[0]
        assert "Children&#x27;s Social Care" in line, name
        assert "Youth Justice" not in line, name
