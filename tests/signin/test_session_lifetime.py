"""A sign-in lasts LOCUS_SESSION_MAX_HOURS at most, however busy the browser."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from locus.common import clock
from locus.signin import middleware
from tests.factories import World

pytestmark = pytest.mark.django_db
SIGNED_IN = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Sets the machine's time as the sign-in's age reads it."""

    def at(when: dt.datetime) -> None:
        monkeypatch.setattr(middleware, "wall_clock", when.timestamp)

    return at


def test_a_session_ends_ten_hours_after_signing_in_however_busy(
    world: World, wall: Callable[[dt.datetime], None]
) -> None:
    """A browser used at least once an hour (a shared office PC, a page left refreshing)
    renewed its hour idle for ever: whoever sat down at it next, days later, worked as the
    worker who signed in. Now a request ten hours after signing in signs them out and sends
    them to sign in, saying why."""
    client = Client()
    wall(SIGNED_IN)
    client.force_login(world.social_worker)
    for hour in range(1, 10):  # used every hour: still signed in
        wall(SIGNED_IN + dt.timedelta(hours=hour, minutes=59))
        assert client.get("/").status_code == 200
    wall(SIGNED_IN + dt.timedelta(hours=10))
    ended = client.get("/people/")
    assert ended.status_code == 302
    assert ended["Location"].startswith(reverse("login"))
    page = client.get(ended["Location"])
    assert "You were signed out: a sign-in lasts 10 hours at most." in page.content.decode()
    # Signed out for good: the next request, too, is the sign-in page's.
    assert client.get("/")["Location"].startswith(reverse("login"))
    # Signing in again starts a new ten hours.
    client.force_login(world.social_worker)
    assert client.get("/").status_code == 200


def test_the_cap_is_a_setting(
    world: World, settings: Any, wall: Callable[[dt.datetime], None]
) -> None:
    """LOCUS_SESSION_MAX_HOURS sets the cap (docs/deploying.md)."""
    settings.LOCUS_SESSION_MAX_HOURS = 2
    client = Client()
    wall(SIGNED_IN)
    client.force_login(world.social_worker)
    wall(SIGNED_IN + dt.timedelta(hours=1, minutes=59))
    assert client.get("/").status_code == 200
    wall(SIGNED_IN + dt.timedelta(hours=2))
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_moving_the_casework_clock_on_does_not_end_a_sign_in(world: World) -> None:
    """The project's clock is the casework's "now" (a test or the demo moves it days on to
    see a review fall due); a sign-in's age is the machine's time, so moving it on leaves
    the worker signed in."""
    client = Client()
    with clock.frozen_at(SIGNED_IN):
        client.force_login(world.social_worker)
    with clock.frozen_at(SIGNED_IN + dt.timedelta(days=31)):
        assert client.get("/").status_code == 200
