"""Creating a new, empty database quickly, with the same schema the migrations build.

Replaying the migrations on an empty database takes about 12 s on a 2-core
machine, nearly all of it in Django re-rendering its model state after each
operation (every model here points at ``Worker`` and ``Person``, so each step
re-renders most of the graph). Squashing the migrations does not help: the
squashed set still re-renders the graph once per model, and measured the same.
So a database with no tables at all is built from the models directly (what
Django's test runner does when migrations are off), then every migration is
recorded as applied, then the data the migrations would have written is written.

Two guards keep this honest (tests/common/test_schema.py): the schema built
this way must equal the one the migrations build, table by table, column by
column, index by index; and every data step in any migration must be listed in
``DATA_STEPS`` below, so a new one cannot be skipped by accident.

A database that has any table goes through the migrations as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython, RunSQL
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings


def _seed_casework_reference_data() -> None:
    # Imported late: the models must be ready, and common must not import casework at load.
    from locus.casework.reference import ensure_reference_data

    ensure_reference_data()


# Every migration with a data step (RunPython or RunSQL), and what an empty
# database needs from it: a function writing the same rows, or None with the
# reason it writes nothing there.
DATA_STEPS: dict[tuple[str, str], Callable[[], None] | str] = {
    ("casework", "0002_seed_thresholds_and_templates"): _seed_casework_reference_data,
    ("audit", "0003_backfill_event_people"): "fills a column on existing audit rows",
    ("audit", "0006_chain_existing"): "chains existing audit rows (a new trail chains itself)",
    ("casework", "0006_conference_decision_recorded"): "fills who recorded existing decisions",
    ("panels", "0003_forums_names"): "renames an attendance value on existing rows",
    ("cocase", "0005_structured_basis"): "restates existing meetings' lawful basis in three parts",
    ("cocase", "0006_meeting_proposer_team"): "keeps existing meetings' proposer's team",
    ("panels", "0005_structured_basis"): "restates existing panels' lawful basis in three parts",
    ("panels", "0007_panel_lead_teams"): "keeps existing panels' setter's and chair's teams",
    ("cocase", "0007_invitee_team"): "keeps existing invitees' teams",
    ("panels", "0008_attendee_team"): "keeps existing panel attendees' teams",
    ("access", "0004_break_glass_team"): "keeps existing break-glass workers' teams",
    ("people", "0010_recorded_in_team"): "keeps existing people's recorders' teams",
    ("places", "0005_recorded_in_team"): "keeps existing contexts' recorders' teams",
    ("documents", "0002_uploader_team"): "keeps existing documents' uploaders' teams",
    ("notes", "0002_author_team"): "keeps existing case notes' authors' teams",
    ("safety", "0002_mark_recorder_team"): "keeps existing safety marks' recorders' teams",
    ("peers", "0006_association_recorder_team"): "keeps existing associations' recorders' teams",
    ("moves", "0003_move_corrections"): "keeps existing managed moves' recorders' teams",
    ("outreach", "0004_visit_plan_team"): "keeps existing visit plans' makers' teams",
    ("casework", "0009_register_names_no_home"): "restates existing register rows (none yet)",
    ("casework", "0010_action_update_given_to"): "marks existing actions' latest hand-over",
    ("casework", "0012_action_update_reason"): "keeps existing hand-overs' reasons apart",
    ("signin", "0003_hash_plain_recovery_codes"): "hashes existing recovery codes (none yet)",
    ("subjectaccess", "0003_package_police_consulted"): "marks old exports' police consultation",
    ("people", "0007_duplicate_query_outcome"): "marks existing closed duplicate requests' outcome",
    ("people", "0008_episode_one_open_per_status"): "checks existing episodes (none yet)",
    ("api", "0002_every_token_expires"): "dates existing tokens with no expiry (none yet)",
    ("api", "0004_end_inactive_holders_tokens"): "ends inactive workers' tokens (none yet)",
    ("api", "0006_revoked_reason"): "copies revoked tokens' reasons from the register (none yet)",
    ("people", "0009_route_own_requests_again"): "routes existing open own requests (none yet)",
    ("auth", "0011_update_proxy_permissions"): "moves permissions of existing proxy models",
    ("contenttypes", "0002_remove_content_type_name"): "a no-op forwards",
    # django-tasks-db reshaping the task rows it already holds, from release to release.
    ("django_tasks_database", "0008_separate_results_field"): "moves results of existing tasks",
    ("django_tasks_database", "0011_rename_complete_status"): "renames a status on existing tasks",
    ("django_tasks_database", "0013_separate_exception_fields"): "moves errors of existing tasks",
    ("django_tasks_database", "0016_remove_dbtaskresult_django_task_new_ordering_idx_and_more"): (
        "renames a status on existing tasks"
    ),
    ("django_tasks_database", "0018_rename_succeeded_status"): "renames a status on existing tasks",
    # django-rq, installed where the tasks run on RQ (LOCUS_TASKS_BACKEND=rq).
    ("django_rq", "0003_alter_dashboard_permission_names"): "renames an existing permission",
}


class _NoMigrations(dict[str, Any]):
    """MIGRATION_MODULES saying no app has migrations, so ``migrate`` creates every table."""

    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def data_steps(using: str = DEFAULT_DB_ALIAS) -> list[tuple[str, str]]:
    """The migrations (app, name) that contain a RunPython or RunSQL operation."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return sorted(
        key
        for key, migration in loader.graph.nodes.items()
        if any(isinstance(op, RunPython | RunSQL) for op in migration.operations)
    )


def is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    return not connections[using].introspection.table_names()


def create_from_models(using: str = DEFAULT_DB_ALIAS) -> None:
    """Build the schema of an EMPTY database from the models and stamp every migration applied."""
    if not is_empty(using):
        raise ValueError(f"database {using!r} already has tables: migrate it instead")
    unknown = [key for key in data_steps(using) if key not in DATA_STEPS]
    if unknown:
        # Refuse rather than silently skip a data step a fresh database needs.
        raise RuntimeError(f"migrations with data steps not listed in DATA_STEPS: {unknown}")
    with override_settings(MIGRATION_MODULES=_NoMigrations()):
        call_command("migrate", run_syncdb=True, database=using, verbosity=0, interactive=False)
    connection = connections[using]
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    for app_label, name in sorted(loader.graph.nodes):
        recorder.record_applied(app_label, name)
    for step in DATA_STEPS.values():
        if callable(step):
            step()


def migrate(using: str = DEFAULT_DB_ALIAS) -> None:
    """Bring the database up to date: an empty one is built from the models, others migrate.

    Then the cache's table, when the cache is the database (no migration makes it: Django's
    ``createcachetable``, which does nothing when it exists or the cache is elsewhere).
    """
    if is_empty(using):
        create_from_models(using)
    call_command("migrate", database=using, verbosity=0, interactive=False)
    call_command("createcachetable", database=using, verbosity=0)
