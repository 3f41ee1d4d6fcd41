"""What a password alone opens: nothing about the worker's work or a child, and no key to
the second factor the worker will confirm."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from locus.access.models import Role
from locus.access.services import break_glass_request, system_worker, worker_set_password
from locus.people.services import allocation_create
from tests.factories import START, World, make_person, make_team, make_worker
from tests.signin.codes import code_for_secret
from tests.signin.test_second_factor import PASSWORD, enrolled, password_only

pytestmark = pytest.mark.django_db
SECRET_RE = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')


@pytest.fixture(autouse=True)
def _second_factor_required(settings: Any) -> None:
    settings.LOCUS_REQUIRE_OTP = True


def _sign_in(worker: Any, address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": worker.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_password_only_session_sees_no_child_named_in_the_break_glass_banner(
    world: World,
) -> None:
    """The pages open before the second factor (entering a code, setting one up) carry no
    emergency-access banner (the child's name and the worker's reason), no menu, no name."""
    team = make_team(world.system, agency=world.csc, name="Leaving Care Team C")
    holder = make_worker(world.system, team=team, role=Role.PRACTITIONER)
    child = make_person(world.system, given_name="Sami", family_name="Stranger")
    allocation_create(actor=world.system, person=child, worker=holder, start=START)
    reason = "Missing overnight, police asked for last known associates at 2am"
    use = break_glass_request(
        actor=world.social_worker, person_id=child.pk, category="missing_child", reason=reason
    )
    assert use is not None
    enrolled(world.social_worker)
    attacker = password_only(world.social_worker)  # knows the password, not the phone
    page = attacker.get(reverse("second-factor-verify")).content.decode()
    assert "Stranger" not in page and reason not in page
    assert "Notifications" not in page and world.social_worker.get_full_name() not in page
    # No menu (not even an empty one: every link would lead back here); the way out stays.
    assert 'aria-label="Menu"' not in page and "Sign out" in page


def test_the_enrolment_secret_seen_by_one_session_is_not_the_one_another_confirms(
    world: World,
) -> None:
    """Someone who has the password before the worker enrols opens the set-up page, notes the
    key and leaves without confirming. The worker, setting up later from their own session,
    is shown and confirms a new key: the one noted is worth nothing."""
    worker = world.social_worker
    worker_set_password(actor=system_worker(), worker=worker, password=PASSWORD)
    attacker = _sign_in(worker, "203.0.113.5")
    seen = SECRET_RE.search(attacker.get(reverse("second-factor-enrol")).content.decode())
    assert seen is not None
    attacker.post(reverse("logout"))

    victim = _sign_in(worker, "198.51.100.7")
    shown = SECRET_RE.search(victim.get(reverse("second-factor-enrol")).content.decode())
    assert shown is not None
    done = victim.post(reverse("second-factor-enrol"), {"code": code_for_secret(shown.group(1))})
    assert done.status_code == 200 and "recovery-codes" in done.content.decode()

    assert seen.group(1) != shown.group(1)


def test_reloading_the_set_up_page_shows_the_same_key_in_one_session(world: World) -> None:
    worker = world.social_worker
    worker_set_password(actor=system_worker(), worker=worker, password=PASSWORD)
    client = _sign_in(worker, "198.51.100.7")
    first = SECRET_RE.search(client.get(reverse("second-factor-enrol")).content.decode())
    again = SECRET_RE.search(client.get(reverse("second-factor-enrol")).content.decode())
    assert first is not None and again is not None and first.group(1) == again.group(1)
