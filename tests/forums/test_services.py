"""The one action-update service and the shared decisions, for each forum's actions: one
history row and one audit trail per step, all or nothing, every bad field named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from locus.audit.models import ChangeAction
from locus.casework import services as casework
from locus.casework.models import ConferenceDecision, PlanAction, PlanActionUpdate
from locus.common.errors import InvalidTransition, ValidationFailed
from locus.common.services import Problems, today
from locus.forums import models as forums_models
from locus.forums import services as forums
from locus.mapping import services as cocase
from locus.mapping.models import Decision, Intervention, InterventionUpdate
from locus.panels import services as panels
from locus.panels.models import ActionProgress, PanelAction, PanelDecision
from tests.casework.helpers import planned_case
from tests.factories import World, changes_for, nothing_written
from tests.mapping.helpers import add_intervention, held_meeting
from tests.panels.helpers import act, held, item

pytestmark = pytest.mark.django_db


@dataclass
class Forum:
    """One feature's action, the worker who may update it and the feature's own update
    service (a thin wrapper round ``forums.update_action``)."""

    action: Any
    actor: Any
    update: Callable[..., Any]


def _casework(world: World) -> Forum:
    action = planned_case(world).plan.actions.get()
    return Forum(action, world.social_worker, _by_keyword(casework.action_update, "action"))


def _cocase(world: World) -> Forum:
    action = add_intervention(world, held_meeting(world))
    return Forum(action, world.yjs_worker, _by_keyword(cocase.intervention_update, "intervention"))


def _panels(world: World) -> Forum:
    # The harmed young person's item: an action on it stays with the panel (no plan).
    action = act(world, item(held(world), "harmed"))
    return Forum(action, world.social_worker, panels.panel_action_update)


def _by_keyword(service: Callable[..., Any], name: str) -> Callable[..., Any]:
    """The feature's service, called with its action as ``action=``."""
    return lambda *, action, **kw: service(**{name: action}, **kw)


HISTORIES = {
    PlanAction: PlanActionUpdate,
    Intervention: InterventionUpdate,
    PanelAction: ActionProgress,
}
FORUMS = {"casework": _casework, "cocase": _cocase, "panels": _panels}
MODELS = (
    PlanAction,
    PlanActionUpdate,
    Intervention,
    InterventionUpdate,
    PanelAction,
    ActionProgress,
)


@pytest.fixture(params=sorted(FORUMS))
def forum(request: pytest.FixtureRequest, world: World) -> Forum:
    return FORUMS[request.param](world)


def test_the_features_actions_share_the_abstract_models() -> None:
    for action, history in HISTORIES.items():
        assert issubclass(action, forums_models.Action)
        assert issubclass(history, forums_models.ActionUpdate)
        assert action.history_model() is history
        assert history._meta.get_field("action").related_model is action
        assert {"due_on", "status", "owner", "agency"} <= {f.name for f in action._meta.fields}
    for decision in (ConferenceDecision, Decision, PanelDecision):
        assert issubclass(decision, forums_models.Decision)


def test_an_update_writes_one_history_row_and_audits_both(world: World, forum: Forum) -> None:
    action, later = forum.action, today() + dt.timedelta(days=60)
    before_due, history = action.due_on, HISTORIES[type(action)]
    steps = history.objects.filter(action=action).count()
    forums.update_action(forum.actor, action, "in_progress", "First session held", later)
    action.refresh_from_db()
    assert (action.status, action.due_on) == ("in_progress", later)
    rows = history.objects.filter(action=action)
    assert rows.count() == steps + 1
    step = rows.order_by("-at", "-id").first()
    assert step is not None
    assert (step.previous_status, step.status) == ("planned", "in_progress")
    assert (step.previous_due_on, step.due_on) == (before_due, later)
    assert (step.by, step.note) == (forum.actor, "First session held")
    assert [(c.action, c.actor_id) for c in changes_for(step)] == [
        (ChangeAction.CREATE, forum.actor.pk)
    ]
    change = changes_for(action)[-1]
    assert change.action == ChangeAction.UPDATE
    assert change.after["status"] == "in_progress" and change.after["due_on"] == later.isoformat()


def test_the_features_services_delegate_to_the_one_update(
    world: World, forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(forums, "update_action", lambda *args, **kw: calls.append(args))
    forum.update(actor=forum.actor, action=forum.action, status="done", note="Finished")
    assert calls == [(forum.actor, forum.action, "done", "Finished", None)]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"status": "paused"}, "status", "status"),
        ({"note": "  "}, "note", "Say what has happened"),
        ({"note": "x" * 2001}, "note", "2000 characters or fewer"),
        ({"due_on": "yesterday"}, "due_on", "The due date must be today or later"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    world: World, forum: Forum, fields: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {"status": "in_progress", "note": "Visited", **fields}
    if values.get("due_on") == "yesterday":
        values["due_on"] = today() - dt.timedelta(days=1)
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as caught:
        forum.update(actor=forum.actor, action=forum.action, **values)
    assert set(caught.value.errors) == {field}
    assert message in caught.value.errors[field][0]


def test_every_problem_is_reported_at_once(world: World, forum: Forum) -> None:
    with nothing_written(*MODELS), pytest.raises(ValidationFailed) as caught:
        forum.update(
            actor=forum.actor,
            action=forum.action,
            status="paused",
            note="",
            due_on=today() - dt.timedelta(days=3),
        )
    assert set(caught.value.errors) == {"status", "note", "due_on"}


def test_a_finished_action_refuses_every_update(world: World, forum: Forum) -> None:
    forum.update(actor=forum.actor, action=forum.action, status="stopped", note="Moved away")
    for status in ("done", "in_progress", "stopped", "paused"):
        with nothing_written(*MODELS), pytest.raises(InvalidTransition):
            forum.update(actor=forum.actor, action=forum.action, status=status, note="x")


def test_nothing_goes_back_to_planned(world: World, forum: Forum) -> None:
    forum.update(actor=forum.actor, action=forum.action, status="in_progress", note="Begun")
    with nothing_written(*MODELS), pytest.raises(InvalidTransition, match="planned"):
        forum.update(actor=forum.actor, action=forum.action, status="planned", note="Undo")


def test_an_update_is_all_or_nothing(
    world: World, forum: Forum, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history row is written before the action changes: a failure in between leaves
    neither (the service's own transaction), even when called outside a feature's."""

    def broken(**_: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(forums, "save_changes", broken)
    with nothing_written(*MODELS), pytest.raises(RuntimeError):
        forums.update_action(forum.actor, forum.action, "done", "Finished")


def test_decisions_are_recorded_by_whom_and_when_and_audited(world: World) -> None:
    meeting = held(world)
    problems = Problems()
    texts = forums.clean_decisions(problems, ["Refer to the YOT", " ", "x" * 2001])
    assert problems.errors == {"decisions": ["Each decision must be 2000 characters or fewer"]}
    written = forums.record_decisions(
        world.social_worker, PanelDecision, texts[:1], meeting=meeting
    )
    [decision] = written
    assert (decision.text, decision.recorded_by) == ("Refer to the YOT", world.social_worker)
    assert decision.recorded_at is not None
    assert [c.action for c in changes_for(decision)] == [ChangeAction.CREATE]
