"""An action's own page: its owner reads and updates it whether or not they may see its case.

A case lead may give an action on a family home's plan to a worker who sees the home through
none of its children (a youth justice worker, a youth worker). Giving work is not a way in: the
owner's page shows the action alone (words, due date, status, history, who leads the case),
never the home (an address), the plan's other parts or the children. The page is for an owner
who still works cases: before, an owner made the information governance lead still read it,
and one made IT administrator still recorded it done (as that role did any plan action)."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape

from locus.access.context_cases import access_own_action, cases_visible_to
from locus.access.models import Role, Scope
from locus.audit.models import AccessEvent
from locus.casework import services
from locus.casework.models import PlanAction
from locus.common.errors import NotPermitted
from locus.forums.models import ActionStatus
from locus.notifications.models import Notification, NotificationKind
from tests.casework.helpers import add_action, home_plan, planned_case
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

WORDS = "Detached youth work around the flats on Friday evenings"
OTHER = "The school nurse to see the younger brother weekly"


def _given(world: World) -> PlanAction:
    plan = home_plan(world)
    add_action(world, plan, agency=world.csc, owner=world.social_worker, description=OTHER)
    action = add_action(world, plan, agency=world.yjs, owner=world.yjs_worker, description=WORDS)
    assert not cases_visible_to(world.yjs_worker).filter(pk=plan.case_id).exists()
    return action


def test_the_owner_reads_their_action_and_nothing_else_of_the_case(world: World) -> None:
    action = _given(world)
    client = client_for(world.yjs_worker)
    url = reverse("own-action", args=[action.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(WORDS) in html and str(world.social_worker) in html  # the case's lead
    assert world.home.name not in html and escape(OTHER) not in html
    assert reverse("context-plan", args=[action.plan.case_id]) not in html
    assert "You may not see this action's case" in html
    # The case's own pages still refuse her.
    assert client.get(reverse("context-plan", args=[action.plan.case_id])).status_code == 404
    event = AccessEvent.objects.filter(actor=world.yjs_worker).latest("id")
    assert (event.record_type, event.record_id) == ("casework.planaction", str(action.pk))
    assert event.detail["case_seen"] is False


def test_the_owner_records_progress_there(world: World) -> None:
    action = _given(world)
    client = client_for(world.yjs_worker)
    url = reverse("own-action", args=[action.pk])
    bad = client.post(url, {"status": ActionStatus.IN_PROGRESS, "note": ""})
    assert bad.status_code == 200 and "Say what has happened" in bad.content.decode()
    done = client.post(url, {"status": ActionStatus.IN_PROGRESS, "note": "First session held"})
    assert done.status_code == 302 and done["Location"] == url
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert "First session held" in client.get(url).content.decode()


def test_nobody_but_the_owner_opens_the_page(world: World) -> None:
    action = _given(world)
    url = reverse("own-action", args=[action.pk])
    # Not the case's lead (she has the plan), nor anyone else, nor the administrator.
    for persona in ("social_worker", "team_manager", "police_analyst", "admin"):
        assert client_for(world.persona(persona)).get(url).status_code == 404, persona
    assert client_for(world.yjs_worker).get(reverse("own-action", args=[999999])).status_code == 404
    # A worker who has left no longer reaches it (their sign-in ends too).
    world.yjs_worker.is_active = False
    world.yjs_worker.save(update_fields=["is_active"])
    with pytest.raises(Http404):
        access_own_action(world.yjs_worker, action.pk)


def test_an_owner_who_sees_the_case_is_linked_to_the_plan(world: World) -> None:
    plan = home_plan(world)
    mine = add_action(world, plan, agency=world.csc, owner=world.social_worker, description=OTHER)
    html = client_for(world.social_worker).get(reverse("own-action", args=[mine.pk]))
    assert reverse("context-plan", args=[plan.case_id]) in html.content.decode()


def test_the_notification_of_a_given_action_leads_to_its_own_page(world: World) -> None:
    action = _given(world)
    told = Notification.objects.get(
        recipient=world.yjs_worker, kind=NotificationKind.ACTION_ASSIGNED
    )
    assert told.url == reverse("own-action", args=[action.pk])
    assert client_for(world.yjs_worker).get(told.url).status_code == 200


def test_a_finished_action_takes_no_more_updates(world: World) -> None:
    action = _given(world)
    client = client_for(world.yjs_worker)
    url = reverse("own-action", args=[action.pk])
    client.post(url, {"status": ActionStatus.DONE, "note": "Sessions running weekly"})
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    html = client.get(url).content.decode()
    assert "takes no more updates" in html and 'name="note"' not in html
    client.post(url, {"status": ActionStatus.IN_PROGRESS, "note": "Again"})
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_an_analyst_owner_reads_the_action_and_records_progress_through_their_team(
    world: World,
) -> None:
    """Analysts may own an action but do not update casework: the page shows no form."""
    plan = home_plan(world)
    action = add_action(
        world, plan, agency=world.police, owner=world.police_analyst, description=WORDS
    )
    client = client_for(world.police_analyst)
    html = client.get(reverse("own-action", args=[action.pk])).content.decode()
    assert escape(WORDS) in html and 'name="note"' not in html
    assert (
        client.post(
            reverse("own-action", args=[action.pk]), {"status": "done", "note": "Done"}
        ).status_code
        == 200
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED


def _becomes(world: World, role: str) -> None:
    """The owner's account is given another job: as an administrator changes a role."""
    worker = world.yjs_worker
    worker.role = role
    worker.scope = Scope.ALL if role == Role.ADMINISTRATOR else Scope.NONE
    worker.team = None
    worker.save(update_fields=["role", "scope", "team"])


def test_an_owner_made_information_governance_lead_no_longer_reads_the_action(
    world: World,
) -> None:
    action = _given(world)
    _becomes(world, Role.AUDITOR)
    page = client_for(world.yjs_worker).get(reverse("own-action", args=[action.pk]))
    assert page.status_code == 404
    assert escape(WORDS) not in page.content.decode()


def test_an_owner_made_it_administrator_no_longer_records_progress(world: World) -> None:
    action = _given(world)
    history = action.updates.count()
    _becomes(world, Role.ADMINISTRATOR)
    client = client_for(world.yjs_worker)
    url = reverse("own-action", args=[action.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": ActionStatus.DONE, "note": "Closed it off"}).status_code == (
        404
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED and action.updates.count() == history


def test_an_owner_who_changes_casework_role_keeps_the_action(world: World) -> None:
    """Made a manager of another team, the owner still reads and updates what they were given."""
    action = _given(world)
    world.yjs_worker.role = Role.MANAGER
    world.yjs_worker.save(update_fields=["role"])
    client = client_for(world.yjs_worker)
    url = reverse("own-action", args=[action.pk])
    assert escape(WORDS) in client.get(url).content.decode()
    client.post(url, {"status": ActionStatus.IN_PROGRESS, "note": "Handed to my new team"})
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_the_it_administrator_records_progress_on_no_plan_action(world: World) -> None:
    case = planned_case(world)
    action = case.plan.actions.get()
    with pytest.raises(NotPermitted):
        services.action_update(
            actor=world.admin, action=action, status=ActionStatus.DONE, note="Tidied up"
        )
    update = reverse("context-action-update", args=[case.pk, action.pk])
    assert client_for(world.admin).get(update).status_code == 404
    plan_page = client_for(world.admin).get(reverse("context-plan", args=[case.pk]))
    assert plan_page.status_code == 200 and update not in plan_page.content.decode()
    # The case's team still records it.
    services.action_update(
        actor=world.social_worker, action=action, status=ActionStatus.DONE, note="Patrols ran"
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
