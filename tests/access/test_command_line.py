"""The command line's ``--as``: ``locus import`` and ``locus purge`` record their work under a
named administrator's name, so they ask for that administrator's password, count a wrong one
as the sign-in page does, and the trail says the work came from the command line and under
which of the computer's login names."""

from __future__ import annotations

import getpass
import io
import os
import pwd
from pathlib import Path
from typing import Any

import pytest

from locus import cli
from locus.access.models import Worker
from locus.access.signin import MAX_FAILURES
from locus.audit.describe import describe
from locus.audit.models import ChangeEvent, SignInEvent
from locus.audit.services import COMMAND_LINE
from locus.common import clock
from locus.people.models import Person
from locus.retention.models import PurgeRun
from tests.factories import World
from tests.frozen_clock import FrozenClock
from tests.interchange.conftest import DATA
from tests.operator import PASSWORD, operator_password
from tests.retention.conftest import leaver

pytestmark = pytest.mark.django_db

CIN = DATA / "cin-2022-corrected.xml"
IMPORTED = "DFEX0000001"  # the LA child id of the return's one child


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path / "data"))
    shell = pwd.struct_passwd(("jdoe-shell", "x", 1000, 1000, "", "/home/jdoe", "/bin/sh"))
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: shell)


def run(*argv: str) -> int:
    return cli.main(list(argv), out=io.StringIO())


def import_as(username: str) -> int:
    return run("import", "cin", str(CIN), "--confirm", "--as", username)


def written_by(worker: Worker) -> int:
    return ChangeEvent.objects.filter(actor=worker).count()


def test_a_wrong_password_imports_nothing_and_counts_as_a_failed_sign_in(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    operator_password(world.admin, monkeypatch)
    monkeypatch.setenv(cli.OPERATOR_PASSWORD, "not-their-password")
    before = written_by(world.admin)
    assert import_as("admin") == 2
    assert "the password is wrong" in capsys.readouterr().err
    assert not Person.objects.filter(la_child_id=IMPORTED).exists()
    assert written_by(world.admin) == before
    assert not ChangeEvent.objects.filter(record_type=COMMAND_LINE).exists()
    attempt = SignInEvent.objects.get(username="admin")
    assert not attempt.succeeded and attempt.ip_address is None


def test_the_right_password_imports_and_the_trail_says_command_line_and_login_name(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    operator_password(world.admin, monkeypatch)
    assert import_as("admin") == 0
    assert Person.objects.filter(la_child_id=IMPORTED).exists()
    row = ChangeEvent.objects.get(record_type=COMMAND_LINE)
    assert row.actor == world.admin
    assert row.after == {
        "via": "command line",
        "command": f"locus import cin {CIN.name}",
        "login_name": "jdoe-shell",
    }
    assert SignInEvent.objects.get(pk=int(row.record_id)).succeeded
    # The auditor, who reads no change's values, still reads where the work came from.
    (said,) = describe([row], viewer=world.auditor)
    assert said.description == (
        f"Signed in at the command line to run locus import cin {CIN.name} "
        "(the computer's login name: jdoe-shell)"
    )


def test_the_password_is_asked_at_the_terminal(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    operator_password(world.admin, monkeypatch)
    monkeypatch.delenv(cli.OPERATOR_PASSWORD)
    asked: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or PASSWORD)
    assert import_as("admin") == 0
    assert asked == ["Password of admin: "]


def test_no_password_given_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv(cli.OPERATOR_PASSWORD, raising=False)

    def no_terminal(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr(getpass, "getpass", no_terminal)
    assert import_as("admin") == 2
    assert cli.OPERATOR_PASSWORD in capsys.readouterr().err
    assert not Person.objects.filter(la_child_id=IMPORTED).exists()


def test_the_right_password_of_an_account_that_is_no_confirmed_administrator_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    operator_password(world.social_worker, monkeypatch)
    assert import_as(world.social_worker.username) == 2
    assert "not an active administrator" in capsys.readouterr().err
    operator_password(world.admin, monkeypatch)
    Worker.objects.filter(pk=world.admin.pk).update(access_awaiting_since=clock.now())
    assert import_as("admin") == 2
    assert not Person.objects.filter(la_child_id=IMPORTED).exists()
    assert not ChangeEvent.objects.filter(record_type=COMMAND_LINE).exists()


def test_wrong_passwords_lock_the_command_line_as_they_lock_the_sign_in_page(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    operator_password(world.admin, monkeypatch)
    monkeypatch.setenv(cli.OPERATOR_PASSWORD, "guess")
    for _ in range(MAX_FAILURES):
        assert import_as("admin") == 2
    monkeypatch.setenv(cli.OPERATOR_PASSWORD, PASSWORD)
    capsys.readouterr()
    assert import_as("admin") == 2
    assert "locked" in capsys.readouterr().err
    assert not Person.objects.filter(la_child_id=IMPORTED).exists()


def test_purge_as_a_named_administrator_asks_their_password(
    world: World, monkeypatch: pytest.MonkeyPatch, frozen_clock: FrozenClock
) -> None:
    child = leaver(world.system)
    frozen_clock.advance(days=7 * 366)
    operator_password(world.admin, monkeypatch)
    monkeypatch.setenv(cli.OPERATOR_PASSWORD, "not-their-password")
    assert run("purge", "--confirm", "--as", "admin") == 2
    assert Person.objects.filter(pk=child.pk).exists() and not PurgeRun.objects.exists()
    monkeypatch.setenv(cli.OPERATOR_PASSWORD, PASSWORD)
    assert run("purge", "--confirm", "--as", "admin") == 0
    assert not Person.objects.filter(pk=child.pk).exists()
    assert PurgeRun.objects.get().started_by == world.admin
    row = ChangeEvent.objects.get(record_type=COMMAND_LINE)
    assert (row.actor, row.after["command"], row.after["login_name"]) == (
        world.admin,
        "locus purge",
        "jdoe-shell",
    )


def test_the_timer_s_daily_purge_runs_as_the_system_account_with_no_password_and_says_so(
    world: World, monkeypatch: pytest.MonkeyPatch, frozen_clock: FrozenClock, capsys: Any
) -> None:
    """A timer runs the daily purge with nobody at the computer: no administrator's password
    is kept on the server for it. It purges as the system account, as the scheduled task
    does, and the trail tells every reader it ran unattended, under which login name."""
    monkeypatch.delenv(cli.OPERATOR_PASSWORD, raising=False)
    child = leaver(world.system)
    frozen_clock.advance(days=7 * 366)
    signed_in = SignInEvent.objects.count()
    for mixed in (["--as", "admin"], ["--confirm"], ["--dry-run"]):
        assert run("purge", "--scheduled", *mixed) == 2
        assert capsys.readouterr().err == f"locus purge: {cli.SCHEDULED_ALONE}\n"
    assert Person.objects.filter(pk=child.pk).exists() and not PurgeRun.objects.exists()
    assert not ChangeEvent.objects.filter(record_type=COMMAND_LINE).exists()

    assert run("purge", "--scheduled") == 0
    assert not Person.objects.filter(pk=child.pk).exists()
    assert PurgeRun.objects.get().started_by == world.system
    assert SignInEvent.objects.count() == signed_in  # nobody signed in
    row = ChangeEvent.objects.get(record_type=COMMAND_LINE)
    assert (row.actor, row.record_id) == (world.system, "")
    assert row.after == {
        "via": "command line",
        "command": "locus purge --scheduled",
        "login_name": "jdoe-shell",
        "unattended": "yes",
    }
    (said,) = describe([row], viewer=world.auditor)
    assert said.description == (
        "Ran unattended at the command line locus purge --scheduled "
        "(the computer's login name: jdoe-shell)"
    )


def test_a_password_another_administrator_set_signs_nobody_in_at_the_command_line(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """An administrator who set a colleague's password knows it until the colleague chooses
    their own: the command line, which cannot ask for a new one, refuses it."""
    operator_password(world.admin, monkeypatch)
    Worker.objects.filter(pk=world.admin.pk).update(password_change_due=True)
    assert import_as("admin") == 2
    assert "set by an administrator and not yet chosen by them" in capsys.readouterr().err
    assert not Person.objects.filter(la_child_id=IMPORTED).exists()
    assert not ChangeEvent.objects.filter(record_type=COMMAND_LINE).exists()


def test_the_login_name_is_the_process_s_account_not_what_the_shell_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """LOGNAME and USER are set by whoever runs the command: the trail's login name is not."""
    monkeypatch.undo()  # the real account database, not the fixture's
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(name, "someone-else")
    assert cli.login_name() == pwd.getpwuid(os.getuid()).pw_name != "someone-else"
