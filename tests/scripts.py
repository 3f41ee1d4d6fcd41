"""Running a Python script in a fresh process (a database built from nothing, with its own
settings) and reading back the JSON it prints last."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any


def run_script(script: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    """Run ``script`` with ``python -c`` and ``args``, in this environment plus ``env``;
    it must succeed (its error's tail is shown if not) and print a JSON object last."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


_TEAMS = {"team_a": "Contextual Safeguarding Team A", "team_b": "Assessment Team B"}


def migration_prelude(*before: tuple[str, str], teams: int = 0, workers: bool = False) -> str:
    """The opening of a script that tests a data migration: Django set up, each ``(app,
    migration)`` in ``before`` migrated back to, ``old`` the apps as they stood there and
    ``Worker`` its worker model; with ``teams`` (1 or 2), also ``Agency``, ``Team``, an
    ``agency`` (children's social care) and ``team_a`` (and ``team_b``) in it; with
    ``workers`` (and two teams), a worker in each, ``in_a`` and ``in_b`` (``old.a`` and
    ``old.b``), and an ``administrator`` in none (``old.admin``). The test's own part
    follows: its rows, ``call_command("migrate", ...)`` forward, and the JSON it prints."""
    assert 0 <= teams <= len(_TEAMS)
    lines = [
        "import datetime as dt, json, os",
        'os.environ["DJANGO_SETTINGS_MODULE"] = "locus.config.settings"',
        "import django",
        "django.setup()",
        "from django.core.management import call_command",
        "from django.db import connection",
        "from django.db.migrations.executor import MigrationExecutor",
        "from django.utils import timezone",
        "",
        f"BEFORE = {list(before)!r}",
        "for app, name in BEFORE:",
        '    call_command("migrate", app, name, verbosity=0, interactive=False)',
        "old = MigrationExecutor(connection).loader.project_state(BEFORE).apps",
        'Worker = old.get_model("access", "Worker")',
    ]
    if teams:
        lines += [
            'Agency = old.get_model("access", "Agency")',
            'Team = old.get_model("access", "Team")',
            'agency = Agency.objects.create(name="Children\'s social care", kind="csc")',
        ]
        lines += [
            f"{team} = Team.objects.create(agency=agency, name={name!r})"
            for team, name in list(_TEAMS.items())[:teams]
        ]
    if workers:
        assert teams == len(_TEAMS)
        lines += [
            f'in_{team[-1]} = Worker.objects.create(username="old.{team[-1]}", password="!", '
            f"team={team})"
            for team in _TEAMS
        ]
        lines.append('administrator = Worker.objects.create(username="old.admin", password="!")')
    return "\n".join(lines) + "\n"
