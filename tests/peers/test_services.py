"""Associations and peer-group membership: provenance, refusals, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.access import policies
from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import today
from locus.peers.models import Association, GroupMembership, PeerMapPurpose
from locus.peers.services import (
    association_end,
    association_revise,
    membership_add,
    membership_end,
    peer_map_purpose_record,
)
from locus.places.models import ContextKind
from tests.factories import (
    START,
    World,
    changes_for,
    last_change,
    make_association,
    make_context,
    nothing_written,
)

TODAY = today()
TOMORROW = TODAY + dt.timedelta(days=1)
PROVENANCE = {"source": "young_person", "confidence": "high"}


def _associate(world: World, **fields: Any) -> Association:
    values: dict[str, Any] = {
        "person": world.csc_child,
        "other": world.team_child,
        "nature": "protective",
        "other_label": "",
        **PROVENANCE,
    }
    values.update(fields)
    return make_association(values.pop("actor", world.social_worker), **values)


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
    association_end(actor=world.social_worker, association=first, valid_until=START, reason=REASON)
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


REASON = "Her worker at the YOT says they no longer meet"


def test_association_end_keeps_the_record_with_who_ended_it_and_why(world: World) -> None:
    association = _associate(world)
    end = START + dt.timedelta(days=5)
    association_end(
        actor=world.social_worker, association=association, valid_until=end, reason=REASON
    )
    association.refresh_from_db()
    assert association.valid_until == end
    assert (association.ended_by, association.end_reason) == (world.social_worker, REASON)
    assert association.ended_at is not None
    event = last_change(association)
    assert event.action == ChangeAction.END
    assert event.before["valid_until"] is None
    assert event.after["valid_until"] == end.isoformat()
    assert event.after["ended_by_id"] == world.social_worker.pk
    assert event.after["end_reason"] == REASON


def test_ending_an_association_needs_a_reason(world: World) -> None:
    """Was: ended with no reason asked and no record of who ended it."""
    association = _associate(world)
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        association_end(
            actor=world.social_worker, association=association, valid_until=START, reason=" "
        )
    assert exc.value.errors == {"reason": ["Say why the relationship record ends or changes"]}


def test_a_police_risk_link_to_a_peer_she_may_not_see_is_not_hers_to_end(world: World) -> None:
    """Was: a social worker ended a police "presents risk" association about a peer she
    may not see. Now: only those who see both, the recorder, or the recorder's manager."""
    # A police "presents risk" link between Ciara (hers) and Paddy (known to the police
    # only), recorded on the police's behalf.
    police_link = _associate(
        world, actor=world.system, other=world.police_child, nature="risk", valid_from=START
    )
    assert not policies.can_view_person(world.social_worker, world.police_child)
    with nothing_written(Association), pytest.raises(NotPermitted):
        association_end(
            actor=world.social_worker, association=police_link, valid_until=START, reason=REASON
        )
    with nothing_written(Association), pytest.raises(NotPermitted):
        association_revise(
            actor=world.social_worker,
            association=police_link,
            changed_on=START,
            relationship="friend",
            nature="protective",
            reason=REASON,
            **PROVENANCE,
        )


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("social_worker", True),  # sees both children
        ("teammate", True),  # sees both (team scope)
        ("team_manager", True),  # sees both
        ("other_social_worker", False),  # sees neither
        ("yjs_worker", False),
        ("police_analyst", False),
        ("auditor", False),
    ],
)
def test_who_may_end_an_association_persona_by_persona(
    world: World, persona: str, allowed: bool
) -> None:
    association = _associate(world, actor=world.system)
    assert policies.can_change_association(world.persona(persona), association) is allowed


def test_the_recorder_and_their_manager_may_end_what_they_recorded(world: World) -> None:
    """A worker who recorded a link keeps the right to correct it after losing sight of one
    child; so does their team's manager."""
    association = _associate(world, other=world.yjs_child, actor=world.system)
    assert not policies.can_change_association(world.social_worker, association)
    # As if the teammate had recorded it, in the team they are in (kept on the record).
    association.recorded_by, association.recorded_in_team = world.teammate, world.csc_team_a
    assert policies.can_change_association(world.teammate, association)
    assert policies.can_change_association(world.team_manager, association)
    assert not policies.can_change_association(world.social_worker, association)


def test_association_end_refuses_bad_dates_twice_ending_and_strangers(world: World) -> None:
    association = _associate(world)
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        association_end(
            actor=world.social_worker,
            association=association,
            valid_until=START - dt.timedelta(days=1),
            reason=REASON,
        )
    assert exc.value.errors == {"valid_until": ["The end date must be on or after the start date"]}
    with nothing_written(Association), pytest.raises(NotPermitted):
        association_end(
            actor=world.police_analyst, association=association, valid_until=START, reason=REASON
        )
    association_end(
        actor=world.social_worker, association=association, valid_until=START, reason=REASON
    )
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        association_end(
            actor=world.social_worker, association=association, valid_until=START, reason=REASON
        )
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
    membership_end(actor=world.social_worker, membership=membership, until=START, reason="Moved")
    event = last_change(membership)
    assert (event.action, event.before, event.after) == (
        ChangeAction.END,
        {"until": None, "ended_by_id": None, "end_reason": ""},
        {"until": START.isoformat(), "ended_by_id": world.social_worker.pk, "end_reason": "Moved"},
    )
    with nothing_written(GroupMembership), pytest.raises(ValidationFailed) as exc:
        membership_end(actor=world.social_worker, membership=membership, until=START, reason="x")
    assert exc.value.errors == {"until": ["This membership has already ended"]}


def test_membership_end_refuses_an_end_before_the_start_and_strangers(world: World) -> None:
    membership = _join(world)
    with nothing_written(GroupMembership), pytest.raises(ValidationFailed) as exc:
        membership_end(
            actor=world.social_worker,
            membership=membership,
            until=START - dt.timedelta(days=1),
            reason="",
        )
    assert exc.value.errors == {
        "reason": ["Say why the membership ends"],
        "until": ["The end date must be on or after the start date"],
    }
    with nothing_written(GroupMembership), pytest.raises(NotPermitted):
        membership_end(actor=world.yjs_worker, membership=membership, until=START, reason="x")


# --- the capture form's fields: the peer's role, open to, unknown peers ---------------------


def test_peer_role_and_open_to_are_recorded_for_an_unknown_peer(world: World) -> None:
    association = _associate(
        world,
        other=None,
        other_label="older male known as T",
        nature="risk",
        peer_role="leading",
        open_to_youth_justice=True,
        open_to_social_care=False,
    )
    event = last_change(association)
    assert event.after["peer_role"] == "leading"
    assert event.after["open_to_youth_justice"] is True
    assert event.after["open_to_social_care"] is False


@pytest.mark.parametrize("flag", ["open_to_social_care", "open_to_youth_justice"])
@pytest.mark.parametrize("value", [True, False])
def test_open_to_is_refused_for_a_known_peer(world: World, flag: str, value: bool) -> None:
    # For a known peer it comes from their legal-status episodes: a typed-in answer
    # could only disagree with the record.
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        _associate(world, **{flag: value})
    assert exc.value.errors == {
        flag: [
            "Leave this as not known: for a peer known to Locus it comes from their legal status"
        ]
    }


def test_unknown_role_and_a_future_end_are_refused_on_their_fields(world: World) -> None:
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        _associate(world, peer_role="boss", valid_until=TOMORROW)
    assert exc.value.errors == {
        "peer_role": ["Unknown role in a group: 'boss'"],
        "valid_until": ["The end date must not be in the future"],
    }


def test_the_same_unknown_peer_described_twice_is_refused(world: World) -> None:
    first = _associate(world, other=None, other_label="Older male known as T")
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        _associate(world, other=None, other_label="  older male KNOWN as t ", nature="risk")
    assert list(exc.value.errors) == ["other_label"]
    assert "already recorded for this young person" in exc.value.errors["other_label"][0]
    # Another child may know someone described the same way; so may this child, once ended.
    _associate(world, person=world.team_child, other=None, other_label="Older male known as T")
    association_end(actor=world.social_worker, association=first, valid_until=START, reason=REASON)
    _associate(world, other=None, other_label="Older male known as T", valid_from=TODAY)


# --- changing a relationship keeps its history ------------------------------------------------


def _revise(world: World, association: Association, **fields: Any) -> Association:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "association": association,
        "changed_on": START + dt.timedelta(days=10),
        "relationship": association.relationship,
        "nature": association.nature,
        "peer_role": association.peer_role,
        "source": association.source,
        "confidence": association.confidence,
        "contexts": list(association.contexts.all()),
        "reason": "Reviewed with the young person",
    }
    values.update(fields)
    return association_revise(**values)


def test_revise_ends_the_old_record_and_starts_a_new_one_from_the_change(world: World) -> None:
    old = _associate(world, contexts=[world.park], peer_role="core")
    changed_on = START + dt.timedelta(days=10)
    new = _revise(world, old, nature="risk", peer_role="leading", contexts=[world.school])
    old.refresh_from_db()
    # Nothing overwritten: the old record keeps what was believed, until the change.
    assert (old.nature, old.peer_role, old.valid_until) == ("protective", "core", changed_on)
    assert set(old.contexts.all()) == {world.park}
    assert (new.nature, new.peer_role, new.valid_from, new.valid_until) == (
        "risk",
        "leading",
        changed_on,
        None,
    )
    assert (new.person, new.other, new.replaces) == (world.csc_child, world.team_child, old)
    assert set(new.contexts.all()) == {world.school}
    assert Association.objects.count() == 2
    end, create = changes_for(old)[-1], last_change(new)
    assert (end.action, end.before["valid_until"], end.after["valid_until"]) == (
        ChangeAction.END,
        None,
        changed_on.isoformat(),
    )
    assert (end.after["ended_by_id"], end.after["end_reason"]) == (
        world.social_worker.pk,
        "Reviewed with the young person",
    )
    assert create.action == ChangeAction.CREATE
    assert create.after["replaces_id"] == old.pk
    assert create.after["contexts"] == [world.school.pk]


def test_revise_keeps_places_the_worker_may_not_see(world: World) -> None:
    elsewhere = make_context(world.system, kind=ContextKind.HOME, name="A cousin's flat")
    assert not policies.can_view_context(world.social_worker, elsewhere)
    old = make_association(
        world.system,
        person=world.csc_child,
        other=world.team_child,
        contexts=[world.park, elsewhere],
    )
    new = _revise(world, old, nature="risk", contexts=[world.school])
    assert set(new.contexts.all()) == {world.school, elsewhere}


def test_revise_from_the_other_childs_record_makes_it_theirs(world: World) -> None:
    # Recorded about csc_child; team_child's worker changes it on team_child's record.
    old = _associate(world, peer_role="core")
    new = _revise(world, old, actor=world.teammate, person=world.team_child, peer_role="new")
    assert (new.person, new.other, new.peer_role) == (world.team_child, world.csc_child, "new")


def test_revise_an_unknown_peer_keeps_the_description_and_may_change_open_to(
    world: World,
) -> None:
    old = _associate(world, other=None, other_label="older male known as T", nature="unclear")
    new = _revise(world, old, nature="risk", open_to_youth_justice=True)
    assert (new.other, new.other_label, new.open_to_youth_justice) == (
        None,
        "older male known as T",
        True,
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param(
            {"changed_on": START - dt.timedelta(days=1), "nature": "risk"},
            "valid_from",
            "The date of the change must be on or after the relationship began (01/09/2025)",
            id="before-it-began",
        ),
        pytest.param(
            {"changed_on": TOMORROW, "nature": "risk"},
            "valid_from",
            "The date of the change must not be in the future",
            id="future",
        ),
        pytest.param({"nature": "enemy"}, "nature", "Say whether", id="unknown-nature"),
        pytest.param({"peer_role": "boss"}, "peer_role", "Unknown role", id="unknown-role"),
        pytest.param({}, "__all__", "Nothing has changed", id="nothing-changed"),
        pytest.param(
            {"open_to_social_care": True},
            "open_to_social_care",
            "Leave this as not known",
            id="open-to-for-a-known-peer",
        ),
    ],
)
def test_revise_refuses_bad_input_and_writes_nothing(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    old = _associate(world)
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        _revise(world, old, **fields)
    assert list(exc.value.errors) == [field]
    assert exc.value.errors[field][0].startswith(message), exc.value.errors
    old.refresh_from_db()
    assert old.valid_until is None


def test_revise_an_ended_relationship_is_refused(world: World) -> None:
    old = _associate(world)
    association_end(actor=world.social_worker, association=old, valid_until=START, reason=REASON)
    with nothing_written(Association), pytest.raises(ValidationFailed) as exc:
        _revise(world, old, nature="risk", changed_on=START)
    assert exc.value.errors == {
        "valid_from": ["This relationship has already ended: record the peer again instead"]
    }


@pytest.mark.parametrize("persona", ["police_analyst", "other_social_worker", "auditor"])
def test_revise_needs_sight_of_the_child(world: World, persona: str) -> None:
    old = _associate(world)
    with nothing_written(Association), pytest.raises(NotPermitted):
        _revise(world, old, actor=world.persona(persona), nature="risk")


def test_revise_needs_sight_of_the_peer_it_names_again(world: World) -> None:
    # Recorded by the system about csc_child and yjs_child; the social worker sees only
    # csc_child. Was: she could still end it; now neither end nor re-record it (she does not
    # see both, and did not record it).
    old = make_association(world.system, person=world.csc_child, other=world.yjs_child)
    with nothing_written(Association), pytest.raises(NotPermitted):
        _revise(world, old, nature="risk")
    with nothing_written(Association), pytest.raises(NotPermitted):
        association_end(
            actor=world.social_worker, association=old, valid_until=START, reason=REASON
        )


def test_either_young_persons_worker_may_end_it(world: World) -> None:
    association = _associate(world)  # csc_child (social_worker) and team_child (teammate)
    association_end(actor=world.teammate, association=association, valid_until=START, reason=REASON)
    assert last_change(association).actor == world.teammate


# --- the naming rule's purpose -------------------------------------------------------------


def test_purpose_is_recorded_for_eight_hours_and_audited(world: World) -> None:
    purpose = peer_map_purpose_record(
        actor=world.social_worker,
        person=world.csc_child,
        purpose="safety_planning",
        reason="  Safety plan review on Friday ",
    )
    assert purpose.reason == "Safety plan review on Friday"
    assert purpose.expires_at - purpose.recorded_at == dt.timedelta(hours=8)
    event = last_change(purpose)
    assert (event.actor, event.action, event.record_type) == (
        world.social_worker,
        ChangeAction.CREATE,
        "peers.peermappurpose",
    )
    assert event.after["purpose"] == "safety_planning"
    assert event.after["person_id"] == world.csc_child.pk


@pytest.mark.parametrize(
    ("purpose", "reason", "errors"),
    [
        pytest.param(
            "curiosity",
            "x",
            {
                "purpose": [
                    "Choose why you need to see peers' names: safety planning, or a linked case"
                ]
            },
            id="unknown-purpose",
        ),
        pytest.param(
            "linked_case",
            "   ",
            {"reason": ["Say briefly why you need to see peers' names"]},
            id="no-reason",
        ),
        pytest.param(
            "linked_case",
            "x" * 501,
            {"reason": ["The reason must be 500 characters or fewer"]},
            id="long-reason",
        ),
    ],
)
def test_purpose_refuses_bad_input(
    world: World, purpose: str, reason: str, errors: dict[str, list[str]]
) -> None:
    with nothing_written(PeerMapPurpose), pytest.raises(ValidationFailed) as exc:
        peer_map_purpose_record(
            actor=world.social_worker, person=world.csc_child, purpose=purpose, reason=reason
        )
    assert exc.value.errors == errors


def test_purpose_needs_sight_of_the_child(world: World) -> None:
    with nothing_written(PeerMapPurpose), pytest.raises(NotPermitted):
        peer_map_purpose_record(
            actor=world.police_analyst,
            person=world.csc_child,
            purpose="safety_planning",
            reason="curious",
        )
