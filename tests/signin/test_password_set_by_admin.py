"""A password an administrator sets is a temporary one: the worker chooses their own first."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from locus.access.models import Worker
from locus.access.services import SAME_AS_SET, worker_access_confirm
from locus.audit.models import ChangeEvent
from tests.factories import World

pytestmark = pytest.mark.django_db
SET_BY_ADMIN = "admin-set-password-42"
OWN = "lantern-orchard-41-ribbon"


def _admin_sets_password(world: World, worker: Worker) -> None:
    admin = Client()
    admin.force_login(world.admin)
    response = admin.post(
        f"/admin/access/worker/{worker.pk}/password/",
        {"password1": SET_BY_ADMIN, "password2": SET_BY_ADMIN, "usable_password": "true"},
    )
    assert response.status_code == 302


def _signed_in(worker: Worker, password: str) -> Client:
    client, form = Client(), {"username": worker.username, "password": password}
    assert client.post(reverse("login"), form).status_code == 302
    return client


def test_a_worker_whose_password_an_administrator_set_chooses_their_own_before_any_page(
    world: World,
) -> None:
    """The administrator knows the password they set: until the worker chooses their own,
    the administrator could go on signing in as them (a manager, signing off casework). Was:
    the password set was the worker's for good."""
    manager = world.team_manager
    _admin_sets_password(world, manager)
    set_by_admin = ChangeEvent.objects.filter(
        record_type="access.worker", record_id=str(manager.pk), after__has_key="password"
    ).latest("id")
    assert set_by_admin.after == {"password": "(changed)", "password_change_due": True}
    client = _signed_in(manager, SET_BY_ADMIN)
    for page in ("/", "/people/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("password-change-due"))
    change = client.get(response["Location"])
    assert "An administrator set your password" in change.content.decode()
    # Not the password the administrator set...
    same = client.post(
        reverse("password-change-due"),
        {"password": SET_BY_ADMIN, "password2": SET_BY_ADMIN, "next": "/people/"},
    )
    assert SAME_AS_SET in same.content.decode()
    assert client.get("/")["Location"].startswith(reverse("password-change-due"))
    # ...their own: then every page, in this browser still signed in.
    done = client.post(
        reverse("password-change-due"), {"password": OWN, "password2": OWN, "next": "/people/"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/people/"
    assert client.get("/").status_code == 200
    manager.refresh_from_db()
    assert manager.check_password(OWN)
    assert not manager.password_change_due
    chosen = ChangeEvent.objects.filter(
        record_type="access.worker", record_id=str(manager.pk), actor=manager
    ).latest("id")
    assert chosen.after == {"password": "(changed)", "password_change_due": False}
    assert _signed_in(manager, OWN).get("/").status_code == 200


def test_an_administrators_own_password_is_not_temporary(world: World) -> None:
    """The admin site's form for one's own account sets no temporary password."""
    _admin_sets_password(world, world.admin)
    world.admin.refresh_from_db()
    assert not world.admin.password_change_due


def test_the_password_page_shows_no_menu_until_the_worker_has_chosen_their_own(
    world: World,
) -> None:
    """Every page but this one sends the worker back here, so the menu, the unread count
    and the rest would be links back to it; and whoever knows the password the
    administrator set reads nothing of the worker's work. Was: the whole menu showed."""
    worker = world.social_worker
    _admin_sets_password(world, worker)
    # With no second factor, the administrator held the whole way in: the account waits
    # for its manager (access.services.sign_in_handed_over), who confirms it.
    worker_access_confirm(actor=world.team_manager, worker=Worker.objects.get(pk=worker.pk))
    client = _signed_in(worker, SET_BY_ADMIN)
    page = client.get(reverse("password-change-due")).content.decode()
    assert "Choose your password" in page
    for part in ('href="/people/"', "Notifications,", 'id="navigation"'):
        assert part not in page, part
    assert "Sign out" in page
    client.post(reverse("password-change-due"), {"password": OWN, "password2": OWN})
    assert 'href="/people/"' in client.get("/").content.decode()


def test_a_password_given_with_a_new_account_is_temporary_too(world: World) -> None:
    """The administrator who adds an account with a password knows it, as one who sets it
    later does: the worker chooses their own first. Was: the worker kept the administrator's
    password for good (a worker has no other page to change it)."""
    admin = Client()
    admin.force_login(world.admin)
    form = {
        "username": "new.starter",
        "email": "new.starter@own.example",
        "usable_password": "true",
        "password1": SET_BY_ADMIN,
        "password2": SET_BY_ADMIN,
    }
    assert admin.post("/admin/access/worker/add/", form).status_code == 302
    made = Worker.objects.get(username="new.starter")
    assert made.check_password(SET_BY_ADMIN)
    assert made.password_change_due
    made_without = {**form, "username": "no.password", "email": "no.password@own.example"}
    made_without["usable_password"] = "false"
    assert admin.post("/admin/access/worker/add/", made_without).status_code == 302
    assert not Worker.objects.get(username="no.password").password_change_due
