"""The second factor in a real browser: a social worker sets up an authenticator app from the
QR page's key, keeps the recovery codes, signs in again with a code and then with a recovery
code; an administrator resets it with a reason, and the worker must set one up again.
Every page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.signin.models import SecondFactorEvent, SecondFactorKind
from locus.signin.services import Outcome, confirm_enrolment, start_enrolment
from tests.e2e.conftest import axe_violations, csc_social_worker, e2e_worker, sign_in
from tests.signin.codes import code_for_secret, fresh_code


@pytest.fixture
def admin_device(transactional_db: Any, settings: Any) -> TOTPDevice:
    settings.LOCUS_REQUIRE_OTP = True
    system = system_worker()
    csc_social_worker(system)
    admin = e2e_worker(system, "it", "Ira Admin", None, "administrator")
    device = start_enrolment(worker=admin)
    assert confirm_enrolment(
        worker=admin, code=fresh_code(device), ip_address=None, started=device.pk
    ).outcome is (Outcome.PASSED)
    return device


def enter_code(page: Any, code: str, button: str = "Continue") -> None:
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name=button).click()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to Locus").wait_for()


def test_set_up_sign_in_with_a_code_and_a_recovery_code_then_reset(
    page: Any, live_server: Any, admin_device: TOTPDevice
) -> None:
    base = live_server.url
    # First sign-in: the password, then setting up the app before any page.
    sign_in(page, base, "sw", "/people/")
    page.get_by_role("heading", name="Set up your second factor").wait_for()
    expect(page.locator("svg.locus-qr")).to_be_visible()
    assert axe_violations(page) == []
    secret = page.locator("#totp-secret").inner_text()
    enter_code(page, code_for_secret(secret), "Confirm")
    page.get_by_role("heading", name="Second factor set up").wait_for()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert axe_violations(page) == []
    page.get_by_role("link", name="I have kept my recovery codes: continue").click()
    page.get_by_role("heading", name="People").first.wait_for()
    assert page.url.endswith("/people/")
    sign_out(page)

    # Next sign-in: a code from the app (the next step's: the first was used at set-up).
    sign_in(page, base, "sw")
    page.get_by_role("heading", name="Enter your code").wait_for()
    assert axe_violations(page) == []
    enter_code(page, "000000")
    page.get_by_text("Enter a correct code").first.wait_for()
    enter_code(page, code_for_secret(secret, steps_ahead=1))
    page.get_by_role("heading", name="Hello, Sam").wait_for()
    sign_out(page)

    # Without the phone: a recovery code, once.
    sign_in(page, base, "sw")
    enter_code(page, codes[0])
    page.get_by_text("Recovery codes left: 9").wait_for()
    sign_out(page)

    # An administrator resets it, with a reason.
    sign_in(page, base, "it")
    enter_code(page, fresh_code(admin_device))
    page.get_by_role("link", name="Reset a worker's second factor").click()
    page.get_by_role("heading", name="Reset a second factor").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Worker").select_option(label="Sam Okafor")
    page.get_by_label("Reason").fill("Lost phone and recovery codes; service desk call 4411")
    page.get_by_role("button", name="Reset second factor").click()
    page.get_by_text("Sam Okafor's second factor was reset").wait_for()
    sign_out(page)

    # The worker's app and codes no longer work: they must set up a new one.
    sign_in(page, base, "sw")
    page.get_by_role("heading", name="Set up your second factor").wait_for()
    assert page.locator("#totp-secret").inner_text() != secret
    kinds = list(
        SecondFactorEvent.objects.filter(worker__username="sw")
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        SecondFactorKind.ENROLLED,
        SecondFactorKind.FAILED,
        SecondFactorKind.VERIFIED,
        SecondFactorKind.RECOVERY_CODE_USED,
        SecondFactorKind.RESET,
    ]
