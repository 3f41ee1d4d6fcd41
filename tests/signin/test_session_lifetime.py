"""A sign-in lasts LOCUS_SESSION_MAX_HOURS at most, however busy the browser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from locus.common import clock
from tests.factories import World

pytestmark = pytest.mark.django_db
SIGNED_IN = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def test_a_session_ends_ten_hours_after_signing_in_however_busy(world: World) -> None:
    """A browser used at least once an hour (a shared office PC, a page left refreshing)
    renewed its hour idle for ever: whoever sat down at it next, days later, worked as the
    worker who signed in. Now a request ten hours after signing in signs them out and sends
    them to sign in, saying why."""
    client = Client()
    with clock.frozen_at(SIGNED_IN):
        client.force_login(world.social_worker)
    for hour in range(1, 10):  # used every hour: still signed in
        with clock.frozen_at(SIGNED_IN + dt.timedelta(hours=hour, minutes=59)):
            assert client.get("/").status_code == 200
    with clock.frozen_at(SIGNED_IN + dt.timedelta(hours=10)):
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


def test_the_cap_is_a_setting(world: World, settings: Any) -> None:
    """LOCUS_SESSION_MAX_HOURS sets the cap (docs/deploying.md)."""
    settings.LOCUS_SESSION_MAX_HOURS = 2
    client = Client()
    with clock.frozen_at(SIGNED_IN):
        client.force_login(world.social_worker)
    with clock.frozen_at(SIGNED_IN + dt.timedelta(hours=1, minutes=59)):
        assert client.get("/").status_code == 200
    with clock.frozen_at(SIGNED_IN + dt.timedelta(hours=2)):
        assert client.get("/")["Location"].startswith(reverse("login"))
