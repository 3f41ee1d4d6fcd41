"""Emergency access (break-glass) shows a child, and the places reached through them, for
four hours, read-only: it never lets the worker name what it opened in a record that outlasts
it (RULES.md, break-glass). A referral is such a record: its page names the places it names,
and the open cases on them, to its referrer and their agency's managers for good. So a place
seen only through a child opened in an emergency is neither offered on the referral form nor
taken by the service. Before, a worker could refer (and so keep) a peer group, or a family's
home, she saw only for the four hours."""

from __future__ import annotations

import pytest

from locus.access import scopes
from locus.casework.models import Referral
from locus.common.errors import NotPermitted
from locus.places.models import ContextKind
from tests.casework.helpers import CASEWORK_MODELS, refer
from tests.factories import World, client_for, nothing_written, open_in_emergency
from tests.factories import make_context as place
from tests.factories import make_membership as member

pytestmark = pytest.mark.django_db


def test_a_place_seen_only_in_an_emergency_is_not_referred(world: World) -> None:
    """The social worker opens the police's child in an emergency and sees his peer group on
    her screen while it lasts: the referral form does not offer the group, even asked for
    from its page, and the service refuses a referral naming it, as the main context or as
    another. A place she sees in her own right is still referred."""
    worker, child = world.social_worker, world.police_child
    crew = place(world.system, kind=ContextKind.PEER_GROUP, name="Eastway crew")
    member(world.system, person=child, group=crew)
    open_in_emergency(worker, child)
    assert scopes.contexts_visible_to(worker).filter(pk=crew.pk).exists()
    form = client_for(worker).get(f"/context-cases/referrals/new/?context={crew.pk}")
    assert form.status_code == 200 and "Eastway crew" not in form.content.decode()
    with nothing_written(*CASEWORK_MODELS):
        with pytest.raises(NotPermitted):
            refer(world, actor=worker, context=crew)
        with pytest.raises(NotPermitted):
            refer(world, actor=worker, context=world.park, other_contexts=[crew])
    assert refer(world, actor=worker, context=world.park).context == world.park
    assert Referral.objects.count() == 1
