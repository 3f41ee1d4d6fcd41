"""Shared fixtures: a fresh multi-agency world per test, and its personas by name.

The world is built through services only (``tests/factories.py``). It is
function-scoped: a fresh world means no test can lean on another's writes. It is
built once and its rows replayed for each test (``tests/snapshots.py``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.test import override_settings
from hypothesis import settings as hypothesis_settings

from locus.access.models import Worker
from locus.casework.reference import ensure_reference_data
from tests import hashers, snapshots
from tests.databases import drop_migrated
from tests.factories import World, build_world
from tests.frozen_clock import SESSION_DAY, FrozenClock, on_the_day

# A property test checks answers, not speed (speed goals are benchmarks, run by `locus
# bench`): Hypothesis's default limit of 200 ms an example failed one on a loaded machine.
hypothesis_settings.register_profile("locus", deadline=None)
hypothesis_settings.load_profile("locus")


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with an empty cache of its own: SQLite reuses the ids of rolled-back
    rows, so a result cached under "the latest change" by one test could otherwise answer the
    next, and a test that commits (a browser test) leaves the database cache's rows behind
    (the flush after it empties only the models' tables). A key prefix of the test's own
    keeps every test's entries apart, whichever backend the cache is."""
    if not isinstance(caches["default"], DatabaseCache):
        cache.clear()
    test = hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]
    own = {
        alias: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}{test}"}
        for alias, config in settings.CACHES.items()
    }
    with override_settings(CACHES=own):
        yield


@pytest.fixture(autouse=True)
def _the_day_the_run_started(request: pytest.FixtureRequest) -> Iterator[None]:
    """A run that goes past midnight keeps the day it started on: the clock is set back by the
    days gone by, so "tomorrow" computed at import is still in the future when the test runs.
    (A run of the suite around midnight failed 14 tests on "must not be in the future".) The
    browser tests' live server keeps it too (tests/e2e/conftest.py). The clock's own tests
    (marked ``real_clock``) compare it with the real time, and set it themselves."""
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with on_the_day(SESSION_DAY):
        yield


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_at_once() -> Iterator[None]:
    """Background tasks run in the request that enqueues them (the immediate backend), so a
    page shows what its task worked out; tests of the worker use the database backend."""
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ):
        yield


@pytest.fixture(autouse=True)
def _second_factor_optional(settings: Any) -> None:
    """Tests sign in with ``force_login`` or the browser helper's password alone, so the
    second factor is optional here (as in the demo); tests/signin turn it back on."""
    settings.LOCUS_REQUIRE_OTP = False


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2 still, at its lowest cost (tests/hashers.py)."""
    with override_settings(PASSWORD_HASHERS=hashers.PASSWORD_HASHERS):
        yield


@pytest.fixture
def frozen_clock() -> Iterator[FrozenClock]:
    """The clock stopped at the moment the fixture starts (``at``/``advance`` move it), and
    running again after the test. Ask for it before ``world`` so the world is built on the
    same day the test asserts about."""
    with ExitStack() as stack:
        yield FrozenClock(stack)


@pytest.fixture
def world(db: Any) -> World:
    # The casework reference data (threshold levels, assessment templates) is seeded by a
    # migration, but a browser test empties every table when it ends: put it back, so a
    # test's outcome never depends on whether a browser test ran before it.
    ensure_reference_data()
    # Built once and replayed (tests/snapshots.py): the same rows, a fraction of the time.
    return snapshots.world_for_test(build_world)


def _persona_fixture(name: str) -> Any:
    @pytest.fixture(name=name)
    def persona(world: World) -> Worker:
        return world.persona(name)

    return persona


# One fixture per persona (``social_worker``, ``police_analyst``...), each a worker in the world.
PERSONAS = (
    "system",
    "admin",
    "social_worker",
    "other_social_worker",
    "team_manager",
    "yjs_worker",
    "police_analyst",
    "school_dsl",
    "auditor",
)
for _name in PERSONAS:
    globals()[f"_fixture_{_name}"] = _persona_fixture(_name)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # After every xdist worker has finished (this is the controlling process, or the only one):
    # drop the PostgreSQL database the migrations built for the run, if one was.
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        drop_migrated(session.config._tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]
