"""The page links under a long list: "Page 2 of 3" sits level with its Previous and Next
links, on a desk's screen and on a phone, rather than some ten pixels above them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.audit.services import record_access
from locus.people.services import person_create
from tests.e2e.conftest import axe_violations, e2e_worker, sign_in

BORN = dt.date(2011, 5, 4)
WIDTHS = (1280, 390)


@pytest.fixture
def long_trail(transactional_db: Any) -> None:
    """An auditor ("auditor"), and 120 reads in the audit trail: three pages of 50."""
    system = system_worker()
    e2e_worker(system, "auditor", "Ade Auditor", None, "auditor")
    child = person_create(
        actor=system, given_name="Jordan", family_name="Testperson", date_of_birth=BORN
    )
    for n in range(120):
        record_access(actor=system, obj=child, detail={"page": f"read {n}"})


def _middle(box: dict[str, float]) -> float:
    return box["y"] + box["height"] / 2


def test_the_page_count_sits_level_with_the_page_links(
    page: Any, live_server: Any, long_trail: None
) -> None:
    sign_in(page, live_server.url, "auditor", "/audit/?page=2")
    pages = page.get_by_role("navigation", name="Pages")
    count = pages.get_by_text("Page 2 of 3", exact=True)
    links = [pages.get_by_role("link", name=f"{name} page") for name in ("Previous", "Next")]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        expect(count).to_be_visible()
        level = _middle(count.bounding_box())
        for link in links:
            expect(link).to_be_visible()
            assert abs(_middle(link.bounding_box()) - level) <= 2, width
    assert axe_violations(page) == []
