"""New databases for the tests that run Django in a child process on a database of its own
(a new SQLite file, or a new PostgreSQL database beside the test one when the suite runs on
PostgreSQL): an empty one, or a copy of one that the migrations have built.

Replaying every migration takes most of a minute (Django works out each migration's models
again), so the migrated database is built once per test run, shared by the xdist workers
(under a lock, in the run's shared temporary folder), and each test that needs one starts
from a copy: a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL. The
run's controlling process drops the PostgreSQL original at the end (``drop_migrated``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection

from tests.scripts import run_script

if TYPE_CHECKING:
    import psycopg

_RECORD = "migrated-database.json"

_MIGRATE = r"""
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "locus.config.settings"
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0, interactive=False)
connection.close()  # SQLite folds its write-ahead log into the file as the last one closes
print(json.dumps({}))
"""


def _server() -> str:
    """The PostgreSQL server's address without a database name."""
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0]


@contextmanager
def _postgres() -> Iterator[psycopg.Connection[Any]]:
    import psycopg

    admin = psycopg.connect(f"{_server()}/postgres", autocommit=True)
    try:
        yield admin
    finally:
        admin.close()


@contextmanager
def new_postgres_database(prefix: str, template: str = "") -> Iterator[dict[str, str]]:
    """A new PostgreSQL database (a copy of ``template`` if given), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with _postgres() as admin:
        copy = f' TEMPLATE "{template}"' if template else ""
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
        try:
            yield {"DATABASE_URL": f"{_server()}/{name}"}
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A new, empty database."""
    if connection.vendor == "sqlite":
        yield {"LOCUS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/m.db"}
        return
    with new_postgres_database("locus_new") as env:
        yield env


def _shared_folder(factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder, the same for every xdist worker."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _build_migrated(folder: Path) -> dict[str, str]:
    if connection.vendor == "sqlite":
        built = folder / "migrated"
        built.mkdir()
        env = {"LOCUS_DATA_DIR": str(built), "DATABASE_URL": f"sqlite:///{built}/m.db"}
    else:
        name = f"locus_migrated_{uuid.uuid4().hex[:8]}"
        with _postgres() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env = {"DATABASE_URL": f"{_server()}/{name}", "name": name}
    run_script(_MIGRATE, env={k: v for k, v in env.items() if k != "name"})
    return env


@pytest.fixture(scope="session")
def migrated_original(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The database every migration has built, once for the whole run (never written to)."""
    folder = _shared_folder(tmp_path_factory)
    with open(folder / "migrated-database.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = folder / _RECORD
        if not record.exists():
            record.write_text(json.dumps(_build_migrated(folder)))
        built: dict[str, str] = json.loads(record.read_text())
    return built


@pytest.fixture
def migrated_database(
    migrated_original: dict[str, str], tmp_path: Path
) -> Iterator[dict[str, str]]:
    """A copy of the migrated database, the test's own to change."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "migrated"
        copy.mkdir()
        original = Path(migrated_original["DATABASE_URL"].removeprefix("sqlite:///"))
        for part in original.parent.glob("m.db*"):  # with any write-ahead log left
            shutil.copyfile(part, copy / part.name)
        yield {"LOCUS_DATA_DIR": str(copy), "DATABASE_URL": f"sqlite:///{copy}/m.db"}
        return
    with new_postgres_database("locus_copy", template=migrated_original["name"]) as env:
        yield env


def drop_migrated(folder: Path) -> None:
    """Drop the run's migrated PostgreSQL database, if one was built (after every worker)."""
    record = folder / _RECORD
    if not record.exists():
        return
    name = json.loads(record.read_text()).get("name")
    if name:
        with _postgres() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
