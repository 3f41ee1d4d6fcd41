"""A panel's organisers are whoever set it up, its chair, the managers of the teams those two
were in when it was set up, and administrators. The teams are kept on the panel: when the
setter or the chair later moves team (here to a partner organisation, a shopping centre's
security team), the new team's manager does not run their past panels (adding attendees and
agenda items, recording them as held, cancelling, closing), and the old team's keep them."""

from __future__ import annotations

import pytest

from locus.access import panel_meetings as policies
from locus.access.models import Worker
from locus.common.errors import NotPermitted
from locus.panels.models import PanelMeeting, PanelStatus
from locus.panels.services import panel_cancel
from tests.factories import World, make_manager, move_worker
from tests.panels.helpers import set_up

pytestmark = pytest.mark.django_db


def _chaired_by_another_team(world: World) -> PanelMeeting:
    """Set up by the social worker (Team A), chaired by a social worker of Team B."""
    return set_up(world, chair=world.other_social_worker)


def _organises(worker: Worker, panel: PanelMeeting) -> bool:
    sees = policies.panels_visible_to(worker).filter(pk=panel.pk).exists()
    return sees and policies.is_organiser(worker, panel)


def test_setting_up_keeps_the_setters_and_the_chairs_teams(world: World) -> None:
    panel = _chaired_by_another_team(world)
    assert panel.created_by_team == world.csc_team_a
    assert panel.chair_team == world.csc_team_b
    team_b_manager = make_manager(world.system, team=world.csc_team_b)
    assert _organises(world.team_manager, panel)  # manages the setter's team
    assert _organises(team_b_manager, panel)  # manages the chair's team


def test_the_setters_new_manager_does_not_run_her_old_panels(world: World) -> None:
    panel = _chaired_by_another_team(world)
    move_worker(world.social_worker, world.partner_team)
    security = make_manager(world.system, team=world.partner_team)
    assert not policies.is_organiser(security, panel)
    with pytest.raises(NotPermitted):
        panel_cancel(actor=security, meeting=panel, reason="Not needed")
    assert PanelMeeting.objects.get(pk=panel.pk).status == PanelStatus.SCHEDULED
    # Her old team's manager still runs it, and she does herself.
    assert _organises(world.team_manager, panel)
    assert _organises(world.social_worker, panel)
    panel = panel_cancel(actor=world.team_manager, meeting=panel, reason="Moved to next month")
    assert panel.status == PanelStatus.CANCELLED


def test_the_chairs_new_manager_does_not_run_his_old_panels(world: World) -> None:
    panel = _chaired_by_another_team(world)
    team_b_manager = make_manager(world.system, team=world.csc_team_b)
    move_worker(world.other_social_worker, world.partner_team)
    security = make_manager(world.system, team=world.partner_team)
    assert not policies.is_organiser(security, panel)
    assert _organises(team_b_manager, panel)
    assert _organises(world.other_social_worker, panel)
