from __future__ import annotations

import pytest

from tests.factories import World
from tests.moves.helpers import new_school, victim


@pytest.fixture(autouse=True)
def _second_school(world: World) -> None:
    # Made before any test's nothing_written block, which would otherwise count them.
    new_school(world)
    victim(world)
