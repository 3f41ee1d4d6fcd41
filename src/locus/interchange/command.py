"""``locus import KIND FILE``: the dry run, or with ``--confirm`` the import, in this process.

It runs the importer here, not through the background worker, so it works where no worker
runs (a data team's script, a first load). The dry run prints what the import would do and
the first problems; ``--confirm`` imports (everything, or with ``--valid-only`` the valid
records), audited as the administrator ``--as`` names (needed with ``--confirm``), whose
password it asks for, or reads from ``LOCUS_OPERATOR_PASSWORD``. Exit codes: 0 done and no
problem, 1 problems found or records rejected (or the file refused), 2 a mistake on the
command line (no ``--as``, a wrong password, an account that is no administrator).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from locus.interchange.core import FileRejected, Problem, Report

FIRST_PROBLEMS = 20
OK, PROBLEMS, USAGE = 0, 1, 2


# The kinds, in words, for --help (written out because the parser is built before Django is
# set up, when the registry cannot load its importers; a test keeps it in step with them).
KINDS_HELP = """kinds:
  cin           a CIN census return (XML, any year from 2018)
  ssda903       an SSDA903 return: its Header, Episodes and Missing tables (CSV), in a ZIP
                or a folder
  people        people (CSV or XLSX)
  contexts      places and other contexts (CSV or XLSX)
  associations  associations between people, with their provenance (CSV or XLSX)
  incidents     incidents and who was involved (CSV or XLSX)
  memberships   peer group memberships (CSV or XLSX)

The columns of each flat file are in docs/imports-flat.md."""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="check a file for import (a dry run), or import it with --confirm",
        description="Check a file for import (a dry run), or import it with --confirm. "
        "It runs here, not through the background worker.",
        epilog=KINDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", help="what the file is (see the kinds below)")
    parser.add_argument("file", type=Path, help="the file")
    parser.add_argument("--confirm", action="store_true", help="import (default: a dry run)")
    parser.add_argument(
        "--valid-only",
        action="store_true",
        help="with --confirm: import the valid records, reject the others",
    )
    parser.add_argument("--rejects", type=Path, help="write every problem to this CSV file")
    parser.add_argument(
        "--as",
        dest="as_user",
        help="with --confirm (needed): the administrator the import is recorded as (their "
        "password is asked, or read from LOCUS_OPERATOR_PASSWORD)",
    )
    return parser


def _usage(message: str, err: TextIO) -> int:
    print(f"locus import: {message}", file=err)
    return USAGE


class Bar:
    """A tqdm bar of bytes read, on ``err`` (hidden when it is not a terminal)."""

    def __init__(self, err: TextIO, what: str) -> None:
        from tqdm import tqdm

        self.bar = tqdm(
            total=0, unit="B", unit_scale=True, file=err, disable=None, desc=what, leave=False
        )

    def __call__(self, done: int, total: int) -> None:
        if self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


@contextlib.contextmanager
def _rejects(path: Path | None) -> Iterator[Any]:
    from locus.interchange.core import problems_to
    from locus.interchange.files import RejectsFile

    if path is None:
        yield None
        return
    with path.open("w", newline="", encoding="utf-8") as out:
        sink = RejectsFile(out)
        with problems_to(sink):
            yield sink


def print_report(report: Report, out: TextIO) -> None:
    word = "would be" if report.dry_run else "were"
    print(f"{report.records_read} record(s) read. Records that {word}:", file=out)
    outcomes = ("created", "updated", "unchanged", "rejected")
    print(f"  {'record':<16}" + "".join(f"{o:>11}" for o in outcomes), file=out)
    for kind, counts in sorted(report.counts.items()):
        print(f"  {kind:<16}" + "".join(f"{counts.get(o, 0):>11}" for o in outcomes), file=out)
    if report.problems_total:
        shown = report.problems[:FIRST_PROBLEMS]
        print(f"{report.problems_total} problem(s); the first {len(shown)}:", file=out)
        for p in shown:
            print(f"  {p.where}: {p.field} [{p.rule}] {p.message} {p.record}".rstrip(), file=out)
    else:
        print("No problems.", file=out)


def main(args: argparse.Namespace, out: TextIO, err: TextIO = sys.stderr) -> int:
    # locus.cli imported here: it builds its parser from this module.
    from locus.cli import OPERATOR_NEEDED, operator_signed_in
    from locus.interchange import registry

    try:
        importer = registry.importer(args.kind)
    except ValueError as exc:
        return _usage(str(exc).removeprefix("kind: "), err)
    if not args.file.is_file():
        return _usage(f"no file at {args.file}", err)
    if args.valid_only and not args.confirm:
        return _usage("--valid-only goes with --confirm (a dry run imports nothing)", err)
    if args.confirm and not args.as_user:
        return _usage(OPERATOR_NEEDED, err)
    by = None
    if args.confirm:
        from locus.access.signin import CommandLineRefused

        try:
            by = operator_signed_in(
                args.as_user, command=f"locus import {args.kind} {args.file.name}"
            )
        except CommandLineRefused as refused:
            return _usage(str(refused), err)
    bar = Bar(err, "Importing" if args.confirm else "Checking")
    try:
        with _rejects(args.rejects):
            if by is None:
                report = importer.check(args.file, progress=bar)
            else:
                report = importer.apply(args.file, by=by, valid_only=args.valid_only, progress=bar)
    except FileRejected as refused:
        bar.close()
        p: Problem = refused.problem
        print(f"The file cannot be imported: {p.where}: {p.field}: {p.message}", file=out)
        with _rejects(args.rejects) as sink:  # the one problem, in place of a partial list
            if sink is not None:
                sink(p)
        return PROBLEMS
    bar.close()
    print_report(report, out)
    if report.details.get("written") is False:
        print("Nothing was imported: fix the problems, or import with --valid-only.", file=out)
    return OK if report.ok else PROBLEMS
