"""On a phone a wide table scrolls in its own box, and its column of prose keeps a readable
measure: squeezed to a word a line, a child's allocated workers ran a page of 50 people to
8,700px at 390 pixels, an audit row's description a page of the trail to 8,300px, the sharing
register's lawful bases and recipients a page of it to 8,000px, and a linked case's evidence one
row to 1,270px. The people list stacks on a phone instead (each row a block, each cell with its
heading), its allocated workers given the whole width. A place's timeline, not a table, wraps
each role and person in its column."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.common import clock
from locus.incidents.services import incident_record
from tests.e2e.conftest import axe_violations, linked_pair, sign_in
from tests.e2e.test_person_page import World
from tests.e2e.test_person_page import world as world
from tests.sharing.helpers import referral_share

PHONE = {"width": 390, "height": 800}
PROSE = 16 * 16  # 16rem

_WIDTH = """name => {
  const th = [...document.querySelectorAll('main th')].find(e => e.innerText.trim() === name);
  return th ? th.getBoundingClientRect().width : null;
}"""


# The width of the text of the first cell under a heading in a table that stacks on a phone.
_CELL_WIDTH = """name => {
  const td = document.querySelector(`main td[data-label="${name}"]`);
  return td ? td.getBoundingClientRect().width - parseFloat(getComputedStyle(td).paddingLeft)
    : null;
}"""


def _column_width(page: Any, path: str, heading: str, measure: str = _WIDTH) -> float:
    page.goto(path)
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    width = page.evaluate(measure, heading)
    assert width is not None, (path, heading)
    return float(width)


def test_on_a_phone_people_the_audit_trail_and_the_register_keep_their_prose_readable(
    page: Any, live_server: Any, world: World
) -> None:
    referral_share(
        world.social_worker,
        world.child,
        "Riverside Community Health, the school nursing team",
        [world.child.pk],
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "sw", "/people/")
    people = f"{live_server.url}/people/"
    assert _column_width(page, people, "Allocated to", _CELL_WIDTH) >= PROSE
    assert axe_violations(page) == []
    page.context.clear_cookies()
    sign_in(page, live_server.url, "auditor", "/audit/")
    assert _column_width(page, f"{live_server.url}/audit/", "What happened") >= PROSE
    assert axe_violations(page) == []
    assert _column_width(page, f"{live_server.url}/sharing/", "Lawful basis") >= PROSE
    assert _column_width(page, f"{live_server.url}/sharing/", "With whom") >= PROSE
    assert axe_violations(page) == []


def test_on_a_phone_a_linked_case_s_evidence_stays_readable(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    linked_pair()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "sw", "/linked/")
    assert _column_width(page, f"{live_server.url}/linked/", "Evidence") >= PROSE
    assert axe_violations(page) == []
    # On a desk's screen the table shares the column's width as before: no scrolling.
    page.set_viewport_size({"width": 1280, "height": 800})
    box = page.get_by_role("region", name="Linked cases on strong evidence")
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth")


_PAST_ITS_COLUMN = """() => [...document.querySelectorAll('.locus-timeline p > span')].filter(
  e => e.getBoundingClientRect().right > e.closest('p').getBoundingClientRect().right + 1
).map(e => e.innerText)"""


def test_on_a_phone_a_place_s_timeline_keeps_each_role_and_person_in_its_column(
    page: Any, live_server: Any, world: World
) -> None:
    """A role's tag and the person it names were held on one line: "Present or witness A
    person not shared with you" ran past the column and off a 375-pixel screen, cut off."""
    incident = world.child.involvements.get().incident
    incident_record(
        actor=system_worker(),
        kind="robbery",
        occurred_at=clock.now() - dt.timedelta(days=3),
        context=incident.context,
        summary="A second robbery at the park",
        reporting_agency=world.social_worker.team.agency,
        involvements=[(world.child, "harmed"), (world.peer, "present")],
        source="professional",
        confidence="high",
    )
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server.url, "sw", f"/contexts/{incident.context_id}/")
    expect(page.get_by_text("Present or witness")).to_be_visible()
    assert page.evaluate(_PAST_ITS_COLUMN) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
