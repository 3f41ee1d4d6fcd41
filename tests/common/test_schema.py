"""A new database is built from the models, fast; it must be the one the migrations build.

Each build runs in its own process on its own database (a new SQLite file, or a
new PostgreSQL database beside the test one when the suite runs on PostgreSQL); the migrated
one is a copy of the database the migrations build once per run (tests/databases.py).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.apps import apps
from django.db.migrations.operations.special import RunPython, RunSQL
from django.test import override_settings

from locus.common import schema
from tests.databases import (  # noqa: F401 (fixtures)
    migrated_database,
    migrated_original,
    new_database,
)
from tests.scripts import run_script

# Run in a child process: set Django up on the database named by the environment,
# build it one way or the other, then print its schema as JSON.
_BUILD = r"""
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "locus.config.settings"
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from locus.common import schema
if sys.argv[1] == "models":
    schema.create_from_models()
else:
    call_command("migrate", verbosity=0, interactive=False)
import re
intro = connection.introspection
sqlite = connection.vendor == "sqlite"
# Django gives the auth group-permission link table an int id when it builds it from the
# models and a bigint one when it replays auth's migrations; both hold the same ids.
SAME_EITHER_WAY = {("auth_group_permissions", "id")}
out = {}
with connection.cursor() as cursor:
    for table in sorted(intro.table_names(cursor)):
        columns = sorted(
            [c.name, "" if (table, c.name) in SAME_EITHER_WAY else
             c.type_code if isinstance(c.type_code, str) else str(c.type_code),
             bool(c.null_ok)]
            for c in intro.get_table_description(cursor, table)
        )
        constraints = sorted(
            # Compare by what a constraint does, not by a name Django made up: SQLite names
            # foreign keys by position (fk_0...), which follows column order, and a renamed
            # field keeps its old index name (hash-suffixed) in a migrated database.
            # Names given in the models (indexes, checks) are compared.
            [name if not (name.startswith("__unnamed") or (c["foreign_key"] and sqlite)
                          or re.search(r"_[0-9a-f]{8}(_like|_uniq|_fk_[a-z_]+)?$", name)) else "",
             sorted(c["columns"] or []),
             bool(c["primary_key"]), bool(c["unique"]), bool(c["index"]), bool(c["check"]),
             list(c["foreign_key"] or [])]
            for name, c in intro.get_constraints(cursor, table).items()
        )
        out[table] = {"columns": columns, "constraints": constraints}
from django.db.migrations.recorder import MigrationRecorder
applied = sorted(f"{a}.{n}" for a, n in MigrationRecorder(connection).applied_migrations())
from locus.casework.models import AssessmentTemplate, ThresholdLevel
rows = {
    "thresholds": ThresholdLevel.objects.count(),
    "templates": AssessmentTemplate.objects.count(),
}
print(json.dumps({"tables": out, "applied": applied, "rows": rows}))
"""


def _build(how: str, env: dict[str, str]) -> dict[str, Any]:
    return run_script(_BUILD, how, env=env)


@pytest.mark.django_db
def test_the_schema_built_from_the_models_is_the_one_the_migrations_build(
    migrated_database: dict[str, str],  # noqa: F811
    new_database: dict[str, str],  # noqa: F811
) -> None:
    # The run's database built by every migration (tests/databases.py); ``migrate`` on it
    # finds nothing left to do.
    migrated = _build("migrations", migrated_database)
    modelled = _build("models", new_database)
    assert len(migrated["tables"]) > 60
    assert sorted(modelled["tables"]) == sorted(migrated["tables"])
    differences = {
        f"{table} {part}": {
            "migrations only": [x for x in shape[part] if x not in modelled["tables"][table][part]],
            "models only": [x for x in modelled["tables"][table][part] if x not in shape[part]],
        }
        for table, shape in migrated["tables"].items()
        for part in ("columns", "constraints")
        if modelled["tables"][table][part] != shape[part]
    }
    assert differences == {}
    # Every migration is recorded as applied, so later migrations apply on top as usual.
    assert modelled["applied"] == migrated["applied"]
    # The data the migrations write (the casework reference data) is written too.
    assert modelled["rows"] == migrated["rows"]
    assert modelled["rows"]["thresholds"] > 0


@pytest.mark.django_db
def test_every_data_step_in_a_migration_is_accounted_for() -> None:
    # A new RunPython/RunSQL must be listed, with what an empty database needs from it;
    # otherwise a database built from the models would silently miss its rows. (The suite's
    # own database is built without migrations: read them as a deployment would.)
    installed = {app.label for app in apps.get_app_configs()}
    with override_settings(MIGRATION_MODULES={}):
        assert schema.data_steps() == sorted(k for k in schema.DATA_STEPS if k[0] in installed)


def test_every_data_step_of_the_rq_queue_s_migrations_is_accounted_for() -> None:
    """Where the tasks run on RQ (``LOCUS_TASKS_BACKEND=rq``) django-rq's migrations are the
    site's too: a new database built from the models refused ("migrations with data steps
    not listed"), as django-rq 0003 renames a permission. Read from its package, as the
    suite's own settings do not install it."""
    import django_rq.migrations

    steps = []
    for found in pkgutil.iter_modules(django_rq.migrations.__path__):
        module = importlib.import_module(f"django_rq.migrations.{found.name}")
        operations = module.Migration.operations
        if any(isinstance(op, RunPython | RunSQL) for op in operations):
            steps.append(("django_rq", found.name))
    assert steps
    assert all(step in schema.DATA_STEPS for step in steps)


@pytest.mark.django_db
def test_building_from_the_models_refuses_a_database_that_has_tables() -> None:
    with pytest.raises(ValueError, match="already has tables"):
        schema.create_from_models()


@pytest.mark.django_db
def test_the_migrations_describe_the_models_exactly() -> None:
    # A fresh database is built from the models; an existing one from the migrations.
    # They agree only while no model change is left without its migration.
    from django.core.management import call_command

    # Read the migrations as a deployment would (the suite's database is built without them).
    with override_settings(MIGRATION_MODULES={}):
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
