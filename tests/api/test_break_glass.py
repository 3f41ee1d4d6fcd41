"""A program reads what its worker sees lastingly: emergency access shows a child on the pages
for four hours, and a program's copy (a spreadsheet refreshed, a dashboard) would keep them
for good, as a list export would. So the API leaves out a child the worker sees only through
emergency access, and everything reached through them, as every export does."""

from __future__ import annotations

import pytest

from tests.api.conftest import api_as
from tests.exports.test_break_glass import _in_an_emergency
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db


def test_a_program_does_not_read_a_child_seen_only_in_an_emergency(world: World) -> None:
    """While her emergency access lasts the worker reads the child on his page; her program,
    with her token, gets "not found" for him and does not list him or his incident (before: it
    copied his record, his relationships and his incidents out of Locus)."""
    worker, child = _in_an_emergency(world)
    assert client_for(worker).get(f"/people/{child.pk}/").status_code == 200  # the page
    program = api_as(worker)
    for path in (f"/people/{child.pk}", f"/people/{child.pk}/associations"):
        assert program.get(path).status_code == 404, path
    listed = program.ok("/people", q=child.family_name)
    assert child.pk not in [row["id"] for row in listed["results"]]
    incidents = program.ok("/incidents")
    assert world.police_incident.pk not in [row["id"] for row in incidents["results"]]
    assert program.get(f"/incidents/{world.police_incident.pk}").status_code == 404
