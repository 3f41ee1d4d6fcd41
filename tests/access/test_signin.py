"""Sign-in lockout: five failures in 15 minutes lock a username, and only for that window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from locus.access.services import worker_set_password
from locus.access.signin import is_locked_out
from locus.audit.models import SignInEvent
from tests.factories import World

pytestmark = pytest.mark.django_db
PASSWORD = "lantern-orchard-41-ribbon"


def attempt(username: str, password: str) -> str:
    response = Client(REMOTE_ADDR="127.0.0.9").post(
        reverse("login"), {"username": username, "password": password}
    )
    return "locked" if b"locked for 15 minutes" in response.content else str(response.status_code)


def test_five_failures_lock_and_attempts_while_locked_do_not_extend_it(world: World) -> None:
    worker_set_password(actor=world.system, worker=world.social_worker, password=PASSWORD)
    name = world.social_worker.username
    assert [attempt(name, "wrong-password") for _ in range(5)] == ["200"] * 5
    assert is_locked_out(name, "127.0.0.9")
    # Even the right password is refused while locked; those attempts are recorded.
    assert attempt(name, PASSWORD) == "locked"
    assert attempt(name, "wrong-password") == "locked"
    assert SignInEvent.objects.filter(username=name, while_locked=True).count() == 2
    # Once the five failures are older than the window, the lock lifts, even though
    # attempts were refused a moment ago.
    SignInEvent.objects.filter(username=name, while_locked=False).update(
        at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    assert not is_locked_out(name, "127.0.0.9")
    assert attempt(name, PASSWORD) == "302"
    event = SignInEvent.objects.filter(username=name, succeeded=True).get()
    assert (event.worker, event.ip_address) == (world.social_worker, "127.0.0.9")


def test_a_success_clears_earlier_failures(world: World) -> None:
    worker_set_password(actor=world.system, worker=world.teammate, password=PASSWORD)
    name = world.teammate.username
    for _ in range(4):
        attempt(name, "wrong-password")
    assert attempt(name, PASSWORD) == "302"
    for _ in range(4):
        attempt(name, "wrong-password")
    assert not is_locked_out(name, "127.0.0.9")


def test_no_password_is_ever_stored_with_an_attempt(world: World) -> None:
    attempt("nobody-by-this-name", "my-secret-guess")
    event = SignInEvent.objects.get(username="nobody-by-this-name")
    assert not event.succeeded and event.worker is None
    assert "my-secret-guess" not in str(SignInEvent.objects.filter(pk=event.pk).values().get())
