"""A missing episode recorded with no place (docs/recording.md) puts nobody at the same place:
it gives no co-presence, and two children named in it still share it as an incident."""

from __future__ import annotations

import pytest

from locus.analysis.linked import link_table
from locus.incidents.models import IncidentKind, InvolvementRole
from locus.linked.evidence import load_around, load_borough
from locus.linked.selectors import linked_cases
from tests.factories import World, make_incident
from tests.linked.test_place_rules import at, linked_to_csc_child

pytestmark = pytest.mark.django_db

MISSING = InvolvementRole.MISSING


def _missing(world: World, people, days_ago: int):  # type: ignore[no-untyped-def]
    return make_incident(
        world.system,
        context=None,
        kind=IncidentKind.MISSING,
        involvements=people,
        reporting_agency=world.police,
        occurred_at=at(days_ago),
    )


def test_two_children_missing_the_same_day_with_no_place_are_not_linked(world: World) -> None:
    _missing(world, [(world.csc_child, MISSING)], 40)
    _missing(world, [(world.yjs_child, MISSING)], 40)
    # And one at a real place the same day: the placeless episodes are near nothing.
    make_incident(
        world.system,
        context=world.shopping_centre,
        involvements=[(world.yjs_child, InvolvementRole.HARMED)],
        reporting_agency=world.police,
        occurred_at=at(40),
    )
    assert linked_to_csc_child(world) == set()
    loaded = load_borough()
    table = link_table(
        loaded.evidence,
        loaded.person_index([world.csc_child.pk, world.yjs_child.pk]),
        window_days=30,
    )
    assert int(table.n_co_presence.sum()) == 0
    # Every placeless episode has a place index of its own, giving no co-presence.
    around = load_around([world.csc_child.pk], window_days=30)
    assert len(around.incident_ids) == 1
    assert around.place_window.tolist() == [-1]


def test_a_placeless_episode_two_children_share_links_them_as_a_shared_incident(
    world: World,
) -> None:
    _missing(world, [(world.csc_child, MISSING), (world.yjs_child, MISSING)], 20)
    found = linked_cases(
        viewer=world.social_worker,
        focus=[world.csc_child],
        exclude_holders=[world.social_worker.pk],
    )
    [case] = found.links
    assert case.other_id == world.yjs_child.pk
    assert any(
        "Both involved in 1 incident at a place not known" in r for r in case.evidence.reasons
    ), case.evidence.reasons
