"""Reading the profile: by kind with its history, peers and places as the viewer may see
them, "build on" options for action forms, and flat query counts."""

from __future__ import annotations

from typing import Any

import pytest

from locus.common.services import today
from locus.profiles.selectors import build_on_choices, build_on_for, profile_for
from locus.profiles.services import profile_item_change, profile_item_end
from tests.factories import World
from tests.profiles.helpers import add_item

pytestmark = pytest.mark.django_db


def test_the_profile_lists_every_kind_in_order_with_current_items(world: World) -> None:
    add_item(world.social_worker, world.csc_child, kind="talent", text="Drawing")
    add_item(world.social_worker, world.csc_child, kind="aspiration", text="Be a nurse")
    profile = profile_for(world.social_worker, world.csc_child)
    assert [g.kind for g in profile.groups] == [
        "aspiration",
        "interest",
        "talent",
        "trusted_adult",
        "safe_place",
        "protective_peer",
    ]
    assert [r.item.text for r in profile.groups[0].rows] == ["Be a nurse"]
    assert [r.item.text for r in profile.groups[2].rows] == ["Drawing"]
    assert profile.current_count == 2 and profile.history == []
    assert profile.can_record


def test_changed_and_ended_items_move_to_the_history(world: World) -> None:
    first = add_item(world.social_worker, world.csc_child, text="Be a footballer")
    gone = add_item(world.social_worker, world.csc_child, kind="safe_place", text="Youth club")
    profile_item_change(
        actor=world.social_worker,
        item=first,
        text="Be a PE teacher",
        own_words=True,
        changed_on=today(),
    )
    profile_item_end(actor=world.social_worker, item=gone, ended_on=today(), reason="It closed")
    profile = profile_for(world.social_worker, world.csc_child)
    assert [r.item.text for r in profile.groups[0].rows] == ["Be a PE teacher"]
    assert profile.groups[4].rows == []
    assert {r.item.text for r in profile.history} == {"Be a footballer", "Youth club"}


def test_a_peer_the_viewer_may_not_see_is_shown_by_initials(world: World) -> None:
    # The administrator named other_child; the social worker may not see him.
    add_item(
        world.admin,
        world.csc_child,
        kind="protective_peer",
        text="He looks out for me",
        peer=world.other_child,
    )
    (row,) = profile_for(world.social_worker, world.csc_child).groups[5].rows
    assert not row.peer_visible and row.peer_label == "OO (a child not shared with you)"
    (row,) = profile_for(world.admin, world.csc_child).groups[5].rows
    assert row.peer_visible and row.peer_label == "Olu Otherchild"


def test_a_safe_place_the_viewer_may_not_see_is_not_named(world: World) -> None:
    # csc_child's home is a safe place for the team child (say, a friend's flat).
    add_item(world.admin, world.team_child, kind="safe_place", text="Ciara's", place=world.home)
    (row,) = profile_for(world.teammate, world.team_child).groups[4].rows
    assert row.place_visible  # team scope: the teammate sees csc_child, so her home
    (row,) = profile_for(world.admin, world.team_child).groups[4].rows
    assert row.place_visible
    other = add_item(world.admin, world.other_child, kind="safe_place", text="x", place=world.home)
    rows = profile_for(world.other_social_worker, world.other_child).groups[4].rows
    assert [r.item for r in rows] == [other] and not rows[0].place_visible


def test_police_may_read_the_profile_of_a_child_they_see_but_not_record(world: World) -> None:
    add_item(world.admin, world.police_child, kind="interest", text="Boxing")
    profile = profile_for(world.police_analyst, world.police_child)
    assert profile.current_count == 1 and not profile.can_record


def test_build_on_offers_current_strengths_of_children_the_viewer_sees(world: World) -> None:
    add_item(world.admin, world.csc_child, kind="trusted_adult", text="My nan", own_words=True)
    add_item(world.admin, world.csc_child, kind="aspiration", text="Be a nurse", own_words=False)
    ended = add_item(world.admin, world.csc_child, kind="interest", text="Chess")
    profile_item_end(actor=world.admin, item=ended, ended_on=today(), reason="It closed")
    add_item(world.admin, world.yjs_child, kind="talent", text="Rapping")
    options = build_on_for(world.social_worker, [world.csc_child, world.yjs_child])
    # yjs_child is not the social worker's to see: none of his strengths are offered.
    assert [(o.person_id, o.kind, o.text) for o in options] == [
        (world.csc_child.pk, "aspiration", "Be a nurse"),
        (world.csc_child.pk, "trusted_adult", "My nan"),
    ]
    assert options[1].label == "Trusted adult: “My nan”"
    assert build_on_choices(options)[0] == (
        str(options[0].item_id),
        "Ciara Cscchild. Aspiration: Be a nurse",
    )
    assert len(build_on_for(world.admin, [world.csc_child, world.yjs_child])) == 3
    assert build_on_for(world.auditor, [world.csc_child]) == []


def test_build_on_names_a_protective_peer_only_when_the_viewer_sees_them(world: World) -> None:
    add_item(
        world.admin, world.csc_child, kind="protective_peer", text="My mate", peer=world.other_child
    )
    (option,) = build_on_for(world.social_worker, [world.csc_child])
    assert option.peer_label == "OO (a child not shared with you)"


def test_query_counts_do_not_grow_with_the_profile(
    world: World, django_assert_num_queries: Any
) -> None:
    add_item(world.admin, world.csc_child, kind="protective_peer", text="a", peer=world.team_child)
    add_item(world.admin, world.csc_child, kind="safe_place", text="b", place=world.park)
    with django_assert_num_queries(4):  # items, peers seen, places seen, may record
        profile_for(world.social_worker, world.csc_child)
    with django_assert_num_queries(4):  # children seen, items, peers seen, places seen
        build_on_for(world.social_worker, [world.csc_child, world.team_child])
    for n in range(5):
        add_item(
            world.admin, world.csc_child, kind="protective_peer", text=f"{n}", peer=world.team_child
        )
        add_item(
            world.admin,
            world.team_child,
            kind="safe_place",
            text=f"{n}",
            place=world.shopping_centre,
        )
    with django_assert_num_queries(4):
        profile_for(world.social_worker, world.csc_child)
    with django_assert_num_queries(4):
        build_on_for(world.social_worker, [world.csc_child, world.team_child])
