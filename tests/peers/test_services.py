"""Associations and peer-group membership: provenance, refusals, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.access import policies
from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import today
from locus.peers.models import Association, GroupMembership
from locus.peers.services import (
    association_end,
    association_record,
    membership_add,
    membership_end,
)
from locus.places.models import ContextKind
from tests.factories import START, World, last_change, make_context, nothing_written

TOMORROW = today() + dt.timedelta(days=1)
PROVENANCE = {"source": "young_person", "confidence": "high"}


def _associate(world: World, **fields: Any) -> Association:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "person": world.csc_child,
        "other": world.team_child,
        "relationship": "friend",
        "nature": "protective",
        "valid_from": START,
        **PROVENANCE,
    }
    values.update(fields)
    return association_record(**values)


def test_association_record_keeps_provenance_and_audits_it(world: World) -> None:
    association = _associate(world, contexts=[world.park, world.school], note="Met at football")
    assert association.recorded_by == world.social_worker
    assert association.recorded_at is not None
    assert set(association.contexts.all()) == {world.park, world.school}
    event = last_change(association)
    assert (event.actor, event.action, event.record_type, event.record_id) == (
        world.social_worker,
        ChangeAction.CREATE,
        "peers.association",
        str(association.pk),
    )
    assert event.after["person_id"] == world.csc_child.pk
    assert event.after["other_id"] == world.team_child.pk
    assert event.after["source"] == "young_person"
    assert event.after["confidence"] == "high"
    assert event.after["recorded_by_id"] == world.social_worker.pk
    assert event.after["contexts"] == sorted([world.park.pk, world.school.pk])


def test_association_to_a_peer_not_yet_known(world: World) -> None:
    association = _associate(
        world, other=None, other_label="  older male known as T ", nature="risk"
    )
    assert association.other is None
    assert association.other_label == "older male known as T"
    assert last_change(association).after["other_label"] == "older male known as T"


def test_naming_a_peer_the_worker_cannot_see_is_refused(world: World) -> None:
    # RULES.md: everyone named must be visible to the recorder, or naming would
    # be a way to find out about another team's child. An unknown peer is
    # described by a label instead.
    with nothing_written(Association), pytest.raises(NotPermitted):
        _associate(world, other=world.other_child, nature="risk")
    assert not policies.can_view_person(world.social_worker, world.other_child)
    assert _associate(world, other=None, other_label="boy from Team B's area").other is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param(
            {"other": "self"},
            "other",
            "A person cannot be associated with themselves",
            id="self",
        ),
        pytest.param(
            {"other_label": "a boy called J"},
            "other",
            "Choose the peer, or describe a peer not yet known to Locus (not both)",
            id="other-and-label",
        ),
        pytest.param(
            {"other": None, "other_label": "  "},
            "other",
            "Choose the peer, or describe a peer not yet known to Locus (not both)",
            id="neither-other-nor-label",
        ),
        pytest.param(
            {"valid_until": START - dt.timedelta(days=1)},
            "valid_until",
            "The end date must be on or after the start date",
            id="until-before-from",
        ),
        pytest.param(
            {"valid_from": TOMORROW},
            "valid_from",
            "The start date must not be in the future",
            id="from-in-future",
        ),
        pytest.param(
            {"relationship": "enemy"}, "relationship", "Unknown relationship", id="relationship"
        ),
        pytest.param(
            {"nature": "bad"}, "nature", "Say whether the relationship is protective", id="nature"
        ),
        pytest.param({"source": "rumour"}, "source", "Say where this came from", id="source"),
        pytest.param(
            {"confidence": "certain"}, "confidence", "Say how sure we are", id="confidence"
        ),
    ],
)
def test_association_record_refuses_bad_input(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    if fields.get("other") == "self":
        fields = {**fields, "other": world.csc_child}
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        _associate(world, **fields)
    assert list(exc.value.errors) == [field]
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors


@pytest.mark.parametrize("reverse", [False, True], ids=["same-way", "other-way-round"])
def test_association_record_refuses_a_duplicate_open_pair(world: World, reverse: bool) -> None:
    _associate(world)
    person, other = world.csc_child, world.team_child
    if reverse:
        person, other = other, person
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        _associate(world, person=person, other=other, nature="risk")
    assert exc.value.errors == {
        "other": ["This relationship is already recorded: end it before recording a new one"]
    }


def test_a_new_association_may_follow_an_ended_one(world: World) -> None:
    first = _associate(world)
    association_end(actor=world.social_worker, association=first, valid_until=START)
    second = _associate(world, nature="risk", valid_from=START + dt.timedelta(days=1))
    assert second.pk != first.pk


@pytest.mark.parametrize(
    "persona",
    [
        "police_analyst",  # another agency, cannot see the child (and analysts do not record)
        "other_social_worker",  # same agency, cannot see the child
        "school_dsl",
        "auditor",
    ],
)
def test_association_record_needs_sight_of_the_child(world: World, persona: str) -> None:
    with nothing_written(Association), pytest.raises(NotPermitted):
        _associate(world, actor=world.persona(persona))


def test_a_teammate_who_sees_the_child_may_record_about_them(world: World) -> None:
    association = _associate(world, actor=world.teammate)
    assert association.recorded_by == world.teammate


def test_association_end_keeps_the_record(world: World) -> None:
    association = _associate(world)
    end = START + dt.timedelta(days=5)
    association_end(actor=world.social_worker, association=association, valid_until=end)
    association.refresh_from_db()
    assert association.valid_until == end
    event = last_change(association)
    assert (event.action, event.before, event.after) == (
        ChangeAction.END,
        {"valid_until": None},
        {"valid_until": end.isoformat()},
    )


def test_association_end_refuses_bad_dates_twice_ending_and_strangers(world: World) -> None:
    association = _associate(world)
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        association_end(
            actor=world.social_worker,
            association=association,
            valid_until=START - dt.timedelta(days=1),
        )
    assert exc.value.errors == {"valid_until": ["The end date must be on or after the start date"]}
    with nothing_written(Association), pytest.raises(NotPermitted):
        association_end(actor=world.police_analyst, association=association, valid_until=START)
    association_end(actor=world.social_worker, association=association, valid_until=START)
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        association_end(actor=world.social_worker, association=association, valid_until=START)
    assert exc.value.errors == {"valid_until": ["This relationship has already ended"]}


# --- group membership -------------------------------------------------------------------------


def _join(world: World, **fields: Any) -> GroupMembership:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "person": world.team_child,
        "group": world.group,
        "role": "new",
        "since": START,
        **PROVENANCE,
    }
    values.update(fields)
    return membership_add(**values)


def test_membership_add_keeps_provenance_and_audits_it(world: World) -> None:
    membership = _join(world)
    assert membership.recorded_by == world.social_worker
    event = last_change(membership)
    assert (event.actor, event.action, event.record_type) == (
        world.social_worker,
        ChangeAction.CREATE,
        "peers.groupmembership",
    )
    assert event.after["group_id"] == world.group.pk
    assert event.after["person_id"] == world.team_child.pk
    assert event.after["role"] == "new"
    assert event.after["source"] == "young_person"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param({"group": "park"}, "group", "Choose a peer group", id="not-a-group"),
        pytest.param({"role": "boss"}, "role", "Unknown role in a group: 'boss'", id="role"),
        pytest.param({"source": ""}, "source", "Say where this came from", id="no-source"),
        pytest.param(
            {"until": START - dt.timedelta(days=1)},
            "until",
            "The end date must be on or after the start date",
            id="until-before-since",
        ),
        pytest.param(
            {"person": "csc_child"},
            "person",
            "This young person is already recorded in this group",
            id="already-a-member",
        ),
    ],
)
def test_membership_add_refuses_bad_input(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    if fields.get("group") == "park":
        fields = {**fields, "group": world.park}
    if fields.get("person") == "csc_child":
        fields = {**fields, "person": world.csc_child}
    with nothing_written(GroupMembership), pytest.raises(ValidationFailed) as exc:
        _join(world, **fields)
    assert list(exc.value.errors) == [field]
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors


@pytest.mark.parametrize("persona", ["police_analyst", "other_social_worker", "auditor"])
def test_membership_add_needs_sight_of_the_child(world: World, persona: str) -> None:
    with nothing_written(GroupMembership), pytest.raises(NotPermitted):
        _join(world, actor=world.persona(persona))


def test_membership_add_needs_sight_of_the_group(world: World) -> None:
    hidden = make_context(world.system, kind=ContextKind.PEER_GROUP, responsible_agency=world.yjs)
    assert not policies.can_view_context(world.social_worker, hidden)
    with nothing_written(GroupMembership), pytest.raises(NotPermitted):
        _join(world, group=hidden)
    assert not policies.can_view_context(world.social_worker, hidden)


def test_membership_end(world: World) -> None:
    membership = _join(world)
    membership_end(actor=world.social_worker, membership=membership, until=START)
    event = last_change(membership)
    assert (event.action, event.before, event.after) == (
        ChangeAction.END,
        {"until": None},
        {"until": START.isoformat()},
    )
    with nothing_written(GroupMembership), pytest.raises(ValidationFailed) as exc:
        membership_end(actor=world.social_worker, membership=membership, until=START)
    assert exc.value.errors == {"until": ["This membership has already ended"]}


def test_membership_end_refuses_an_end_before_the_start_and_strangers(world: World) -> None:
    membership = _join(world)
    with nothing_written(GroupMembership), pytest.raises(ValidationFailed) as exc:
        membership_end(
            actor=world.social_worker, membership=membership, until=START - dt.timedelta(days=1)
        )
    assert exc.value.errors == {"until": ["The end date must be on or after the start date"]}
    with nothing_written(GroupMembership), pytest.raises(NotPermitted):
        membership_end(actor=world.yjs_worker, membership=membership, until=START)
