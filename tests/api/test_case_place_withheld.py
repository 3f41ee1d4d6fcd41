"""A home's context case, through the API, to a reader not told which home: the place is
named "A home: its address is not shared with your role" and carries no id, in the list and
on its own. An id says which home (the same id on two cases is the same family's address),
and an incident at such a home gives no place at all (docs/api.md)."""

from __future__ import annotations

import pytest

from locus.access import naming
from tests.api.conftest import ApiClient, api_as
from tests.casework.test_team_opens_home_case import (  # noqa: F401 (a fixture)
    HOME_NAME,
    home_case,
    no_home_address,
)
from tests.factories import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_home_address")]


def _read(api: ApiClient, case_id: int) -> list[dict[str, object]]:
    """The case's place as the API gives it: on its own, and in the list of cases."""
    one = api.ok(f"/context-cases/{case_id}")
    listed = [c for c in api.ok("/context-cases")["results"] if c["id"] == case_id]
    assert listed
    return [body["context"] for body in (one, *listed)]


def test_a_home_case_s_withheld_place_carries_no_id(world: World) -> None:
    """The case's team manager, without the home address, opens the case but is told neither
    the home's name nor its id; the lead, who recorded the home, is told both."""
    case = home_case(world)
    withheld = {"id": None, "name": naming.PLACE_WITHHELD}
    assert _read(api_as(world.team_manager), case.pk) == [withheld, withheld]
    named = {"id": case.context_id, "name": HOME_NAME}
    assert _read(api_as(world.social_worker), case.pk) == [named, named]
