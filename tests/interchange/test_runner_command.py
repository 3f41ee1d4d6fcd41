"""``locus import``: the dry run, the import, the rejects file and the exit codes."""

from __future__ import annotations

import csv
import getpass
import io
from pathlib import Path
from typing import Any

import pytest

from locus import cli
from locus.access.models import Worker
from locus.audit.models import SignInEvent
from locus.people.models import Person
from tests.interchange.cin_files import census, child, episode, write
from tests.interchange.conftest import DATA
from tests.operator import operator_password


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(autouse=True)
def _operator(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The administrator ``--as`` names signs in with their password (a script's variable)."""
    operator_password(world.admin, monkeypatch)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(["import", *argv], out=out)
    return code, out.getvalue()


def test_a_dry_run_prints_the_report_and_writes_nothing(admin: Worker) -> None:
    code, text = run("cin", str(DATA / "cin-2022-corrected.xml"))
    assert code == 0
    assert "1 record(s) read. Records that would be:" in text
    assert "  child                     1" in text and "No problems." in text
    assert not Person.objects.filter(la_child_id="DFEX0000001").exists()


def test_confirm_imports_as_the_administrator(admin: Worker) -> None:
    code, text = run("cin", str(DATA / "cin-2022-corrected.xml"), "--confirm", "--as", "admin")
    assert code == 0 and "Records that were:" in text
    assert Person.objects.filter(la_child_id="DFEX0000001").exists()


def test_problems_exit_1_and_valid_only_writes_the_rejects(admin: Worker, tmp_path: Path) -> None:
    path = write(tmp_path, census(child("LA1"), child("LA2", episodes=(episode(source="ZZ"),))))
    code, text = run("cin", str(path))
    assert code == 1 and "1 problem(s); the first 1:" in text and "ReferralSource [code]" in text
    code, text = run("cin", str(path), "--confirm", "--as", "admin")
    assert code == 1 and "Nothing was imported" in text
    assert not Person.objects.filter(la_child_id="LA1").exists()

    rejects = tmp_path / "rejects.csv"
    code, _ = run(
        "cin", str(path), "--confirm", "--valid-only", "--as", "admin", "--rejects", str(rejects)
    )
    assert code == 1
    assert Person.objects.filter(la_child_id="LA1").exists()
    with rejects.open(newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["field"], row["rule"], row["record"]) == ("ReferralSource", "code", "LA2")


def test_a_refused_file_exits_1(admin: Worker, tmp_path: Path) -> None:
    code, text = run("cin", str(write(tmp_path, "<Message><Header>")))
    assert code == 1 and "The file cannot be imported: line 1: XML:" in text


@pytest.mark.parametrize(
    "argv",
    [
        ("nope", "FILE"),
        ("cin", "/no/such/file.xml"),
        ("cin", "FILE", "--valid-only"),
        ("cin", "FILE", "--confirm", "--as", "social_worker"),
        ("cin", "FILE", "--confirm", "--as", "nobody"),
    ],
)
def test_bad_usage_exits_2(argv: tuple[str, ...], world: Any, capsys: Any) -> None:
    argv = tuple(str(DATA / "cin-2022-corrected.xml") if a == "FILE" else a for a in argv)
    code, _ = run(*argv)
    assert code == 2
    assert "locus import:" in capsys.readouterr().err
    assert not Person.objects.filter(la_child_id="DFEX0000001").exists()


def test_confirm_without_as_names_the_option_and_imports_nothing(
    world: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Even with one administrator to choose, the command does not choose: the one who runs it
    names themselves and gives their password."""
    monkeypatch.setattr(getpass, "getpass", lambda prompt: pytest.fail("asked a password"))
    signed_in = SignInEvent.objects.count()
    code, text = run("cin", str(DATA / "cin-2022-corrected.xml"), "--confirm")
    assert code == 2 and text == ""
    assert capsys.readouterr().err == f"locus import: {cli.OPERATOR_NEEDED}\n"
    assert not Person.objects.filter(la_child_id="DFEX0000001").exists()
    assert SignInEvent.objects.count() == signed_in


def test_the_help_names_every_kind_there_is() -> None:
    """--help lists the kinds in words; a new importer must be added to it."""
    from locus.interchange.command import KINDS_HELP
    from locus.interchange.registry import importers

    lines = KINDS_HELP.splitlines()[1:]
    listed = {line.split()[0] for line in lines if line.startswith("  ") and line[2] != " "}
    assert listed == set(importers())
