"""Which context cases a partner organisation is part of: a conference it *attended*.

A partner (a housing provider, a centre's security) sees only the cases it is part of. Sending
apologies to a conference is not taking part: the conference's sharing-register row names only
those who attended, so the case, its minutes and goals stay closed to a partner who sent them.
A family home's case it is part of is told to it only as a home, never which.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import context_cases as policies
from locus.access import fields, naming, scopes
from locus.access.models import AgencyKind, Role, Scope
from locus.casework.services import AttendeeInput
from tests.api.conftest import api_as
from tests.casework.helpers import (
    add_action,
    assessed_case,
    attendees,
    conference_of,
    hold,
    home_plan,
    schedule,
)
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


def test_a_partner_given_an_action_on_a_home_s_plan_is_not_told_which_home(
    world: World,
) -> None:
    """A partner organisation given an action on a family home's plan opens the case, but its
    role has no home address and it does not see the home: the case's page, the list of cases,
    the API and My work tell it "A home: ...", never the home's name (a family's address)."""
    plan = home_plan(world)
    add_action(world, plan, owner=world.partner_worker, description="Fit a new door entry")
    partner = world.partner_worker
    assert not fields.sees_home_addresses(partner)
    assert not scopes.contexts_visible_to(partner).filter(pk=world.home.pk).exists()
    client = client_for(partner)
    for url in (reverse("context-case", args=[plan.case_id]), reverse("context-cases")):
        assert world.home.name not in client.get(url).text, url
    listed = api_as(partner).ok("/context-cases")["results"]
    assert [c["context"]["name"] for c in listed] == [naming.PLACE_WITHHELD]
    work = client.get(reverse("my-work")).text
    assert "Fit a new door entry" in work
    assert world.home.name not in work
