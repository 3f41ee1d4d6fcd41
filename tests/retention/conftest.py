"""Retention tests: each with a data folder of its own (exports and imports live there)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from locus.access.models import Worker
from locus.common import clock
from locus.common.models import JobState
from locus.exports.models import ExportRun
from locus.exports.services import export_folder
from locus.people.models import Person
from tests.factories import make_person


@pytest.fixture(autouse=True)
def _data_folder(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def leaver(actor: Worker, **fields: Any) -> Person:
    """A child with nothing open and no plan: due 6 years after they were recorded."""
    fields.setdefault("given_name", "Zebedee")
    fields.setdefault("family_name", "Purgeable")
    fields.setdefault("date_of_birth", dt.date(2009, 6, 1))
    return make_person(actor, **fields)


def export_file(
    actor: Worker, text: str = "id,name\n1,somebody\n", *, keep_days: int = 7
) -> ExportRun:
    """An export run with its file in the data folder, as ``exports.services.produce`` leaves it
    (kept ``keep_days``, as ``exports.services.KEEP_DAYS`` says)."""
    now = clock.now()
    run = ExportRun.objects.create(
        asked_by=actor,
        list_key="people",
        title="People",
        fmt="csv",
        state=JobState.DONE,
        created_at=now,
        finished_at=now,
        expires_at=now + dt.timedelta(days=keep_days),
        file_name=f"export-{now:%H%M%S%f}.csv",
    )
    (export_folder() / run.file_name).write_text(text)
    return run
