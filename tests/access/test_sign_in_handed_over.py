"""The IT administrator alone does not sign in as a worker: a password they set and a second
factor they reset hand them the whole way in, so the account then waits for a second person.

Was: an administrator set a worker's password on the admin site (the worker is told, but
the notice is read in Locus, by whoever is signed in as them, and emailed to an address the
administrator may have changed first), reset their second factor with any reason, signed in
with the password, set up an authenticator of their own and read and wrote as the worker:
a team manager's account signed off casework and confirmed other accounts' access."""

from __future__ import annotations

import pytest

from locus.access import scopes
from locus.access.models import Worker
from locus.access.provisioning import confirmers_of, may_decide
from locus.access.services import own_password_chosen, worker_set_password
from locus.notifications.models import Notification, NotificationKind
from locus.signin.services import reset_second_factor
from tests.factories import World, client_for, make_worker
from tests.signin.test_second_factor import enrolled

pytestmark = pytest.mark.django_db
SET_BY_ADMIN = "admin-set-password-42"
OWN = "lantern-orchard-41-ribbon"


def _admin_sets_password(world: World, worker: Worker) -> Worker:
    page = client_for(world.admin).post(
        f"/admin/access/worker/{worker.pk}/password/",
        {"password1": SET_BY_ADMIN, "password2": SET_BY_ADMIN, "usable_password": "true"},
    )
    assert page.status_code == 302, page.content[:2000]
    return Worker.objects.get(pk=worker.pk)


def _own_password_and_phone(worker: Worker) -> Worker:
    """A worker who chose their own password and set up their authenticator."""
    own_password_chosen(worker=worker, password=OWN)
    enrolled(worker)
    return Worker.objects.get(pk=worker.pk)


def _waits_for_a_second_person(world: World, worker: Worker) -> None:
    worker = Worker.objects.get(pk=worker.pk)
    assert worker.access_awaiting_since is not None
    assert worker.access_asked_by == world.admin
    assert not scopes.sees_case_records(worker)
    assert not scopes.people_visible_to(worker).exists()
    assert not may_decide(world.admin, worker)
    assert world.team_manager in confirmers_of(worker)
    asked = Notification.objects.filter(
        recipient=world.team_manager, kind=NotificationKind.ACCESS_TO_CONFIRM
    ).get(record_id=worker.pk)
    assert asked.text == (
        f"{world.admin} set how {worker} signs in: confirm or refuse it once they say it was them"
    )
    page = client_for(world.team_manager).get(asked.url).content.decode()
    assert "check with" in page and "that it is them signing in" in page


def test_a_password_set_then_a_second_factor_reset_waits_for_a_second_person(
    world: World,
) -> None:
    worker = _own_password_and_phone(world.social_worker)
    worker = _admin_sets_password(world, worker)
    # The authenticator still stands between the administrator and the account.
    assert worker.access_awaiting_since is None
    assert scopes.sees_case_records(worker)
    reset_second_factor(actor=world.admin, worker=worker, reason="Phone lost")
    _waits_for_a_second_person(world, worker)


def test_a_second_factor_reset_then_a_password_set_waits_for_a_second_person(
    world: World,
) -> None:
    worker = _own_password_and_phone(world.social_worker)
    # A lost phone: the password is the worker's own, so a reset alone hands nobody the way in.
    reset_second_factor(actor=world.admin, worker=worker, reason="Phone lost")
    worker = Worker.objects.get(pk=worker.pk)
    assert worker.access_awaiting_since is None
    assert scopes.sees_case_records(worker)
    _admin_sets_password(world, worker)
    _waits_for_a_second_person(world, worker)


def test_a_reset_waits_when_the_password_is_still_the_one_an_administrator_gave(
    world: World,
) -> None:
    """An account's first password, given when it was made, is one the administrator knows
    as much as one set later."""
    worker = make_worker(world.admin, team=world.csc_team_a, password=SET_BY_ADMIN)
    enrolled(worker)
    reset_second_factor(actor=world.admin, worker=worker, reason="Phone lost")
    _waits_for_a_second_person(world, worker)


def test_an_account_nobody_signs_in_to_waits_for_nobody(world: World) -> None:
    worker_set_password(actor=world.system, worker=world.teammate, password=SET_BY_ADMIN)
    page = client_for(world.admin).post(
        f"/admin/access/worker/{world.teammate.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )
    assert page.status_code == 302
    assert Worker.objects.get(pk=world.teammate.pk).access_awaiting_since is None
