"""The rules of ``access/safety.py`` against one worker trying to get round them: an
emergency's sight, a case that has closed, a share, a place not theirs to name."""

from __future__ import annotations

import pytest

from locus.access import safety as rules
from locus.access.services import break_glass_request
from locus.common import clock
from locus.common.errors import NotPermitted
from locus.people.services import allocation_end
from locus.safety.models import MapSession, MarkedPlace
from locus.safety.selectors import (
    area_picture,
    area_ratings_for_context,
    history,
    place_choices,
)
from tests.access.test_matrix_break_glass import REASON
from tests.factories import World, client_for, make_context, nothing_written
from tests.profiles.pages import url
from tests.safety.helpers import mark, session

pytestmark = pytest.mark.django_db


def test_break_glass_reads_the_map_and_records_nothing(world: World) -> None:
    mark(world.social_worker, session(world.social_worker, world.csc_child))
    worker = world.other_social_worker
    client = client_for(worker)
    assert client.get(url("person-safety", world.csc_child.pk)).status_code == 404
    assert break_glass_request(
        actor=worker, person_id=world.csc_child.pk, category="missing_child", reason=REASON
    )
    assert client.get(url("person-safety", world.csc_child.pk)).status_code == 200
    assert not rules.can_record_safety(worker, world.csc_child)
    with nothing_written(MapSession), pytest.raises(NotPermitted):
        session(worker, world.csc_child)
    assert client.get(url("person-safety-session-add", world.csc_child.pk)).status_code == 404


def test_a_worker_whose_case_closed_no_longer_records_or_amends(world: World) -> None:
    m = mark(world.yjs_worker, session(world.yjs_worker, world.yjs_child))
    assert rules.can_amend_mark(world.yjs_worker, m)
    allocation_end(
        actor=world.admin,
        allocation=world.yjs_child.allocations.get(),
        end=clock.today(),
        reason="The case closed",
    )
    assert not rules.can_record_safety(world.yjs_worker, world.yjs_child)
    assert not rules.can_amend_mark(world.yjs_worker, m)


def test_the_places_offered_are_public_or_the_childs_own(world: World) -> None:
    other_home = make_context(world.system, kind="home", name="Flat 9, Other House")
    offered = place_choices(world.social_worker, world.csc_child)
    assert world.park in offered and world.home in offered
    assert other_home not in offered


def test_the_area_picture_of_a_place_the_viewer_may_not_see_is_empty(world: World) -> None:
    """A manager who may read the area picture still sees nothing of a home they do not see:
    the counts of a home are about a household."""
    s = session(world.social_worker, world.csc_child)
    mark(world.social_worker, s, context=world.home)
    assert not rules.area_contexts(world.police_analyst).filter(pk=world.home.pk).exists()
    assert area_ratings_for_context(world.police_analyst, world.home) == []


def test_a_home_or_a_group_is_never_counted_in_the_area_picture(world: World) -> None:
    """This test used to give a home's row to a manager who sees the home. A home's count is
    about a household, a group's about named children: one who sees a single resident would
    learn from "fewer than 5" that another, perhaps one they may not see, is in
    safety-mapping work. So neither is counted, for anyone; a public place still is."""
    s = session(world.social_worker, world.csc_child)
    mark(world.social_worker, s, context=world.home)
    mark(world.social_worker, s, context=world.group)
    mark(world.social_worker, s, context=world.park)
    for kind in (world.home, world.group):
        assert not rules.area_contexts(world.team_manager).filter(pk=kind.pk).exists()
        assert area_ratings_for_context(world.team_manager, kind) == []
    (row,) = area_ratings_for_context(world.team_manager, world.park)
    # and the words of a mark are never in a row of it, to anyone
    assert "Older boys" not in repr(row) and "Ciara" not in repr(row)
    assert [r.context_id for r in area_picture(world.team_manager)] == [world.park.pk]


def test_the_history_shows_a_described_place_in_the_childs_words(world: World) -> None:
    s = session(world.social_worker, world.csc_child)
    mark(world.social_worker, s, description="The alley behind the chicken shop", postcode="E8 1AB")
    (view,) = history(world.social_worker, world.csc_child).sessions
    assert [m.place for m in view.marks] == ["The alley behind the chicken shop (E8 1AB)"]
    assert MarkedPlace.objects.get().context is None
