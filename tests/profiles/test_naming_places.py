"""A safe place named on a profile is named for good, to everyone who reads the profile and
sees the place: the recorder names only a place they see lastingly, never one reached
only through a child seen by emergency access (break-glass), whose home the four hours
show them."""

from __future__ import annotations

import pytest

from locus.access import policies
from locus.access.services import break_glass_request
from locus.common.errors import NotPermitted
from locus.profiles.models import ProfileItem
from tests.access.test_matrix_break_glass import REASON
from tests.factories import World, client_for, nothing_written
from tests.profiles.helpers import add_item
from tests.profiles.pages import url

pytestmark = pytest.mark.django_db


def test_a_home_seen_through_emergency_access_is_not_named_a_safe_place(world: World) -> None:
    worker = world.yjs_worker
    assert break_glass_request(
        actor=worker, person_id=world.csc_child.pk, category="missing_child", reason=REASON
    )
    # During the emergency the worker reads Ciara's home; naming it on another child's
    # profile would keep it there once the four hours end.
    assert policies.can_view_context(worker, world.home)
    with nothing_written(ProfileItem), pytest.raises(NotPermitted):
        add_item(worker, world.yjs_child, kind="safe_place", text="Nan's", place=world.home)
    assert client_for(worker).get(url("person-profile-add", world.yjs_child.pk)).status_code == 200


def test_the_child_s_own_home_and_a_public_place_are_named(world: World) -> None:
    own = add_item(world.social_worker, world.csc_child, kind="safe_place", place=world.home)
    public = add_item(world.social_worker, world.csc_child, kind="safe_place", place=world.park)
    assert (own.place, public.place) == (world.home, world.park)
