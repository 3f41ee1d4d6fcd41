"""Who reads and lifts a legal hold (docs/retention.md, "Legal holds"; RULES.md).

A hold's page names the proceedings (their reference) and who placed the hold, and lifting it
lets the record be purged 30 days later. Seeing the held record is not enough for either: a
partner organisation sees every case it referred, and every agency sees a case at a public
place. Only the data team, the manager who placed the hold and a manager of the team that
holds the record (a case's lead team, a team with the child allocated) answer for it;
everyone else is told the hold does not exist. A person's page still tells whoever sees the
child that a hold keeps the record, without its reason or dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.access.models import Role, Scope, Worker
from locus.common.errors import NotPermitted
from locus.people.models import Allocation
from locus.people.services import allocation_create, allocation_end
from locus.retention import services
from locus.retention.models import HeldKind, LegalHold
from tests.casework.helpers import open_case
from tests.factories import START, World, client_for, make_worker
from tests.frozen_clock import FrozenClock

pytestmark = pytest.mark.django_db

DETAIL = "Care proceedings, ref ZC26C00042"


def _hold(actor: Worker, kind: str, held_id: int, reason: str = "care") -> LegalHold:
    return services.hold_place(
        actor=actor,
        held_kind=kind,
        held_id=held_id,
        reason=reason,
        detail=DETAIL,
        review_on=dt.date(2099, 1, 1),
    )


def _held_case(world: World) -> LegalHold:
    """The data team's hold on a case at the shopping centre: referred by the centre (a
    partner organisation), led by social care team A."""
    return _hold(world.admin, HeldKind.CASE, open_case(world).pk)


def _security_manager(world: World) -> Worker:
    """The shopping centre's security manager: sees the cases the centre referred."""
    return make_worker(
        world.system,
        team=world.partner_team,
        role=Role.MANAGER,
        scope=Scope.AGENCY,
        username="security_manager",
    )


def _reads(worker: Worker, hold: LegalHold) -> int:
    return client_for(worker).get(reverse("retention-hold", args=[hold.pk])).status_code


def _lifts_by_page(worker: Worker, hold: LegalHold, reason: str = "Final order made") -> int:
    url = reverse("retention-hold-lift", args=[hold.pk])
    return client_for(worker).post(url, {"reason": reason}).status_code


# --- Seeing the record is not enough -------------------------------------------------------


def test_a_partner_organisations_manager_does_not_read_a_legal_hold(world: World) -> None:
    hold = _held_case(world)
    assert _reads(_security_manager(world), hold) == 404


def test_a_partner_organisations_manager_does_not_lift_a_legal_hold(world: World) -> None:
    hold = _held_case(world)
    security = _security_manager(world)
    with pytest.raises(NotPermitted):
        services.hold_lift(actor=security, hold=hold, reason="Not needed")
    assert _lifts_by_page(security, hold) == 404
    assert LegalHold.objects.get(pk=hold.pk).lifted_at is None


@pytest.mark.parametrize("team", ["police_team", "school_team", "yjs_team", "csc_team_b"])
def test_another_teams_manager_neither_reads_nor_lifts_the_data_teams_hold(
    world: World, team: str
) -> None:
    """Every agency's manager may open a case at a public place (social care's other team
    too); none of them leads it, nor placed the hold."""
    hold = _held_case(world)
    manager = make_worker(
        world.system, team=getattr(world, team), role=Role.MANAGER, username=f"m_{team}"
    )
    assert _reads(manager, hold) == 404
    with pytest.raises(NotPermitted):
        services.hold_lift(actor=manager, hold=hold, reason="Not needed")
    assert LegalHold.objects.get(pk=hold.pk).lifted_at is None


def test_a_manager_who_sees_the_child_but_whose_team_does_not_hold_them_is_refused(
    world: World,
) -> None:
    """An agency-wide manager of social care's other team sees team A's child; the hold is
    for team A's manager to answer for."""
    hold = _hold(world.admin, HeldKind.PERSON, world.csc_child.pk)
    manager = make_worker(
        world.system, team=world.csc_team_b, role=Role.MANAGER, scope=Scope.AGENCY
    )
    assert client_for(manager).get(reverse("person", args=[world.csc_child.pk])).status_code == 200
    assert _reads(manager, hold) == 404
    assert _lifts_by_page(manager, hold) == 404
    assert LegalHold.objects.get(pk=hold.pk).lifted_at is None


# --- Those who answer for the hold ---------------------------------------------------------


def test_the_lead_teams_manager_reads_and_lifts_the_data_teams_hold_on_a_case(
    world: World,
) -> None:
    hold = _held_case(world)
    page = client_for(world.team_manager).get(reverse("retention-hold", args=[hold.pk]))
    assert page.status_code == 200 and DETAIL in page.content.decode()
    assert _lifts_by_page(world.team_manager, hold) == 302
    hold.refresh_from_db()
    assert hold.lifted_by == world.team_manager and hold.lifted_reason == "Final order made"


def test_the_manager_who_placed_a_hold_reads_and_lifts_it_though_their_team_does_not_lead(
    world: World,
) -> None:
    """The security manager knows of the proceedings they placed the hold for."""
    security = _security_manager(world)
    hold = _hold(security, HeldKind.CASE, open_case(world).pk, reason="inquiry")
    assert _reads(security, hold) == 200
    assert _lifts_by_page(security, hold, reason="Inquiry closed") == 302
    assert LegalHold.objects.get(pk=hold.pk).lifted_by == security


def test_a_manager_of_a_team_holding_the_child_answers_for_another_agencys_hold(
    world: World,
) -> None:
    """Youth justice's manager places a hold on their child; the child is allocated to social
    care team A too, whose manager reads and lifts it. Both answer for the child."""
    yjs_manager = make_worker(world.system, team=world.yjs_team, role=Role.MANAGER)
    hold = _hold(yjs_manager, HeldKind.PERSON, world.yjs_child.pk, reason="criminal")
    assert _reads(yjs_manager, hold) == 200
    assert _reads(world.team_manager, hold) == 404  # not yet their team's child
    allocation_create(
        actor=world.system, person=world.yjs_child, worker=world.social_worker, start=START
    )
    assert _reads(world.team_manager, hold) == 200
    assert _lifts_by_page(world.team_manager, hold) == 302
    assert LegalHold.objects.get(pk=hold.pk).lifted_by == world.team_manager


def test_once_no_team_holds_the_child_the_data_team_answers_for_the_hold(
    frozen_clock: FrozenClock, world: World
) -> None:
    """The case closed: team A no longer holds the child, so its manager (who did not place
    the hold) no longer reads or lifts it; the data team still does."""
    hold = _hold(world.admin, HeldKind.PERSON, world.csc_child.pk)
    assert _reads(world.team_manager, hold) == 200
    allocation = Allocation.objects.current().get(person=world.csc_child)
    allocation_end(
        actor=world.admin, allocation=allocation, end=frozen_clock.today, reason="Case closed"
    )
    frozen_clock.advance(days=1)
    assert _reads(world.team_manager, hold) == 404
    assert _lifts_by_page(world.team_manager, hold) == 404
    assert _reads(world.admin, hold) == 200
    assert _lifts_by_page(world.admin, hold) == 302


def test_the_information_governance_lead_reads_a_hold_but_never_lifts_it(world: World) -> None:
    hold = _held_case(world)
    assert _reads(world.auditor, hold) == 200
    assert _lifts_by_page(world.auditor, hold) == 404
    assert LegalHold.objects.get(pk=hold.pk).lifted_at is None


# --- The person page's banner --------------------------------------------------------------


def test_the_person_page_tells_whoever_sees_the_child_only_that_a_hold_keeps_the_record(
    world: World,
) -> None:
    _hold(world.admin, HeldKind.PERSON, world.csc_child.pk, reason="criminal")
    url = reverse("person", args=[world.csc_child.pk])
    outsider = make_worker(
        world.system, team=world.csc_team_b, role=Role.MANAGER, scope=Scope.AGENCY
    )
    for worker in (world.social_worker, outsider):
        text = client_for(worker).get(url).content.decode()
        assert "This record is kept under a legal hold." in text
        assert "criminal proceedings" not in text and "to be reviewed by" not in text
        assert "Lift the hold" not in text and "Place a legal hold" not in text
    # The manager of the team holding the child reads why and may lift it.
    text = client_for(world.team_manager).get(url).content.decode()
    assert "legal hold (criminal proceedings)" in text and "Lift the hold" in text


def test_a_hold_the_manager_may_not_read_is_still_told_beside_their_own(world: World) -> None:
    """The police's manager placed a hold on a child social care team A holds; team A's
    manager placed another. The police's manager reads their own, and of team A's only that
    it keeps the record too."""
    police_manager = make_worker(
        world.system, team=world.police_team, role=Role.MANAGER, scope=Scope.AGENCY
    )
    _hold(police_manager, HeldKind.PERSON, world.police_child.pk, reason="criminal")
    allocation_create(
        actor=world.system, person=world.police_child, worker=world.social_worker, start=START
    )
    _hold(world.team_manager, HeldKind.PERSON, world.police_child.pk)
    url = reverse("person", args=[world.police_child.pk])
    page = client_for(police_manager).get(url).content.decode()
    assert "legal hold (criminal proceedings)" in page
    assert "Another legal hold also keeps this record." in page
    assert "care proceedings" not in page and page.count("Lift the hold") == 1
    # Team A's manager answers for both: their own, and the police's on their team's child.
    page = client_for(world.team_manager).get(url).content.decode()
    assert "Another legal hold" not in page and page.count("Lift the hold") == 2
