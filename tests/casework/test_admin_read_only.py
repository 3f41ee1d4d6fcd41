"""The admin site reads casework's records and who holds a child's case, and writes none of
them: the IT administrator signs off no casework, routes no sign-off, moves no case on and
moves no child between workers there (each is a service's, with its rules)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from locus.access.models import Role
from locus.casework.models import Approval, ContextCase, SignOffRequest
from locus.common.clock import today
from tests.casework.helpers import submitted_case
from tests.factories import World, make_worker

pytestmark = pytest.mark.django_db


def _admin(world: World) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def test_the_admin_site_cannot_add_an_approval(world: World) -> None:
    case = submitted_case(world)
    now = timezone.localtime()
    response = _admin(world).post(
        "/admin/casework/approval/add/",
        {
            "case": case.pk,
            "subject": "assessment",
            "outcome": "approved",
            "note": "Looks fine",
            "by": world.team_manager.pk,  # in another worker's name
            "at_0": now.date().isoformat(),
            "at_1": now.time().strftime("%H:%M:%S"),
        },
    )
    assert not Approval.objects.filter(case=case, by=world.team_manager).exists(), (
        response.status_code
    )


def test_the_admin_site_cannot_reroute_a_sign_off(world: World) -> None:
    case = submitted_case(world)
    asked = SignOffRequest.objects.get(case=case, subject="assessment")
    other = make_worker(
        world.system, team=world.csc_team_a, role=Role.MANAGER, username="pliant_manager"
    )
    at = timezone.localtime(asked.requested_at)
    _admin(world).post(
        f"/admin/casework/signoffrequest/{asked.pk}/change/",
        {
            "case": case.pk,
            "subject": "assessment",
            "manager": other.pk,  # rerouted with no reason and no reassignment record
            "requested_by": asked.requested_by_id,
            "requested_at_0": at.date().isoformat(),
            "requested_at_1": at.time().strftime("%H:%M:%S"),
            "reassigned_reason": "",
            "reassigned_by": "",
            "reassigned_at_0": "",
            "reassigned_at_1": "",
            "decided_at_0": "",
            "decided_at_1": "",
        },
    )
    asked.refresh_from_db()
    assert asked.manager_id == world.team_manager.pk


def test_the_admin_site_cannot_close_a_case(world: World) -> None:
    case = submitted_case(world)
    page = _admin(world).get(f"/admin/casework/contextcase/{case.pk}/change/")
    assert page.status_code in (403, 404) or b'name="status"' not in page.content
    assert ContextCase.objects.get(pk=case.pk).status != "closed"


def test_the_admin_site_cannot_end_or_move_an_allocation_by_hand(world: World) -> None:
    from locus.people.models import Allocation

    held = Allocation.objects.filter(end__isnull=True, person=world.csc_child).first()
    assert held is not None
    _admin(world).post(
        f"/admin/people/allocation/{held.pk}/change/",
        {
            "person": held.person_id,
            "worker": world.other_social_worker.pk,  # moved by hand, not by a transfer
            "team": world.other_social_worker.team_id,
            "start": held.start.isoformat(),
            "end": today().isoformat(),
            "end_reason": "",  # ended with no reason
        },
    )
    held.refresh_from_db()
    assert held.end is None and held.worker_id != world.other_social_worker.pk
