"""A conference chair from an independent reviewing service stays independent of casework.

Safeguarding and quality assurance units chair conferences and review plans. A chair who
had screened the referral or led the case would be chairing their own work, so their
staff never screen referrals or lead a case, and are still offered as chairs.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.access import context_cases as policies
from locus.access.models import Role, Scope, Team, Worker
from locus.access.services import team_create
from locus.casework import selectors, services
from locus.casework.models import ReferralStatus
from locus.common import clock
from locus.common.services import ValidationFailed
from tests.casework.helpers import (
    active_case,
    assess,
    assessed_case,
    conference_of,
    refer,
    screen,
)
from tests.factories import World, client_for, make_team, make_worker

pytestmark = pytest.mark.django_db


def independent_team(world: World) -> Team:
    return team_create(
        actor=world.system,
        agency=world.csc,
        name="Safeguarding and Quality Assurance Unit",
        independent=True,
    )


def chair_in(world: World, team: Team, role: str = Role.PRACTITIONER) -> Worker:
    return make_worker(
        world.system, team=team, role=role, scope=Scope.TEAM, first_name="Indy", last_name="Chair"
    )


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MANAGER])
def test_an_independent_units_staff_never_screen_while_other_csc_teams_do(
    world: World, role: str
) -> None:
    chair = chair_in(world, independent_team(world), role)
    ordinary = make_worker(
        world.system, team=make_team(world.system, agency=world.csc), role=role, scope=Scope.TEAM
    )
    assert policies.can_screen(chair) is False
    assert policies.can_screen(ordinary) is True


def test_the_referral_page_offers_a_chair_no_screening_and_the_screener_no_chair_as_lead(
    world: World,
) -> None:
    chair = chair_in(world, independent_team(world))
    referral = refer(world)
    assert referral.status == ReferralStatus.NEW
    url = reverse("context-referral", args=[referral.pk])

    as_chair = client_for(chair).get(url)
    # A chair may still read a referral they were shown, but is offered no decision on it.
    assert "Record the decision" not in as_chair.content.decode()

    as_screener = client_for(world.social_worker).get(url)
    page = as_screener.content.decode()
    assert "Record the decision" in page
    assert "Chair, Safeguarding and Quality Assurance Unit" not in page
    assert "Test social_worker" in page  # the ordinary leads are still offered


def test_a_chair_cannot_be_made_a_cases_lead_through_the_service(world: World) -> None:
    chair = chair_in(world, independent_team(world))
    with pytest.raises(ValidationFailed) as refused:
        screen(world, refer(world), lead=chair)
    assert "Choose the lead" in str(refused.value)


def test_a_chair_from_an_independent_unit_may_still_chair_a_conference(world: World) -> None:
    chair = chair_in(world, independent_team(world))
    assert policies.can_chair(chair, active_case(world)) is True


def test_independent_must_be_true_or_false(world: World) -> None:
    with pytest.raises(TypeError, match="independent must be True or False"):
        team_create(actor=world.system, agency=world.csc, name="Unit", independent="yes")  # type: ignore[arg-type]
    assert not Team.objects.filter(name="Unit").exists()


def test_a_chair_finds_the_conferences_they_chair_in_my_work(world: World) -> None:
    chair = chair_in(world, independent_team(world))
    case = assessed_case(world)
    conference = services.conference_schedule(
        actor=world.social_worker,
        conference=conference_of(case),
        when=clock.now() + dt.timedelta(days=3),
        location="Hackney Service Centre, room 2",
        chair=chair,
    )
    [item] = [i for i in selectors.my_work(viewer=chair) if i.subject == case.context.name]
    assert item.what == "Hold and record the conference"
    assert item.url.endswith(f"/{case.pk}/conference/")
    assert item.who == str(chair)
    # The lead still has it, as theirs.
    [lead_item] = [
        i
        for i in selectors.my_work(viewer=world.social_worker)
        if i.what == "Hold and record the conference"
    ]
    assert lead_item.who == str(world.social_worker)
    assert conference.chair == chair


def test_a_chair_records_no_child_holds_no_case_and_receives_no_transfer(world: World) -> None:
    from locus.access import recording
    from locus.access import transfers as transfer_rules

    unit = independent_team(world)
    chair = chair_in(world, unit)
    manager = chair_in(world, unit, Role.MANAGER)
    assert recording.can_record_person(chair) is False
    assert recording.can_record_person(world.social_worker) is True
    assert transfer_rules.holds_cases(chair) is False
    assert chair not in transfer_rules.case_holders()
    assert transfer_rules.can_receive(world.social_worker.team, unit) is False
    assert unit not in transfer_rules.receiving_teams(world.csc.pk)
    assert manager.team == unit
    page = client_for(chair).get(reverse("my-work")).content.decode()
    assert "Record a young person" not in page


def test_a_chair_opens_the_home_case_whose_conference_they_chair(world: World) -> None:
    """A home's case is seen through the home's residents, and an independent chair sees
    none; asked to chair its conference, they open the case's pages to hold and record it."""
    chair = chair_in(world, independent_team(world))
    referral = screen(world, refer(world, actor=world.social_worker, context=world.home))
    assert referral.case is not None
    case = assess(world, referral.case)
    pages = [
        reverse(name, args=[case.pk])
        for name in ("context-case", "context-conference", "context-conference-record")
    ]
    assert {client_for(chair).get(url).status_code for url in pages} == {404}
    services.conference_schedule(
        actor=world.social_worker,
        conference=conference_of(case),
        when=clock.now() + dt.timedelta(days=3),
        location="Hackney Service Centre, room 2",
        chair=chair,
    )
    assert {client_for(chair).get(url).status_code for url in pages} == {200}
    assert client_for(chair).get(reverse("context", args=[world.home.pk])).status_code == 404
