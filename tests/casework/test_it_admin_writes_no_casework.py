"""The IT administrator reads casework and writes none of it (access/RULES.md: casework is
referred by practitioners, managers and analysts, screened by the front door and worked by
the case's lead and team; the administrator proposes no transfer, records no action done
and no visit, because each is casework).

Was: ``can_refer``, ``can_screen`` and ``can_work_case`` each let an administrator in, so
the IT role recorded referrals, screened them (choosing the case's level and lead), started
and wrote assessments, scheduled conferences, drafted plans and added their goals and
actions on any case in the borough, with no team and no manager to sign any of it off.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.access import context_cases as policies
from locus.casework import services
from locus.common.errors import NotPermitted
from locus.common.services import today
from tests.casework.helpers import (
    CASEWORK_MODELS,
    assessed_case,
    conference_of,
    open_case,
    refer,
    screen,
)
from tests.factories import World, client_for, nothing_written

pytestmark = pytest.mark.django_db


def test_the_it_administrator_neither_refers_nor_screens(world: World) -> None:
    admin = world.admin
    assert not policies.can_refer(admin) and not policies.can_screen(admin)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        refer(world, actor=admin, referring_agency=world.partner)
    referral = refer(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        screen(world, referral, actor=admin)
    # They still read every referral, as the trail's readers do.
    assert policies.referrals_visible_to(admin).filter(pk=referral.pk).exists()
    page = client_for(admin).get(reverse("context-referral", args=[referral.pk]))
    assert page.status_code == 200


def test_the_it_administrator_works_no_case(world: World) -> None:
    admin = world.admin
    case = open_case(world)
    assert policies.sees_case(admin, case) and not policies.can_work_case(admin, case)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        services.assessment_start(actor=admin, assessment=case.assessment)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        services.plan_draft(actor=admin, case=case)
    assessed = assessed_case(world)
    with nothing_written(*CASEWORK_MODELS), pytest.raises(NotPermitted):
        services.conference_schedule(
            actor=admin,
            conference=conference_of(assessed),
            when=dt.datetime.combine(today() + dt.timedelta(days=3), dt.time(10)).astimezone(),
            location="Hackney Service Centre, room 2",
            chair=world.team_manager,
        )
    client = client_for(admin)
    assert client.get(reverse("context-case", args=[case.pk])).status_code == 200
    assert client.get(reverse("context-action-add", args=[case.pk])).status_code == 404
