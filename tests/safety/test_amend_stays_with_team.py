"""A mark on a safety map is amended by its recorder or a manager of the team the recorder
was in when they marked it (``MarkedPlace.recorded_in_team``), not the team they are in
now. Move the recorder to another team and the manager of the team they marked it in keeps
amending it, while the new team's manager, though she holds the child herself and records
on their map, may not rewrite what the child said to another team's worker."""

from __future__ import annotations

import pytest

from locus.access import safety as rules
from locus.common.errors import NotPermitted
from locus.people.services import allocation_create
from locus.safety.services import mark_amend
from tests.factories import START, World, client_for, make_manager, move_worker
from tests.profiles.pages import url
from tests.safety.helpers import mark, session

pytestmark = pytest.mark.django_db


def test_a_mark_stays_with_the_team_it_was_recorded_in(world: World) -> None:
    child = world.csc_child
    s = session(world.social_worker, child)
    m = mark(world.social_worker, s)
    assert m.recorded_in_team_id == world.csc_team_a.pk
    new_manager = make_manager(world.system, team=world.csc_team_b)
    allocation_create(actor=world.system, person=child, worker=new_manager, start=START)
    assert rules.can_record_safety(new_manager, child)
    assert not rules.can_amend_mark(new_manager, m)  # before: not her team's

    move_worker(world.social_worker, world.csc_team_b)  # as the admin site does
    m.refresh_from_db()

    assert not rules.can_amend_mark(new_manager, m)
    with pytest.raises(NotPermitted):
        mark_amend(actor=new_manager, mark=m, reason="Not ours", rating="green")
    amend = url("person-safety-amend", child.pk, m.pk)
    page = client_for(new_manager).get(url("person-safety-session", child.pk, s.pk))
    assert amend not in page.content.decode()
    assert client_for(new_manager).get(amend).status_code == 404
    assert rules.can_amend_mark(world.team_manager, m)
    page = client_for(world.team_manager).get(url("person-safety-session", child.pk, s.pk))
    assert amend in page.content.decode()
    mark_amend(actor=world.team_manager, mark=m, reason="She said amber", rating="amber")
