"""The ``locus`` command line, run against the test database (Django is already set up)."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from wsgiref.util import setup_testing_defaults

import pytest

from locus import cli
from locus.api.models import ApiToken
from locus.common import clock
from locus.demo.generator import (
    DEMO_ACCOUNTS,
    borough_exists,
    ensure_demo_accounts,
    generate_borough,
)
from locus.demo.steps.notifications import READ_AFTER
from locus.notifications.models import Notification
from locus.people.models import Person, PersonKind
from tests.demo.conftest import wipe

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _without_the_shared_borough(db):
    """These tests make their own borough: set aside the one tests/demo share if it is there
    (inside the test's transaction, so it is back afterwards)."""
    if borough_exists():
        wipe()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "locus-data"
    monkeypatch.setenv("LOCUS_DATA_DIR", str(folder))
    return folder


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(list(argv), out=out)
    return code, out.getvalue()


def test_demo_no_serve_sets_up_and_reruns_the_same(data_dir):
    code, text = run("demo", "--no-serve", "--people", "60", "--seed", "3")
    assert code == 0
    assert data_dir.is_dir()
    password_file = data_dir / cli.PASSWORD_FILE
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    password = password_file.read_text().strip()
    assert len(password) >= 10
    for account in DEMO_ACCOUNTS:
        assert account.username in text
    assert password in text
    assert "Generated in" in text and "Ready in" in text
    # The borough's 60, and the retention demo's child past their retention date.
    assert Person.objects.filter(kind=PersonKind.YOUNG_PERSON).count() == 60 + 1
    # Last year's returns for the data team, written (not imported) and named with the accounts.
    returns = sorted((data_dir / "returns").iterdir())
    assert [p.suffix for p in returns] == [".xml", ".zip"]
    assert all(str(p) in text for p in returns)
    assert "A child in them to look at after the import" in text
    # The analyst's sample API token works: made after the accounts got their password,
    # which would have ended it (a password change ends a worker's tokens).
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
    assert not Person.objects.filter(family_name__startswith="C", given_name="Child").exists()
    # What a worker would long since have read is read, whichever step sent it.
    old = Notification.objects.filter(created_at__lt=clock.now() - READ_AFTER)
    assert old.exists() and not old.filter(read_at__isnull=True).exists()
    written = [p.read_bytes() for p in returns]

    code, again = run("demo", "--no-serve", "--people", "80")
    assert code == 0
    assert "Using the borough already" in again
    assert password in again  # the stored password, printed again
    # The returns are kept as they were (the data team may have imported them) and named.
    assert [p.read_bytes() for p in returns] == written
    assert all(str(p) in again for p in returns)
    assert "A child in them to look at after the import" in again
    # The borough's 60, and the retention demo's child past their retention date.
    assert Person.objects.filter(kind=PersonKind.YOUNG_PERSON).count() == 60 + 1


def test_the_demo_offers_a_second_factor_without_requiring_it(data_dir, monkeypatch):
    monkeypatch.delenv("LOCUS_REQUIRE_OTP", raising=False)
    code, text = run("demo", "--no-serve", "--people", "40")
    assert code == 0
    assert os.environ["LOCUS_REQUIRE_OTP"] == "0"
    assert "second factor (an authenticator app) is optional in the demo" in text
    assert "LOCUS_REQUIRE_OTP=0 locus serve" in text


@pytest.mark.parametrize(("value", "required"), [(None, "True"), ("1", "True"), ("0", "False")])
def test_a_deployment_requires_the_second_factor_unless_told_otherwise(data_dir, value, required):
    env = {k: v for k, v in os.environ.items() if k != "LOCUS_REQUIRE_OTP"}
    if value is not None:
        env["LOCUS_REQUIRE_OTP"] = value
    # A fresh interpreter: the settings read the variable once, when they load.
    result = subprocess.run(
        [sys.executable, "-c", "import locus.config.settings as s; print(s.LOCUS_REQUIRE_OTP)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == required


# `locus serve` in a fresh interpreter (the settings read the environment once, when they load),
# the site replaced by a line saying whether notifications would be emailed.
_SERVE = (
    "from django.conf import settings\n"
    "from locus import cli\n"
    "cli.serve_with_worker = lambda port, out: print(settings.LOCUS_NOTIFICATION_EMAIL) or 0\n"
    "raise SystemExit(cli.main(['serve']))\n"
)


@pytest.mark.parametrize(
    ("made_by_the_demo", "value", "emailed"),
    [(True, None, "False"), (False, None, "True"), (True, "1", "True")],
    ids=["demo folder", "other folder", "demo folder, told to email"],
)
def test_locus_serve_emails_no_notification_on_a_folder_the_demo_made(
    data_dir, made_by_the_demo, value, emailed
):
    """`locus serve` on the demo's folder does as `locus demo` does: the demo accounts' work
    emails are invented, so no notification is emailed (the console printed every one, as it
    did under `locus serve`). Another folder emails them, and LOCUS_NOTIFICATION_EMAIL wins."""
    if made_by_the_demo:
        data_dir.mkdir()
        (data_dir / cli.PASSWORD_FILE).write_text("river-otter-lantern-7\n")
    env = {k: v for k, v in os.environ.items() if k != "LOCUS_NOTIFICATION_EMAIL"}
    if value is not None:
        env["LOCUS_NOTIFICATION_EMAIL"] = value
    result = subprocess.run(
        [sys.executable, "-c", _SERVE], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == emailed


def test_demo_with_a_password_option(data_dir):
    from locus.access.models import Worker

    code, _ = run("demo", "--no-serve", "--people", "40", "--password", "river-otter-lantern-7")
    assert code == 0
    assert Worker.objects.get(username="school.dsl").check_password("river-otter-lantern-7")
    assert (data_dir / cli.PASSWORD_FILE).read_text().strip() == "river-otter-lantern-7"


def test_demo_refuses_a_weak_password_before_writing_anything(data_dir, capsys):
    code, _ = run("demo", "--no-serve", "--people", "40", "--password", "short")
    assert code == 2
    assert "cannot be used" in capsys.readouterr().err
    assert not Person.objects.exists()
    assert not (data_dir / cli.PASSWORD_FILE).exists()


def test_createadmin_needs_the_administrators_work_email(data_dir, monkeypatch, capsys):
    """An administrator is a person who signs in, so has a work email (separation of duties
    tells one person's accounts apart by it): without --email nothing is made, and the
    message says what to give. Was: the administrator was made without one."""
    from locus.access.models import Worker

    monkeypatch.setenv("LOCUS_ADMIN_PASSWORD", "river-otter-lantern-7")
    code, _ = run("createadmin", "--username", "ops.admin")
    assert code == 2
    assert "give the administrator's work email (--email " in capsys.readouterr().err
    assert not Worker.objects.filter(username="ops.admin").exists()
    code, text = run("createadmin", "--username", "ops.admin", "--email", "ops@example.org")
    assert (code, text) == (0, "Administrator 'ops.admin' created.\n")
    assert Worker.objects.get(username="ops.admin").email == "ops@example.org"


def test_demo_refuses_a_database_with_accounts_it_did_not_make(data_dir, capsys):
    """``locus demo`` gives its personas (an administrator among them, confirmed by nobody) a
    printed password and adds an invented borough: pointed at a live system's database it
    would make whoever ran it an administrator, or set the password of a worker with a
    persona's username, and mix invented children with real ones. It now writes nothing
    there. Was: it did all three."""
    from locus.access.models import Worker

    Worker.objects.create(username="it.lead", email="it.lead@council.example", password="!")
    code, _ = run("demo", "--no-serve", "--people", "60", "--password", "river-otter-lantern-7")
    assert code == 2
    assert "Not a demo database: it has accounts the demo did not make (it.lead)" in (
        capsys.readouterr().err
    )
    assert not Person.objects.exists()
    assert not Worker.objects.filter(username__in=["admin", "data.officer"]).exists()


def test_demo_runs_again_on_its_own_database_with_an_account_added_since(data_dir, capsys):
    """Someone trying the demo adds an account on its admin site: the next ``locus demo`` on
    that data folder still starts (the refusal is for a database the demo never made)."""
    from locus.access.models import Worker

    args = ("demo", "--no-serve", "--people", "60", "--password", "river-otter-lantern-7")
    assert run(*args)[0] == 0
    Worker.objects.create(username="new.worker", email="new.worker@council.example", password="!")
    code, _ = run(*args)
    assert code == 0, capsys.readouterr().err
    assert Worker.objects.filter(username="new.worker").exists()


def test_createadmin_makes_the_first_administrator_only(data_dir, monkeypatch, capsys):
    """The command line's administrator waits for nobody's confirmation: once an administrator
    exists, it makes no more, and they are added on the admin site, where another
    administrator confirms each. Was: whoever ran it made an administrator at will (with an
    email they held), who at once saw every record and confirmed the first one's accounts."""
    from locus.access.models import Worker

    monkeypatch.setenv("LOCUS_ADMIN_PASSWORD", "river-otter-lantern-7")
    assert run("createadmin", "--username", "ops.admin", "--email", "ops@example.org")[0] == 0
    capsys.readouterr()
    code, _ = run("createadmin", "--username", "ops.two", "--email", "two@example.org")
    assert code == 2
    assert "Not created: an administrator exists" in capsys.readouterr().err
    assert not Worker.objects.filter(username="ops.two").exists()


def test_migrate_warns_of_the_accounts_without_a_work_email(data_dir, capsys):
    """``locus migrate`` (run on every upgrade) names the active accounts made before every
    account had a work email, and still migrates. Was: nothing said so."""
    from locus.access.models import Worker

    Worker.objects.create(username="old.account", password="!")
    code, text = run("migrate")
    assert code == 0 and "is up to date" in text
    err = capsys.readouterr().err
    assert "Warning: 1 active account has no work email: old.account." in err
    assert "filter 'No work email'" in err


def test_memorable_passwords_pass_the_validators():
    from django.contrib.auth.password_validation import validate_password

    passwords = {cli.memorable_password() for _ in range(20)}
    assert len(passwords) > 15
    for password in passwords:
        validate_password(password)
        assert password.count("-") == 3


def test_parser():
    parser = cli.build_parser()
    args = parser.parse_args(["demo"])
    assert (args.port, args.people, args.seed, args.password, args.no_serve) == (
        8000,
        5000,
        2016,
        None,
        False,
    )
    assert parser.parse_args(["serve", "--port", "9001"]).port == 9001
    with pytest.raises(SystemExit):
        parser.parse_args([])


def test_the_served_app_serves_static_files_with_debug_off(settings):
    settings.DEBUG = False
    app = cli.wsgi_app()
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    for path in ("/static/locus/favicon.svg", "/sign-in/"):
        environ = {"PATH_INFO": path, "HTTP_HOST": "127.0.0.1"}
        setup_testing_defaults(environ)
        body = b"".join(app(environ, start_response))
        assert body
    assert statuses == ["200 OK", "200 OK"]


def test_generation_refuses_a_tiny_borough():
    with pytest.raises(ValueError):
        generate_borough(seed=1, people=5)
    assert run("demo", "--people", "5")[0] == 2


def test_ensure_demo_accounts_needs_the_borough():
    with pytest.raises(LookupError):
        ensure_demo_accounts("demo-borough-test-1")


def test_the_command_line_starts_before_django_is_set_up(tmp_path):
    """``locus`` builds its parser before Django is set up (each command sets it up as it
    needs): a module the parser imports must not read a model at import, or every command,
    ``locus demo`` first, fails before it starts."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["LOCUS_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "locus.cli", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "demo" in done.stdout
