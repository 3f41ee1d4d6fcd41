"""Browser tests: Playwright driving Debian's chromium, headless.

Never ``playwright install``: it downloads a browser, which cannot work on a
closed network. The browser is the system's /usr/bin/chromium.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

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


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """WCAG 2.2 AA violations on the page as it stands, from axe-core."""
    # Evaluated through the DevTools protocol rather than added as a <script>,
    # so the page's strict Content Security Policy stays on during the check.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


PASSWORD = "e2e-password-not-real-42"


def sign_in(page: Any, base: str, username: str, next_path: str = "/") -> None:
    page.goto(f"{base}{next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


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
    )
