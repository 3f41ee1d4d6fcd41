"""The permission matrix for running peer groups: persona x action.

The social worker made two groups: ``G1`` (her child ``csc_child``) and ``G2``
(``team_child``, her teammate's). Actions: ``C`` create a group, ``V`` see G1 (else
404), ``A`` add ``team_child`` to G1 and end that membership, ``M`` merge G2 into
G1 and split a member off. ``-`` refused: ``NotPermitted`` (404 on the pages) and
nothing written. The rules are in ``access/groups.py`` and ``access/RULES.md``.
"""

from __future__ import annotations

import pytest
from django.http import Http404

from locus.access import groups as rules
from locus.access import lookups
from locus.access.models import Scope
from locus.common.errors import NotPermitted
from locus.peers.models import GroupChange, GroupMembership
from locus.peers.services import (
    group_create,
    group_merge,
    group_split,
    membership_add,
    membership_end,
)
from locus.places.models import Context
from tests.access.test_permission_matrix import PERSONAS
from tests.factories import START, World, nothing_written
from tests.peers.group_helpers import PROVENANCE, join

# fmt: off
#             sw     mate   mgr    osw    yjs    pol    dsl    ptn    aud    adm
GROUPS_ROW = " CVAM   CVAM   CVAM   C---   C---   ----   C---   C---   ----   CVAM "
# fmt: on
CELLS = GROUPS_ROW.split()


def _groups(world: World) -> tuple[Context, Context]:
    made = []
    for name, child in (("G1", world.csc_child), ("G2", world.team_child)):
        group = group_create(actor=world.social_worker, name=name)
        join(world.social_worker, group, child)
        made.append(group)
    return made[0], made[1]


@pytest.mark.parametrize(
    ("persona", "cell"), [pytest.param(p, c, id=p) for p, c in zip(PERSONAS, CELLS, strict=True)]
)
def test_groups_matrix(world: World, persona: str, cell: str) -> None:
    g1, g2 = _groups(world)
    worker = world.persona(persona)

    assert rules.can_create_group(worker) is ("C" in cell)
    if "C" in cell:
        assert group_create(actor=worker, name="Mine").recorded_by == worker
    else:
        with nothing_written(Context), pytest.raises(NotPermitted):
            group_create(actor=worker, name="Mine")

    if "V" in cell:
        assert lookups.access_group(worker, g1.pk) == g1
    else:
        with pytest.raises(Http404):
            lookups.access_group(worker, g1.pk)

    joining = {"person": world.team_child, "group": g1, "role": "new", "since": START, **PROVENANCE}
    if "A" in cell:
        membership = membership_add(actor=worker, **joining)
        membership_end(actor=worker, membership=membership, until=START, reason="Left")
    else:
        with nothing_written(GroupMembership), pytest.raises(NotPermitted):
            membership_add(actor=worker, **joining)
        ended = GroupMembership.objects.get(group=g1, person=world.csc_child)
        with nothing_written(GroupMembership), pytest.raises(NotPermitted):
            membership_end(actor=worker, membership=ended, until=START, reason="Left")

    members = [world.csc_child, world.team_child]
    assert rules.can_regroup(worker, [g1, g2], members) is ("M" in cell)
    if "M" in cell:
        group_merge(actor=worker, group=g2, into=g1, reason="One group")
        moving = GroupMembership.objects.current().filter(group=g1, person=world.team_child)
        group_split(actor=worker, group=g1, members=moving, name="Apart", reason="Split")
        assert GroupChange.objects.count() == 2
    else:
        with nothing_written(GroupMembership, GroupChange), pytest.raises(NotPermitted):
            group_merge(actor=worker, group=g2, into=g1, reason="One group")
        first = GroupMembership.objects.filter(group=g1)
        with nothing_written(GroupMembership, GroupChange, Context), pytest.raises(NotPermitted):
            group_split(actor=worker, group=g1, members=first, name="Apart", reason="Split")


def test_a_worker_who_made_a_group_cannot_move_a_child_they_do_not_see(world: World) -> None:
    """The adversary: the youth justice worker makes a group, then tries to merge the social
    worker's group (her child in it) into it, or to pull the child across by a split."""
    g1, _ = _groups(world)
    trap = group_create(actor=world.yjs_worker, name="Trap")
    with nothing_written(GroupMembership, GroupChange), pytest.raises(NotPermitted):
        group_merge(actor=world.yjs_worker, group=g1, into=trap, reason="x")
    with nothing_written(GroupMembership, GroupChange), pytest.raises(NotPermitted):
        group_merge(actor=world.yjs_worker, group=trap, into=g1, reason="x")
    assert not GroupMembership.objects.filter(group=trap).exists()


def test_a_partner_who_sees_no_child_is_not_offered_a_group_nobody_could_join(
    world: World,
) -> None:
    """A partner organisation's worker below agency scope sees no child in their own right, so
    a group of theirs could never have a member: neither offered nor made. At agency scope
    (the matrix's partner) their agency's grants reach children, and they may."""
    partner = world.partner_worker
    partner.scope = Scope.TEAM
    partner.save(update_fields=["scope"])
    assert rules.can_create_group(partner) is False
    with nothing_written(Context), pytest.raises(NotPermitted):
        group_create(actor=partner, name="Shoppers")
