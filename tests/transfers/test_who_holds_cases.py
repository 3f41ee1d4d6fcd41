"""Who may be allocated a child: a practitioner or manager of a team that holds cases.

Was: the allocation form and service offered and accepted any worker of a team, so an
administrator could allocate a child to a partner organisation's staff (a shopping centre's
security, a housing provider's tenancy officer) or an independent reviewing service's chair,
and so give that partner (and, at agency scope, its whole organisation) sight of the child
that the rules say partners are never given; the service also took an analyst.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import transfers as rules
from locus.access.models import Role, Scope, Team, Worker
from locus.common.errors import ValidationFailed
from locus.people.models import Allocation
from locus.people.services import allocation_create
from tests.factories import START, World, client_for, make_team, make_worker, nothing_written

pytestmark = pytest.mark.django_db


def _partner(world: World, scope: str, username: str) -> Worker:
    return make_worker(
        world.system,
        team=world.partner_team,
        role=Role.PRACTITIONER,
        scope=scope,
        username=username,
        last_name=username,
    )


def _chair(world: World) -> Worker:
    unit: Team = make_team(world.system, agency=world.csc, name="Safeguarding and QA")
    unit.independent = True
    unit.save()
    return make_worker(
        world.system, team=unit, role=Role.PRACTITIONER, username="chair", last_name="chair"
    )


@pytest.mark.parametrize("who", ["partner_agency", "partner_own", "partner_team", "analyst"])
def test_an_administrator_cannot_allocate_a_child_to_a_worker_who_holds_no_cases(
    world: World, who: str
) -> None:
    """A partner's staff see no child, whatever their scope, and an analyst holds no case:
    the refusal names the worker field and writes nothing."""
    worker = {
        "partner_agency": world.partner_worker,
        "partner_own": _partner(world, Scope.OWN, "tenancy_officer"),
        "partner_team": _partner(world, Scope.TEAM, "security_lead"),
        "analyst": world.police_analyst,
    }[who]
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as exc:
        allocation_create(actor=world.admin, person=world.pupil, worker=worker, start=START)
    assert list(exc.value.errors) == ["worker"]
    assert "does not hold cases" in exc.value.errors["worker"][0]
    assert not rules.holds_cases(worker)
    assert worker not in rules.case_holders()


def test_an_independent_chair_is_not_allocated_a_child_through_the_service(
    world: World,
) -> None:
    chair = _chair(world)
    with nothing_written(Allocation), pytest.raises(ValidationFailed) as exc:
        allocation_create(actor=world.admin, person=world.pupil, worker=chair, start=START)
    assert "independent reviewing service" in exc.value.errors["worker"][0]


def test_the_allocation_form_offers_only_workers_who_hold_cases(world: World) -> None:
    """The administrator's form lists case holders of every team, never a partner's staff;
    a partner posted anyway is refused on the field."""
    partner = _partner(world, Scope.TEAM, "security_lead")
    client = client_for(world.admin)
    url = reverse("allocate", args=[world.pupil.pk])
    page = client.get(url).content.decode()
    assert "teammate" in page and "other_social_worker" in page
    assert "security_lead" not in page and "partner_worker" not in page
    with nothing_written(Allocation):
        refused = client.post(url, {"worker": partner.pk, "start": "01/10/2025"})
    assert refused.status_code == 200
    assert not Allocation.objects.filter(worker=partner).exists()


def test_a_case_holding_worker_is_still_allocated(world: World) -> None:
    allocation = allocation_create(
        actor=world.admin, person=world.pupil, worker=world.school_dsl, start=START
    )
    assert allocation.worker == world.school_dsl
