"""Shared fixtures: a fresh multi-agency world per test, and its personas by name.

The world is built through services only (``tests/factories.py``). It is
function-scoped: building it takes a few dozen service calls and no password
hashing, and a fresh world means no test can lean on another's writes.
"""

from __future__ import annotations

from typing import Any

import pytest

from locus.access.models import Worker
from tests.factories import World, build_world


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def system(world: World) -> Worker:
    return world.system


@pytest.fixture
def admin(world: World) -> Worker:
    return world.admin


@pytest.fixture
def social_worker(world: World) -> Worker:
    return world.social_worker


@pytest.fixture
def other_social_worker(world: World) -> Worker:
    return world.other_social_worker


@pytest.fixture
def team_manager(world: World) -> Worker:
    return world.team_manager


@pytest.fixture
def yjs_worker(world: World) -> Worker:
    return world.yjs_worker


@pytest.fixture
def police_analyst(world: World) -> Worker:
    return world.police_analyst


@pytest.fixture
def school_dsl(world: World) -> Worker:
    return world.school_dsl


@pytest.fixture
def auditor(world: World) -> Worker:
    return world.auditor
