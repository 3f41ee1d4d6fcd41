"""Each token's reads are limited per minute and per day (docs/api.md): past a limit its reads
get 429 with Retry-After until the oldest counted read falls out of the period; the refusal is
in the access trail once a period, not once a request; other tokens, requests without a token
and the OpenAPI document are not affected. Time is the clock's, so nothing here sleeps."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from locus.access import api as rules
from locus.api.models import ApiToken
from locus.audit.describe import describe
from locus.audit.models import AccessAction, AccessEvent
from locus.config import settings as configured
from tests.api.conftest import BASE, ApiClient, api_as
from tests.factories import World
from tests.frozen_clock import FrozenClock

pytestmark = pytest.mark.django_db

PER_MINUTE = 3
PER_DAY = 5


@pytest.fixture(autouse=True)
def _small_limits(settings: Any) -> None:
    # Small limits, so a test goes past them in a few reads.
    settings.LOCUS_API_RATE_PER_MINUTE = PER_MINUTE
    settings.LOCUS_API_RATE_PER_DAY = PER_DAY


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
    # The first of the three reads leaves the minute 40 seconds from now.
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
    # The day's first read leaves the 24 hours ten minutes before they have passed.
    assert refused["Retry-After"] == str(24 * 60 * 60 - 10 * 60)
    assert "at most 5 a day" in refused.json()["error"]["message"]
    frozen_clock.advance(hours=23, minutes=50)
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
    # Five reads in the minute, two allowed now: all but the newest must leave the minute
    # first, the second newest (a second ago) 59 seconds from now.
    assert refused.status_code == 429 and refused["Retry-After"] == "59"
    frozen_clock.advance(seconds=58)
    assert program.get("/people").status_code == 429
    frozen_clock.advance(seconds=1)
    program.ok("/people")


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
