"""Creating peer groups, and merging and splitting them: refusals, history, audit."""

from __future__ import annotations

from typing import Any

import pytest

from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.peers.models import GroupChange, GroupChangeKind, GroupMembership
from locus.peers.services import group_create, group_merge, group_split
from locus.places.models import Context, ContextKind
from tests.factories import World, last_change, nothing_written
from tests.peers.group_helpers import join

LONG = "x" * 2001


def _group(world: World, name: str = "Station lot") -> Context:
    return group_create(actor=world.social_worker, name=name, description="Meets after school")


def _join(world: World, group: Context, person: Any, role: str = "core") -> GroupMembership:
    return join(world.social_worker, group, person, role)


def test_group_create_records_the_creator_and_audits(world: World) -> None:
    group = _group(world)
    assert (group.kind, group.name, group.recorded_by) == (
        ContextKind.PEER_GROUP,
        "Station lot",
        world.social_worker,
    )
    assert last_change(group).action == ChangeAction.CREATE


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"name": "  "}, {"name": ["Enter the group's name"]}),
        ({"name": "x" * 201}, {"name": ["The name must be 200 characters or fewer"]}),
        (
            {"description": LONG},
            {"description": ["The description must be 2,000 characters or fewer"]},
        ),
    ],
)
def test_group_create_refuses_bad_input(
    world: World, fields: dict[str, str], errors: dict[str, list[str]]
) -> None:
    values = {"name": "Group", "description": "", **fields}
    with nothing_written(Context), pytest.raises(ValidationFailed) as exc:
        group_create(actor=world.social_worker, **values)
    assert exc.value.errors == errors


@pytest.mark.parametrize("persona", ["auditor", "police_analyst"])
def test_group_create_is_for_casework(world: World, persona: str) -> None:
    with nothing_written(Context), pytest.raises(NotPermitted):
        group_create(actor=world.persona(persona), name="Group")


def test_merge_moves_members_and_closes_the_group(world: World) -> None:
    kept, merged = _group(world, "Kept"), _group(world, "Merged")
    _join(world, kept, world.csc_child)
    old = _join(world, merged, world.team_child, role="leading")
    _join(world, merged, world.csc_child)
    change = group_merge(actor=world.social_worker, group=merged, into=kept, reason="Same group")
    assert (change.kind, change.group, change.into, change.members_moved) == (
        GroupChangeKind.MERGE,
        merged,
        kept,
        2,
    )
    assert last_change(change).action == ChangeAction.CREATE
    old.refresh_from_db()
    assert (old.until, old.end_reason, old.ended_by) == (
        change.on,
        "Same group",
        world.social_worker,
    )
    assert not GroupMembership.objects.current().filter(group=merged).exists()
    now_in = GroupMembership.objects.current().filter(group=kept)
    assert sorted((m.person_id, m.role) for m in now_in) == sorted(
        [(world.csc_child.pk, "core"), (world.team_child.pk, "leading")]
    )
    moved = now_in.get(person=world.team_child)
    assert (moved.source, moved.confidence) == ("young_person", "high")
    # Closed: nobody joins it, and it is not merged again.
    with nothing_written(GroupMembership), pytest.raises(ValidationFailed) as exc:
        _join(world, merged, world.team_child)
    assert exc.value.errors == {
        "group": ["This group was merged into another: choose the group it was merged into"]
    }
    with nothing_written(GroupMembership, GroupChange), pytest.raises(ValidationFailed) as exc:
        group_merge(actor=world.social_worker, group=kept, into=merged, reason="Back")
    assert exc.value.errors == {
        "into": ["This group was merged into another: choose the group it was merged into"]
    }


def test_merge_refuses_bad_input(world: World) -> None:
    group = _group(world)
    _join(world, group, world.csc_child)
    with nothing_written(GroupMembership, GroupChange), pytest.raises(ValidationFailed) as exc:
        group_merge(actor=world.social_worker, group=group, into=group, reason=" ")
    assert exc.value.errors == {
        "reason": ["Say why these are one group"],
        "into": ["Choose another group to merge into"],
    }
    with nothing_written(GroupMembership, GroupChange), pytest.raises(ValidationFailed) as exc:
        group_merge(actor=world.social_worker, group=group, into=world.park, reason="x")
    assert exc.value.errors == {"into": ["Choose a peer group"]}


def test_merge_needs_sight_of_every_member(world: World) -> None:
    """The world's group has a youth justice child the social worker may not see: moving
    them would be a way to place another agency's child in a group of one's choosing."""
    mine = _group(world)
    with nothing_written(GroupMembership, GroupChange), pytest.raises(NotPermitted):
        group_merge(actor=world.social_worker, group=world.group, into=mine, reason="Same")
    with nothing_written(GroupMembership, GroupChange), pytest.raises(NotPermitted):
        group_merge(actor=world.social_worker, group=mine, into=world.group, reason="Same")


def test_split_moves_chosen_members_to_a_new_group(world: World) -> None:
    group = _group(world)
    staying = _join(world, group, world.csc_child)
    leaving = _join(world, group, world.team_child)
    change = group_split(
        actor=world.social_worker,
        group=group,
        members=[leaving],
        name="Younger ones",
        reason="They meet apart now",
    )
    new = change.into
    assert (change.kind, change.group, new.name, new.kind, new.recorded_by) == (
        GroupChangeKind.SPLIT,
        group,
        "Younger ones",
        ContextKind.PEER_GROUP,
        world.social_worker,
    )
    assert [m.person for m in GroupMembership.objects.current().filter(group=new)] == [
        world.team_child
    ]
    assert [m.pk for m in GroupMembership.objects.current().filter(group=group)] == [staying.pk]


def test_split_refuses_bad_input(world: World) -> None:
    group = _group(world)
    _join(world, group, world.csc_child)
    elsewhere = _join(world, _group(world, "Other"), world.team_child)
    with (
        nothing_written(GroupMembership, GroupChange, Context),
        pytest.raises(ValidationFailed) as exc,
    ):
        group_split(actor=world.social_worker, group=group, members=[], name="", reason="")
    assert exc.value.errors == {
        "name": ["Enter the group's name"],
        "reason": ["Say why these members are a group of their own"],
        "members": ["Choose at least one member to move"],
    }
    with (
        nothing_written(GroupMembership, GroupChange, Context),
        pytest.raises(ValidationFailed) as exc,
    ):
        group_split(
            actor=world.social_worker, group=group, members=[elsewhere], name="N", reason="R"
        )
    assert exc.value.errors == {"members": ["Choose current members of this group only"]}


def test_split_needs_sight_of_the_members_moved(world: World) -> None:
    hidden = GroupMembership.objects.get(group=world.group, person=world.yjs_child)
    with nothing_written(GroupMembership, GroupChange, Context), pytest.raises(NotPermitted):
        group_split(
            actor=world.social_worker, group=world.group, members=[hidden], name="N", reason="R"
        )
