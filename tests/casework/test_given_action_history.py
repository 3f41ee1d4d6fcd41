"""An action given to someone who cannot open its case: its history from the hand-over on.

A case lead may give a plan action to a worker outside the case's team (who sees a family
home through none of its children) or to a partner organisation's worker. The updates
written before that were written by and for the case's team, and may name children: the
new owner reads the action, the step that gave it to them (with its reason) and what
follows, told how many earlier updates there are; whoever opens the case still reads them
all. The giver is warned first and says they understand. Before, the new owner's page (and
a partner's plan page and place timeline) showed the action's whole history."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.html import escape

from locus.access.context_cases import cases_visible_to
from locus.access.models import Worker
from locus.audit.models import AccessEvent
from locus.casework import services
from locus.casework.models import PlanAction
from locus.forums.models import ActionStatus
from locus.places.timeline import timeline_for
from tests.casework.helpers import CASEWORK_MODELS, add_action, home_plan, planned_case
from tests.factories import World, client_for, make_worker, nothing_written

pytestmark = pytest.mark.django_db

EARLIER = "Saw Kestrel Vantongeren at the flat; her brother was there too"
LATER = "First detached session held by the flats"
REASON = "The youth justice worker already runs sessions by the flats"


def _update(actor: object, action: PlanAction, note: str) -> PlanAction:
    return services.action_update(
        actor=actor,  # type: ignore[arg-type]
        action=action,
        status=ActionStatus.IN_PROGRESS,
        note=note,
    )


def _given_on_a_home(world: World) -> PlanAction:
    """An action on a home's plan, updated by its team owner, then given to the youth
    justice worker (who may not see the case), who records progress."""
    plan = home_plan(world)
    action = add_action(world, plan, agency=world.csc, owner=world.teammate)
    _update(world.teammate, action, EARLIER)
    services.action_give(
        actor=world.social_worker, action=action, owner=world.yjs_worker, reason=REASON
    )
    assert not cases_visible_to(world.yjs_worker).filter(pk=plan.case_id).exists()
    action.refresh_from_db()
    return _update(world.yjs_worker, action, LATER)


def test_the_new_owner_reads_the_history_from_the_hand_over_on(world: World) -> None:
    action = _given_on_a_home(world)
    html = client_for(world.yjs_worker).get(reverse("own-action", args=[action.pk]))
    text = html.content.decode()
    assert escape(EARLIER) not in text and "Kestrel" not in text
    assert escape(LATER) in text
    assert "Given to you on" in text and escape(REASON) in text
    # Agreeing the action and the team's update: two earlier steps, counted, not shown.
    assert "2 earlier updates from before the action was given to you are not shown" in text
    event = AccessEvent.objects.filter(actor=world.yjs_worker).latest("id")
    shown = set(event.detail["updates_shown"])
    assert shown == set(action.updates.order_by("-at", "-id").values_list("pk", flat=True)[:2])
    assert event.detail["case_seen"] is False
    # Whoever opens the case still reads the whole history.
    plan = client_for(world.teammate).get(reverse("context-plan", args=[action.plan.case_id]))
    text = plan.content.decode()
    assert escape(EARLIER) in text and escape(LATER) in text
    assert "earlier update" not in text
    # An owner in the case's team, given it back, reads it all on their own page.
    services.action_give(
        actor=world.social_worker, action=action, owner=world.teammate, reason="Back to you"
    )
    own = client_for(world.teammate).get(reverse("own-action", args=[action.pk]))
    assert escape(EARLIER) in own.content.decode() and escape(LATER) in own.content.decode()


def test_a_partner_given_an_action_reads_it_from_the_hand_over_everywhere(world: World) -> None:
    """The partner opens the case once its organisation acts on it, but reads its own
    agency's actions only: not the updates written before the action came to it."""
    case = planned_case(world)
    action = add_action(world, case.plan, agency=world.csc, owner=world.teammate)
    _update(world.teammate, action, EARLIER)
    services.action_give(
        actor=world.social_worker, action=action, owner=world.partner_worker, reason=REASON
    )
    action.refresh_from_db()
    _update(world.partner_worker, action, LATER)
    client = client_for(world.partner_worker)
    for url in (
        reverse("own-action", args=[action.pk]),
        reverse("context-plan", args=[case.pk]),
    ):
        text = client.get(url).content.decode()
        assert escape(EARLIER) not in text and escape(LATER) in text, url
        assert "earlier update" in text, url
    events = " ".join(e.detail for e in timeline_for(world.partner_worker, world.shopping_centre))
    assert EARLIER not in events and LATER in events
    everyone = " ".join(e.detail for e in timeline_for(world.social_worker, world.shopping_centre))
    assert EARLIER in everyone and LATER in everyone


def test_the_giver_is_warned_when_the_new_owner_cannot_open_the_case(world: World) -> None:
    plan = home_plan(world)
    action = add_action(world, plan, agency=world.csc, owner=world.teammate)
    url = reverse("context-action-give", args=[plan.case_id, action.pk])
    client = client_for(world.social_worker)
    form = client.get(url).content.decode()
    assert "do not read its earlier updates" in form
    asked = {"owner": world.yjs_worker.pk, "reason": REASON}
    with nothing_written(*CASEWORK_MODELS):
        refused = client.post(url, asked)
    assert refused.status_code == 200
    assert "cannot open this case: they will read this action" in refused.content.decode()
    assert client.post(url, {**asked, "understood": "on"}).status_code == 302
    action.refresh_from_db()
    assert action.owner == world.yjs_worker
    step = action.updates.first()
    assert step is not None and step.given_to == world.yjs_worker
    # Given to someone who opens the case, nothing is asked.
    back = {"owner": world.teammate.pk, "reason": "Back to the team"}
    assert client.post(url, back).status_code == 302


def test_an_action_given_before_the_hand_over_was_named_is_read_from_its_latest_hand_over(
    world: World,
) -> None:
    """The migration marks each action's latest hand-over already written (the one that gave
    it to its owner now), so an owner given it before reads it as one given now."""
    action = _given_on_a_home(world)
    action.updates.update(given_to=None)
    migration = importlib.import_module("locus.casework.migrations.0010_action_update_given_to")
    migration.forwards(apps, None)
    (marked,) = action.updates.filter(given_to__isnull=False)
    assert marked.given_to == world.yjs_worker and marked.note.startswith("Given to ")
    text = client_for(world.yjs_worker).get(reverse("own-action", args=[action.pk]))
    assert escape(EARLIER) not in text.content.decode()


PARTNER_OWN = "Patrols moved to the car park's north stairs"
BACK = "Spoke to the family about the stairwell"


def _text_for(worker: Worker, action: PlanAction) -> list[str]:
    """What ``worker`` reads of ``action`` on its own page (if they own it), the plan page and
    the place's timeline."""
    client = client_for(worker)
    urls = [reverse("context-plan", args=[action.plan.case_id])]
    if action.owner == worker:
        urls.insert(0, reverse("own-action", args=[action.pk]))
    pages = [client.get(url).content.decode() for url in urls]
    events = timeline_for(worker, action.plan.case.context)
    return [*pages, " ".join(escape(e.detail) for e in events)]


def _give(world: World, action: PlanAction, owner: Worker, reason: str = REASON) -> PlanAction:
    services.action_give(actor=world.social_worker, action=action, owner=owner, reason=reason)
    action.refresh_from_db()
    return action


def test_a_partner_reads_its_own_earlier_updates_from_the_hand_over_into_it(
    world: World,
) -> None:
    """An action moved between two workers of one partner organisation was read from the move,
    hiding the partner's own earlier updates from it. Now a partner reads from the latest
    hand-over into its organisation: its own updates since, never the case team's before."""
    colleague = make_worker(world.system, team=world.partner_worker.team, role="practitioner")
    case = planned_case(world)
    action = add_action(world, case.plan, agency=world.csc, owner=world.teammate)
    _update(world.teammate, action, EARLIER)
    action = _give(world, action, world.partner_worker)
    _update(world.partner_worker, action, PARTNER_OWN)
    action = _give(world, action, colleague, "Our day team takes the car park over")
    _update(colleague, action, LATER)
    for worker in (colleague, world.partner_worker):
        for text in _text_for(worker, action):
            assert escape(EARLIER) not in text
            assert escape(PARTNER_OWN) in text and escape(LATER) in text
    # Given back to the case's team and then to the partner again: read from the new hand-over.
    action = _give(world, action, world.teammate, "Back to the team")
    _update(world.teammate, action, BACK)
    action = _give(world, action, world.partner_worker)
    for text in _text_for(world.partner_worker, action):
        assert escape(BACK) not in text and escape(PARTNER_OWN) not in text


def test_a_partner_s_action_moved_within_it_is_read_whole(world: World) -> None:
    """Agreed for the partner and moved between its workers: all of it was written while the
    partner had it, so its new owner reads it all."""
    colleague = make_worker(world.system, team=world.partner_worker.team, role="practitioner")
    case = planned_case(world)
    action = add_action(world, case.plan)
    _update(world.partner_worker, action, PARTNER_OWN)
    action = _give(world, action, colleague, "Our day team takes the car park over")
    for text in _text_for(colleague, action):
        assert escape(PARTNER_OWN) in text and "earlier update" not in text


def test_an_owner_who_cannot_open_the_case_reads_from_the_hand_over_to_them_not_to_their_team(
    world: World,
) -> None:
    """Given to a youth justice worker who may not open the case, then to their teammate: the
    teammate reads from the hand-over to them. The first owner's notes are not theirs: a
    teammate may have been a member of the case, writing for those who see its children."""
    colleague = make_worker(world.system, team=world.yjs_worker.team, role="practitioner")
    action = _given_on_a_home(world)
    action = _give(world, action, colleague, "Covering while they are on leave")
    text = client_for(colleague).get(reverse("own-action", args=[action.pk])).content.decode()
    assert escape(LATER) not in text and escape(EARLIER) not in text and "Kestrel" not in text
    assert "4 earlier updates from before the action was given to you " in text


def test_the_new_owner_reads_the_hand_over_once_with_its_reason(world: World) -> None:
    """The step that gave the owner their action reads "Given to you on <date> by <giver>:
    <reason>", once: before, it repeated the stored note ("Given to <owner>, <agency>, by
    <giver> (owned by ...): <reason>") after its own heading."""
    action = _given_on_a_home(world)
    text = client_for(world.yjs_worker).get(reverse("own-action", args=[action.pk]))
    html = text.content.decode()
    giver = escape(str(world.social_worker))
    assert f"by {giver}</strong>: {escape(REASON)}</li>" in html
    assert f"Given to {escape(str(world.yjs_worker))}" not in html and "owned by" not in html
    # Whoever reads the whole history still reads whom it was given to, and from whom.
    plan = client_for(world.teammate).get(reverse("context-plan", args=[action.plan.case_id]))
    assert f"Given to {escape(str(world.yjs_worker))}" in plan.content.decode()


def test_a_hand_over_written_before_its_reason_was_kept_apart_reads_once(world: World) -> None:
    """The migration takes the reason from the words of a hand-over already written, so an
    owner given their action before reads it once too."""
    action = _given_on_a_home(world)
    action.updates.update(reason="")
    migration = importlib.import_module("locus.casework.migrations.0012_action_update_reason")
    migration.forwards(apps, None)
    (step,) = action.updates.exclude(reason="")
    assert step.given_to == world.yjs_worker and step.reason == REASON
    html = client_for(world.yjs_worker).get(reverse("own-action", args=[action.pk]))
    assert "owned by" not in html.content.decode()
