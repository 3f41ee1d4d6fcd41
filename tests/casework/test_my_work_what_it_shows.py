"""My work shows no more than the pages it links to, and its read is in the trail with what
it showed: a panel action's words only to a viewer who may open the panel (a manager's team
view included); an action only to an owner who still works cases (its own page refuses an
owner made auditor); and the children of the transfers it names, the transfers and the
notifications, by id, in the access trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from locus.access import panel_meetings as panel_rules
from locus.access import policies
from locus.access.models import Role, Scope, Worker
from locus.audit.models import AccessEvent
from locus.casework.selectors import PANEL_NOT_OPEN, my_work
from locus.notifications.models import Notification
from tests.casework.helpers import active_case, add_action, home_plan
from tests.factories import World, client_for, make_team, make_worker
from tests.frozen_clock import FrozenClock
from tests.outreach.helpers import park_case, plan
from tests.panels.helpers import act, add, held, hold, item, set_up
from tests.transfers.helpers import propose_to_b, with_manager_b

pytestmark = pytest.mark.django_db

PANEL_WORDS = "Keep her away from the older boys at the arcade"
PLAN_WORDS = "Detached youth work around the flats on Friday evenings"


def test_a_team_view_shows_no_words_of_a_panel_the_manager_cannot_open(world: World) -> None:
    panel = set_up(world, attendees=[world.police_analyst, world.other_social_worker])
    add(world, panel, "harmed", person=world.csc_child)
    panel = hold(world, panel)
    act(world, item(panel, "harmed"), owner=world.other_social_worker, description=PANEL_WORDS)
    # She moves to a new children's social care team, whose manager sees the agency's
    # children (this one among them) but was never given the panel.
    team_c = make_team(world.system, agency=world.csc, name="Team C")
    mover = world.other_social_worker
    mover.team = team_c
    mover.save(update_fields=["team"])
    manager_c = make_worker(world.system, team=team_c, role=Role.MANAGER, scope=Scope.AGENCY)
    assert policies.can_view_person(manager_c, world.csc_child)
    assert not panel_rules.can_view_panel(manager_c, panel)
    assert client_for(manager_c).get(reverse("panel", args=[panel.pk])).status_code == 404
    rows = [i for i in my_work(viewer=manager_c, team=True) if i.subject == PANEL_NOT_OPEN]
    # The action is still the team's work, listed without the panel and without its words.
    assert [i.what for i in rows] == ["Panel action on an agenda item you cannot read"]
    page = client_for(manager_c).get(reverse("my-work") + "?who=team").content.decode()
    assert "Panel action on an agenda item you cannot read" in page
    assert escape(PANEL_WORDS) not in page
    # The owner still reads their own action's words.
    assert any(PANEL_WORDS in i.what for i in my_work(viewer=mover))


def test_an_owner_made_auditor_is_not_shown_their_old_action(world: World) -> None:
    plan = home_plan(world)
    action = add_action(
        world, plan, agency=world.yjs, owner=world.yjs_worker, description=PLAN_WORDS
    )
    owner = world.yjs_worker
    assert any(PLAN_WORDS[:40] in i.what for i in my_work(viewer=owner))
    owner.role, owner.scope, owner.team = Role.AUDITOR, Scope.NONE, None
    owner.save(update_fields=["role", "scope", "team"])
    client = client_for(owner)
    assert client.get(reverse("own-action", args=[action.pk])).status_code == 404
    assert not [i.what for i in my_work(viewer=owner) if PLAN_WORDS[:40] in i.what]
    assert escape(PLAN_WORDS) not in client.get(reverse("my-work")).content.decode()


def test_an_owner_made_auditor_is_not_shown_their_old_panel_action(world: World) -> None:
    """As for a plan's action: the panel's page refuses an owner made the information
    governance lead, so My work must not go on showing them the action's words."""
    panel = held(world)
    act(world, item(panel, "harmed"), owner=world.police_analyst, description=PANEL_WORDS)
    owner = world.police_analyst
    assert any(PANEL_WORDS in i.what for i in my_work(viewer=owner))
    owner.role, owner.scope, owner.team = Role.AUDITOR, Scope.NONE, None
    owner.save(update_fields=["role", "scope", "team"])
    client = client_for(owner)
    assert client.get(reverse("panel", args=[panel.pk])).status_code == 404
    assert not [i for i in my_work(viewer=owner) if PANEL_WORDS in i.what]
    assert escape(PANEL_WORDS) not in client.get(reverse("my-work")).content.decode()


def _read(worker: Worker, path: str) -> tuple[str, AccessEvent]:
    client: Client = client_for(worker)
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), AccessEvent.objects.filter(id__gt=before).latest("id")


def test_my_work_logs_the_children_transfers_and_notifications_it_shows(world: World) -> None:
    transfer = propose_to_b(world)
    manager_b = with_manager_b(world)
    child = world.csc_child
    page, read = _read(manager_b, reverse("my-work"))
    assert child.full_name in page
    assert f",{child.pk}," in read.people  # the trail's search by person finds the read
    told = list(Notification.objects.filter(recipient=manager_b, read_at__isnull=True))
    assert told  # "Transfer to accept"
    assert read.detail["transfers_shown"] == [transfer.pk]
    assert read.detail["notifications_shown"] == [n.pk for n in told]


def test_my_work_logs_the_cases_panels_and_places_it_names(
    world: World, frozen_clock: FrozenClock
) -> None:
    """My work names each item's context (a home's name is its address), panel and visited
    place: its read keeps which, by id, as the pages it links to keep theirs, so that the
    trail can say who was shown a family's home, and when."""
    frozen_clock.at(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    case = active_case(world)  # led by the social worker: its review is her work
    panel = held(world)
    act(world, item(panel, "harmed"), owner=world.social_worker)
    visits = plan(world, context=park_case(world).context)
    page, read = _read(world.social_worker, reverse("my-work"))
    assert case.context.name in page and panel.title in page
    assert case.pk in read.detail["cases_shown"]
    assert read.detail["panels_shown"] == [panel.pk]
    assert read.detail["visit_plans_shown"] == [visits.pk]
    # Her team's manager, in the team's view: the case's work is named, and logged.
    _, team_read = _read(world.team_manager, reverse("my-work") + "?who=team")
    assert case.pk in team_read.detail["cases_shown"]


def test_a_long_action_is_cut_short_with_an_ellipsis_on_my_work(world: World) -> None:
    """A plan's or a panel's action longer than My work's column ended mid-word ("very good
    with younger ch"), as if that were all it said: it now ends with "…", its whole text on
    its own page."""
    long_words = "Weekly sessions with a youth worker at the library, " * 3
    add_action(
        world, home_plan(world), agency=world.csc, owner=world.social_worker, description=long_words
    )
    panel = set_up(world, attendees=[world.police_analyst])
    add(world, panel, "harmed", person=world.csc_child)
    act(world, item(hold(world, panel), "harmed"), description=long_words)
    said = sorted(i.what for i in my_work(viewer=world.social_worker) if "Weekly" in i.what)
    assert said == [
        "Action: Weekly sessions with a youth worker at the library, Weekly sessions with a yout…",
        "Panel action: Weekly sessions with a youth worker at the library, Weekly sessions "
        "with a yout…",
    ]


def test_my_work_logs_the_reviews_and_actions_it_lists(world: World) -> None:
    """Each item is a record of its own (a review due, an action, a panel's action), not only
    the case or panel it is on: the read names it by id. Before, it named the case only."""
    case = active_case(world)  # led by the social worker: its review is her work
    action = add_action(world, case.plan, owner=world.social_worker, agency=world.csc)
    panel_action = act(world, item(held(world), "harmed"), owner=world.social_worker)
    _, read = _read(world.social_worker, reverse("my-work"))
    assert read.detail["reviews_shown"] == [case.plan.reviews.get(status="due").pk]
    assert action.pk in read.detail["actions_shown"]
    assert read.detail["panel_actions_shown"] == [panel_action.pk]
