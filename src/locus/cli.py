"""The ``locus`` command line.

``locus demo``      set up a data folder, generate the synthetic borough, print the
                    demo accounts and serve the site on 127.0.0.1
``locus serve``     serve what is in the data folder (with a worker, as ``locus demo``)
``locus migrate``   create or update the database
``locus createadmin --email ADDRESS``  add the first administrator account (their work email
                    needed; once one exists, administrators are added on the admin site)
``locus notify-due``  remind workers of reviews and actions falling due (once a day)
``locus purge``     list what the retention rules say is due (a dry run); with --confirm
                    and --as USERNAME, purge it as that administrator, whose password is
                    asked (or LOCUS_OPERATOR_PASSWORD); a timer's daily run: --scheduled,
                    as the system account (docs/retention.md)
``locus worker``    run the background tasks (the database task backend's worker)
``locus import KIND FILE``  check a file for import, or import it with --confirm and
                    --as USERNAME (as purge)
``locus audit verify``  find edited, inserted or deleted rows of the audit trail (exit 1 if any)
``locus audit heads``  write the audit trail's day heads, to keep outside the database
``locus bench peers``  time the peer-network analysis against NetworkX (source checkout)
``locus bench pages``  time the linked-cases pages against a bare Django page (source checkout)
``locus bench places``  time hotspots against a plain reference (source checkout)
``locus bench import``  time the CIN census import against a raw read and insert (source checkout)

The data folder is ``./locus-data`` unless ``LOCUS_DATA_DIR`` names another; it
holds the SQLite database, the secret key and the demo password.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

DEFAULT_DATA_DIR = "locus-data"
PASSWORD_FILE = "demo-password"  # noqa: S105 (a file name, not a password)
SETTINGS = "locus.config.settings"


# ---------------------------------------------------------------------------
# Set-up


def data_folder() -> Path:
    """The data folder (``LOCUS_DATA_DIR`` wins), created owner-only if missing."""
    folder = Path(os.environ.get("LOCUS_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Settings read the variable when they load, so it must be set before django.setup().
    os.environ["LOCUS_DATA_DIR"] = str(folder)
    return folder


def setup_django() -> Path:
    folder = data_folder()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()
    return folder


def migrate() -> None:
    from locus.common import schema

    schema.migrate()


def memorable_password() -> str:
    """Three random words and a number, e.g. ``otter-lantern-meadow-42``."""
    from locus.demo.names import PASSWORD_WORDS

    words = [secrets.choice(PASSWORD_WORDS) for _ in range(3)]
    return "-".join([*words, str(10 + secrets.randbelow(90))])


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text + "\n")
    os.chmod(path, 0o600)


def demo_password(folder: Path, given: str | None) -> str:
    """``given`` if set (and remembered), else the one stored in the folder, else a new one."""
    path = folder / PASSWORD_FILE
    if given:
        _write_private(path, given)
        return given
    if path.exists():
        stored = path.read_text().strip()
        if stored:
            return stored
    password = memorable_password()
    _write_private(path, password)
    return password


class ProgressBar:
    """One tqdm bar across the generator's steps, on ``stream`` (hidden when not a terminal)."""

    def __init__(self, stream: TextIO) -> None:
        from tqdm import tqdm

        from locus.demo.generator import STEPS

        self.steps = list(STEPS)
        self.bar = tqdm(
            total=len(self.steps),
            file=stream,
            disable=None,
            bar_format="{desc:<22}{percentage:3.0f}%|{bar}| {elapsed}",
        )

    def __call__(self, step: str, done: int, total: int) -> None:
        index = self.steps.index(step) if step in self.steps else 0
        self.bar.set_description_str(f"Generating {step}", refresh=False)
        self.bar.n = index + (done / total if total else 1.0)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.set_description_str("Generated", refresh=False)
        self.bar.n = self.bar.total
        self.bar.close()


@dataclass
class DemoSetup:
    folder: Path
    password: str
    accounts: list[tuple[str, str]]
    created: bool
    counts: dict[str, int]
    timings: dict[str, float]
    # Last year's returns for the data team to import (locus.demo.returns), and a child
    # in them to look at afterwards.
    returns: list[Path] = field(default_factory=list)
    featured: str = ""


class NotADemoDatabase(Exception):
    """``locus demo`` pointed at a database with accounts it did not make (a live system's)."""

    def __init__(self, usernames: list[str]) -> None:
        super().__init__(
            "Not a demo database: it has accounts the demo did not make ("
            + ", ".join(usernames)
            + "). `locus demo` gives its accounts, an administrator among them, a printed "
            "password and adds an invented borough: run it on a data folder and database of "
            "its own (a new LOCUS_DATA_DIR, and no DATABASE_URL of a live system)."
        )


def prepare_demo(
    *,
    folder: Path,
    people: int,
    seed: int,
    password: str | None,
    progress_stream: TextIO | None = None,
) -> DemoSetup:
    """Migrate, generate the borough unless present, and set the demo accounts' password.

    Runs with Django set up (the command, or a test's database).
    """
    from django.contrib.auth.password_validation import validate_password

    from locus.demo.casework import add_demo_context_cases
    from locus.demo.chain import add_demo_chain
    from locus.demo.disputes import add_demo_disputes
    from locus.demo.generator import ensure_demo_accounts, generate_borough
    from locus.demo.mapping import add_demo_meetings
    from locus.demo.profiles import add_demo_profiles_and_moves
    from locus.demo.retention import add_demo_retention
    from locus.demo.sharing import add_demo_sharing
    from locus.demo.steps.busy import add_demo_co_presence_rule
    from locus.demo.steps.hotspots import add_demo_hotspots
    from locus.demo.steps.leaver import add_demo_leaver
    from locus.demo.steps.notes import add_demo_notes
    from locus.demo.steps.notifications import add_demo_notifications
    from locus.demo.steps.outreach import add_demo_outreach
    from locus.demo.steps.safety import add_demo_safety_maps
    from locus.demo.steps.transfers import add_demo_transfer
    from locus.demo.subjectaccess import add_demo_subject_access
    from locus.demo.trust import add_demo_trust

    if password:
        validate_password(password)  # before anything is written; raises ValidationError
    # Real time, not locus.common.clock: these measure how long each step took.
    timings: dict[str, float] = {}
    t = time.perf_counter()
    migrate()
    timings["database"] = time.perf_counter() - t
    from locus.demo.accounts import accounts_not_the_demos

    if others := accounts_not_the_demos():  # before anything is written
        raise NotADemoDatabase(others)

    t = time.perf_counter()
    bars = ProgressBar(progress_stream) if progress_stream is not None else None
    try:
        summary = generate_borough(seed=seed, people=people, progress=bars)
        # Co-case meetings are made through the services as the demo workers, so they need
        # the workers' accounts and caseloads from the borough first.
        add_demo_meetings()
        add_demo_context_cases()
        add_demo_profiles_and_moves()
        add_demo_trust()
        add_demo_notes()
        add_demo_transfer()
        add_demo_co_presence_rule()
        add_demo_hotspots()
        add_demo_safety_maps()
        add_demo_outreach()
        add_demo_retention()
        add_demo_disputes()
        add_demo_leaver()  # a closed account's cases, for its managers to pass on
        # Last of the borough's steps: the reminders and what would have been read cover
        # every notification the steps above sent.
        add_demo_notifications()
    finally:
        if bars is not None:
            bars.close()
    timings["borough"] = time.perf_counter() - t

    t = time.perf_counter()
    chosen = demo_password(folder, password)
    accounts = ensure_demo_accounts(chosen)
    # After the accounts: setting their password ends any API token they hold (a password
    # change ends a worker's tokens), and the sharing demo makes the analyst's token.
    add_demo_sharing()
    add_demo_subject_access()  # needs the admin account: after the accounts
    add_demo_chain()  # last: it verifies the trail everything above wrote
    timings["accounts"] = time.perf_counter() - t
    setup = DemoSetup(
        folder=folder,
        password=chosen,
        accounts=accounts,
        created=summary.created,
        counts=summary.counts,
        timings=timings,
    )
    write_returns(setup, seed)
    return setup


def write_returns(setup: DemoSetup, seed: int) -> None:
    """Write last year's returns into ``<data>/returns/`` unless they are there: once the
    data team has imported them, files made afresh from the changed borough would differ."""
    from locus.common import clock
    from locus.demo.returns import featured_child, return_paths, write_demo_returns

    folder = setup.folder / "returns"
    paths = return_paths(folder, clock.today())
    setup.featured = featured_child()
    if all(path.exists() for path in paths):
        setup.returns = list(paths)
        return
    t = time.perf_counter()
    made = write_demo_returns(folder, seed=seed, today=clock.today())
    setup.timings["returns"] = time.perf_counter() - t
    setup.returns = made.paths


def print_accounts(setup: DemoSetup, out: TextIO) -> None:
    from locus.demo.generator import DEMO_ACCOUNTS

    rows = [("username", "password", "who", "sees")]
    present = {username for username, _ in setup.accounts}
    rows += [
        (a.username, setup.password, a.who, a.sees) for a in DEMO_ACCOUNTS if a.username in present
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for i, row in enumerate(rows):
        cells = [row[c].ljust(widths[c]) for c in range(3)]
        print("  " + "  ".join([*cells, row[3]]), file=out)
        if i == 0:
            print("  " + "  ".join("-" * w for w in [*widths, len("sees")]), file=out)
    if len(rows) - 1 < len(DEMO_ACCOUNTS):
        print(
            "\n  This borough was generated by an older Locus and lacks some demo accounts: "
            "delete the data folder to generate one with them all.",
            file=out,
        )


# ---------------------------------------------------------------------------
# Serving


def wsgi_app() -> Any:
    """The site plus its static files, served by Django itself.

    ``StaticFilesHandler`` serves /static/ from the apps' static folders even
    with DEBUG off, so the demo needs neither ``collectstatic`` nor another
    dependency. Fine on 127.0.0.1; a deployment puts a web server in front.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application

    return StaticFilesHandler(get_wsgi_application())


def serve(port: int, out: TextIO) -> int:
    """Serve on 127.0.0.1:``port`` with a threaded WSGI server until interrupted."""
    from django.core.servers.basehttp import run

    try:
        run("127.0.0.1", port, wsgi_app(), threading=True)
    except KeyboardInterrupt:
        print("\nStopped.", file=out)
    except OSError as exc:
        print(f"Cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------------------
# The background worker

# How ``locus demo`` starts the worker beside the site: this command line, as a child process.
WORKER_COMMAND = [sys.executable, "-m", "locus.cli", "worker"]
WORKER_STOP_SECONDS = 20


def runs_a_database_worker() -> bool:
    """Whether tasks go to a queue ``locus worker`` runs (settings.TASKS): the database, by
    default, or RQ on Redis. The immediate backend (the tests') needs no worker."""
    from django.conf import settings

    backend = settings.TASKS["default"]["BACKEND"]
    return bool(backend.startswith("django_tasks_db.") or backend == settings.RQ_BACKEND)


def start_worker() -> subprocess.Popen[bytes] | None:
    """``locus worker`` as a child process with this one's environment (data folder included),
    or None when tasks do not go to the database."""
    if not runs_a_database_worker():
        return None
    return subprocess.Popen(WORKER_COMMAND, env=os.environ.copy())


def stop_worker(child: subprocess.Popen[bytes] | None) -> None:
    """Ask the worker to stop (SIGTERM: it finishes the task in hand), then wait for it."""
    if child is None or child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def is_demo_folder(folder: Path) -> bool:
    """Whether ``locus demo`` made this data folder: it keeps the demo accounts' password there
    (``PASSWORD_FILE``), which nothing else writes."""
    return (folder / PASSWORD_FILE).is_file()


def quiet_demo_emails() -> None:
    """The demo accounts' work emails are invented (name@demo.example): no notification is
    emailed to them (the console backend would print each one) unless
    LOCUS_NOTIFICATION_EMAIL says so. Set before the settings load, which read it."""
    os.environ.setdefault("LOCUS_NOTIFICATION_EMAIL", "0")


# ---------------------------------------------------------------------------
# Commands


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    started = time.perf_counter()
    # The demo's accounts share one printed password and are tried by many people: a
    # second factor is offered there, not required (unless LOCUS_REQUIRE_OTP says so).
    # Set before the settings load, which read it.
    os.environ.setdefault("LOCUS_REQUIRE_OTP", "0")
    quiet_demo_emails()
    folder = setup_django()
    from django.core.exceptions import ValidationError

    print(
        "Locus demo: a synthetic borough on the real postcodes of the London Borough of "
        "Hackney.\nEvery person in it is invented.",
        file=out,
    )
    print(f"Data folder: {folder}", file=out)
    try:
        setup = prepare_demo(
            folder=folder,
            people=args.people,
            seed=args.seed,
            password=args.password,
            progress_stream=sys.stderr,
        )
    except ValidationError as exc:
        print("That password cannot be used: " + " ".join(exc.messages), file=sys.stderr)
        return 2
    except NotADemoDatabase as exc:
        print(exc, file=sys.stderr)
        return 2
    counts = setup.counts
    if setup.created:
        print(
            f"Generated in {setup.timings['borough']:.1f} s: "
            f"{counts['young people']:,} young people, {counts['adults of concern']:,} adults "
            f"of concern, {counts['associations']:,} associations, "
            f"{counts['incidents']:,} incidents (seed {args.seed}).",
            file=out,
        )
    else:
        print(
            f"Using the borough already in {folder} ({counts['young people']:,} young people); "
            "delete the folder to generate a new one.",
            file=out,
        )
    print("\nDemo accounts (the same password for each):\n", file=out)
    print_accounts(setup, out)
    print(
        "\nA second factor (an authenticator app) is optional in the demo: set one up from "
        "the home page.",
        file=out,
    )
    if setup.returns:
        print(
            "\nLast year's returns, for the data team to import (as admin, under Imports):",
            file=out,
        )
        for path in setup.returns:
            print(f"  {path}", file=out)
        if setup.featured:
            print(f"  A child in them to look at after the import: {setup.featured}", file=out)
    url = f"http://127.0.0.1:{args.port}/"
    elapsed = time.perf_counter() - started
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in setup.timings.items())
    print(f"\nReady in {elapsed:.1f} s ({parts}).", file=out)
    if args.no_serve:
        print(
            f"Start the site with: LOCUS_REQUIRE_OTP=0 locus serve --port {args.port}  "
            f"(then open {url})",
            file=out,
        )
        return 0
    print(f"Serving {url}  (Ctrl+C to stop)", file=out, flush=True)
    return serve_with_worker(args.port, out)


def serve_with_worker(port: int, out: TextIO) -> int:
    """Serve, with the background tasks (the borough's linked-case clusters, worked out
    ahead) run beside the site by a worker that stops with it."""
    worker = start_worker()
    # A site stopped by its service manager or a closed terminal (SIGTERM, SIGHUP) stops as
    # Ctrl+C does: Python's default for those signals ends the process without running the
    # `finally` below, which left the worker running on after the site had gone.
    before = {sig: signal.signal(sig, _interrupt) for sig in STOP_SIGNALS}
    try:
        return serve(port, out)
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
        stop_worker(worker)


# The signals that stop ``locus demo`` and ``locus serve`` (with their worker) as Ctrl+C does.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    if is_demo_folder(data_folder()):
        quiet_demo_emails()  # as `locus demo` serving the same folder would
    folder = setup_django()
    print(f"Data folder: {folder}", file=out)
    print(f"Serving http://127.0.0.1:{args.port}/  (Ctrl+C to stop)", file=out, flush=True)
    return serve_with_worker(args.port, out)


def cmd_migrate(args: argparse.Namespace, out: TextIO) -> int:
    folder = setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, stdout=out)
    call_command("createcachetable", stdout=out)  # the shared cache's table (settings.CACHES)
    print(f"Database in {folder} is up to date.", file=out)
    warn_of_accounts()
    return 0


def warn_of_accounts() -> None:
    """The database's system checks (``access.checks``: accounts without a work email), on
    stderr; they warn, and stop nothing."""
    from django.core import checks

    for found in checks.run_checks(tags=[checks.Tags.database], databases=["default"]):
        print(f"Warning: {found.msg}\n  {found.hint or ''}".rstrip(), file=sys.stderr)


#: ``locus createadmin`` without ``--email``: an administrator is a person who signs in.
ADMIN_EMAIL_NEEDED = (
    "Not created: give the administrator's work email (--email name@example.org). Locus "
    "tells one person's accounts apart by it: every account a person signs in with has one."
)


#: ``locus createadmin`` once an administrator exists: the command line's account is confirmed
#: by nobody, so it makes the first one only.
ADMIN_EXISTS = (
    "Not created: an administrator exists. Add further administrators on the admin site, "
    "where another administrator confirms each one (an account's access needs a second person)."
)


def cmd_createadmin(args: argparse.Namespace, out: TextIO) -> int:
    if not (args.email or "").strip():  # before a password is asked for, or anything written
        print(ADMIN_EMAIL_NEEDED, file=sys.stderr)
        return 2
    setup_django()
    migrate()
    from locus.access.selectors import administrator_exists

    if administrator_exists():  # before a password is asked for
        print(ADMIN_EXISTS, file=sys.stderr)
        return 2
    from locus.access.models import Role
    from locus.access.services import system_worker, worker_create
    from locus.common.errors import ValidationFailed

    password = os.environ.get("LOCUS_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    try:
        worker_create(
            actor=system_worker(),
            username=args.username,
            first_name=args.first_name,
            last_name=args.last_name,
            team=None,
            role=Role.ADMINISTRATOR,
            password=password,
            email=args.email,
            job_title="Administrator",
        )
    except ValidationFailed as exc:
        print(f"Not created: {exc.summary()}", file=sys.stderr)
        return 2
    print(f"Administrator {args.username!r} created.", file=out)
    return 0


#: Where a script gives the password of the administrator a command's work is recorded as
#: (``--as``); at a terminal the command asks for it instead.
OPERATOR_PASSWORD = "LOCUS_OPERATOR_PASSWORD"  # noqa: S105 (a variable's name, not a password)

#: ``locus import --confirm`` or ``locus purge --confirm`` without ``--as``: the work is
#: recorded under the name of an administrator who signs in; nobody runs it unnamed.
OPERATOR_NEEDED = "--as: name the administrator who runs this; the command asks their password"

#: ``locus purge --scheduled`` with ``--as``, ``--confirm`` or ``--dry-run``: a timer's run
#: purges as the system account and signs nobody in.
SCHEDULED_ALONE = (
    "--scheduled: the timer's daily purge takes no --as, --confirm or --dry-run (it purges "
    "as the system account)"
)


def login_name() -> str:
    """The computer's login name the command runs under, for the trail: the account of the
    process's user id, which the shell cannot set (``getpass.getuser`` reads LOGNAME and USER
    first, which anyone can)."""
    try:
        import pwd  # not on Windows

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # no account for the id (a container's unnamed user)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def operator_signed_in(username: str, *, command: str) -> Any:
    """The administrator ``username``, signed in at the command line with their password
    (from ``LOCUS_OPERATOR_PASSWORD``, or asked at the terminal), to run ``command``: the
    work is then recorded under their name, and the trail says it came from the command line
    and the computer's login name (``access.signin.command_line_sign_in``). Raises
    ``CommandLineRefused``, saying why, when refused: nothing but the sign-in attempt is
    written then."""
    from locus.access.signin import CommandLineRefused, command_line_sign_in

    password = os.environ.get(OPERATOR_PASSWORD)
    if not password:
        try:
            password = getpass.getpass(f"Password of {username}: ")
        except EOFError:  # no terminal to ask at, and nothing given
            password = ""
    if not password:
        raise CommandLineRefused(
            f"Not done: the work is recorded as {username!r}, so give their password (asked "
            f"at a terminal; a script sets {OPERATOR_PASSWORD})."
        )
    return command_line_sign_in(username, password, command=command, login_name=login_name())


def unattended_system(*, command: str) -> Any:
    """The system account, for a command a timer runs with nobody at the computer (the daily
    purge, which only removes what the retention rules say is due, as the scheduled task
    does): no password is kept on the server for it. The trail says the command ran
    unattended at the command line, and the computer's login name it ran under."""
    from locus.access.services import system_worker
    from locus.audit.services import record_command_line

    system = system_worker()
    record_command_line(actor=system, sign_in=None, command=command, login_name=login_name())
    return system


def cmd_notify_due(args: argparse.Namespace, out: TextIO) -> int:
    setup_django()
    from locus.notifications.reminders import send_due_reminders

    sent = send_due_reminders()
    print(f"{sent} reminder{'' if sent == 1 else 's'} sent.", file=out)
    return 0


def cmd_purge(args: argparse.Namespace, out: TextIO) -> int:
    """A dry run unless --confirm or --scheduled: counts per rule and record numbers, never a
    name. With --confirm the purge is recorded as the administrator ``--as`` names, who signs
    in; with --scheduled (a timer's daily run) as the system account, as the scheduled task
    is, and the trail says it ran unattended at the command line, under which login name."""
    if args.scheduled and (args.as_user or args.confirm or args.dry_run):
        print(f"locus purge: {SCHEDULED_ALONE}", file=sys.stderr)
        return 2
    dry_run = not args.scheduled and (args.dry_run or not args.confirm)
    if not dry_run and not args.scheduled and not args.as_user:  # before anything is written
        print(f"locus purge: {OPERATOR_NEEDED}", file=sys.stderr)
        return 2
    setup_django()
    from locus.access.signin import CommandLineRefused
    from locus.retention import purge, selectors

    if dry_run:
        found = selectors.plan()
        print(f"Dry run on {found.today:%d/%m/%Y}: nothing is removed.", file=out)
        for kind, label, count in found.counts():
            ids = ", ".join(map(str, found.ids(kind)))
            print(f"{label}: {count} ({ids})", file=out)
        if not found.due:
            print("Nothing is due.", file=out)
        if found.held:
            print(f"Kept by a legal hold: {len(found.held)}", file=out)
        for label, record_id, release in found.released:
            print(f"{label} {record_id}: {release}", file=out)
        for shortening in found.pending:  # a rule made shorter, waiting to apply
            ids = ", ".join(map(str, shortening.ids)) or "nothing more"
            print(f"{shortening}. Would go then: {ids}", file=out)
        return 0
    if args.scheduled:
        by = unattended_system(command="locus purge --scheduled")
    else:
        try:
            by = operator_signed_in(args.as_user, command="locus purge")
        except CommandLineRefused as refused:
            print(f"locus purge: {refused}", file=sys.stderr)
            return 2
    run = purge.purge(actor=by)
    counts = selectors.run_counts(run)
    print(f"Purge {run.pk} finished: {sum(n for _, _, n in counts)} records.", file=out)
    for rule, outcome, n in counts:
        print(f"{rule}: {outcome}: {n}", file=out)
    return 0


def cmd_worker(args: argparse.Namespace, out: TextIO) -> int:
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if not runs_a_database_worker():
        print(
            "Background tasks go to no queue this worker runs (LOCUS_TASKS_BACKEND), so there "
            "is nothing for this worker to run.",
            file=sys.stderr,
        )
        return 2
    if settings.TASKS["default"]["BACKEND"] == settings.RQ_BACKEND:
        # RQ's own worker, with the job class that runs Django's tasks (django-tasks-rq).
        call_command("rqworker", "default", job_class="django_tasks_rq.Job")
        return 0
    call_command(
        "db_worker",
        batch=args.batch,
        interval=args.interval,
        reload=False,
        startup_delay=False,
        verbosity=1 if args.verbose else 0,
        stdout=out,
    )
    return 0


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    setup_django()
    from locus.interchange import command

    return command.main(args, out, sys.stderr)


def cmd_audit(args: argparse.Namespace, out: TextIO) -> int:
    setup_django()
    from locus.audit import command

    return command.main(args, out, sys.stderr)


def _benchmarks() -> Any:
    """The ``benchmarks`` package, which lives beside src/ in a source checkout, not in the
    installed package; None (and a message) when it is not there."""
    root = Path(__file__).resolve().parents[2]
    if (root / "benchmarks" / "peers.py").is_file() and str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        import benchmarks.pages
        import benchmarks.peers
    except ImportError as exc:
        print(
            f"The benchmarks are not available ({exc}): run `locus bench` from a source "
            "checkout installed with pip install -e '.[test]'.",
            file=sys.stderr,
        )
        return None
    return benchmarks


def cmd_bench_peers(args: argparse.Namespace, out: TextIO) -> int:
    found = _benchmarks()
    if found is None:
        return 2
    return int(
        found.peers.main(args.scale, seed=args.seed, as_json=args.json, out=out, err=sys.stderr)
    )


def cmd_bench_places(args: argparse.Namespace, out: TextIO) -> int:
    if _benchmarks() is None:
        return 2
    import benchmarks.places

    return int(benchmarks.places.main(args.scale, seed=args.seed, as_json=args.json, out=out))


def cmd_bench_pages(args: argparse.Namespace, out: TextIO) -> int:
    found = _benchmarks()
    if found is None:
        return 2
    # Its own data folder unless told otherwise: the borough is built once and reused.
    os.environ.setdefault("LOCUS_DATA_DIR", f"locus-bench-data/pages-{args.people}-{args.seed}")
    os.environ.setdefault("LOCUS_REQUIRE_OTP", "0")  # its clients sign in without a second factor
    os.environ.setdefault("LOCUS_NOTIFICATION_EMAIL", "0")  # the demo's invented addresses
    setup_django()
    return int(
        found.pages.main(
            people=args.people,
            seed=args.seed,
            caseload=args.caseload,
            runs=args.runs,
            as_json=args.json,
            out=out,
            err=sys.stderr,
        )
    )


def cmd_bench_import(args: argparse.Namespace, out: TextIO) -> int:
    if _benchmarks() is None:
        return 2
    import tempfile

    # A database of its own unless told otherwise, made afresh in a temporary folder.
    with tempfile.TemporaryDirectory(prefix="locus-bench-import-db-") as folder:
        os.environ.setdefault("LOCUS_DATA_DIR", folder)
        setup_django()
        import benchmarks.imports

        return int(
            benchmarks.imports.main(
                args.children, seed=args.seed, as_json=args.json, out=out, err=sys.stderr
            )
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="locus",
        description="Locus, a contextual safeguarding workspace.",
        epilog="The data folder is ./locus-data unless LOCUS_DATA_DIR names another.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    demo = sub.add_parser("demo", help="generate the synthetic borough and serve it")
    demo.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (8000)")
    demo.add_argument("--people", type=int, default=5000, help="young people to generate (5000)")
    demo.add_argument("--seed", type=int, default=2016, help="random seed (2016)")
    demo.add_argument(
        "--password", help="password for every demo account (default: a random one, kept)"
    )
    demo.add_argument("--no-serve", action="store_true", help="set up, then stop")
    demo.set_defaults(handler=cmd_demo)

    serve_p = sub.add_parser("serve", help="serve the site from the data folder")
    serve_p.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (8000)")
    serve_p.set_defaults(handler=cmd_serve)

    migrate_p = sub.add_parser("migrate", help="create or update the database")
    migrate_p.set_defaults(handler=cmd_migrate)

    admin = sub.add_parser(
        "createadmin",
        help="add the first administrator (password from LOCUS_ADMIN_PASSWORD or asked)",
    )
    admin.add_argument("--username", default="administrator")
    admin.add_argument("--first-name", default="")
    admin.add_argument("--last-name", default="")
    admin.add_argument("--email", help="the administrator's work email (needed)")
    admin.set_defaults(handler=cmd_createadmin)

    notify_due = sub.add_parser(
        "notify-due", help="remind workers of reviews and actions falling due (run daily)"
    )
    notify_due.set_defaults(handler=cmd_notify_due)

    purge_p = sub.add_parser(
        "purge", help="remove what the retention rules say is due (a dry run unless --confirm)"
    )
    purge_p.add_argument("--dry-run", action="store_true", help="list what would go (default)")
    purge_p.add_argument("--confirm", action="store_true", help="purge it, for good")
    purge_p.add_argument(
        "--as",
        dest="as_user",
        help=f"with --confirm (needed): the administrator the purge is recorded as (their "
        f"password is asked, or read from {OPERATOR_PASSWORD})",
    )
    purge_p.add_argument(
        "--scheduled",
        action="store_true",
        help="the daily run a timer or cron starts: purge what is due as the system account "
        "(as the scheduled task does); the trail says it ran unattended, under which login name",
    )
    purge_p.set_defaults(handler=cmd_purge)

    worker_p = sub.add_parser(
        "worker", help="run background tasks from the database (locus demo starts one)"
    )
    worker_p.add_argument(
        "--batch", action="store_true", help="run the tasks waiting now, then stop"
    )
    worker_p.add_argument(
        "--interval", type=float, default=1.0, help="seconds between looks for new tasks (1)"
    )
    worker_p.add_argument("--verbose", action="store_true", help="log each task run")
    worker_p.set_defaults(handler=cmd_worker)

    from locus.interchange.command import add_parser as add_import_parser

    add_import_parser(sub).set_defaults(handler=cmd_import)

    from locus.audit.command import add_parser as add_audit_parser

    add_audit_parser(sub).set_defaults(handler=cmd_audit)

    bench = sub.add_parser("bench", help="benchmarks on synthetic data")
    bench_sub = bench.add_subparsers(dest="benchmark", required=True, metavar="benchmark")
    peers = _add_benchmark(
        bench_sub,
        "peers",
        "peer network, linked cases and peer maps, checked against NetworkX",
        cmd_bench_peers,
    )
    peers.add_argument(
        "--scale",
        choices=["tiny", "small", "borough", "national"],
        default="small",
        help="small (2k people), borough (50k) or national (1M); tiny is for tests",
    )
    pages = _add_benchmark(
        bench_sub,
        "pages",
        "the linked-cases pages through Django, against a bare Django page",
        cmd_bench_pages,
        seed=2016,
        seed_help="the borough's seed",
    )
    pages.add_argument(
        "--people", type=int, default=50_000, help="young people in the borough (50000)"
    )
    pages.add_argument("--caseload", type=int, default=30, help="the caseload's size (30)")
    pages.add_argument("--runs", type=int, default=20, help="timed runs of each page (20)")
    places = _add_benchmark(
        bench_sub, "places", "hotspots, checked against a plain reference", cmd_bench_places
    )
    places.add_argument(
        "--scale",
        choices=["tiny", "small", "full"],
        default="full",
        help="small (100k incidents) or full (1M, the target's); tiny is for tests",
    )
    imports = _add_benchmark(
        bench_sub,
        "import",
        "the CIN census import, against a raw read and insert of the same rows",
        cmd_bench_import,
    )
    imports.add_argument(
        "--children", type=int, default=100_000, help="children in the return (100000)"
    )
    return parser


def _add_benchmark(
    bench_sub: Any,
    name: str,
    help_text: str,
    handler: Callable[[argparse.Namespace, TextIO], int],
    *,
    seed: int = 0,
    seed_help: str = "random seed",
) -> argparse.ArgumentParser:
    """A ``locus bench`` benchmark's parser, with the options every benchmark takes."""
    parser: argparse.ArgumentParser = bench_sub.add_parser(name, help=help_text)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=seed, help=f"{seed_help} ({seed})")
    parser.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "people", 5000) < 20:
        print("--people must be at least 20", file=sys.stderr)
        return 2
    return int(args.handler(args, out or sys.stdout))


if __name__ == "__main__":
    sys.exit(main())
