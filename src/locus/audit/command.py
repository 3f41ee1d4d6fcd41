"""``locus audit verify`` and ``locus audit heads``: the hash chain from the command line.

Parsing here imports no Django (the parser is built before Django is set up); the
handlers run after :func:`locus.cli.setup_django`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any, TextIO


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day as YYYY-MM-DD") from None


def add_parser(sub: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        "audit", help="verify the audit trail's hash chain, or write its day heads"
    )
    actions = parser.add_subparsers(dest="audit_command", required=True, metavar="action")
    verify = actions.add_parser(
        "verify",
        help="find edited, inserted or deleted audit rows (exit 1 if any)",
        description="Walk the audit trail's hash chain and name every row that was edited, "
        "inserted or deleted since it was written. Exit status 0 when it verifies, 1 when "
        "it does not, 2 for a bad heads file.",
    )
    verify.add_argument("--since", type=_day, help="check from this day (YYYY-MM-DD) on")
    verify.add_argument(
        "--heads", type=Path, help="also compare with day heads exported earlier (a file)"
    )
    heads = actions.add_parser(
        "heads",
        help="write the day heads, to keep outside the database",
        description="Write each day's head hashes (one line per day and stream) to send "
        "outside the database: to the information governance lead, to write-once storage.",
    )
    which = heads.add_mutually_exclusive_group()
    which.add_argument("--day", type=_day, help="only this day (YYYY-MM-DD)")
    which.add_argument("--since", type=_day, help="from this day (YYYY-MM-DD) on")
    heads.add_argument("--out", type=Path, help="write to this file (default: print them)")
    return parser


def main(args: argparse.Namespace, out: TextIO, err: TextIO = sys.stderr) -> int:
    if args.audit_command == "verify":
        return verify(args, out, err)
    return heads(args, out)


def verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from locus.audit.services import record_verification

    text = ""
    if args.heads is not None:
        try:
            text = args.heads.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            print(f"Cannot read the heads file {args.heads}: {e}", file=err)
            return 2
    try:
        result, _ = record_verification(since=args.since, heads_text=text)
    except ValueError as e:
        print(f"{args.heads}: {e}", file=err)
        return 2
    for problem in result.problems:
        print(problem.line(), file=out)
    print(result.summary(), file=out)
    return 0 if result.ok else 1


def heads(args: argparse.Namespace, out: TextIO) -> int:
    from locus.audit import chain, selectors
    from locus.common import clock

    since = args.day or args.since
    found = selectors.day_heads(since=since, until=args.day)
    text = chain.heads_text(found, written=clock.now())
    if args.out is None:
        out.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(found)} day heads written to {args.out}.", file=out)
    return 0
