"""The administrator's reference-data pages (Django's own admin) meet the same WCAG 2.2 AA
bar as the rest of Locus: an administrator who relies on contrast reads the breadcrumbs and
the links in them as well as any other page's."""

from __future__ import annotations

from typing import Any

import pytest

from locus.access.services import system_worker
from tests.e2e.conftest import axe_violations, e2e_worker, sign_in


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
