"""In a real browser: a team manager invited to two panels sees "Notifications, 2 unread" in
the header, reads them in My work (unread said in words, each linking to its panel), marks
them all read and sees the count go to zero, then finds them, read, on the notifications
page. axe on My work with notifications, and on that page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.common import clock
from locus.panels.services import panel_create
from locus.sharing.vocab import SAFEGUARDING
from tests.e2e.conftest import axe_violations, csc_social_worker, e2e_worker, sign_in


@pytest.fixture
def panels(transactional_db: Any) -> list[Any]:
    system = system_worker()
    sw = csc_social_worker(system)
    tm = e2e_worker(system, "tm", "Tess Manager", sw.team, "manager")
    return [
        panel_create(
            actor=sw,
            kind=kind,
            meets_on=clock.today() + dt.timedelta(days=days),
            chair=tm,
            basis=SAFEGUARDING,
        )
        for kind, days in (("mace", 7), ("hsb", 14))
    ]


def test_the_unread_count_goes_to_zero_after_mark_all_as_read(
    page: Any, live_server: Any, panels: list[Any]
) -> None:
    base = live_server.url
    sign_in(page, base, "tm")
    header = page.get_by_role("link", name="Notifications, 2 unread")
    expect(header).to_be_visible()
    with page.expect_navigation():
        header.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    table = page.get_by_role("table", name="Your unread notifications, newest first")
    expect(table.get_by_text("Unread", exact=True)).to_have_count(2)
    expect(table).to_contain_text("Meeting invitation: You are invited to the MACE panel on")
    assert axe_violations(page) == []

    # The link opens the panel, through the panel's own access check.
    with page.expect_navigation():
        table.get_by_role("link", name="Contextual HSB meeting", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contextual HSB meeting")
    page.go_back()

    with page.expect_navigation():
        page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()
    expect(page.get_by_text("2 notifications marked as read")).to_be_visible()
    expect(table.get_by_text("Unread", exact=True)).to_have_count(0)
    expect(page.get_by_text("You have no unread notifications.")).to_be_visible()
    assert axe_violations(page) == []

    # Every notification, read ones too, is on the notifications page.
    with page.expect_navigation():
        page.get_by_role("link", name="All your notifications").click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    everything = page.get_by_role("table", name="Your notifications, newest first")
    expect(everything.get_by_role("row")).to_have_count(3)  # the head and two read ones
    expect(everything).to_contain_text("Read ")
    assert axe_violations(page) == []

    # The worker who set the panels up was not told of their own act.
    page.context.clear_cookies()
    sign_in(page, base, "sw")
    expect(page.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()
