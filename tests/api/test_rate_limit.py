"""Each token's reads are limited per minute and per day (docs/api.md), counted in fixed
windows (the clock's minute, the UTC day): past a limit its reads get 429 with Retry-After
until the window ends; reads served at once are each counted; the refusal is in the access
trail once a period, not once a request; other tokens, requests without a token and the
OpenAPI document are not affected. Time is the clock's, so nothing here sleeps."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet
from django.test import Client, RequestFactory

from locus.access import api as rules
from locus.api.models import ApiReadCount, ApiToken
from locus.api.services import token_read_counted
from locus.api.throttling import TokenReadThrottle
from locus.audit.describe import describe
from locus.audit.models import AccessAction, AccessEvent
from locus.config import settings as configured
from tests.api.conftest import BASE, ApiClient, api_as
from tests.factories import World
from tests.frozen_clock import FrozenClock
from tests.signin.test_lockout import (  # noqa: F401 (database_waits_for_its_lock is a fixture)
    database_waits_for_its_lock,
    in_parallel,
)

pytestmark = pytest.mark.django_db

PER_MINUTE = 3
PER_DAY = 5


@pytest.fixture(autouse=True)
def _small_limits(settings: Any) -> None:
    # Small limits, so a test goes past them in a few reads.
    settings.LOCUS_API_RATE_PER_MINUTE = PER_MINUTE
    settings.LOCUS_API_RATE_PER_DAY = PER_DAY


@pytest.fixture
def frozen_clock(frozen_clock: FrozenClock) -> FrozenClock:
    """The stopped clock moved to noon (London) today: on a whole minute and hours from either
    end of the UTC day, so a test knows where the fixed windows fall."""
    frozen_clock.at(frozen_clock.today)
    return frozen_clock


def token_of(program: ApiClient) -> ApiToken:
    return ApiToken.objects.get(secret_hash=rules.secret_hash(program.secret))


def refusals() -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(action=AccessAction.REFUSED).order_by("id"))


def test_reads_under_the_limit_are_answered(frozen_clock: FrozenClock, world: World) -> None:
    program = api_as(world.social_worker)
    for _ in range(PER_MINUTE):
        program.ok("/people")
    assert refusals() == []


def test_a_read_past_the_minutes_limit_is_refused_with_retry_after(
    frozen_clock: FrozenClock, world: World
) -> None:
    program = api_as(world.social_worker)
    for _ in range(PER_MINUTE):
        program.ok("/people")
    frozen_clock.advance(seconds=20)
    refused = program.get("/people")
    assert refused.status_code == 429
    # The minute the three reads were counted in ends 40 seconds from now.
    assert refused["Retry-After"] == "40"
    assert refused.json() == {
        "error": {
            "code": "too_many_requests",
            "message": "Too many requests with this token (at most 3 a minute): "
            "try again in 40 seconds",
            "field": None,
        }
    }
    # Every endpoint counts against the same token, a record's page too.
    assert program.get(f"/people/{world.csc_child.pk}").status_code == 429


def test_another_token_reads_while_one_is_refused(frozen_clock: FrozenClock, world: World) -> None:
    first, other = api_as(world.social_worker), api_as(world.yjs_worker)
    for _ in range(PER_MINUTE):
        first.ok("/people")
    assert first.get("/people").status_code == 429
    assert other.get("/people").status_code == 200
    assert first.get("/people").status_code == 429
    # Counted by token: the same worker's other token reads on too.
    assert api_as(world.social_worker).get("/people").status_code == 200


def test_the_limit_lifts_when_the_minute_has_passed(
    frozen_clock: FrozenClock, world: World
) -> None:
    program = api_as(world.social_worker)
    for _ in range(PER_MINUTE):
        program.ok("/people")
    assert program.get("/people").status_code == 429
    frozen_clock.advance(seconds=59)
    assert program.get("/people").status_code == 429
    frozen_clock.advance(seconds=1)
    program.ok("/people")


def test_the_days_ceiling_holds_after_the_minutes_limit_lifts(
    frozen_clock: FrozenClock, world: World
) -> None:
    program = api_as(world.social_worker)
    for _ in range(PER_MINUTE):
        program.ok("/people")
    frozen_clock.advance(minutes=5)
    for _ in range(PER_DAY - PER_MINUTE):
        program.ok("/people")
    frozen_clock.advance(minutes=5)
    refused = program.get("/people")
    assert refused.status_code == 429
    # Fixed windows: the day's count starts afresh at midnight UTC (with sliding periods, as
    # before, this was when the day's first read was 24 hours old).
    midnight = dt.datetime.combine(
        frozen_clock.now.astimezone(dt.UTC).date() + dt.timedelta(days=1), dt.time(), dt.UTC
    )
    assert refused["Retry-After"] == str(int((midnight - frozen_clock.now).total_seconds()))
    assert "at most 5 a day" in refused.json()["error"]["message"]
    frozen_clock.at(midnight - dt.timedelta(seconds=1))
    assert program.get("/people").status_code == 429
    frozen_clock.at(midnight)
    program.ok("/people")


def test_a_lowered_limit_still_says_when_to_try_again(
    frozen_clock: FrozenClock, world: World, settings: Any
) -> None:
    settings.LOCUS_API_RATE_PER_MINUTE, settings.LOCUS_API_RATE_PER_DAY = 5, 100
    program = api_as(world.social_worker)
    for _ in range(5):
        frozen_clock.advance(seconds=1)
        program.ok("/people")
    settings.LOCUS_API_RATE_PER_MINUTE = 2
    refused = program.get("/people")
    # Five reads in the minute, two allowed now: refused until the minute ends, 55 seconds
    # from now (with sliding periods, as before, until the second newest read was a minute old).
    assert refused.status_code == 429 and refused["Retry-After"] == "55"
    frozen_clock.advance(seconds=54)
    assert program.get("/people").status_code == 429
    frozen_clock.advance(seconds=1)
    program.ok("/people")


def test_a_refused_read_uses_up_neither_limit(frozen_clock: FrozenClock, world: World) -> None:
    program = api_as(world.social_worker)
    for _ in range(PER_MINUTE):
        program.ok("/people")
    for _ in range(3):
        assert program.get("/people").status_code == 429  # the minute's refusals...
    frozen_clock.advance(minutes=1)
    for _ in range(PER_DAY - PER_MINUTE):
        program.ok("/people")  # ...took none of the day's reads
    for _ in range(3):
        refused = program.get("/people")  # the day's refusals...
        assert refused.status_code == 429
        assert "at most 5 a day" in refused.json()["error"]["message"]
    settings_day = rules.read_limits()[1]
    frozen_clock.at(settings_day.window(frozen_clock.now)[1])
    for _ in range(PER_MINUTE):
        program.ok("/people")  # ...and none of the minute's: a new day reads in full


def one_read(token: ApiToken) -> bool:
    """Whether one read of ``token`` is let through, as the API's throttle decides it."""
    request = RequestFactory().get(f"{BASE}/people")
    request.api_token = token  # type: ignore[attr-defined]
    return TokenReadThrottle().allow_request(request)


def test_reads_that_all_found_the_window_new_are_each_counted(
    frozen_clock: FrozenClock, world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four reads that all looked for the minute's count before any of them made it (four app
    servers' threads at the same instant): each tries to make it, one does, and the others'
    INSERTs fail and they count on the row it made. No more than the limit pass."""
    settings.LOCUS_API_RATE_PER_MINUTE, settings.LOCUS_API_RATE_PER_DAY = 2, 100
    token = token_of(api_as(world.social_worker))
    # Until a read tries to make the row, its looks at the counts see an empty table.
    early = {"look": False}
    update, exists, create = QuerySet.update, QuerySet.exists, QuerySet.create

    def looks_early(qs: QuerySet[Any]) -> bool:
        return qs.model is ApiReadCount and early["look"]

    def counted(qs: QuerySet[Any], **fields: Any) -> int:
        return 0 if looks_early(qs) else update(qs, **fields)

    def made(qs: QuerySet[Any], **fields: Any) -> Any:
        early["look"] = False
        return create(qs, **fields)

    monkeypatch.setattr(QuerySet, "update", counted)
    monkeypatch.setattr(QuerySet, "exists", lambda qs: not looks_early(qs) and exists(qs))
    monkeypatch.setattr(QuerySet, "create", made)
    allowed = []
    for _ in range(4):
        early["look"] = True
        allowed.append(one_read(token))
    assert allowed == [True, True, False, False]
    counts = dict(ApiReadCount.objects.filter(token=token).values_list("limit", "count"))
    assert counts == {"minute": 2, "day": 2}


def test_a_window_another_read_made_after_this_one_looked_still_counts_it(
    frozen_clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read finds no row for the minute; before it looks again, a parallel read makes the
    row with one read counted. There is room for this one too: it is counted, not refused as
    though the window were full (CI saw one read of six pass a limit of two)."""
    token = token_of(api_as(world.social_worker))
    minute = rules.ReadLimit("minute", 2, 60, "a minute")
    exists = QuerySet.exists
    other = {"made": False}

    def another_read_makes_it(qs: QuerySet[Any]) -> bool:
        if qs.model is ApiReadCount and not other["made"]:
            other["made"] = True
            ApiReadCount.objects.create(
                token=token, limit="minute", window_start=frozen_clock.now, count=1
            )
        return exists(qs)

    monkeypatch.setattr(QuerySet, "exists", another_read_makes_it)
    assert token_read_counted(token=token, limits=[minute], now=frozen_clock.now) == []
    assert ApiReadCount.objects.get(token=token, limit="minute").count == 2
    # The window is full now: the next read is refused.
    assert token_read_counted(token=token, limits=[minute], now=frozen_clock.now) == [minute]


def test_the_count_checks_and_adds_in_one_step(frozen_clock: FrozenClock, world: World) -> None:
    """Four reads against a limit of two: two counted, two refused, and what a refusal by
    the second limit took from the first is given back."""
    token = token_of(api_as(world.social_worker))
    minute = rules.ReadLimit("minute", 2, 60, "a minute")
    day = rules.ReadLimit("day", 3, 24 * 60 * 60, "a day")
    refusals = [
        token_read_counted(token=token, limits=[minute, day], now=frozen_clock.now)
        for _ in range(4)
    ]
    assert refusals == [[], [], [minute], [minute]]
    later = frozen_clock.advance(minutes=1)
    assert token_read_counted(token=token, limits=[minute, day], now=later) == []
    assert token_read_counted(token=token, limits=[minute, day], now=later) == [day]
    counts = dict(ApiReadCount.objects.filter(token=token).values_list("limit", "count"))
    # The later minute's row: one read, the refused one given back.
    assert ApiReadCount.objects.get(token=token, limit="minute", window_start=later).count == 1
    assert counts["day"] == 3


@contextlib.contextmanager
def statements_take_a_while() -> Iterator[None]:
    """Every database statement takes a few milliseconds more, as over a network: the reads
    in parallel threads interleave between their statements, as a busy server's do, rather
    than each running through before the next thread is scheduled."""
    execute = CursorWrapper.execute

    def slow(cursor: CursorWrapper, sql: str, params: Any = None) -> Any:
        try:
            return execute(cursor, sql, params)
        finally:
            time.sleep(0.02)

    with mock.patch.object(CursorWrapper, "execute", slow):
        yield


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_waits_for_its_lock")
def test_six_reads_at_once_pass_a_limit_of_two_no_more(
    frozen_clock: FrozenClock, world: World, settings: Any
) -> None:
    """Six reads of one token served at the same instant, each in its own thread with its own
    database connection: exactly two pass, and the count holds all six attempts' outcome."""
    settings.LOCUS_API_RATE_PER_MINUTE, settings.LOCUS_API_RATE_PER_DAY = 2, 100
    token = token_of(api_as(world.social_worker))
    # Each thread reads the test's stopped clock (the clock is per thread otherwise), so the
    # six fall in one minute.
    contexts = [contextvars.copy_context() for _ in range(6)]
    with statements_take_a_while():
        allowed = in_parallel(6, lambda i: contexts[i].run(one_read, token))
    assert not [a for a in allowed if isinstance(a, Exception)], allowed
    assert allowed.count(True) == 2
    assert not one_read(token)
    counts = dict(ApiReadCount.objects.filter(token=token).values_list("limit", "count"))
    assert counts == {"minute": 2, "day": 2}


def test_a_tokens_old_counts_are_cleared(frozen_clock: FrozenClock, world: World) -> None:
    program = api_as(world.social_worker)
    token = token_of(program)
    program.ok("/people")
    frozen_clock.advance(hours=1)
    program.ok("/people")
    assert ApiReadCount.objects.filter(token=token).count() == 3  # two minutes, one day
    now = frozen_clock.advance(days=2, minutes=1)
    program.ok("/people")
    # Counting a new window cleared the token's counts more than two days old: the two
    # minutes and the day the earlier reads were in.
    midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0)
    left = ApiReadCount.objects.filter(token=token).values_list("limit", "window_start")
    assert sorted(left) == [("day", midnight), ("minute", now)]


def test_a_refusal_is_in_the_trail_once_a_period_as_the_tokens_worker(
    frozen_clock: FrozenClock, world: World, settings: Any
) -> None:
    settings.LOCUS_API_RATE_PER_DAY = 100  # two minutes' worth of reads
    program = api_as(world.social_worker)
    token = token_of(program)
    for _ in range(PER_MINUTE):
        program.ok("/people")
    for _ in range(5):
        assert program.get("/people").status_code == 429
    (refused,) = refusals()
    assert refused.actor == world.social_worker
    assert (refused.record_type, refused.record_id) == ("api.apitoken", str(token.pk))
    assert refused.detail == {"via": "api", "token": token.prefix, "limit": "3 a minute"}
    # The auditor reads it in plain words.
    (row,) = describe([refused], viewer=world.auditor)
    assert row.description.startswith("Refused reads through the API token")
    assert row.description.endswith("past its limit of 3 a minute")
    # A new minute, the limit reached again: one more row, no more.
    frozen_clock.advance(minutes=1)
    for _ in range(PER_MINUTE):
        program.ok("/people")
    for _ in range(3):
        assert program.get("/people").status_code == 429
    assert len(refusals()) == 2


def test_without_a_token_and_the_document_are_as_before(
    frozen_clock: FrozenClock, world: World
) -> None:
    program = api_as(world.social_worker)
    for _ in range(PER_MINUTE + 1):
        program.get("/people")
    anonymous = Client()
    for _ in range(PER_MINUTE + 1):
        assert anonymous.get(f"{BASE}/people").status_code == 401
        assert anonymous.get(f"{BASE}/openapi.json").status_code == 200
    wrong = anonymous.get(f"{BASE}/people", HTTP_AUTHORIZATION="Bearer locus_wrong")
    assert wrong.status_code == 401
    assert len(refusals()) == 1


def test_the_default_limits_let_a_workers_tool_read_a_caseload_at_once(
    frozen_clock: FrozenClock, world: World, settings: Any
) -> None:
    settings.LOCUS_API_RATE_PER_MINUTE = configured.LOCUS_API_RATE_PER_MINUTE
    settings.LOCUS_API_RATE_PER_DAY = configured.LOCUS_API_RATE_PER_DAY
    limits = {limit.name: limit.reads for limit in rules.read_limits()}
    assert limits == {"minute": 120, "day": 10_000}
    program = api_as(world.team_manager)
    for _ in range(30):
        program.ok("/people", mine="true")


def _limits_in_a_fresh_process(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LOCUS_")}
    environ.update(LOCUS_DATA_DIR=str(folder), LOCUS_SECRET_KEY="not-a-real-key")
    show = (
        "from locus.config import settings as s; "
        "print(s.LOCUS_API_RATE_PER_MINUTE, s.LOCUS_API_RATE_PER_DAY)"
    )
    return subprocess.run(
        [sys.executable, "-c", show], env={**environ, **env}, capture_output=True, text=True
    )


def test_the_limits_are_set_by_the_environment_and_must_be_one_or_more(tmp_path: Path) -> None:
    shown = _limits_in_a_fresh_process(
        tmp_path, LOCUS_API_RATE_PER_MINUTE="30", LOCUS_API_RATE_PER_DAY="2000"
    )
    assert shown.stdout.split() == ["30", "2000"]
    refused = _limits_in_a_fresh_process(tmp_path, LOCUS_API_RATE_PER_MINUTE="0")
    assert refused.returncode != 0 and "LOCUS_API_RATE_PER_MINUTE" in refused.stderr
