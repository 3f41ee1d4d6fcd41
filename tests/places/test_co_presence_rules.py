"""A place's co-presence rule (``places.services.co_presence_rule_set`` / ``_remove``): who may
set it, what it checks, that changing or removing one keeps the history, and the audit."""

from __future__ import annotations

import pytest

from locus.access.models import Role, Scope, Worker
from locus.access.places import can_set_co_presence_rule
from locus.access.services import team_create
from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.places.models import CoPresenceMode, CoPresenceRule
from locus.places.services import co_presence_rule_remove, co_presence_rule_set
from tests.factories import World, changes_for, make_worker, nothing_written

pytestmark = pytest.mark.django_db


def _set(world: World, actor: str = "team_manager", **fields):
    fields.setdefault("mode", CoPresenceMode.EXCLUDE)
    fields.setdefault("reason", "Hundreds of young people pass through on Saturdays")
    fields.setdefault("context", world.shopping_centre)
    return co_presence_rule_set(actor=world.persona(actor), **fields)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("team_manager", True),
        ("social_worker", False),  # a practitioner sees the rule but does not set it
        ("teammate", False),
        ("other_social_worker", False),
        ("yjs_worker", False),
        ("police_analyst", False),
        ("school_dsl", False),
        ("partner_worker", False),
        ("admin", False),  # the IT administrator never
        ("auditor", False),  # nor an auditor
    ],
)
def test_only_a_manager_of_a_team_sets_a_rule(world: World, persona: str, allowed: bool):
    actor = world.persona(persona)
    assert can_set_co_presence_rule(actor, world.shopping_centre) is allowed
    if allowed:
        rule = _set(world, persona)
        assert rule.set_by == actor and rule.ended_at is None
        return
    with nothing_written(CoPresenceRule), pytest.raises(NotPermitted):
        _set(world, persona)


def _security_manager(world: World) -> Worker:
    """The shopping centre's own security manager: a manager of a team, but of a partner
    organisation (a business), which sees no children's case records."""
    return make_worker(world.system, team=world.partner_team, role=Role.MANAGER, scope=Scope.AGENCY)


def _chairs_manager(world: World) -> Worker:
    """The manager of an independent reviewing service (the conference chairs' unit): it
    chairs and reviews, does nothing else in casework, and reads no child's linked cases."""
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    return make_worker(world.system, team=unit, role=Role.MANAGER, scope=Scope.TEAM)


# The managers of a team given no child: neither decides how being at a place links children.
NO_CHILD_MANAGERS = pytest.mark.parametrize(
    "manager_of", [_security_manager, _chairs_manager], ids=["business", "chairs-unit"]
)


@NO_CHILD_MANAGERS
def test_a_business_may_not_switch_off_linking_at_its_own_premises(world: World, manager_of):
    """A rule changes every team's linked cases, which a partner organisation does not read:
    the centre's own manager may not decide that being there never links two children. Nor
    may the conference chairs' unit's manager, which reads no linked cases either."""
    security_manager = manager_of(world)
    assert not can_set_co_presence_rule(security_manager, world.shopping_centre)
    with nothing_written(CoPresenceRule), pytest.raises(NotPermitted):
        co_presence_rule_set(
            actor=security_manager,
            context=world.shopping_centre,
            mode=CoPresenceMode.EXCLUDE,
            reason="Too many false alarms about our customers",
        )


@NO_CHILD_MANAGERS
def test_a_business_may_not_remove_a_rule_at_its_own_premises(world: World, manager_of):
    """Removing a narrower window widens what links children again: the same decision."""
    rule = _set(world, mode=CoPresenceMode.OUT_OF_HOURS)
    with pytest.raises(NotPermitted):
        co_presence_rule_remove(
            actor=manager_of(world), context=world.shopping_centre, reason="Not needed"
        )
    rule.refresh_from_db()
    assert rule.ended_at is None


def test_a_manager_who_sees_no_case_records_sets_no_rule(world: World):
    """A manager whose access has been narrowed to no case records manages no casework."""
    manager = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, scope=Scope.NONE)
    assert not can_set_co_presence_rule(manager, world.shopping_centre)
    with nothing_written(CoPresenceRule), pytest.raises(NotPermitted):
        co_presence_rule_set(
            actor=manager, context=world.shopping_centre, mode=CoPresenceMode.EXCLUDE, reason="x"
        )


def test_no_rule_on_a_home_or_a_peer_group(world: World):
    for place in (world.home, world.group):
        assert not can_set_co_presence_rule(world.team_manager, place)
        with nothing_written(CoPresenceRule), pytest.raises(NotPermitted):
            _set(world, context=place)


def test_an_inactive_manager_sets_nothing(world: World):
    world.team_manager.is_active = False
    assert not can_set_co_presence_rule(world.team_manager, world.shopping_centre)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Say why this place needs the rule"),
        ({"mode": "sometimes"}, "mode", "Choose what the rule does"),
        ({"mode": "window"}, "window_days", "Enter a number of days from 1 to 29"),
        (
            {"mode": "window", "window_days": 30},
            "window_days",
            "Enter a number of days from 1 to 29",
        ),
        (
            {"mode": "window", "window_days": 0},
            "window_days",
            "Enter a number of days from 1 to 29",
        ),
        ({"window_days": 3}, "window_days", "Only a narrower window has a number of days"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(world: World, fields, field, message):
    with nothing_written(CoPresenceRule), pytest.raises(ValidationFailed) as info:
        _set(world, **fields)
    assert info.value.errors[field] == [message]


def test_changing_a_rule_keeps_the_old_one_and_audits_both(world: World):
    first = _set(world)
    second = _set(world, mode=CoPresenceMode.WINDOW, window_days=3, reason="Only days apart count")
    first.refresh_from_db()
    assert first.ended_at is not None and first.ended_by == world.team_manager
    assert first.end_reason == "Replaced: Only days apart count"
    assert second.ended_at is None and second.window_days == 3
    assert [c.action for c in changes_for(first)] == [ChangeAction.CREATE, ChangeAction.END]
    assert [c.action for c in changes_for(second)] == [ChangeAction.CREATE]
    assert changes_for(second)[0].after["reason"] == "Only days apart count"
    assert list(CoPresenceRule.objects.filter(context=world.shopping_centre)) == [second, first]


def test_the_same_rule_again_is_refused(world: World):
    _set(world)
    with nothing_written(CoPresenceRule), pytest.raises(ValidationFailed) as info:
        _set(world)
    assert info.value.errors["mode"] == ["This place already has this rule"]


def test_removing_a_rule_ends_it_with_a_reason_and_keeps_it(world: World):
    rule = _set(world, mode=CoPresenceMode.OUT_OF_HOURS)
    with pytest.raises(ValidationFailed) as info:
        co_presence_rule_remove(actor=world.team_manager, context=world.shopping_centre, reason="")
    assert info.value.errors["reason"] == ["Say why the rule is removed"]
    co_presence_rule_remove(
        actor=world.team_manager, context=world.shopping_centre, reason="The centre has closed"
    )
    rule.refresh_from_db()
    assert rule.ended_at is not None and rule.end_reason == "The centre has closed"
    assert changes_for(rule)[-1].action == ChangeAction.END
    with pytest.raises(ValidationFailed) as info:
        co_presence_rule_remove(actor=world.team_manager, context=world.shopping_centre, reason="x")
    assert info.value.errors["reason"] == ["This place has no rule to remove"]


def test_a_practitioner_cannot_remove_a_manager_rule(world: World):
    _set(world)
    with pytest.raises(NotPermitted):
        co_presence_rule_remove(
            actor=world.social_worker, context=world.shopping_centre, reason="I disagree"
        )
    assert CoPresenceRule.objects.get().ended_at is None
