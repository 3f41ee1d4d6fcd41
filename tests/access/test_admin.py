"""Workers in the Django admin: changes are audited, passwords never are."""

from __future__ import annotations

import pytest
from django.test import Client

from locus.access.models import Role, Scope, Worker
from locus.access.services import worker_set_password
from locus.audit.models import ChangeEvent
from tests.factories import World, changes_for, make_worker

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


def test_an_administrator_does_not_set_their_own_role_scope_team_or_status(
    world: World, admin_client: Client
) -> None:
    """Nobody widens their own sight or takes on duties (a manager signs off casework and
    reviews emergency access): another administrator changes them, under their own name."""
    me = world.admin
    url = f"/admin/access/worker/{me.pk}/change/"
    page = admin_client.get(url).content.decode()
    for field in ("team", "role", "scope", "is_active"):
        assert f'name="{field}"' not in page, field
    form = {
        "username": me.username,
        "first_name": me.first_name,
        "last_name": me.last_name,
        "email": me.email,
        "job_title": "Systems lead",
        "phone": me.phone,
        # What a hand-made post would try: ignored, not saved.
        "team": world.csc_team_a.pk,
        "role": Role.MANAGER,
        "scope": Scope.AGENCY,
    }
    assert admin_client.post(url, form).status_code == 302
    me.refresh_from_db()
    assert me.job_title == "Systems lead"  # the rest of their own record they keep up
    assert (me.role, me.scope, me.team_id) == (Role.ADMINISTRATOR, Scope.ALL, None)
    assert me.is_active
    # Another administrator may.
    other = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="second")
    page = admin_client.get(f"/admin/access/worker/{other.pk}/change/").content.decode()
    assert 'name="role"' in page and 'name="team"' in page


def test_the_admin_site_refuses_an_email_another_account_has(
    world: World, admin_client: Client
) -> None:
    """One person, one account, on the admin site's worker form too."""
    Worker.objects.filter(pk=world.teammate.pk).update(email="pat@example.org")
    worker = world.social_worker
    url = f"/admin/access/worker/{worker.pk}/change/"
    form = {
        "username": worker.username,
        "first_name": worker.first_name,
        "last_name": worker.last_name,
        "email": "PAT@example.org",
        "team": worker.team_id,
        "role": worker.role,
        "scope": worker.scope,
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "09:00:00",
    }
    page = admin_client.post(url, form)
    assert page.status_code == 200 and "Another account has this email" in page.content.decode()
    worker.refresh_from_db()
    assert worker.email == ""
    form["email"] = "sam@example.org"
    assert admin_client.post(url, form).status_code == 302
    worker.refresh_from_db()
    assert worker.email == "sam@example.org"
