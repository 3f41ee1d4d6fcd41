"""On a phone the tables a worker reads most stack: each row is a block and each cell shows its
column's heading beside it, so the last columns (My work's Due and its Overdue tag, a
relationship's dates and its Change and End links, a notification's Mark as read) are in view
without scrolling sideways. Screen readers still read a table, each cell with its column's
heading, and not the drawn heading a second time. On a desk's screen the table is a table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import worker_set_password
from locus.casework.reference import ensure_reference_data
from locus.common.clock import today
from tests.casework.helpers import add_action, home_plan, refer
from tests.e2e.conftest import PASSWORD, axe_violations, sign_in
from tests.e2e.test_phone_width import ended_and_current
from tests.factories import World, build_world

PHONE = {"width": 375, "height": 800}
DESK = {"width": 1280, "height": 800}
OVERDUE = "Overdue work, most overdue first"
PAGE_WIDTH = "document.documentElement.scrollWidth"

# What is wrong with each stacking table on the page: a part without its explicit role (some
# browsers drop a table's roles when CSS changes its parts' display), a cell whose data-label
# is not its column's heading (none for a column whose heading only screen readers hear), and,
# on a phone, a heading not drawn before its cell or a cell past the screen's right edge.
STACK_PROBLEMS_JS = """() => {
  const problems = [];
  const phone = window.innerWidth <= 640;
  const roles = {TABLE: 'table', THEAD: 'rowgroup', TBODY: 'rowgroup', TR: 'row',
                 TH: 'columnheader', TD: 'cell'};
  for (const table of document.querySelectorAll('table.locus-table-stack')) {
    for (const part of [table, ...table.querySelectorAll('thead, tbody, tr, th, td')]) {
      if (part.getAttribute('role') !== roles[part.tagName]) {
        problems.push(`${part.tagName} without role ${roles[part.tagName]}`);
      }
    }
    const headings = [...table.querySelectorAll('thead th')].map(th => {
      const hidden = th.querySelector('.govuk-visually-hidden');
      return hidden && hidden.textContent.trim() === th.textContent.trim()
        ? null : th.textContent.trim();
    });
    for (const row of table.querySelectorAll('tbody tr')) {
      let column = 0;
      for (const td of row.children) {
        const span = td.colSpan;
        if (span === 1) {
          const label = td.dataset.label ?? null;
          if (label !== headings[column]) problems.push(`${label} under ${headings[column]}`);
          const drawn = getComputedStyle(td, '::before').content;
          if (phone && label && !drawn.startsWith(JSON.stringify(label))) {
            problems.push(`${label} drawn as ${drawn}`);
          }
        }
        if (phone && td.getBoundingClientRect().right > window.innerWidth) {
          problems.push(`${td.dataset.label} past the screen's edge`);
        }
        column += span;
      }
    }
  }
  return problems;
}"""

STACKED = "document.querySelectorAll('table.locus-table-stack').length"

# On a desk's screen: each stacking table is laid out as a table, its header row shown, no
# heading drawn in a cell, and each row's cells side by side.
DESK_TABLES_JS = """() => [...document.querySelectorAll('table.locus-table-stack')].map(table => {
  const rows = [...table.querySelectorAll('tbody tr')].filter(r => r.children.length > 1);
  return [
    getComputedStyle(table).display,
    table.querySelector('thead th').getBoundingClientRect().height > 1,
    [...table.querySelectorAll('td')].every(
      td => getComputedStyle(td, '::before').content === 'none'),
    rows.every(r => new Set(
      [...r.children].map(td => Math.round(td.getBoundingClientRect().top))).size === 1),
  ];
})"""


def _read_out(page: Any, caption: str) -> list[list[tuple[str, str]]]:
    """The table captioned ``caption`` as Chromium gives it to a screen reader: each row's
    cells and column headers, as (role, name)."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {node["nodeId"]: node for node in nodes}

    def role(node: dict[str, Any]) -> str:
        return str(node.get("role", {}).get("value", ""))

    def name(node: dict[str, Any]) -> str:
        return str(node.get("name", {}).get("value", "")).strip("\xa0 ")

    def below(node: dict[str, Any]) -> list[dict[str, Any]]:
        found = []
        for child in node.get("childIds", []):
            if child in by_id:
                found.append(by_id[child])
                found.extend(below(by_id[child]))
        return found

    (table,) = [n for n in nodes if role(n) == "table" and name(n) == caption]
    return [
        [(role(cell), name(cell)) for cell in below(row) if role(cell) in ("cell", "columnheader")]
        for row in below(table)
        if role(row) == "row"
    ]


@pytest.fixture
def world(transactional_db: Any) -> World:
    """social_worker holds Ciara: a referral ten days undecided (overdue on My work, and on her
    manager's team list), an action on a plan newly hers (a notification), a current
    relationship and an ended one."""
    ensure_reference_data()
    built = build_world()
    for worker in (built.social_worker, built.team_manager):
        worker_set_password(actor=built.admin, worker=worker, password=PASSWORD)
    refer(built, received_on=today() - dt.timedelta(days=10))
    plan = home_plan(built)
    add_action(built, plan, actor=built.team_manager, agency=built.csc, owner=built.social_worker)
    ended_and_current(built.social_worker, built.csc_child)
    return built


def _in_view(page: Any, locator: Any) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def _cell(page: Any, table: str, row: str, column: int) -> Any:
    """The cell in ``column`` (from 0) of the row of ``table`` that says ``row``."""
    rows = page.get_by_role("table", name=table).get_by_role("row").filter(has_text=row)
    return rows.get_by_role("cell").nth(column)


def _overdue_due_cell(page: Any) -> Any:
    return _cell(page, OVERDUE, "Decide on a referral", 3)


def test_on_a_phone_my_work_shows_an_overdue_item_s_due_date_read_with_its_heading(
    page: Any, live_server: Any, world: World
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, world.social_worker.username, "/my-work/")
    due = _overdue_due_cell(page)
    _in_view(page, due)
    _in_view(page, due.locator(".govuk-tag"))
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert page.evaluate(STACKED) >= 3  # notifications, overdue and due
    assert page.evaluate(STACK_PROBLEMS_JS) == []
    # A screen reader reads a table: its headers, then each row's cells, whose names are their
    # text alone (the heading drawn before a cell is not read again).
    read = _read_out(page, OVERDUE)
    assert read[0] == [("columnheader", h) for h in ("What", "About", "Whose", "Due")]
    assert [role for role, _ in read[1]] == ["cell"] * 4
    assert read[1][0][1] == "Decide on a referral"
    assert read[1][3][1].endswith("Overdue") and not read[1][3][1].startswith("Due")
    assert axe_violations(page) == []

    _in_view(page, page.get_by_role("button", name="Mark as read"))
    page.goto(f"{live_server.url}/notifications/")
    _in_view(page, page.get_by_role("button", name="Mark as read"))
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert page.evaluate(STACK_PROBLEMS_JS) == []

    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/my-work/")
    tables = page.evaluate(DESK_TABLES_JS)
    assert len(tables) >= 2 and all(t == ["table", True, True, True] for t in tables), tables
    due_heading = page.get_by_role("table", name=OVERDUE).get_by_role("columnheader", name="Due")
    assert due_heading.bounding_box()["x"] == pytest.approx(
        _overdue_due_cell(page).bounding_box()["x"], abs=1
    )
    assert axe_violations(page) == []


def test_on_a_phone_a_manager_s_team_work_shows_each_item_s_due_date(
    page: Any, live_server: Any, world: World
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, world.team_manager.username, "/my-work/?who=team")
    _in_view(page, _overdue_due_cell(page))
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert page.evaluate(STACK_PROBLEMS_JS) == []
    assert axe_violations(page) == []


def test_on_a_phone_a_relationship_s_dates_and_end_link_are_in_view(
    page: Any, live_server: Any, world: World
) -> None:
    child = world.csc_child
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, world.social_worker.username, f"/people/{child.pk}/peers/")
    cousin = "the relationship with An older cousin"
    for action in ("Change", "End"):
        _in_view(page, page.get_by_role("link", name=f"{action} {cousin}"))
    valid = _cell(page, "Current relationships", "An older cousin", 6)
    expect(valid).to_contain_text("to now")
    _in_view(page, valid)
    valid = _cell(page, "Ended and changed relationships", "A boy called Dee", 6)
    expect(valid).to_contain_text("ended")
    _in_view(page, valid)
    for region in ("Current relationships", "Ended and changed relationships"):
        box = page.get_by_role("region", name=region)
        assert box.evaluate("box => box.scrollWidth <= box.clientWidth"), region
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert page.evaluate(STACKED) == 2
    assert page.evaluate(STACK_PROBLEMS_JS) == []
    read = _read_out(page, "Current relationships")
    assert read[0][-2:] == [("columnheader", "Valid"), ("columnheader", "Actions")]
    assert all(role == "cell" for row in read[1:] for role, _ in row)
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.get_by_role("link", name=f"End {cousin}").click()
    expect(page.locator("h1")).to_contain_text("End")

    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/people/{child.pk}/peers/")
    tables = page.evaluate(DESK_TABLES_JS)
    assert tables == [["table", True, True, True]] * 2, tables


def test_without_javascript_the_tables_stack_on_a_phone_with_their_headings(
    browser: Any, live_server: Any, world: World
) -> None:
    """The headings come from the template, not from a script."""
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server.url, world.social_worker.username, "/my-work/")
    _in_view(page, _overdue_due_cell(page))
    for path in (f"/people/{world.csc_child.pk}/peers/", "/people/", "/incidents/"):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate(STACKED) >= 1, path
        assert page.evaluate(PAGE_WIDTH) <= PHONE["width"], path
        assert page.evaluate(STACK_PROBLEMS_JS) == [], path
    context.close()


def test_on_a_phone_a_child_s_page_shows_each_association_s_dates(
    page: Any, live_server: Any, world: World
) -> None:
    """A child's own page listed associations, current and ended, in tables whose last
    columns (Since, Valid, Ended by, Reason) were past the screen's edge: they stack too."""
    child = world.csc_child
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, world.social_worker.username, f"/people/{child.pk}/")
    name = child.full_name
    current = f"People associated with {name} now, with where the information came from"
    ended = f"Associations of {name} that have ended, who ended each and why"
    since = _cell(page, current, "An older cousin", 5)
    _in_view(page, since)
    _in_view(page, _cell(page, ended, "A boy called Dee", 4))
    assert page.evaluate(PAGE_WIDTH) <= PHONE["width"]
    assert page.evaluate(STACKED) >= 2
    assert page.evaluate(STACK_PROBLEMS_JS) == []
    assert axe_violations(page) == []
