"""Which context cases a partner organisation is part of: a conference it *attended*.

A partner (a housing provider, a centre's security) sees only the cases it is part of. Sending
apologies to a conference is not taking part: the conference's sharing-register row names only
those who attended, so the case, its minutes and goals stay closed to a partner who sent them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import context_cases as policies
from locus.access.models import AgencyKind, Role, Scope
from locus.casework.services import AttendeeInput
from tests.casework.helpers import assessed_case, attendees, conference_of, hold, schedule
from tests.factories import World, client_for, make_agency, make_team, make_worker

pytestmark = pytest.mark.django_db


def test_a_partner_who_sent_apologies_to_the_conference_does_not_see_the_case(
    world: World,
) -> None:
    housing = make_agency(world.system, kind=AgencyKind.PARTNER, name="Housing provider")
    officer = make_worker(
        world.system,
        team=make_team(world.system, agency=housing),
        role=Role.PRACTITIONER,
        scope=Scope.AGENCY,
        username="housing_officer",
    )
    case = assessed_case(world)
    assert not policies.cases_visible_to(officer).filter(pk=case.pk).exists()
    hold(
        world,
        schedule(world, conference_of(case)),
        attendees=[*attendees(world), AttendeeInput(attendance="apologies", worker=officer)],
    )
    assert not policies.cases_visible_to(officer).filter(pk=case.pk).exists()
    page = client_for(officer).get(reverse("context-conference", args=[case.pk]))
    assert page.status_code == 404
    # The partner who attended the same conference is part of the case.
    assert policies.cases_visible_to(world.partner_worker).filter(pk=case.pk).exists()
