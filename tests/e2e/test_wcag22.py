"""The WCAG 2.2 criteria axe checks only in part or not at all, in the browser: targets big
enough to tap on the main pages (2.5.8), a focused control never hidden (2.4.11), maps that
move with single clicks as well as by dragging (2.5.7), and a sign-in a password manager can
fill (3.3.8). docs/architecture.md, "The WCAG 2.2 criteria axe checks in part or not at
all", says which test checks which criterion."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from locus.access.services import system_worker
from tests.e2e.conftest import e2e_worker, sign_in
from tests.e2e.targets import focus_hidden, small_targets, tab_until_hidden
from tests.e2e.test_borough_map import _social_worker_and_child
from tests.e2e.test_hotspots import _plant as _plant_a_hotspot
from tests.e2e.test_person_page import World
from tests.e2e.test_person_page import world as world

WIDTHS = (1280, 390)


def _main_pages(w: World) -> dict[str, list[str]]:
    """The main pages of each persona who signs in, by username."""
    child = w.child.pk
    incident = w.child.involvements.first().incident
    group = w.child.memberships.first().group
    return {
        "sw": [
            "/",
            "/people/",
            f"/people/{child}/",
            "/contexts/",
            "/contexts/map/",
            f"/contexts/{incident.context_id}/",
            f"/groups/{group.pk}/",
            f"/people/{child}/peer-map/",
            "/incidents/",
            f"/incidents/{incident.pk}/",
            f"/notes/person/{child}/add/",
        ],
        "pa": ["/", "/people/", "/incidents/", "/linked/"],
        "auditor": ["/audit/", "/audit/?show=changes"],
        "it": ["/", "/policies/"],
    }


def test_targets_on_the_main_pages_are_big_enough_to_tap(
    page: Any, live_server: Any, world: World
) -> None:
    """WCAG 2.5.8: every link, button and control not in a sentence is 24 by 24 pixels, or
    far enough from the others, on a desk's screen and on a phone, for each persona."""
    e2e_worker(system_worker(), "it", "Ira Admin", None, "administrator")
    small: list[str] = []
    for username, paths in _main_pages(world).items():
        page.context.clear_cookies()
        sign_in(page, live_server.url, username)
        for path in paths:
            page.goto(live_server.url + path)
            expect(page.locator("h1")).to_be_visible()
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                small += [f"{username} {path} at {width}: {t}" for t in small_targets(page)]
    assert small == []


def test_a_focused_control_is_never_hidden_on_a_long_page(
    page: Any, live_server: Any, world: World
) -> None:
    """WCAG 2.4.11: tabbing through a child's page and the incidents list, on a desk's screen
    and on a phone (where each table scrolls in its box, under its caption kept in view), no
    focused control is hidden under anything."""
    sign_in(page, live_server.url, "sw")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 700})
        for path in (f"/people/{world.child.pk}/", "/incidents/"):
            page.goto(live_server.url + path)
            expect(page.locator("h1")).to_be_visible()
            assert tab_until_hidden(page, 80) == [], (path, width)


def test_the_borough_map_moves_with_buttons(page: Any, live_server: Any, world: World) -> None:
    """WCAG 2.5.7: the borough map moves with a click on Left, Right, Up or Down, as it does
    by dragging or with the arrow keys."""
    sign_in(page, live_server.url, "sw", "/contexts/map/")
    pane = page.locator("#borough-map .leaflet-map-pane")
    expect(pane).to_be_attached()
    for way in ("Left", "Right", "Up", "Down"):
        before = pane.get_attribute("style")
        page.get_by_role("button", name=f"Move the map {way.lower()}").click()
        expect(pane).not_to_have_attribute("style", before or "")


def _borough_map_on_a_phone(page: Any, live_server: Any, height: int = 800) -> Any:
    """The borough map with a hotspot and seven places, on a phone ``height`` pixels high;
    its ring."""
    system, _csc, _child = _social_worker_and_child()
    _plant_a_hotspot(system)
    page.set_viewport_size({"width": 390, "height": height})
    sign_in(page, live_server.url, "sw", "/contexts/map/")
    ring = page.get_by_role("button", name="New hotspot near Lantern Fields", exact=True)
    expect(ring).to_be_attached()
    return ring


def _zoom(page: Any, way: str, times: int) -> None:
    for _ in range(times):
        page.get_by_role("button", name=f"Zoom {way}").click()
        page.wait_for_timeout(500)  # the zoom's animation


def test_on_a_phone_a_hotspots_ring_zoomed_out_is_big_enough_to_tap(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    """WCAG 2.5.8: zoomed out, the hotspot's ring is still 24 pixels across."""
    _borough_map_on_a_phone(page, live_server)
    _zoom(page, "out", 1)
    assert small_targets(page) == []


def test_on_a_phone_each_place_focused_on_the_borough_map_is_in_view(
    page: Any, live_server: Any, transactional_db: Any
) -> None:
    """WCAG 2.4.11: zoomed in, each place the keyboard reaches is moved into the map's view
    and the page scrolled to it, never left off the map's edge, under its zoom buttons or
    below the window. The window is short: the map runs below it."""
    _borough_map_on_a_phone(page, live_server, height=600)
    _zoom(page, "in", 6)
    page.locator("#borough-map").focus()
    hidden = []
    for _ in range(10):
        page.keyboard.press("Tab")
        if not page.evaluate("document.activeElement.closest('#borough-map') !== null"):
            break
        page.wait_for_timeout(400)  # any move of the map
        hidden.append(focus_hidden(page))
    assert len(hidden) >= 7
    assert [where for where in hidden if where] == []


def test_the_peer_map_moves_with_buttons(page: Any, live_server: Any, world: World) -> None:
    """WCAG 2.5.7: the drawn peer map moves with a click on Left, Right, Up or Down."""
    sign_in(page, live_server.url, "sw", f"/people/{world.child.pk}/peer-map/")
    canvas = page.locator('#peer-map-canvas[data-rendered="true"]')
    canvas.wait_for()
    for way in ("left", "right", "up", "down"):
        before = canvas.get_attribute("data-pan") or ""
        page.get_by_role("button", name=f"Move the map {way}").click()
        expect(canvas).not_to_have_attribute("data-pan", before)


def test_sign_in_fields_let_a_password_manager_fill_them(
    page: Any, live_server: Any, world: World, settings: Any
) -> None:
    """WCAG 3.3.8: the sign-in's fields say what they hold, so a browser or password manager
    fills them, and take a pasted password or code; the second factor's code field says it
    takes a one-time code (the phone's keyboard offers the code from a text message)."""
    page.goto(f"{live_server.url}/sign-in/")
    for label, kind in (("Username", "username"), ("Password", "current-password")):
        field = page.get_by_label(label)
        expect(field).to_have_attribute("autocomplete", kind)
        assert field.evaluate(PASTE_REFUSED) is False, label
    settings.LOCUS_REQUIRE_OTP = True
    sign_in(page, live_server.url, "sw")
    page.get_by_role("heading", name="Set up your second factor").wait_for()
    code = page.get_by_label("Code")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
    assert code.evaluate(PASTE_REFUSED) is False


# Whether the page's scripts refuse a paste into the field (a cancelled paste event).
PASTE_REFUSED = """(field) => {
  const data = new DataTransfer();
  data.setData("text/plain", "pasted");
  const paste = new ClipboardEvent(
    "paste", { clipboardData: data, bubbles: true, cancelable: true });
  return !field.dispatchEvent(paste);
}"""
