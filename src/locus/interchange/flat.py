"""Flat imports: people, contexts, associations, incidents and group memberships from a CSV or
XLSX list, one kind of record per file (the columns are in docs/imports-flat.md).

Every kind goes through the same three steps for each row:

1. **parse** (pure, no database): each cell read as what its column holds; a bad value is a
   :class:`~locus.interchange.core.Problem` naming the line and the column;
2. **plan** (reads only): the people, places, groups and agencies the row names are looked
   up, the row is matched with what Locus already holds (by the match keys of its kind)
   and checked by the same rules the pages use, giving *created*, *updated* or
   *unchanged*;
3. **write** (apply only): the plan is carried out through the domain's services, audited
   as the importing administrator, each row in a savepoint of the one transaction.

The dry run stops after step 2, so it counts exactly what the apply would do. The apply
writes in one transaction: without ``valid_only`` a single problem anywhere rolls back
every row (and writing stops at the first problem; the rest of the file is still checked so
that the report lists every problem), and an error part way (a killed worker) rolls back
everything.

Sight: an import never widens anyone's. People, places and groups are written without a
"first recorded by" (that field grants sight to the recorder and their agency); nobody is
allocated (caseloads are allocated on the person's page, by the allocation rules); an
incident names the agency that reported it, which is what any incident does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction

from locus.access import policies
from locus.common.errors import ValidationFailed
from locus.common.services import permitted
from locus.interchange import core
from locus.interchange.core import (
    REJECTED,
    FileRejected,
    Problem,
    Progress,
    Report,
    no_progress,
)
from locus.interchange.flat_contexts import CONTEXTS
from locus.interchange.flat_incidents import INCIDENTS
from locus.interchange.flat_peers import ASSOCIATIONS, MEMBERSHIPS
from locus.interchange.flat_people import PEOPLE
from locus.interchange.flat_read import (
    Batch,
    Row,
    Spec,
    Write,
    read_header,
    rows_of,
    rule_problems,
    where,
)

if TYPE_CHECKING:
    from locus.access.models import Worker

__all__ = ["IMPORTERS", "FlatImporter"]


class FlatImporter(core.Importer):
    """An :class:`~locus.interchange.core.Importer` for one :class:`Spec`."""

    accepts = "CSV or XLSX"

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.kind = spec.kind
        self.label = spec.label

    def check(self, path: Path, *, progress: Progress = no_progress) -> Report:
        return self._run(path, by=None, valid_only=False, progress=progress)

    def write_pass(self, path: Path, *, by: Worker, valid_only: bool, progress: Progress) -> Report:
        # The data team imports: the administrator sees everyone, so naming anyone in an
        # association or incident is no way in for them.
        permitted(policies.is_administrator, by)
        return self._run(path, by=by, valid_only=valid_only, progress=progress)

    def _run(
        self, path: Path, *, by: Worker | None, valid_only: bool, progress: Progress
    ) -> Report:
        spec = self.spec
        report = Report(kind=self.kind, dry_run=by is None)
        batch = Batch(file_name=Path(path).name)
        header = None
        for number, values in rows_of(path, progress):
            if header is None:
                header = read_header(values, spec.columns)
                if header.unknown:
                    # Said once, not on every row; not a problem (nothing is wrong with
                    # the records), so the file still imports.
                    report.details["unknown_columns"] = header.unknown
                continue
            if not any(v.strip() for v in values):
                continue  # a blank row a spreadsheet left at the end
            report.records_read += 1
            cells = header.cells(values)
            row = Row(number, cells, record=spec.record_key(cells))
            parsed = spec.parse(row)
            if row.ok:
                for column, value in spec.unique(parsed):
                    batch.once(
                        row,
                        (column, value.lower()),
                        column,
                        _twice(value),
                    )
            plan = spec.plan(parsed, row, batch) if row.ok else None
            # Without valid_only, writing stops at the first problem (it will all be
            # rolled back); the rest of the file is still checked, for the report.
            writing = by is not None and (valid_only or report.ok)
            if plan is not None and plan.write is not None and row.ok and writing:
                assert by is not None
                self._write(plan.write, by, row)
            if row.ok and plan is not None:
                report.count(spec.record_kind, plan.outcome)
            else:
                report.count(spec.record_kind, REJECTED)
                for problem, about in zip(row.problems, row.about, strict=True):
                    report.problem(problem, about=about)
        if header is None:
            raise FileRejected(
                Problem(where(1), "(file)", "empty", "The file is empty: line 1 names the columns")
            )
        return report

    def _write(self, write: Write, by: Worker, row: Row) -> None:
        """One row's writes in a savepoint: a rule only the service checks (a race with
        another writer) rejects the row, not the import."""
        try:
            with transaction.atomic():
                write(by)
        except ValidationFailed as failed:
            rule_problems(row, failed, self.spec)


IMPORTERS = tuple(
    FlatImporter(spec) for spec in (PEOPLE, CONTEXTS, ASSOCIATIONS, INCIDENTS, MEMBERSHIPS)
)


def _twice(value: str) -> Callable[[int], str]:
    """The message for a ``value`` no two rows may share, from the line it was first on."""
    return lambda first: f"{value} is on line {first} too: each record once in a file"
