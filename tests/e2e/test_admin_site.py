"""The administrator's reference-data pages (Django's own admin) meet the same WCAG 2.2 AA
bar as the rest of Locus: an administrator who relies on contrast reads the breadcrumbs and
the links in them as well as any other page's."""

from __future__ import annotations

from typing import Any

import pytest

from locus.access.services import system_worker
from tests.e2e.conftest import axe_violations, csc_team, e2e_worker, sign_in


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/access/worker/",
        "/admin/access/team/add/",
        "/admin/audit/accessevent/",
        "/admin/places/context/",
    ],
    ids=["index", "workers", "add a team", "reads", "places"],
)
def test_admin_pages_have_no_axe_violations(
    page: Any, live_server: Any, transactional_db: Any, path: str
) -> None:
    e2e_worker(system_worker(), "itadmin", "Ira Admin", None, "administrator")
    sign_in(page, live_server.url, "itadmin", path)
    assert page.url.endswith(path), "the administrator reaches the admin page"
    assert axe_violations(page) == []


def test_a_manager_confirms_an_account_the_admin_site_gave_their_team(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    """An account an administrator gives a team waits for the team's manager: its page says
    who confirms it, and the manager's confirmation page meets the same bar."""
    from locus.access.services import worker_access_ask

    system = system_worker()
    team = csc_team(system)
    e2e_worker(system, "tm", "Tara Manning", team, "manager")
    newcomer = e2e_worker(system, "new", "Nia Newcomer", team)
    admin = e2e_worker(system, "itadmin", "Ira Admin", None, "administrator")
    worker_access_ask(actor=admin, worker=newcomer)
    sign_in(page, live_server.url, "new")
    waiting = "Your access is waiting for Tara Manning or another manager of"
    assert waiting in page.inner_text("main")
    assert axe_violations(page) == []
    page.context.clear_cookies()
    sign_in(page, live_server.url, "tm", f"/account/access/{newcomer.pk}/")
    assert page.get_by_role("heading", name="Confirm access").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Yes, confirm it").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record decision").click()
    assert "Access of Nia Newcomer confirmed" in page.inner_text("main")
