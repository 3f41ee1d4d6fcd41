"""Pages at borough size fold what runs long, and stay accessible folded and open: a child's
and a group's incidents beyond the latest ten, a case note's list of every worker, and the
group member form's search step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.incidents.services import incident_record
from tests.e2e.conftest import axe_violations, e2e_worker, sign_in
from tests.e2e.test_person_page import World
from tests.e2e.test_person_page import world as world


def _grow(w: World) -> tuple[int, Any]:
    """Twelve more incidents harming the child, and thirteen more workers in her team."""
    system = system_worker()
    incident = w.child.involvements.first().incident
    for day in range(12):
        incident_record(
            actor=w.social_worker,
            kind="robbery",
            occurred_at=incident.occurred_at - dt.timedelta(days=day + 1),
            context=incident.context,
            summary="Another robbery near the park.",
            involvements=[(w.child, "harmed")],
            source="young_person",
            confidence="high",
        )
    for n in range(13):
        e2e_worker(system, f"extra{n}", f"Extra Worker{chr(65 + n)}", w.social_worker.team)
    return w.child.pk, w.child.memberships.first().group


def test_folded_pages_read_and_open_by_keyboard(page: Any, live_server: Any, world: World) -> None:
    child_id, group = _grow(world)
    sign_in(page, live_server.url, "sw", f"/people/{child_id}/")
    earlier = page.get_by_text("earlier incidents")
    expect(earlier).to_be_visible()
    assert axe_violations(page) == []
    earlier.focus()
    page.keyboard.press("Enter")  # a details summary opens from the keyboard
    expect(page.get_by_role("link", name="Robbery").last).to_be_visible()
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/groups/{group.pk}/")
    expect(page.get_by_text("earlier incidents")).to_be_visible()
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/notes/person/{child_id}/add/")
    fold = page.get_by_role("group", name="Workers present (optional)").get_by_text("Show all")
    expect(fold).to_be_visible()
    assert axe_violations(page) == []
    fold.click()
    expect(page.get_by_label("Extra WorkerA, Contextual Safeguarding Team")).to_be_visible()
    assert axe_violations(page) == []


def test_the_group_member_search_step_is_accessible(
    page: Any, live_server: Any, world: World
) -> None:
    group = world.child.memberships.first().group
    sign_in(page, live_server.url, "sw", f"/groups/{group.pk}/members/add/")
    assert axe_violations(page) == []
    picker = page.get_by_role("group", name="Young person", exact=True)
    picker.get_by_label("Search by name").fill("zzz-nobody")
    with page.expect_navigation():
        picker.get_by_role("button", name="Find young person").click()
    expect(page.get_by_text("No one you may name matches")).to_be_visible()
    assert axe_violations(page) == []


def test_on_a_phone_wide_tables_scroll_in_their_own_box(
    page: Any, live_server: Any, world: World
) -> None:
    """At 390 pixels the page does not scroll sideways: each wide table scrolls inside a
    labelled region that the keyboard can reach (axe: scrollable-region-focusable)."""
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, live_server.url, "sw", f"/people/{world.child.pk}/")
    for path in (f"/people/{world.child.pk}/", "/incidents/", f"/notes/person/{world.child.pk}/"):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert axe_violations(page) == []
