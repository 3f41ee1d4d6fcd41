"""Browser tests: Playwright driving Debian's chromium, headless.

Never ``playwright install``: it downloads a browser, which cannot work on a
closed network. The browser is the system's /usr/bin/chromium.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from tests.frozen_clock import SESSION_DAY, on_the_day

CHROMIUM = os.environ.get("LOCUS_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# Playwright's sync API keeps an event loop running in this thread; Django's
# ORM refuses to run there unless told it is safe (the test thread is ours).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (bash scripts/test does, as root)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


class _ServerAwaitingItsRequests(ThreadedWSGIServer):
    """Django's live server, whose closing waits for the threads serving its requests.

    Each thread is lent the test database's connection (SQLite in memory, shared with the
    server while it runs) and closes it when its browser connection ends. Django's are
    daemon threads, which closing the server does not wait for: one whose browser connection
    ended after the server had stopped, and the connection was no longer shared with it,
    failed ("DatabaseWrapper objects created in a thread can only be used in that same
    thread"), a warning after every run of the browser tests."""

    daemon_threads = False  # socketserver keeps them, and server_close() joins them

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        # The clock is set per thread, so the test thread's "keep the day the run started on"
        # (tests/conftest.py) does not reach the server's: without this, a run past midnight
        # had the browser approve an assessment "tomorrow" and the test's conference,
        # dated today, refused as before it.
        with on_the_day(SESSION_DAY):
            super().process_request_thread(request, client_address)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server (same address), stopped only once every request it took
    has finished; the browser, which holds connections open, is closed before (``browser``)."""
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.server_class = _ServerAwaitingItsRequests
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(live_server: LiveServer, browser: Browser) -> Iterator[Browser]:
    """pytest-playwright's browser, started after the live server so that it is closed before
    the server stops: its kept-alive connections end, and their threads with them.

    From Playwright's start to its stop this thread's event loop counts as running (Playwright
    marks it so between its calls), and Django then keeps this thread's database connections
    apart from those it had before: a test that reads the database after a browser test, in
    a transaction rolled back rather than a flush, leaves one of those open. Django's closing
    of the test database, after Playwright has stopped, sees only the others, and PostgreSQL
    refused to drop the database ("being accessed by other users", a warning at the end of
    each test process that ran a browser test between database tests). Closed here, while
    Playwright still runs."""
    yield browser
    connections.close_all()


# What a Playwright error says when the page navigated while a script ran on it.
NAVIGATED = ("documentElement", "Execution context was destroyed")


def _run_axe(page: Any) -> dict[str, Any]:
    # Evaluated through the DevTools protocol rather than added as a <script>,
    # so the page's strict Content Security Policy stays on during the check.
    page.evaluate(AXE.read_text())
    result: dict[str, Any] = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    return result


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """WCAG 2.2 AA violations on the page as it stands, from axe-core."""
    # A check called straight after a click that navigates can start on the page being
    # left: the document is swapped under axe ("reading 'documentElement'" of null, or a
    # destroyed context; seen on a loaded CI machine). Such a run says nothing about
    # either page, so wait for the new page to load and check it again.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            result = _run_axe(page)
            break
        except PlaywrightError as error:
            if attempt == 2 or not any(sign in str(error) for sign in NAVIGATED):
                raise
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


PASSWORD = "e2e-password-not-real-42"


def sign_in(page: Any, base: str, username: str, next_path: str = "/") -> None:
    page.goto(f"{base}{next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    # Wait for the page the sign-in leads to: an assertion straight after a bare click can
    # read the sign-in page while the next one is still loading (seen on a loaded machine).
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def demo_borough(settings: Any, data_dir: Path) -> None:
    """The demo's borough (20 young people, seed 5) and its accounts, who sign in with
    ``PASSWORD``; the files it writes go under ``data_dir``."""
    from locus.demo.generator import ensure_demo_accounts, generate_borough

    settings.DATA_DIR = data_dir
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    generate_borough(seed=5, people=20)
    ensure_demo_accounts(PASSWORD)


def e2e_worker(system: Any, username: str, name: str, team: Any, role: str = "practitioner") -> Any:
    """A worker who can sign in with ``PASSWORD``; ``name`` is "First Last"."""
    from locus.access.services import worker_create

    first, last = name.split()
    return worker_create(
        actor=system,
        username=username,
        first_name=first,
        last_name=last,
        team=team,
        role=role,
        password=PASSWORD,
        email=f"{username}@workers.example",
    )


def csc_team(system: Any, name: str = "Contextual Safeguarding Team") -> Any:
    """Children's social care and its contextual safeguarding team (or the team ``name``):
    where most browser tests' workers sit. The agency is the team's ``agency``."""
    from locus.access.services import agency_create, team_create

    csc = agency_create(actor=system, name="Children's Social Care", kind="csc")
    return team_create(actor=system, agency=csc, name=name)


def csc_social_worker(system: Any) -> Any:
    """Sam Okafor, who signs in as "sw": a practitioner in ``csc_team``, which is her
    ``team``."""
    return e2e_worker(system, "sw", "Sam Okafor", csc_team(system))


def transfer_teams(system: Any) -> tuple[Any, Any]:
    """Two teams of children's social care that a child moves between: ``csc_team`` (Sam
    Okafor, "sw"; Tara Manning, "tm", its manager; Mo Teammate, "mate") and the Adolescent
    Support Team (Rita Marsh, "rm", its manager; Riley Reeves, "rw"). Returns Sam and Riley."""
    from locus.access.services import team_create

    sw = csc_social_worker(system)
    other_team = team_create(actor=system, agency=sw.team.agency, name="Adolescent Support Team")
    e2e_worker(system, "tm", "Tara Manning", sw.team, "manager")
    e2e_worker(system, "mate", "Mo Teammate", sw.team)
    e2e_worker(system, "rm", "Rita Marsh", other_team, "manager")
    return sw, e2e_worker(system, "rw", "Riley Reeves", other_team)


def yjs_worker(system: Any, name: str = "Yemi Adeyemi") -> Any:
    """A practitioner of the youth justice service who signs in as "yw" (``name`` is "First
    Last"), in its casework team: her agency is ``team.agency``."""
    from locus.access.services import agency_create, team_create

    yjs = agency_create(actor=system, name="Youth Justice Service", kind="yjs")
    team = team_create(actor=system, agency=yjs, name="YJS Casework")
    return e2e_worker(system, "yw", name, team)


def police_analyst(system: Any) -> Any:
    """Priya Shah, who signs in as "pa": an analyst in the Metropolitan Police's intelligence
    analysts. Her agency is ``team.agency``."""
    from locus.access.services import agency_create, team_create

    police = agency_create(actor=system, name="Metropolitan Police", kind="police")
    analysts = team_create(actor=system, agency=police, name="Intelligence Analysts")
    return e2e_worker(system, "pa", "Priya Shah", analysts, "analyst")


def held_child(system: Any, worker: Any, **details: Any) -> Any:
    """Jordan Testperson, born on ``START_DOB``, whom ``worker`` holds from ``ALLOCATED``;
    ``details`` are more fields of the record."""
    from locus.people.services import allocation_create, person_create

    child = person_create(
        actor=system,
        given_name="Jordan",
        family_name="Testperson",
        date_of_birth=START_DOB,
        **details,
    )
    allocation_create(actor=system, person=child, worker=worker, start=ALLOCATED)
    return child


def add_members(
    system: Any, group: Any, members: tuple[Any, ...], since: dt.date, source: str
) -> None:
    """Put ``members`` in a peer group as core members from ``since`` (medium confidence)."""
    from locus.peers.services import membership_add

    for member in members:
        membership_add(
            actor=system,
            person=member,
            group=group,
            role="core",
            since=since,
            source=source,
            confidence="medium",
        )


@dataclass
class LinkedPair:
    """A child held by a social worker (``sw``, managed by ``tm``) and a peer held by a youth
    justice worker (``yw``), linked by a police "presents risk" association."""

    system: Any
    csc: Any
    yjs_worker: Any
    child: Any
    peer: Any


def linked_pair() -> LinkedPair:
    from locus.access.services import system_worker
    from locus.peers.services import association_record
    from locus.people.services import allocation_create, person_create

    system = system_worker()
    social_worker = csc_social_worker(system)
    e2e_worker(system, "tm", "Tess Manager", social_worker.team, "manager")
    yw = yjs_worker(system)
    child = held_child(system, social_worker)
    peer = person_create(
        actor=system, given_name="Casey", family_name="Peerless", date_of_birth=PEER_DOB
    )
    allocation_create(actor=system, person=peer, worker=yw, start=ALLOCATED)
    association_record(
        actor=system,
        person=child,
        other=peer,
        relationship="friend",
        nature="risk",
        source="police",
        confidence="medium",
        valid_from=ALLOCATED + dt.timedelta(days=27),
    )
    csc = social_worker.team.agency
    return LinkedPair(system=system, csc=csc, yjs_worker=yw, child=child, peer=peer)


START_DOB = dt.date(2011, 5, 4)
PEER_DOB = dt.date(2010, 2, 2)
ALLOCATED = dt.date(2026, 1, 5)
