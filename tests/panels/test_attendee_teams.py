"""A manager may open the HSB meetings and MACE panels of the workers put on the list from
their team: the team each was in when put on the list, kept on the row
(``PanelAttendee.team``), not the team they are in now. When an attendee later moves team
(here from children's social care to a shopping centre's security team), her new team's
manager gets none of her past panels, and her old team's managers keep them; a manager who
joins her new team later gets none either. She herself keeps them, being on the list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.access import panel_meetings as policies
from locus.access.models import Worker
from locus.casework.selectors import my_work
from locus.common.services import today
from locus.panels import selectors
from locus.panels.models import PanelMeeting
from tests.factories import World, client_for, make_manager, move_worker
from tests.panels.helpers import guest, hold, set_up, with_agenda

pytestmark = pytest.mark.django_db


def _with_team_b_on_the_list(world: World) -> PanelMeeting:
    """Set up by the social worker (Team A), chaired by her manager, with a social worker of
    Team B and the police analyst on the list."""
    return set_up(world, attendees=[world.police_analyst, world.other_social_worker])


def _status(worker: Worker, panel: PanelMeeting) -> int:
    return client_for(worker).get(reverse("panel", args=[panel.pk])).status_code


def _listed(worker: Worker, panel: PanelMeeting) -> bool:
    return selectors.panels_for(viewer=worker).filter(pk=panel.pk).exists()


def test_the_list_keeps_each_workers_team(world: World) -> None:
    panel = _with_team_b_on_the_list(world)
    teams = {a.worker_id: a.team_id for a in panel.attendees.all()}
    assert teams == {
        world.social_worker.pk: world.csc_team_a.pk,
        world.team_manager.pk: world.csc_team_a.pk,
        world.police_analyst.pk: world.police_team.pk,
        world.other_social_worker.pk: world.csc_team_b.pk,
    }
    # A partner's representative without an account has none.
    assert guest(world, panel).team_id is None


def test_the_moved_attendees_new_manager_gets_404_and_no_list_entry(world: World) -> None:
    panel = _with_team_b_on_the_list(world)
    move_worker(world.other_social_worker, world.partner_team)
    security = make_manager(world.system, team=world.partner_team)
    assert _status(security, panel) == 404
    assert not _listed(security, panel)
    assert not policies.can_view_panel(security, panel)


def test_the_moved_attendees_old_manager_keeps_her_panels(world: World) -> None:
    panel = _with_team_b_on_the_list(world)
    team_b_manager = make_manager(world.system, team=world.csc_team_b)
    move_worker(world.other_social_worker, world.partner_team)
    assert _status(team_b_manager, panel) == 200
    assert _listed(team_b_manager, panel)
    # She keeps them herself, being on the list.
    assert _status(world.other_social_worker, panel) == 200


def test_a_manager_who_joins_her_new_team_later_gets_none_of_her_past_panels(
    world: World,
) -> None:
    panel = _with_team_b_on_the_list(world)
    move_worker(world.other_social_worker, world.partner_team)
    newcomer = make_manager(world.system, team=world.yjs_team)
    move_worker(newcomer, world.partner_team)
    assert _status(newcomer, panel) == 404
    assert not _listed(newcomer, panel)


def test_her_new_managers_team_work_lists_her_review_without_the_panel(world: World) -> None:
    # She chaired a panel whose review falls due after she moved: it is still hers to do, so
    # her new manager's team view lists it, but neither names the panel nor links to it.
    past = today() - dt.timedelta(days=2)
    panel = hold(
        world,
        with_agenda(
            world,
            chair=world.other_social_worker,
            meets_on=today() - dt.timedelta(days=30),
            review_on=past,
        ),
    )
    move_worker(world.other_social_worker, world.partner_team)
    security = make_manager(world.system, team=world.partner_team)
    reviews = [
        (i.subject, i.url)
        for i in my_work(viewer=security, team=True)
        if i.what == "Review the panel's actions"
    ]
    assert reviews == [("A panel you cannot open", "")]
    # Her own list still names and links it: she may open it.
    [own] = [i for i in my_work(viewer=world.other_social_worker) if i.due_on == past]
    assert (own.subject, own.url) == (panel.title, reverse("panel", args=[panel.pk]))
