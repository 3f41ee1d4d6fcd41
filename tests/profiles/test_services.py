"""Recording the aspirational profile: who may, what is refused (named, nothing written),
and the item's history (changed and ended, never deleted)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from locus.audit.models import ChangeAction
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.common.services import today
from locus.profiles.models import ALLOWED_STEPS, ItemState, ItemStep, ProfileItem
from locus.profiles.services import (
    profile_item_change,
    profile_item_end,
    require_step,
)
from tests.factories import START, World, changes_for, make_person, nothing_written
from tests.profiles.helpers import add_item

pytestmark = pytest.mark.django_db


def test_a_social_worker_records_an_aspiration_in_the_young_person_s_words(world: World) -> None:
    item = add_item(world.social_worker, world.csc_child)
    assert item.kind == "aspiration" and item.own_words
    assert item.recorded_by == world.social_worker and item.ended_on is None
    (event,) = changes_for(item)
    assert event.action == ChangeAction.CREATE and event.actor == world.social_worker


# Who may record about csc_child (allocated to social_worker in CSC team A).
# fmt: off
RECORD_ROW = {
    "social_worker": True,
    "teammate": True,            # team scope
    "team_manager": True,
    "other_social_worker": False,  # another team: does not see the child
    "yjs_worker": False,
    "police_analyst": False,     # analysts read; they do not record about children
    "school_dsl": False,
    "partner_worker": False,
    "auditor": False,
    "admin": True,
}
# fmt: on


@pytest.mark.parametrize(("persona", "allowed"), sorted(RECORD_ROW.items()))
def test_who_may_record_a_profile_item(world: World, persona: str, allowed: bool) -> None:
    worker = world.persona(persona)
    if allowed:
        assert add_item(worker, world.csc_child).recorded_by == worker
        return
    with nothing_written(ProfileItem), pytest.raises(NotPermitted):
        add_item(worker, world.csc_child)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": "   "}, "text", "Say what it is"),
        ({"text": "x" * 1001}, "text", "1000 characters or fewer"),
        ({"kind": "risk"}, "kind", "Choose what kind of strength it is"),
        ({"recorded_on": None}, "recorded_on", "Enter the date"),
        ({"recorded_on": "tomorrow"}, "recorded_on", "must not be in the future"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(
    world: World, fields: dict, field: str, message: str
) -> None:
    if fields.get("recorded_on") == "tomorrow":
        fields["recorded_on"] = today() + dt.timedelta(days=1)
    with nothing_written(ProfileItem), pytest.raises(ValidationFailed) as caught:
        add_item(world.social_worker, world.csc_child, **fields)
    assert any(message in m for m in caught.value.errors[field])


def test_every_problem_is_reported_at_once(world: World) -> None:
    with nothing_written(ProfileItem), pytest.raises(ValidationFailed) as caught:
        add_item(world.social_worker, world.csc_child, kind="", text="", recorded_on=None)
    assert set(caught.value.errors) == {"kind", "text", "recorded_on"}


def test_a_profile_is_about_a_young_person(world: World) -> None:
    with nothing_written(ProfileItem), pytest.raises(ValidationFailed) as caught:
        add_item(world.admin, world.adult)
    assert "about a young person" in caught.value.errors["person"][0]


def test_a_protective_peer_the_worker_sees_is_named(world: World) -> None:
    item = add_item(
        world.social_worker,
        world.csc_child,
        kind="protective_peer",
        text="Tariq walks home with me",
        peer=world.team_child,
    )
    assert item.peer == world.team_child


def test_naming_a_peer_the_worker_may_not_see_is_refused(world: World) -> None:
    # Naming must not be a way in: other_child is held by another team.
    with nothing_written(ProfileItem), pytest.raises(NotPermitted):
        add_item(
            world.social_worker,
            world.csc_child,
            kind="protective_peer",
            text="Olu sticks up for me",
            peer=world.other_child,
        )


def test_a_peer_can_be_described_without_being_known(world: World) -> None:
    item = add_item(
        world.social_worker,
        world.csc_child,
        kind="protective_peer",
        text="My cousin J, who is at college",
    )
    assert item.peer is None and item.text.startswith("My cousin")


@pytest.mark.parametrize(
    ("kind", "peer_name", "message"),
    [
        ("talent", "team_child", "Only a protective peer names a person"),
        ("protective_peer", "csc_child", "not their own peer"),
    ],
)
def test_a_named_peer_must_fit(world: World, kind: str, peer_name: str, message: str) -> None:
    peer = getattr(world, peer_name)
    with nothing_written(ProfileItem), pytest.raises(ValidationFailed) as caught:
        add_item(world.social_worker, world.csc_child, kind=kind, peer=peer)
    assert message in caught.value.errors["peer"][0]


def test_an_adult_is_a_trusted_adult_not_a_protective_peer(world: World) -> None:
    with nothing_written(ProfileItem), pytest.raises(ValidationFailed) as caught:
        add_item(world.admin, world.csc_child, kind="protective_peer", peer=world.adult)
    assert "record an adult as a trusted adult" in caught.value.errors["peer"][0]


def test_a_safe_place_may_be_a_known_place(world: World) -> None:
    item = add_item(
        world.social_worker,
        world.csc_child,
        kind="safe_place",
        text="The library on Mare Street",
        place=world.shopping_centre,
    )
    assert item.place == world.shopping_centre
    with nothing_written(ProfileItem), pytest.raises(ValidationFailed) as caught:
        add_item(world.social_worker, world.csc_child, kind="interest", place=world.park)
    assert "Only a safe place names a place" in caught.value.errors["place"][0]


def test_a_place_the_worker_may_not_see_cannot_be_named(world: World) -> None:
    # The home is csc_child's: the YJS worker does not see it.
    with nothing_written(ProfileItem), pytest.raises(NotPermitted):
        add_item(world.yjs_worker, world.yjs_child, kind="safe_place", place=world.home)


# --- Change and end: history is kept ---------------------------------------------------------


@pytest.mark.usefixtures("frozen_clock")  # today() is the same day throughout
def test_a_change_ends_the_old_words_and_records_the_new(world: World) -> None:
    item = add_item(world.social_worker, world.csc_child)
    new = profile_item_change(
        actor=world.teammate,
        item=item,
        text="I want to run my own garage",
        own_words=True,
        changed_on=today(),
    )
    item.refresh_from_db()
    assert item.ended_on == today() and item.end_reason == "Changed"
    assert item.ended_by == world.teammate
    assert new.replaces == item and new.kind == item.kind and new.recorded_on == today()
    assert [e.action for e in changes_for(item)] == [ChangeAction.CREATE, ChangeAction.END]
    assert [e.action for e in changes_for(new)] == [ChangeAction.CREATE]
    assert ProfileItem.objects.filter(person=world.csc_child).count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"text": "I want to be a mechanic like my uncle"}, "text", "Nothing has changed"),
        ({"text": ""}, "text", "Say what it is"),
        ({"changed_on": None}, "changed_on", "Enter the date of the change"),
        ({"changed_on": START}, "changed_on", "on or after"),
    ],
)
def test_a_change_that_does_not_fit_is_refused(
    world: World, fields: dict, field: str, message: str
) -> None:
    item = add_item(world.social_worker, world.csc_child)
    values = {"text": "New words", "own_words": True, "changed_on": today(), **fields}
    with nothing_written(ProfileItem), pytest.raises(ValidationFailed) as caught:
        profile_item_change(actor=world.social_worker, item=item, **values)
    assert any(message in m for m in caught.value.errors[field])


def test_ending_keeps_the_item_with_its_reason(world: World) -> None:
    item = add_item(world.social_worker, world.csc_child, kind="safe_place", text="Youth club")
    profile_item_end(actor=world.social_worker, item=item, ended_on=today(), reason="It closed")
    item.refresh_from_db()
    assert (item.ended_on, item.end_reason, item.ended_by) == (
        today(),
        "It closed",
        world.social_worker,
    )
    assert changes_for(item)[-1].action == ChangeAction.END


@pytest.mark.parametrize(
    ("ended_on", "reason", "field"),
    [
        (None, "It closed", "ended_on"),
        ("future", "It closed", "ended_on"),
        (START, "It closed", "ended_on"),  # before it was recorded
        ("today", "x" * 301, "reason"),
        ("today", "  ", "reason"),  # an ending is recorded with its reason
    ],
)
def test_an_end_that_does_not_fit_is_refused(
    world: World, ended_on: object, reason: str, field: str
) -> None:
    item = add_item(world.social_worker, world.csc_child)
    day = {"future": today() + dt.timedelta(days=1), "today": today()}.get(str(ended_on), ended_on)
    with nothing_written(ProfileItem), pytest.raises(ValidationFailed) as caught:
        profile_item_end(actor=world.social_worker, item=item, ended_on=day, reason=reason)
    assert field in caught.value.errors


def test_only_those_who_may_record_change_or_end(world: World) -> None:
    item = add_item(world.social_worker, world.csc_child)
    with nothing_written(ProfileItem), pytest.raises(NotPermitted):
        profile_item_end(
            actor=world.other_social_worker, item=item, ended_on=today(), reason="It closed"
        )
    with nothing_written(ProfileItem), pytest.raises(NotPermitted):
        profile_item_change(
            actor=world.police_analyst, item=item, text="x", own_words=False, changed_on=today()
        )


# --- The state machine, exhaustively -----------------------------------------------------------


def _step(world: World, item: ProfileItem, step: ItemStep) -> None:
    if step == ItemStep.CHANGE:
        profile_item_change(
            actor=world.social_worker,
            item=item,
            text="Other words",
            own_words=False,
            changed_on=today(),
        )
    else:
        profile_item_end(actor=world.social_worker, item=item, ended_on=today(), reason="It closed")


@pytest.mark.parametrize(
    ("state", "step"), list(itertools.product(list(ItemState), list(ItemStep)))
)
def test_every_state_and_step(world: World, state: ItemState, step: ItemStep) -> None:
    item = add_item(world.social_worker, world.csc_child)
    if state == ItemState.ENDED:
        profile_item_end(actor=world.social_worker, item=item, ended_on=today(), reason="It closed")
    if step in ALLOWED_STEPS[state]:
        _step(world, item, step)
        item.refresh_from_db()
        assert item.state == ItemState.ENDED
    else:
        with nothing_written(ProfileItem), pytest.raises(InvalidTransition) as caught:
            _step(world, item, step)
        assert "kept as history" in str(caught.value)
        with pytest.raises(InvalidTransition):
            require_step(item, step)


def test_a_stale_page_cannot_end_an_item_twice(world: World) -> None:
    item = add_item(world.social_worker, world.csc_child)
    stale = ProfileItem.objects.get(pk=item.pk)
    profile_item_end(actor=world.social_worker, item=item, ended_on=today(), reason="It closed")
    with nothing_written(ProfileItem), pytest.raises(InvalidTransition):
        profile_item_change(
            actor=world.social_worker, item=stale, text="New", own_words=False, changed_on=today()
        )


def test_a_purged_peer_leaves_no_trace_in_the_profile(world: World) -> None:
    peer = make_person(world.system, given_name="Temp", family_name="Peer")
    item = add_item(world.admin, world.csc_child, kind="protective_peer", peer=peer)
    peer.delete()
    assert not ProfileItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("kind", ["trusted_adult", "safe_place"])
def test_an_ending_without_a_reason_is_refused_and_writes_nothing(world: World, kind: str) -> None:
    item = add_item(world.social_worker, world.csc_child, kind=kind, text="Her aunt Jo")
    with nothing_written(ProfileItem), pytest.raises(ValidationFailed) as caught:
        profile_item_end(actor=world.social_worker, item=item, ended_on=today(), reason=" ")
    assert caught.value.errors == {"reason": ["Say why it has ended"]}
    item.refresh_from_db()
    assert item.ended_on is None
