"""Workers in the Django admin: changes are audited, passwords never are."""

from __future__ import annotations

import pytest
from django.test import Client

from locus.access.services import worker_set_password
from locus.audit.models import ChangeEvent
from tests.factories import World, changes_for

PASSWORD = "admin-set-password-42"


@pytest.fixture
def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


def _worker_events(world: World) -> list[ChangeEvent]:
    return list(
        ChangeEvent.objects.filter(
            record_type="access.worker", record_id=str(world.social_worker.pk)
        ).order_by("id")
    )


def test_a_password_set_in_the_admin_is_audited_without_the_hash(
    world: World, admin_client: Client
) -> None:
    worker = world.social_worker
    before = len(_worker_events(world))
    response = admin_client.post(
        f"/admin/access/worker/{worker.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:3000]
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)  # the admin did change it...
    events = _worker_events(world)
    assert len(events) == before + 1  # ...and the trail must say so
    assert events[-1].actor == world.admin
    assert worker.password not in str(events[-1].before) + str(events[-1].after)


def test_a_password_disabled_in_the_admin_is_audited(world: World, admin_client: Client) -> None:
    worker = world.social_worker
    worker_set_password(actor=world.admin, worker=worker, password=PASSWORD)
    before = len(changes_for(worker))
    response = admin_client.post(
        f"/admin/access/worker/{worker.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert not worker.has_usable_password()
    events = changes_for(worker)
    assert len(events) == before + 1
    assert events[-1].actor == world.admin
    assert "argon2" not in str(events[-1].before) + str(events[-1].after)


def test_a_refused_admin_password_submission_leaves_no_audit(
    world: World, admin_client: Client
) -> None:
    worker = world.social_worker
    worker_set_password(actor=world.admin, worker=worker, password=PASSWORD)
    worker.refresh_from_db()
    stored = worker.password
    before = len(changes_for(worker))
    admin_client.post(f"/admin/access/worker/{worker.pk}/password/", {"usable_password": "false"})
    worker.refresh_from_db()
    assert worker.password == stored  # nothing changed...
    assert len(changes_for(worker)) == before  # ...so nothing may be recorded


def test_an_invalid_admin_password_form_leaves_no_audit(world: World, admin_client: Client) -> None:
    worker = world.social_worker
    before = len(changes_for(worker))
    response = admin_client.post(
        f"/admin/access/worker/{worker.pk}/password/",
        {"usable_password": "true", "password1": "short", "password2": "other"},
    )
    assert response.status_code == 200
    assert len(changes_for(worker)) == before
