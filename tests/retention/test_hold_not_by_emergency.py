"""A legal hold is placed, read and lifted only on a record the manager may open in their own
right (RULES.md, "Retention, legal holds and the purge"): emergency access (break-glass) shows a
child for four hours, and with them their home and every case at it; it is not a reason to
keep a record from the purge, nor to let it go."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.access.models import Role, Worker
from locus.casework.models import ContextCase
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.people.services import allocation_create, allocation_end
from locus.retention import services
from locus.retention.models import HeldKind, LegalHold
from tests.casework.helpers import refer, screen
from tests.factories import START, World, client_for, make_person, make_worker, open_in_emergency

pytestmark = pytest.mark.django_db

DETAIL = "Care proceedings, ref ZC26C00077"


def _home_case(world: World) -> ContextCase:
    """A case at the home of team A's child: only whoever sees a resident sees it."""
    referral = screen(world, refer(world, actor=world.social_worker, context=world.home))
    assert referral.case is not None
    return referral.case


def _police_manager(world: World) -> Worker:
    return make_worker(
        world.system, team=world.police_team, role=Role.MANAGER, username="police_manager"
    )


def _place(actor: Worker, kind: str, held_id: int) -> LegalHold:
    return services.hold_place(
        actor=actor,
        held_kind=kind,
        held_id=held_id,
        reason="care",
        detail=DETAIL,
        review_on=dt.date(2099, 1, 1),
    )


def test_a_case_seen_only_by_emergency_access_takes_no_hold_from_the_manager(
    world: World,
) -> None:
    case = _home_case(world)
    manager = _police_manager(world)
    with pytest.raises(ValidationFailed):
        _place(manager, HeldKind.CASE, case.pk)
    open_in_emergency(manager, world.csc_child)
    with pytest.raises(ValidationFailed):
        _place(manager, HeldKind.CASE, case.pk)
    assert not LegalHold.objects.exists()


def test_a_person_seen_only_by_emergency_access_takes_no_hold_from_the_manager(
    world: World,
) -> None:
    manager = _police_manager(world)
    open_in_emergency(manager, world.csc_child)
    with pytest.raises(ValidationFailed):
        _place(manager, HeldKind.PERSON, world.csc_child.pk)
    assert not LegalHold.objects.exists()


def test_a_hold_is_not_lifted_by_emergency_access_once_lasting_sight_is_gone(
    world: World,
) -> None:
    """The police manager placed a hold on the case at a home while their team held a child
    living there; the allocation ended. Opening another resident in an emergency shows the
    home again, for four hours: not theirs to answer for, so not theirs to let go."""
    case = _home_case(world)
    manager = _police_manager(world)
    officer = make_worker(
        world.system, team=world.police_team, role=Role.PRACTITIONER, username="officer"
    )
    resident = make_person(world.system, given_name="Rhys", family_name="Resident", home=world.home)
    allocation = allocation_create(actor=world.system, person=resident, worker=officer, start=START)
    hold = _place(manager, HeldKind.CASE, case.pk)
    allocation_end(
        actor=world.admin, allocation=allocation, end=clock.today(), reason="Case closed"
    )
    open_in_emergency(manager, world.csc_child)
    assert client_for(manager).get(reverse("retention-hold", args=[hold.pk])).status_code == 404
    with pytest.raises(NotPermitted):
        services.hold_lift(actor=manager, hold=hold, reason="Proceedings over")
    assert LegalHold.objects.get(pk=hold.pk).lifted_at is None
