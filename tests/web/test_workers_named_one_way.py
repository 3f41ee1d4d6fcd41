"""A page names a worker with their team and agency one way: ``{% worker_named %}``, in the
words of ``access.naming.holder_text`` ("Sam Okafor, Team A, Children's Social Care"). A
template spelling out the worker, their team's name and its agency's name by hand is a
second wording, which drifts from the first. A table with its own column for the team
names the worker alone there, and is not this."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template

import locus
from tests.factories import World

TEMPLATES = Path(locus.__file__).resolve().parent / "templates"
# ``{{ w }}`` (its team asked first, or not), then ``, {{ w.team.name }}, {{ ...agency.name }}``.
BY_HAND = re.compile(
    r"\{\{ [\w.|:]+ \}\}(\{% if [\w.]+ %\})?"
    r", \{\{ [\w.]+\.name \}\}, \{\{ [\w.]+\.agency\.name \}\}"
)


def test_no_template_names_a_worker_team_and_agency_by_hand() -> None:
    found = [
        str(p.relative_to(TEMPLATES))
        for p in sorted(TEMPLATES.rglob("*.html"))
        if BY_HAND.search(p.read_text())
    ]
    assert found == []


def test_the_check_sees_one_spelt_by_hand() -> None:
    line = "{{ w }}{% if w.team %}, {{ w.team.name }}, {{ w.team.agency.name }}{% endif %}"
    assert BY_HAND.search(line)
    assert not BY_HAND.search("<td>{{ a.team.name }}, {{ a.team.agency.name }}</td>")


def test_the_tag_names_a_worker_as_holders_are_named(world: World) -> None:
    worker = world.social_worker
    drawn = Template("{% load locus %}{% worker_named w %}|{% worker_named w t %}").render(
        Context({"w": worker, "t": world.school_dsl.team})
    )
    team, other = worker.team, world.school_dsl.team
    assert drawn == (
        f"{worker}, {team.name}, {team.agency.name}|{worker}, {other.name}, {other.agency.name}"
    ).replace("'", "&#x27;")
