"""A held panel's review in My work: the managers of the teams kept on the panel (its
organisers) list it in their team view after its setter and chair moved on, and a moved
chair's new manager sees only that their worker has a review due, not the panel."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.access import panel_meetings as rules
from locus.access.models import Role, Scope
from locus.casework.selectors import PANEL_NOT_OPEN, my_work
from locus.common.services import today
from locus.panels.services import panel_hold
from tests.factories import World, make_worker
from tests.panels.helpers import set_up

pytestmark = pytest.mark.django_db


def test_a_panels_review_stays_with_the_team_that_organises_it(world: World) -> None:
    panel = set_up(world, chair=world.other_social_worker)
    attended = [a.pk for a in panel.attendees.all()]
    panel_hold(
        actor=world.social_worker,
        meeting=panel,
        attended=attended,
        review_on=today() + dt.timedelta(days=3),
    )
    for worker in (world.social_worker, world.other_social_worker):
        worker.team = world.partner_team
        worker.save(update_fields=["team"])
    security = make_worker(
        world.system, team=world.partner_team, role=Role.MANAGER, scope=Scope.AGENCY
    )
    # The premise: team A's manager still organises the panel; the partner's manager does not.
    assert rules.is_organiser(world.team_manager, panel)
    assert not rules.can_view_panel(security, panel)
    theirs = [i.what for i in my_work(viewer=world.team_manager, team=True)]
    assert "Review the panel's actions" in theirs
    # The partner's manager still sees that their worker has a review due (her workload),
    # without the panel (tests/panels/test_attendee_teams.py).
    others = [i.subject for i in my_work(viewer=security, team=True)]
    assert others == [PANEL_NOT_OPEN]
