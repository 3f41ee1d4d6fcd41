"""Sign-in lockout that cannot be raced, the per-address throttle, and one message for a lock;
and a lockout that tells a worker's usual addresses from a stranger's (smart lockout)."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from locus.access import signin
from locus.access.models import Worker
from locus.access.services import system_worker, worker_set_password
from locus.audit.models import SignInEvent
from locus.audit.services import record_sign_in
from locus.signin.models import SecondFactorEvent, SecondFactorKind
from locus.signin.services import (
    Outcome,
    confirm_enrolment,
    reset_second_factor,
    start_enrolment,
)
from tests.factories import World
from tests.signin.codes import fresh_code

PASSWORD = "lantern-orchard-41-ribbon"


def outcome(response: HttpResponse) -> str:
    if response.status_code == 302:
        return "signed in"
    return "locked" if signin.LOCKED_MESSAGE in response.content.decode() else "refused"


def attempt(username: str, password: str, address: str = "127.0.0.9") -> str:
    return outcome(
        Client(REMOTE_ADDR=address).post(
            reverse("login"), {"username": username, "password": password}
        )
    )


def in_parallel(count: int, run: Callable[[int], Any]) -> list[Any]:
    """``run(i)`` for i in range(count), each in its own thread with its own database
    connection, all released at once."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def body(i: int) -> None:
        try:
            start.wait()
            results[i] = run(i)
        except Exception as error:  # pragma: no cover - shown by the assertion below
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def database_waits_for_its_lock() -> Any:
    """SQLite as it runs outside tests: a statement that finds the database locked waits.

    A file database waits out the busy timeout (settings give 20 s). The in-memory test
    database shares one cache between connections, where SQLite answers "locked" at once
    instead; this retries such a statement (a locked statement did nothing), which is the
    same wait. PostgreSQL needs nothing: its locks wait.
    """
    if connection.vendor != "sqlite":
        yield
        return
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    execute = SQLiteCursorWrapper.execute

    def waiting(cursor: Any, query: str, params: Any = None) -> Any:
        deadline = time.monotonic() + 20
        while True:
            try:
                return execute(cursor, query, params)
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.005)

    with mock.patch.object(SQLiteCursorWrapper, "execute", waiting):
        yield


class CountingChecks:
    """Counts real password checks (thread-safe), whatever their outcome."""

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def patch(self) -> Any:
        check = Worker.check_password

        def counted(worker: Worker, raw_password: str) -> bool:
            with self._lock:
                self.count += 1
            return check(worker, raw_password)

        return mock.patch.object(Worker, "check_password", counted)


@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_wrong_passwords_check_at_most_five(
    world: World, database_waits_for_its_lock: None
) -> None:
    worker_set_password(actor=world.system, worker=world.social_worker, password=PASSWORD)
    name = world.social_worker.username
    checks = CountingChecks()
    with checks.patch():
        outcomes = in_parallel(30, lambda i: attempt(name, f"wrong-guess-{i}"))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert checks.count <= signin.MAX_FAILURES
    assert outcomes.count("refused") == checks.count
    assert outcomes.count("locked") == 30 - checks.count
    # Every attempt is on the record; only the checked ones count towards the lock.
    events = SignInEvent.objects.filter(username=name)
    assert events.count() == 30
    assert events.filter(while_locked=False).count() == checks.count
    assert signin.is_locked_out(name, "127.0.0.9")


@pytest.mark.django_db
def test_twenty_failures_from_one_address_lock_it_across_usernames(world: World) -> None:
    worker_set_password(actor=world.system, worker=world.teammate, password=PASSWORD)
    # Four guesses at each of five names: never five for one username.
    for i in range(signin.MAX_ADDRESS_FAILURES):
        assert attempt(f"guess-{i % 5}", "wrong-password", "10.0.0.7") == "refused"
    assert not signin.is_locked_out(world.teammate.username, "10.0.0.7")
    checks = CountingChecks()
    with checks.patch():
        # From that address even a right password is refused, unchecked...
        assert attempt(world.teammate.username, PASSWORD, "10.0.0.7") == "locked"
        assert checks.count == 0
        # ...while the same worker signs in from anywhere else.
        assert attempt(world.teammate.username, PASSWORD, "10.0.0.8") == "signed in"
    refused = SignInEvent.objects.get(ip_address="10.0.0.7", username=world.teammate.username)
    assert refused.while_locked and not refused.succeeded


@pytest.mark.django_db
def test_a_success_from_the_address_does_not_clear_its_count(world: World) -> None:
    worker_set_password(actor=world.system, worker=world.teammate, password=PASSWORD)
    for i in range(signin.MAX_ADDRESS_FAILURES - 1):
        attempt(f"guess-{i % 5}", "wrong-password", "10.0.0.7")
    assert attempt(world.teammate.username, PASSWORD, "10.0.0.7") == "signed in"
    attempt("guess-0", "wrong-password", "10.0.0.7")
    assert signin.is_address_locked_out("10.0.0.7")


def _error_summary(username: str, password: str, address: str = "127.0.0.9", tries: int = 1) -> str:
    """The error summary of the last of ``tries`` attempts."""
    for _ in range(tries):
        page = Client(REMOTE_ADDR=address).post(
            reverse("login"), {"username": username, "password": password}
        )
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', page.content.decode(), re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.django_db
def test_a_lock_says_the_same_whether_the_name_exists_or_the_password_was_right(
    world: World,
) -> None:
    worker_set_password(actor=world.system, worker=world.social_worker, password=PASSWORD)
    real, made_up = world.social_worker.username, "no-such-worker"
    for name in (real, made_up):
        for _ in range(signin.MAX_FAILURES):
            attempt(name, "wrong-password")
    summaries = {
        _error_summary(real, PASSWORD),
        _error_summary(real, "wrong-password"),
        _error_summary(made_up, "any-password"),
    }
    assert len(summaries) == 1
    (summary,) = summaries
    assert signin.LOCKED_MESSAGE in summary


@pytest.mark.django_db
def test_an_empty_password_is_no_attempt(world: World) -> None:
    assert attempt(world.social_worker.username, "") == "refused"
    assert not SignInEvent.objects.filter(username=world.social_worker.username).exists()


# Smart lockout: the worker's desk, somewhere a stranger types from, and the council's shared
# outgoing address.
DESK = "10.1.0.5"
ELSEWHERE = "203.0.113.9"
OFFICE = "10.2.0.1"


def set_up_at(worker: Worker, address: str) -> TOTPDevice:
    """``worker`` with a password and a second factor set up from ``address``: a complete
    sign-in there, so ``address`` is familiar to them."""
    worker_set_password(actor=system_worker(), worker=worker, password=PASSWORD)
    device = start_enrolment(worker=worker)
    result = confirm_enrolment(
        worker=worker, code=fresh_code(device), ip_address=address, started=device.pk
    )
    assert result.outcome is Outcome.PASSED
    # A test signs in several times within one 30-second step; an app's user would wait for
    # the next code, which the device's drift allowance stands in for.
    TOTPDevice.objects.filter(pk=device.pk).update(tolerance=10)
    return device


def sign_in(worker: Worker, device: TOTPDevice, address: str, code: str | None = None) -> str:
    """Password, then a code (the app's, unless ``code``), from ``address``: where it stopped."""
    client = Client(REMOTE_ADDR=address)
    password = client.post(reverse("login"), {"username": worker.username, "password": PASSWORD})
    if outcome(password) != "signed in":
        return f"password {outcome(password)}"
    typed = code if code is not None else fresh_code(device)
    return outcome(client.post(reverse("second-factor-verify"), {"code": typed, "next": "/"}))


@pytest.mark.django_db
def test_failures_from_unfamiliar_addresses_lock_only_those(world: World) -> None:
    worker = world.social_worker
    device = set_up_at(worker, DESK)
    # Someone elsewhere knows the username (and even the password: a password alone never
    # makes an address familiar) and types wrong passwords, from two addresses.
    assert attempt(worker.username, PASSWORD, ELSEWHERE) == "signed in"
    for address in (ELSEWHERE, ELSEWHERE, ELSEWHERE, "198.51.100.4", "198.51.100.4"):
        assert attempt(worker.username, "wrong-password", address) == "refused"
    # Locked from every unfamiliar address, even with the right password...
    assert attempt(worker.username, PASSWORD, ELSEWHERE) == "locked"
    assert attempt(worker.username, PASSWORD, "192.0.2.1") == "locked"
    assert signin.is_locked_out(worker.username, ELSEWHERE)
    # ...and told only what anyone is told of a lock.
    assert _error_summary(worker.username, PASSWORD, ELSEWHERE) == _error_summary(
        "no-such-worker", "any-password", ELSEWHERE, tries=signin.MAX_FAILURES + 1
    )
    refused = SignInEvent.objects.filter(username=worker.username, ip_address="192.0.2.1").get()
    assert refused.while_locked and not refused.succeeded
    # The worker at their usual desk signs in, password and code.
    assert not signin.is_locked_out(worker.username, DESK)
    assert sign_in(worker, device, DESK) == "signed in"


@pytest.mark.django_db
def test_wrong_codes_from_an_unfamiliar_address_do_not_lock_the_desk(world: World) -> None:
    worker = world.social_worker
    device = set_up_at(worker, DESK)
    # Someone holding the password but not the phone.
    for _ in range(signin.MAX_FAILURES):
        assert sign_in(worker, device, ELSEWHERE, code="000000") == "refused"
    assert sign_in(worker, device, ELSEWHERE) == "password locked"
    assert sign_in(worker, device, DESK) == "signed in"


@pytest.mark.django_db
def test_familiar_and_unfamiliar_failures_count_apart(world: World) -> None:
    worker = world.social_worker
    device = set_up_at(worker, DESK)
    assert sign_in(worker, device, "10.1.0.6") == "signed in"  # another familiar address
    for _ in range(signin.MAX_FAILURES - 1):
        attempt(worker.username, "wrong-password", ELSEWHERE)
        attempt(worker.username, "wrong-password", DESK)
    # Four and four: neither count is full.
    assert sign_in(worker, device, DESK) == "signed in"
    for _ in range(signin.MAX_FAILURES - 1):
        attempt(worker.username, "wrong-password", ELSEWHERE)
        attempt(worker.username, "wrong-password", DESK)
    # A fifth from a familiar address (a colleague behind the same office address) locks
    # the worker from their familiar addresses, all of them...
    assert attempt(worker.username, "wrong-password", "10.1.0.6") == "refused"
    assert sign_in(worker, device, DESK) == "password locked"
    assert sign_in(worker, device, "10.1.0.6") == "password locked"
    # ...and not from elsewhere, where four failures are still four.
    assert sign_in(worker, device, ELSEWHERE) == "signed in"


@pytest.mark.django_db
def test_the_address_rule_spares_workers_who_sign_in_from_it(world: World) -> None:
    device = set_up_at(world.social_worker, OFFICE)
    worker_set_password(actor=world.system, worker=world.teammate, password=PASSWORD)
    # Someone behind the office's shared address guesses at many names.
    for i in range(signin.MAX_ADDRESS_FAILURES):
        assert attempt(f"guess-{i % 5}", "wrong-password", OFFICE) == "refused"
    assert signin.is_address_locked_out(OFFICE)
    # A worker who signed in from it lately still does...
    assert sign_in(world.social_worker, device, OFFICE) == "signed in"
    # ...while the address stays locked for everyone it is unfamiliar to: a colleague who
    # never signed in from it, and any name at all, whether or not it exists.
    assert attempt(world.teammate.username, PASSWORD, OFFICE) == "locked"
    assert attempt("guess-9", "wrong-password", OFFICE) == "locked"
    assert attempt(world.teammate.username, PASSWORD, DESK) == "signed in"


@pytest.mark.django_db
def test_a_hundred_failures_from_one_address_lock_it_for_familiar_workers_too(
    world: World,
) -> None:
    """Behind the office's shared address every colleague is familiar to it: guessing four
    passwords for each of them must still meet a cap across usernames."""
    colleagues = [world.social_worker, world.teammate, world.team_manager]
    devices = [set_up_at(worker, OFFICE) for worker in colleagues]
    rest = signin.MAX_SHARED_ADDRESS_FAILURES - 1 - len(colleagues) * (signin.MAX_FAILURES - 1)
    # Four real guesses at each familiar colleague, checked and refused...
    for worker in colleagues:
        for i in range(signin.MAX_FAILURES - 1):
            assert attempt(worker.username, f"guess-{i}", OFFICE) == "refused"
    # ...and as many again at other familiar colleagues (recorded directly, for speed), to
    # one short of the cap: each worker still signs in from the office...
    for i in range(rest):
        record_sign_in(username=f"colleague-{i // 4}", succeeded=False, ip_address=OFFICE)
    assert signin.address_failures(OFFICE) == signin.MAX_SHARED_ADDRESS_FAILURES - 1
    assert sign_in(colleagues[0], devices[0], OFFICE) == "signed in"
    # ...until one more failure: then the address is locked for every username, the
    # familiar ones too, and a right password from it is refused unchecked...
    assert attempt(colleagues[1].username, "one-guess-more", OFFICE) == "refused"
    checks = CountingChecks()
    with checks.patch():
        assert attempt(colleagues[2].username, PASSWORD, OFFICE) == "locked"
        assert checks.count == 0
    # ...while they still sign in from anywhere else.
    assert sign_in(colleagues[2], devices[2], DESK) == "signed in"


@pytest.mark.django_db
def test_an_address_is_familiar_for_thirty_days_and_until_a_reset(world: World) -> None:
    worker = world.social_worker
    device = set_up_at(worker, DESK)
    for _ in range(signin.MAX_FAILURES):
        attempt(worker.username, "wrong-password", ELSEWHERE)
    assert not signin.is_locked_out(worker.username, DESK)
    # The sign-in that made the desk familiar, 31 days ago: the desk is a stranger again.
    signed_in = SecondFactorEvent.objects.filter(worker=worker, kind=SecondFactorKind.ENROLLED)
    when = signed_in.get().at
    signed_in.update(at=when - signin.FAMILIAR_FOR - dt.timedelta(days=1))
    assert signin.is_locked_out(worker.username, DESK)
    signed_in.update(at=when)
    assert not signin.is_locked_out(worker.username, DESK)
    # A reset (a lost phone, an account someone else used) forgets every familiar address.
    reset_second_factor(actor=world.admin, worker=worker, reason="Phone lost")
    assert signin.is_locked_out(worker.username, DESK)
    assert sign_in(worker, device, DESK) == "password locked"


@pytest.mark.django_db
def test_an_ipv6_desk_is_familiar_however_its_address_is_written(world: World) -> None:
    worker = world.social_worker
    # Stored in its one short form (2001:db8::15); a server may pass it on written otherwise.
    device = set_up_at(worker, "2001:0DB8:0:0::15")
    for _ in range(signin.MAX_FAILURES):
        attempt(worker.username, "wrong-password", ELSEWHERE)
    assert sign_in(worker, device, "2001:DB8::15") == "signed in"


@pytest.mark.django_db
def test_behind_a_proxy_the_lockout_counts_the_address_the_proxy_added(
    world: World, settings: Any
) -> None:
    """Behind the reverse proxy every connection comes from the proxy: the client's address
    is the one the proxy appended last to X-Forwarded-For. Without that, a stranger's wrong
    passwords would lock the worker out at their own desk too (all one address); and an
    address the client wrote into the header itself is never believed."""
    settings.LOCUS_BEHIND_PROXY = True
    worker = world.social_worker
    set_up_at(worker, DESK)

    def through_proxy(client_address: str, password: str, forged: str = "") -> str:
        header = f"{forged}, {client_address}" if forged else client_address
        return outcome(
            Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=header).post(
                reverse("login"), {"username": worker.username, "password": password}
            )
        )

    # Five from a stranger, each claiming the desk's address in the header's first entry.
    for _ in range(5):
        assert through_proxy(ELSEWHERE, "wrong-password", forged=DESK) == "refused"
    assert through_proxy(ELSEWHERE, PASSWORD) == "locked"
    failed = SignInEvent.objects.filter(username=worker.username, succeeded=False)
    assert set(failed.values_list("ip_address", flat=True)) == {ELSEWHERE}
    # The worker at their desk, behind the same proxy, is not locked out by them.
    assert through_proxy(DESK, PASSWORD) == "signed in"
    # Served directly (no proxy named), the header is the client's to write: not believed.
    settings.LOCUS_BEHIND_PROXY = False
    direct = Client(REMOTE_ADDR="127.0.0.9", HTTP_X_FORWARDED_FOR="192.0.2.99")
    direct.post(reverse("login"), {"username": worker.username, "password": "wrong"})
    assert not SignInEvent.objects.filter(ip_address="192.0.2.99").exists()
