"""A password an administrator set, in a real browser: the worker chooses their own before
the page they asked for, and the page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

from locus.access.models import Worker
from locus.access.services import system_worker
from tests.e2e.conftest import PASSWORD, axe_violations, csc_social_worker, sign_in

OWN = "lantern-orchard-41-ribbon"


def test_a_worker_chooses_their_own_password_before_any_page(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    system = system_worker()
    worker = csc_social_worker(system)
    # As the admin site's password form leaves it: the password set is a temporary one.
    Worker.objects.filter(pk=worker.pk).update(password_change_due=True)
    sign_in(page, live_server.url, "sw", "/people/")
    page.get_by_role("heading", name="Choose your password", exact=True).wait_for()
    assert axe_violations(page) == []
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password again", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Change password", exact=True).click()
    page.get_by_text("Choose a password other than the one your administrator set").first.wait_for()
    assert axe_violations(page) == []
    page.get_by_label("New password", exact=True).fill(OWN)
    page.get_by_label("New password again", exact=True).fill(OWN)
    with page.expect_navigation():
        page.get_by_role("button", name="Change password", exact=True).click()
    page.get_by_role("heading", name="People", exact=True).first.wait_for()
    assert page.url.endswith("/people/")
