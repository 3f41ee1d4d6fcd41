"""On a phone (375 pixels) the service menu folds behind a "Menu" button and pages do not scroll
sideways; on a desk's screen a person's peers table shows its Change and End links without
scrolling."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from locus.peers.services import association_end
from tests.e2e.conftest import PASSWORD, axe_violations, sign_in
from tests.e2e.test_person_page import World
from tests.e2e.test_person_page import world as world
from tests.factories import make_association

PHONE = {"width": 375, "height": 800}
WIDE_JS = "document.documentElement.scrollWidth"


def _people_link(page: Any) -> Any:
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name="People")


def test_on_a_phone_the_menu_folds_behind_a_button(
    page: Any, live_server: Any, world: World
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "sw", "/people/")
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate(WIDE_JS) <= PHONE["width"]
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(_people_link(page)).to_be_hidden()
    assert axe_violations(page) == []

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(_people_link(page)).to_be_visible()
    assert axe_violations(page) == []
    menu.click()
    expect(_people_link(page)).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(menu).to_be_hidden()
    expect(_people_link(page)).to_be_visible()


def test_on_a_phone_the_account_bar_keeps_each_link_and_sign_out_on_one_line(
    page: Any, live_server: Any, world: World
) -> None:
    """Squeezed into one row, "Sign out" broke over two lines inside its button and "API
    tokens" likewise: the bar now wraps a whole item at a time."""
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "sw", "/people/")
    lines = (
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
    )
    for item in (
        page.get_by_role("button", name="Sign out"),
        page.get_by_role("link", name="API tokens"),
        page.get_by_role("link", name="Policies"),
    ):
        expect(item).to_be_visible()
        assert item.evaluate(lines) == 1
    assert page.evaluate(WIDE_JS) <= PHONE["width"]


def test_without_javascript_the_menu_shows_on_a_phone(
    browser: Any, live_server: Any, world: World
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Username").fill("sw")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(_people_link(page)).to_be_visible()
    context.close()


def _ended_and_current(world: World) -> None:
    ended_and_current(world.social_worker, world.child)


def ended_and_current(sw: Any, child: Any) -> None:
    """An ended relationship of ``child`` with a long reason, and a current one the worker
    ``sw`` may change."""
    ended = make_association(sw, person=child, other_label="A boy called Dee from the estate")
    association_end(
        actor=sw,
        association=ended,
        valid_until=ended.valid_from + dt.timedelta(days=40),
        reason="The child says they stopped seeing each other after Dee moved out of the borough",
    )
    make_association(sw, person=child, other_label="An older cousin who collects him from school")


def test_on_a_phone_pages_with_tables_do_not_scroll_sideways(
    page: Any, live_server: Any, world: World
) -> None:
    """Each wide table scrolls in a labelled region the keyboard reaches (axe:
    scrollable-region-focusable), and the peer map's focus list fits the screen."""
    _ended_and_current(world)
    group = world.child.memberships.first().group
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "sw", "/people/")
    for path in (
        "/people/",
        f"/people/{world.child.pk}/peers/",
        f"/people/{world.child.pk}/peer-map/",
        f"/groups/{group.pk}/",
    ):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate(WIDE_JS) <= PHONE["width"], path
        assert axe_violations(page) == [], path


def test_on_a_wide_screen_the_peers_table_shows_its_links_without_scrolling(
    page: Any, live_server: Any, world: World
) -> None:
    _ended_and_current(world)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "sw", f"/people/{world.child.pk}/peers/")
    ended = page.get_by_role("region", name="Ended and changed relationships")
    assert ended.evaluate("box => box.scrollWidth <= box.clientWidth")
    current = page.get_by_role("region", name="Current relationships").bounding_box()
    for action in ("Change", "End"):
        link = page.get_by_role("link", name=f"{action} the relationship with An older cousin")
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] + box["width"] <= current["x"] + current["width"], action
    assert axe_violations(page) == []


# Each visible table caption in a scroll region that reaches past the region's right edge,
# where a phone's reader cannot see the end of it.
CAPTIONS_CUT_JS = """() => [...document.querySelectorAll('.locus-table-scroll caption')]
  .filter((caption) => !caption.classList.contains('govuk-visually-hidden'))
  .filter((caption) => caption.getBoundingClientRect().right
    > caption.closest('.locus-table-scroll').getBoundingClientRect().right + 1)
  .map((caption) => caption.textContent.trim())"""


def test_on_a_phone_a_table_s_caption_wraps_within_the_screen(
    page: Any, live_server: Any, world: World
) -> None:
    """A wide table scrolls sideways in its box, but its caption (a chronology's count and
    filters, a map's table's name) wraps to the box's width and stays in view as the table
    scrolls, so it is read whole."""
    _ended_and_current(world)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "sw", "/people/")
    for path in (f"/notes/person/{world.child.pk}/", f"/people/{world.child.pk}/peer-map/"):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate(CAPTIONS_CUT_JS) == [], path
    page.goto(f"{live_server.url}/notes/person/{world.child.pk}/")
    chronology = page.get_by_role("region", name="Chronology")
    caption = chronology.locator("caption")
    expect(caption).to_contain_text("events: All kinds of event")
    chronology.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    assert page.evaluate(CAPTIONS_CUT_JS) == []
    assert caption.bounding_box()["x"] >= chronology.bounding_box()["x"] - 1


# For each table scroll box: (does its table overflow it, is it a tab stop).
SCROLL_STOPS_JS = """() => [...document.querySelectorAll('.locus-table-scroll')].map(
    box => [box.scrollWidth > box.clientWidth, box.getAttribute('tabindex') === '0'])"""


def test_a_table_scroll_box_is_a_tab_stop_only_while_it_has_something_to_scroll(
    page: Any, live_server: Any, world: World
) -> None:
    """A box whose table fits adds a tab stop that does nothing; one whose table overflows must
    be reachable by keyboard, on a phone and after the window narrows."""
    _ended_and_current(world)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "sw", f"/people/{world.child.pk}/peers/")
    wide = page.evaluate(SCROLL_STOPS_JS)
    assert wide and all(overflows == stop for overflows, stop in wide), wide
    assert not all(stop for _, stop in wide), wide
    page.set_viewport_size(PHONE)
    # On a phone the peers tables stack, each row a block: nothing to scroll, no stop (once
    # the resize has reached init.js).
    page.wait_for_function(f"() => ({SCROLL_STOPS_JS})().every(([o, s]) => !o && !s)")
    assert page.evaluate(SCROLL_STOPS_JS) == [[False, False]] * 2
    page.goto(f"{live_server.url}/people/{world.child.pk}/peer-map/")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_viewport_size(PHONE)
    narrow = page.evaluate(SCROLL_STOPS_JS)
    assert any(overflows for overflows, _ in narrow), narrow
    assert all(overflows == stop for overflows, stop in narrow), narrow
    assert axe_violations(page) == []
