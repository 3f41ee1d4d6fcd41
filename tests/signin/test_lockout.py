"""Sign-in lockout that cannot be raced, the per-address throttle, and one message for a lock."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from locus.access import signin
from locus.access.models import Worker
from locus.access.services import worker_set_password
from locus.audit.models import SignInEvent
from tests.factories import World

PASSWORD = "lantern-orchard-41-ribbon"


def attempt(username: str, password: str, address: str = "127.0.0.9") -> str:
    response = Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}
    )
    if response.status_code == 302:
        return "signed in"
    return "locked" if signin.LOCKED_MESSAGE in response.content.decode() else "refused"


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
    assert signin.is_locked_out(name)


@pytest.mark.django_db
def test_twenty_failures_from_one_address_lock_it_across_usernames(world: World) -> None:
    worker_set_password(actor=world.system, worker=world.teammate, password=PASSWORD)
    # Four guesses at each of five names: never five for one username.
    for i in range(signin.MAX_ADDRESS_FAILURES):
        assert attempt(f"guess-{i % 5}", "wrong-password", "10.0.0.7") == "refused"
    assert not signin.is_locked_out(world.teammate.username)
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


def _error_summary(username: str, password: str) -> str:
    page = Client(REMOTE_ADDR="127.0.0.9").post(
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
