"""The second factor: set up with a QR code and recovery codes, asked before every page,
locked like a password, and reset by an administrator with a reason, all on the record."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from locus.access import signin
from locus.access.models import Worker
from locus.access.services import system_worker, worker_set_password
from locus.api.models import ApiToken
from locus.audit.models import ChangeEvent
from locus.common import clock
from locus.common.errors import NotPermitted, ValidationFailed
from locus.notifications.models import Notification, NotificationKind
from locus.signin.models import (
    RecoveryCode,
    RecoveryCodeDevice,
    SecondFactorEvent,
    SecondFactorKind,
)
from locus.signin.services import (
    Outcome,
    confirm_enrolment,
    reset_second_factor,
    start_enrolment,
    verify_second_factor,
)
from tests.api.conftest import api_as
from tests.factories import World
from tests.signin.codes import code_for_secret, fresh_code

pytestmark = pytest.mark.django_db
PASSWORD = "lantern-orchard-41-ribbon"
ADDRESS = "127.0.0.9"


@pytest.fixture(autouse=True)
def _second_factor_required(settings: Any) -> None:
    settings.LOCUS_REQUIRE_OTP = True


def enrolled(worker: Worker) -> tuple[TOTPDevice, list[str]]:
    """``worker`` with a second factor set up (through the services), and their recovery codes."""
    device = start_enrolment(worker=worker)
    result = confirm_enrolment(
        worker=worker, code=fresh_code(device), ip_address=ADDRESS, started=device.pk
    )
    assert result.outcome is Outcome.PASSED
    return device, result.recovery_codes


def password_only(worker: Worker) -> Client:
    """A browser that has given ``worker``'s password and nothing more."""
    worker_set_password(actor=system_worker(), worker=worker, password=PASSWORD)
    client = Client(REMOTE_ADDR=ADDRESS)
    response = client.post(reverse("login"), {"username": worker.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def kinds(worker: Worker) -> list[str]:
    return list(
        SecondFactorEvent.objects.filter(worker=worker)
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )


def test_a_worker_without_a_second_factor_must_set_one_up_before_any_page(world: World) -> None:
    client = password_only(world.social_worker)
    for page in ("/", "/people/", "/admin/", "/second-factor/reset/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("second-factor-enrol") + "?next=")
    page = client.get(reverse("second-factor-enrol") + "?next=/people/")
    html = page.content.decode()
    assert "<svg" in html and "<title>QR code" in html
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1)  # type: ignore[union-attr]
    # A wrong code is refused, and counted.
    wrong = client.post(reverse("second-factor-enrol"), {"code": "000000", "next": "/people/"})
    assert "Enter a correct code" in wrong.content.decode()
    done = client.post(
        reverse("second-factor-enrol"), {"code": code_for_secret(secret), "next": "/people/"}
    )
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    kept = RecoveryCode.objects.filter(device__user=world.social_worker)
    assert len(set(codes)) == kept.count() == 10
    assert all(any(k.matches(code) for k in kept) for code in codes)
    assert 'href="/people/"' in done.content.decode()
    assert client.get("/people/").status_code == 200
    assert kinds(world.social_worker) == [SecondFactorKind.FAILED, SecondFactorKind.ENROLLED]
    # Shown once: the set-up page now sends the worker on, and never shows codes again.
    again = client.get(reverse("second-factor-enrol"))
    assert again.status_code == 302
    assert not any(code in client.get(again["Location"]).content.decode() for code in codes)


def test_the_next_sign_in_asks_for_a_code_before_any_page(world: World) -> None:
    device, _ = enrolled(world.social_worker)
    client = password_only(world.social_worker)
    response = client.get("/people/?q=a")
    assert response.status_code == 302
    assert response["Location"] == reverse("second-factor-verify") + "?next=/people/%3Fq%3Da"
    wrong = client.post(reverse("second-factor-verify"), {"code": "123456", "next": "/people/"})
    assert wrong.status_code == 200 and "Enter a correct code" in wrong.content.decode()
    assert client.get("/").status_code == 302
    right = client.post(
        reverse("second-factor-verify"), {"code": fresh_code(device), "next": "/people/?q=a"}
    )
    assert right["Location"] == "/people/?q=a"
    assert client.get("/").status_code == 200
    assert kinds(world.social_worker)[-2:] == [SecondFactorKind.FAILED, SecondFactorKind.VERIFIED]


def test_a_code_counts_once_and_next_goes_nowhere_else(world: World) -> None:
    device, _ = enrolled(world.social_worker)
    code = fresh_code(device)
    assert (
        verify_second_factor(worker=world.social_worker, code=code, ip_address=ADDRESS).outcome
        is Outcome.PASSED
    )
    assert (
        verify_second_factor(worker=world.social_worker, code=code, ip_address=ADDRESS).outcome
        is Outcome.WRONG
    )
    client = password_only(world.social_worker)
    response = client.post(
        reverse("second-factor-verify"),
        {"code": fresh_code(device), "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == reverse("dashboard")


def test_a_recovery_code_signs_in_once(world: World) -> None:
    _, codes = enrolled(world.social_worker)
    client = password_only(world.social_worker)
    typed = f"{codes[0][:4].upper()}-{codes[0][4:].upper()}"
    response = client.post(
        reverse("second-factor-verify"), {"code": typed, "next": "/"}, follow=True
    )
    assert "Recovery codes left: 9" in response.content.decode()
    kept = RecoveryCode.objects.filter(device__user=world.social_worker)
    assert kept.count() == 9 and not any(k.matches(codes[0]) for k in kept)
    other = password_only(world.social_worker)
    used = other.post(reverse("second-factor-verify"), {"code": codes[0], "next": "/"})
    assert "Enter a correct code" in used.content.decode()
    assert kinds(world.social_worker)[-2:] == [
        SecondFactorKind.RECOVERY_CODE_USED,
        SecondFactorKind.FAILED,
    ]


def test_wrong_codes_lock_the_account_and_a_right_password_does_not_unlock_it(
    world: World,
) -> None:
    device, _ = enrolled(world.social_worker)
    client = password_only(world.social_worker)
    for _ in range(signin.MAX_FAILURES - 1):
        client.post(reverse("second-factor-verify"), {"code": "000000"})
    # The password again (right, so its success clears wrong passwords) buys no more guesses.
    client = password_only(world.social_worker)
    client.post(reverse("second-factor-verify"), {"code": "000000"})
    assert signin.is_locked_out(world.social_worker.username, ADDRESS)
    locked = client.post(reverse("second-factor-verify"), {"code": fresh_code(device)})
    assert signin.LOCKED_MESSAGE in locked.content.decode()
    assert client.get("/").status_code == 302
    assert kinds(world.social_worker)[-1] == SecondFactorKind.REFUSED
    # And the password step says the same as for any locked account.
    refused = Client(REMOTE_ADDR=ADDRESS).post(
        reverse("login"), {"username": world.social_worker.username, "password": PASSWORD}
    )
    assert signin.LOCKED_MESSAGE in refused.content.decode()


def test_an_administrator_resets_a_second_factor_with_a_reason(world: World) -> None:
    device, _ = enrolled(world.social_worker)
    worker_client = password_only(world.social_worker)
    worker_client.post(reverse("second-factor-verify"), {"code": fresh_code(device)})
    assert worker_client.get("/").status_code == 200
    admin_device, _ = enrolled(world.admin)
    admin = password_only(world.admin)
    admin.post(reverse("second-factor-verify"), {"code": fresh_code(admin_device)})
    page = admin.get(reverse("second-factor-reset"))
    assert (
        world.social_worker.username in page.content.decode()
        or str(world.social_worker) in page.content.decode()
    )
    blank = admin.post(
        reverse("second-factor-reset"), {"worker": world.social_worker.pk, "reason": " "}
    )
    assert "Enter why the second factor is being reset" in blank.content.decode()
    assert TOTPDevice.objects.filter(user=world.social_worker).exists()
    done = admin.post(
        reverse("second-factor-reset"),
        {"worker": world.social_worker.pk, "reason": "Lost phone, service desk call 4411"},
    )
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.social_worker).exists()
    assert not RecoveryCodeDevice.objects.filter(user=world.social_worker).exists()
    assert not RecoveryCode.objects.filter(device__user=world.social_worker).exists()
    event = SecondFactorEvent.objects.get(worker=world.social_worker, kind=SecondFactorKind.RESET)
    assert (event.actor, event.reason) == (world.admin, "Lost phone, service desk call 4411")
    deleted = ChangeEvent.objects.filter(actor=world.admin, action="delete")
    assert {e.record_type for e in deleted} == {"otp_totp.totpdevice", "signin.recoverycodedevice"}
    # The worker's open session ends at once: they sign in again with their password, and
    # then set up a new second factor.
    response = worker_client.get("/")
    assert response["Location"].startswith(reverse("login"))
    signed_in_again = password_only(world.social_worker)
    assert signed_in_again.get("/")["Location"].startswith(reverse("second-factor-enrol"))


def test_a_reset_signs_out_a_session_left_open_so_it_cannot_set_up_its_own_app(
    world: World,
) -> None:
    """Whoever is signed in with the lost phone (a browser they hold) must not put their own
    authenticator on the worker's account after the reset: their session ends with it."""
    device, _ = enrolled(world.social_worker)
    left_open = password_only(world.social_worker)
    left_open.post(reverse("second-factor-verify"), {"code": fresh_code(device)})
    assert left_open.get("/").status_code == 200
    reset_second_factor(actor=world.admin, worker=world.social_worker, reason="Phone lost")
    for response in (
        left_open.get(reverse("second-factor-enrol")),
        left_open.post(reverse("second-factor-enrol"), {"code": "123456"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not TOTPDevice.objects.filter(user=world.social_worker).exists()


@pytest.mark.parametrize("persona", ["team_manager", "social_worker", "auditor"])
def test_only_an_administrator_may_reset(world: World, persona: str) -> None:
    enrolled(world.social_worker)
    actor = world.persona(persona)
    with pytest.raises(NotPermitted):
        reset_second_factor(actor=actor, worker=world.social_worker, reason="Because")
    device, _ = (
        enrolled(actor) if persona != "social_worker" else (TOTPDevice.objects.get(user=actor), [])
    )
    client = password_only(actor)
    client.post(reverse("second-factor-verify"), {"code": fresh_code(device)})
    assert client.get("/").status_code == 200
    assert client.get(reverse("second-factor-reset")).status_code == 404
    client.post(
        reverse("second-factor-reset"), {"worker": world.social_worker.pk, "reason": "Because"}
    )
    assert TOTPDevice.objects.filter(user=world.social_worker).exists()


def test_a_reset_needs_something_to_reset(world: World) -> None:
    with pytest.raises(ValidationFailed):
        reset_second_factor(actor=world.admin, worker=world.school_dsl, reason="Lost phone")


def test_the_trail_never_holds_a_secret(world: World) -> None:
    device, codes = enrolled(world.social_worker)
    reset_second_factor(actor=world.admin, worker=world.social_worker, reason="Lost phone")
    trail = str(list(ChangeEvent.objects.values("before", "after")))
    assert device.key not in trail
    assert not any(code in trail for code in codes)


def test_where_optional_only_those_who_set_one_up_are_asked(world: World, settings: Any) -> None:
    settings.LOCUS_REQUIRE_OTP = False
    assert password_only(world.teammate).get("/").status_code == 200
    device, _ = enrolled(world.social_worker)
    client = password_only(world.social_worker)
    assert client.get("/")["Location"].startswith(reverse("second-factor-verify"))
    client.post(reverse("second-factor-verify"), {"code": fresh_code(device)})
    assert client.get("/").status_code == 200


def test_signing_out_and_static_files_need_no_code(world: World) -> None:
    client = password_only(world.social_worker)
    assert client.get("/healthz").status_code == 200
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_the_admin_offers_no_unaudited_reset() -> None:
    from django.contrib import admin

    from locus.signin.models import SecondFactorEvent

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
    assert not admin.site.is_registered(RecoveryCodeDevice)
    record = admin.site._registry[SecondFactorEvent]
    assert not record.has_delete_permission(None)  # type: ignore[arg-type]
    assert not record.has_change_permission(None)  # type: ignore[arg-type]


def test_a_reset_ends_the_workers_api_tokens(world: World) -> None:
    """A second factor is reset when a phone is lost or the account may have been used by
    someone else; a token made in that time would outlive the reset, reading as the worker.
    The reset ends every token the worker holds (each end in the trail, the sharing register
    closed), and the worker makes new ones once signed in again."""
    enrolled(world.social_worker)
    program = api_as(world.social_worker)
    assert program.get("/people").status_code == 200
    others = api_as(world.teammate)
    reset_second_factor(actor=world.admin, worker=world.social_worker, reason="Phone stolen")
    assert program.get("/people").status_code == 401
    assert others.get("/people").status_code == 200  # nobody else's
    token = ApiToken.objects.get(worker=world.social_worker)
    assert token.revoked_at is not None
    ended = ChangeEvent.objects.filter(record_type="api.apitoken", record_id=str(token.pk))
    assert ended.filter(action="end", actor=world.admin).exists()


def test_a_reset_tells_the_worker_at_once_who_and_when(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """After a reset, whoever holds the password sets up a second factor of their own: an
    administrator could so sign in as a manager. The worker learns of it at once, in Locus
    and by email: who reset it and when. Was: only the trail said so."""
    enrolled(world.team_manager)
    Notification.objects.filter(recipient=world.team_manager).delete()  # of the set-up
    with (
        clock.frozen_at(dt.datetime(2026, 7, 3, 9, 30, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reset_second_factor(actor=world.admin, worker=world.team_manager, reason="Phone lost")
    [notice] = Notification.objects.filter(recipient=world.team_manager)
    assert notice.kind == NotificationKind.SIGN_IN_CHANGED
    assert world.admin.username in notice.text
    # In the project's time zone (summer time: an hour ahead of UTC).
    assert "reset your second factor on 3 July 2026 at 10:30" in notice.text
    [email] = mail.outbox
    assert email.to == [world.team_manager.email]
    assert notice.text in email.body


def test_setting_up_an_authenticator_tells_the_worker_at_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Whoever holds a new worker's password before the worker first signs in (or holds it
    after a reset) can set up an authenticator of their own. The worker hears of every set-up
    at once, in Locus and by email to their work email: when, and what to do if it was not
    them. Was: only the trail said so."""
    worker = world.social_worker
    for day in (3, 4):  # a first set-up, then one in place of one reset
        with (
            clock.frozen_at(dt.datetime(2026, 12, day, 14, 5, tzinfo=dt.UTC)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            enrolled(worker)
        notice = (
            Notification.objects.filter(recipient=worker, text__startswith="An auth")
            .order_by("id")
            .last()
        )
        assert notice is not None and notice.kind == NotificationKind.SIGN_IN_CHANGED
        assert notice.text == (
            f"An authenticator was set up for your account on {day} December 2026 at 14:05. "
            "If this was not you, tell your IT administrator now."
        )
        assert mail.outbox[-1].to == [worker.email]
        assert notice.text in mail.outbox[-1].body
        reset_second_factor(actor=world.admin, worker=worker, reason="Set up by someone else")
    assert Notification.objects.filter(recipient=worker, text__startswith="An auth").count() == 2


def test_a_reset_by_an_administrator_with_a_long_name_tells_the_worker(world: World) -> None:
    """An administrator's full name and username fill the notice only as far as it has room:
    the rest (what, when, whom to tell) is always said. Was: a long name made the notice too
    long, and the reset failed."""
    admin = world.admin
    admin.first_name, admin.last_name = "Bartholomew-Alexander", "Featherstonehaugh-Cholmondeley"
    admin.username = "bartholomew.featherstonehaugh1"
    admin.save()
    enrolled(world.team_manager)
    with clock.frozen_at(dt.datetime(2026, 9, 30, 14, 5, tzinfo=dt.UTC)):
        reset_second_factor(actor=admin, worker=world.team_manager, reason="Phone lost")
    notice = Notification.objects.filter(
        recipient=world.team_manager, text__contains="reset"
    ).first()
    assert notice is not None and len(notice.text) <= 200
    assert notice.text.startswith("Bartholomew-Alexander")
    assert notice.text.endswith(
        "reset your second factor on 30 September 2026 at 15:05. "
        "If you did not ask for this, tell your manager."
    )
