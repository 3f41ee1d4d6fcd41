"""The permission matrix for places and homes: persona x action.

``world.home`` is csc_child's (held in Team A) and its housing provider is the
partner's agency. Actions: ``P`` add a place, ``V`` see the home (else 404), ``E`` edit
the park, ``W`` withhold the home's address, ``A`` see where the home is once its address
is withheld, ``M`` merge a duplicate park into the park. ``-`` refused: ``NotPermitted``
(404 on the pages) and nothing written. The rules are in ``access/places.py`` and
``access/RULES.md``; the partner is the home's housing provider and sees nothing of it.
"""

from __future__ import annotations

import pytest
from django.http import Http404

from locus.access import lookups
from locus.access import places as rules
from locus.access.services import team_create
from locus.common.errors import NotPermitted
from locus.places.models import Context, ContextMerge
from locus.places.services import context_create, context_merge, context_update
from tests.access.test_permission_matrix import PERSONAS
from tests.factories import World, make_context, make_worker, nothing_written

# fmt: off
#            sw      mate    mgr     osw     yjs     pol     dsl     ptn     aud     adm
PLACES_ROW = "PVEWA-  PVEWA-  PVEWAM  P-E---  P-----  P-----  P-----  P-----  ------  PVE--M"
# fmt: on
CELLS = PLACES_ROW.split()


@pytest.mark.parametrize(
    ("persona", "cell"), [pytest.param(p, c, id=p) for p, c in zip(PERSONAS, CELLS, strict=True)]
)
def test_places_matrix(world: World, persona: str, cell: str) -> None:
    worker = world.persona(persona)
    context_update(actor=world.social_worker, context=world.home, housing_provider=world.partner)
    duplicate = make_context(world.system, name="Millfields Park again")

    assert rules.can_add_place(worker) is ("P" in cell)
    if "P" in cell:
        made = context_create(actor=worker, kind="retail", name="Corner shop", postcode="E5 0AR")
        assert made.recorded_by == worker
    else:
        with nothing_written(Context), pytest.raises(NotPermitted):
            context_create(actor=worker, kind="retail", name="Corner shop")

    if "V" in cell:
        assert lookups.access_context(worker, world.home.pk) == world.home
    else:
        with pytest.raises(Http404):
            lookups.access_context(worker, world.home.pk)

    assert rules.can_edit_place(worker, world.park) is ("E" in cell)
    if "E" in cell:
        context_update(actor=worker, context=world.park, description="Floodlit")
    else:
        with nothing_written(Context), pytest.raises(NotPermitted):
            context_update(actor=worker, context=world.park, description="Floodlit")

    assert rules.can_withhold_address(worker, world.home) is ("W" in cell)
    if "W" not in cell:
        with nothing_written(Context), pytest.raises(NotPermitted):
            context_update(actor=worker, context=world.home, address_withheld=True)
    context_update(actor=world.social_worker, context=world.home, address_withheld=True)
    world.home.refresh_from_db()
    assert rules.sees_address(worker, world.home) is ("A" in cell)

    assert rules.can_merge_places(worker, duplicate, world.park) is ("M" in cell)
    if "M" in cell:
        context_merge(actor=worker, duplicate=duplicate, kept=world.park, reason="Same park")
    else:
        with nothing_written(ContextMerge), pytest.raises(NotPermitted):
            context_merge(actor=worker, duplicate=duplicate, kept=world.park, reason="Same park")


def test_a_partner_organisations_manager_merges_no_places(world: World) -> None:
    """A merge moves children's records between places: a partner organisation's manager
    (a shopping centre's security manager), who sees no child, merges none, as a partner is
    kept out of the borough's linked cases and area picture."""
    manager = make_worker(world.system, team=world.partner_worker.team, role="manager")
    duplicate = make_context(world.system, name="Millfields Park again")
    assert not rules.merges_places(manager)
    with nothing_written(ContextMerge), pytest.raises(NotPermitted):
        context_merge(actor=manager, duplicate=duplicate, kept=world.park, reason="Same park")


def test_a_conference_chairs_manager_merges_no_places(world: World) -> None:
    """A merge moves children's records between places: the manager of an independent
    reviewing service (the conference chairs' unit), which records no child and sees none in
    its own right, merges none, as a partner organisation's manager does not."""
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    manager = make_worker(world.system, team=unit, role="manager")
    duplicate = make_context(world.system, name="Millfields Park again")
    assert not rules.merges_places(manager)
    assert not rules.can_merge_places(manager, duplicate, world.park)
    with nothing_written(ContextMerge), pytest.raises(NotPermitted):
        context_merge(actor=manager, duplicate=duplicate, kept=world.park, reason="Same park")


def test_one_worker_cannot_withhold_an_address_to_hide_a_home_from_its_holding_team(
    world: World,
) -> None:
    # The police record a home and withhold its address: the team holding the resident's
    # case still sees where it is (a withheld address hides it from others, not from them).
    home = context_create(
        actor=world.police_analyst,
        kind="home",
        name="Home of C.C.",
        postcode="E5 0AR",
        address_withheld=True,
    )
    world.csc_child.home = home
    world.csc_child.save(update_fields=["home"])
    assert rules.sees_address(world.social_worker, home)
    assert rules.sees_address(world.police_analyst, home)
    assert not rules.sees_address(world.other_social_worker, home)
