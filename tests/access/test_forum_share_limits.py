"""A forum share widens sight only for others, and only from lasting sight: a worker's own
agreement gives them nothing (a meeting of one would keep a child in sight after the case
left them), and emergency access neither names a child in a meeting nor shares her."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from locus.access import lookups, scopes
from locus.access.fields import PersonField
from locus.access.models import Role, Scope, Worker
from locus.access.services import break_glass_request
from locus.common.errors import NotPermitted
from locus.common.services import today
from locus.mapping.services import meeting_propose, share_agree
from locus.people.models import Allocation
from locus.people.services import allocation_end
from locus.sharing.vocab import CHILDREN_IN_NEED
from tests.factories import World, make_worker
from tests.mapping.helpers import hold, schedule

pytestmark = pytest.mark.django_db


def agree_to_share_everything(actor: Any, meeting: Any, child: Any) -> None:
    share_agree(
        actor=actor,
        meeting=meeting,
        person=child,
        basis=CHILDREN_IN_NEED,
        shared_fields=list(PersonField.values),
    )


def sees(world: World) -> bool:
    return scopes.people_visible_to(world.social_worker).filter(pk=world.csc_child.pk).exists()


def test_a_holder_cannot_keep_sight_through_a_meeting_of_one_they_share_with_themselves(
    world: World,
) -> None:
    me, child = world.social_worker, world.csc_child
    # Alone: propose a meeting about my own child, invite nobody, agree to bring every field,
    # set it half an hour ago and minute myself present (my own word: confirmed at once).
    meeting = meeting_propose(
        actor=me, children=[child], purpose="Keep an eye on her", basis=CHILDREN_IN_NEED
    )
    assert list(meeting.invitees.values_list("worker_id", flat=True)) == [me.pk]
    agree_to_share_everything(me, meeting, child)
    hold(world, schedule(world, meeting))

    # The case leaves me (closed, or transferred to another team).
    allocation = Allocation.objects.current().get(person=child, worker=me)
    allocation_end(actor=world.team_manager, allocation=allocation, end=today(), reason="Closed")
    assert not scopes.people_visible_to(me, shared=False).filter(pk=child.pk).exists()

    # Nobody shared her with me: I agreed to bring her to a meeting only I sat in.
    assert not sees(world), "sight outlives the case through a self-made forum share"
    with pytest.raises(Http404):
        lookups.access_person(me, child.pk, shared=True)


def test_a_holder_cannot_keep_sight_through_a_meeting_shared_with_their_other_account(
    world: World,
) -> None:
    """A meeting of one person is one whatever the accounts: a worker who brings her child to
    a meeting, invites another account of hers (the same email, in another team) and minutes
    both present keeps no sight of the child through that account once the case leaves her."""
    me, child = world.social_worker, world.csc_child
    other = make_worker(world.system, team=world.csc_team_b, role=Role.PRACTITIONER)
    Worker.objects.filter(pk=me.pk).update(email="sam.okafor@example.org")
    Worker.objects.filter(pk=other.pk).update(email="Sam.Okafor@Example.org")
    me.refresh_from_db()
    other.refresh_from_db()
    meeting = meeting_propose(
        actor=me,
        children=[child],
        purpose="Keep an eye on her",
        basis=CHILDREN_IN_NEED,
        invitees=[other],
    )
    agree_to_share_everything(me, meeting, child)
    hold(world, schedule(world, meeting))  # both minuted present; the other account confirms

    allocation = Allocation.objects.current().get(person=child, worker=me)
    allocation_end(actor=world.team_manager, allocation=allocation, end=today(), reason="Closed")

    assert not scopes.people_visible_to(other).filter(pk=child.pk).exists()
    with pytest.raises(Http404):
        lookups.access_person(other, child.pk, shared=True)


def test_emergency_sight_neither_names_a_child_in_a_meeting_nor_shares_her(
    world: World,
) -> None:
    """A manager whose scope an administrator narrowed to their own cases breaks glass on a
    child their team holds: for the four hours they read her record, but they may not put
    her into a meeting, nor agree to share her at one (a share would outlast the four hours)."""
    narrow = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, scope=Scope.OWN)
    child = world.csc_child  # held by social_worker, in narrow's team
    use = break_glass_request(
        actor=narrow,
        person_id=child.pk,
        category="missing_child",
        reason="She is missing tonight and I need her contacts now",
    )
    assert use is not None
    assert scopes.people_visible_to(narrow).filter(pk=child.pk).exists()
    with pytest.raises(NotPermitted):
        meeting_propose(
            actor=narrow,
            children=[child],
            purpose="Follow up the missing episode",
            basis=CHILDREN_IN_NEED,
        )
    held_by_holder = meeting_propose(
        actor=world.social_worker, children=[child], purpose="Map her group", basis=CHILDREN_IN_NEED
    )
    with pytest.raises(NotPermitted):
        agree_to_share_everything(narrow, held_by_holder, child)
