"""A small importer for testing the runner: one person a line, "given family"."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from locus.access.models import Worker
from locus.common import clock
from locus.interchange.core import (
    CREATED,
    REJECTED,
    FileRejected,
    Problem,
    Progress,
    Report,
    no_progress,
)
from locus.people.models import Person


@dataclass
class LinesImporter:
    kind: str = "lines"
    label: str = "People, one a line"
    accepts: str = "TXT"

    def _read(self, path: Path, report: Report, progress: Progress) -> list[tuple[str, str]]:
        text = path.read_bytes()
        if not text.startswith(b"people\n"):
            raise FileRejected(
                Problem("line 1", "header", "header", "The first line is not 'people'")
            )
        good = []
        for number, line in enumerate(text.decode().splitlines()[1:], start=2):
            report.records_read += 1
            parts = line.split()
            if len(parts) != 2 and line != "boom":
                report.problem(
                    Problem(f"line {number}", "name", "required", "Two names needed", line)
                )
                report.count("person", REJECTED)
                continue
            good.append((parts[0], parts[-1]))
            progress(number, len(text))
        return good

    def check(self, path: Path, *, progress: Progress = no_progress) -> Report:
        report = Report(kind=self.kind, dry_run=True)
        for _ in self._read(path, report, progress):
            report.count("person", CREATED)
        return report

    def apply(
        self, path: Path, *, by: Worker, valid_only: bool = False, progress: Progress = no_progress
    ) -> Report:
        report = Report(kind=self.kind, dry_run=False)
        rows = self._read(path, report, progress)
        if report.problems_total and not valid_only:
            report.details["written"] = False
            return report
        with transaction.atomic():
            for given, family in rows:
                if given == "boom":
                    raise RuntimeError("worker killed")
                Person.objects.create(
                    given_name=given, family_name=family, created_at=clock.now(), recorded_by=by
                )
                report.count("person", CREATED)
        return report
