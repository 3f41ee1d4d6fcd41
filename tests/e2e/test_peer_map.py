"""A social worker opens a young person's peer map in a real browser: it draws, filters,
reads as a table, names peers only after a purpose is recorded, and exports; and the
capture form records a peer, with its errors readable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.models import Worker
from locus.access.services import system_worker
from locus.audit.models import AccessAction, AccessEvent
from locus.peers.models import Association
from locus.peers.services import association_record
from locus.people.models import Person
from locus.people.services import allocation_create, episode_start, person_create
from locus.places.services import context_create
from tests.e2e.conftest import add_members, axe_violations, csc_social_worker, sign_in, yjs_worker

SINCE = dt.date(2026, 1, 5)


@dataclass
class MapWorld:
    social_worker: Worker
    child: Person
    friend: Person  # on the social worker's caseload: she may see them
    hidden: Person  # held by another team: she may not


@pytest.fixture
def map_world(transactional_db: Any) -> MapWorld:
    system = system_worker()
    sw = csc_social_worker(system)
    yw = yjs_worker(system, "Kai Brennan")

    def young(given: str, family: str) -> Person:
        return person_create(
            actor=system, given_name=given, family_name=family, date_of_birth=dt.date(2011, 5, 4)
        )

    child, friend, hidden = (
        young("Jordan", "Testperson"),
        young("Remi", "Friendly"),
        young("Casey", "Peerless"),
    )
    for person in (child, friend):
        allocation_create(actor=system, person=person, worker=sw, start=SINCE)
    allocation_create(actor=system, person=hidden, worker=yw, start=SINCE)
    episode_start(actor=system, person=hidden, status="YJS", start=SINCE, agency=yw.team.agency)
    park = context_create(actor=system, kind="open_space", name="Millfields Park")
    group = context_create(actor=system, kind="peer_group", name="Millfields Year 10 group")
    common = {"source": "professional", "confidence": "medium", "valid_from": SINCE}
    association_record(
        actor=system,
        person=child,
        other=friend,
        relationship="friend",
        nature="risk",
        peer_role="leading",
        contexts=[park],
        **common,
    )
    association_record(
        actor=system,
        person=child,
        other=hidden,
        relationship="friend",
        nature="protective",
        **common,
    )
    association_record(
        actor=system,
        person=child,
        other_label="older male known as T",
        relationship="associate",
        nature="risk",
        open_to_youth_justice=True,
        **common,
    )
    add_members(system, group, (child, friend), SINCE, "school")
    return MapWorld(sw, child, friend, hidden)


def table_rows(page: Any) -> list[str]:
    return page.locator("#peer-map-table tbody tr").all_inner_texts()


def test_peer_map_draws_filters_reads_as_a_table_and_names_after_a_purpose(
    page: Any, live_server: Any, map_world: MapWorld
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, "sw")
    page.goto(f"{live_server.url}/people/{map_world.child.pk}/")
    page.get_by_role("link", name="Peer map").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Peer map"

    # The map draws: Cytoscape's canvases inside the container, every element placed.
    canvas = page.locator('#peer-map-canvas[data-rendered="true"]')
    canvas.wait_for()
    assert page.locator("#peer-map-canvas canvas").count() >= 1
    # The child, three peers, the park and the group.
    assert canvas.get_attribute("data-nodes") == "6"
    assert "The same map is in the table below" in (canvas.get_attribute("aria-label") or "")
    # She holds Jordan's case (Level 1): initials only, and no link to any peer.
    rows = table_rows(page)
    assert len(rows) == 3
    assert not any("Remi" in r or "Peerless" in r or "older male" in r for r in rows)
    assert page.locator("#peer-map-table a[href^='/people/']").count() == 0
    assert axe_violations(page) == []

    # Filter to relationships that present risk: the table follows.
    page.get_by_label("Protective").uncheck()
    page.get_by_label("Unclear").uncheck()
    page.get_by_role("button", name="Apply filters").click()
    assert "nature=risk" in page.url
    page.locator('#peer-map-canvas[data-rendered="true"]').wait_for()
    rows = table_rows(page)
    assert len(rows) == 2 and all("Presents risk" in r for r in rows)
    assert [r.split("\n")[0].split("\t")[0] for r in rows] == ["RF", "Unknown peer"]

    # Record a purpose: peers she may see are named; the one she may not stays initials.
    page.get_by_label("Safety planning").check()
    page.get_by_label("Say briefly why").fill("Safety plan review with Jordan's carer")
    page.get_by_role("button", name="Record purpose and show names").click()
    expect(page.get_by_role("alert")).to_contain_text("Purpose recorded")
    assert "nature=risk" in page.url  # the filters she had set are kept
    page.locator('#peer-map-canvas[data-rendered="true"]').wait_for()
    rows = table_rows(page)
    assert any("Remi Friendly" in r for r in rows)
    assert any("older male known as T" in r for r in rows)
    expect(page.get_by_role("link", name="Remi Friendly")).to_be_visible()
    page.get_by_label("Protective").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**nature=protective**")  # the new page, not the one being left
    hidden_row = next(r for r in table_rows(page) if "Protective" in r)
    assert hidden_row.startswith("CP") and "not shared with you" in hidden_row
    assert page.get_by_text("Casey Peerless").count() == 0
    assert axe_violations(page) == []

    # Export the drawing as a PNG.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the map as a PNG image").click()
    assert download.value.suggested_filename == "peer-map-JT.png"
    # The image was made only after the server logged its export.
    assert AccessEvent.objects.filter(action=AccessAction.EXPORT).count() == 1
    assert errors == []  # no CSP refusal, no script error


def test_capture_form_shows_errors_clearly_then_records_a_peer(
    page: Any, live_server: Any, map_world: MapWorld
) -> None:
    sign_in(page, live_server.url, "sw")
    page.goto(f"{live_server.url}/people/{map_world.child.pk}/peers/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Record a peer").click()
    assert axe_violations(page) == []

    # Nothing chosen: the error summary names each question, and its links focus them.
    page.get_by_role("button", name="Record peer").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Choose the relationship")
    assert page.title().startswith("Error:")
    assert axe_violations(page) == []
    summary.get_by_role("link", name="Say whether the relationship is protective").click()
    assert page.evaluate("document.activeElement.id") == "id_nature"

    # Find the peer by name, then answer the questions.
    page.get_by_label("Name", exact=True).fill("Remi")
    page.get_by_role("button", name="Find").click()
    assert page.get_by_label("Peer known to Locus").input_value() == str(map_world.friend.pk)
    page.get_by_label("Relationship", exact=True).select_option("friend")
    page.get_by_label("Unclear").first.check()
    page.get_by_label("Core member").check()
    page.get_by_label("Millfields Park (park or open space)").check()
    page.get_by_label("Where this information came from").select_option("young_person")
    page.get_by_label("High").check()
    page.get_by_label("Since when have they known each other?").fill("05/01/2026")
    page.get_by_role("button", name="Record peer").click()
    # Remi is already recorded: the refusal is on the peer question, and nothing is written.
    expect(page.get_by_role("alert")).to_contain_text("already recorded")
    assert Association.objects.count() == 3
    assert axe_violations(page) == []

    page.get_by_label("Peer known to Locus").select_option("")
    page.get_by_label("Or describe a peer not yet known to Locus").fill("girl called S at the park")
    page.get_by_role("button", name="Record peer").click()
    expect(page.get_by_role("alert")).to_contain_text("Peer recorded")
    expect(page.get_by_role("cell", name="girl called S at the park").first).to_be_visible()
    assert Association.objects.count() == 4


def map_state(page: Any, key: str) -> str:
    return page.locator("#peer-map-canvas").get_attribute(f"data-{key}") or ""


def test_a_map_is_read_by_keyboard_focused_widened_to_two_steps_and_printed(
    page: Any, live_server: Any, map_world: MapWorld
) -> None:
    # Remi (one step out) has a friend of his own: the second step, shown only on demand.
    system = system_worker()
    second = person_create(
        actor=system, given_name="Avery", family_name="Farther", date_of_birth=dt.date(2011, 2, 1)
    )
    allocation_create(actor=system, person=second, worker=map_world.social_worker, start=SINCE)
    recorded = {"relationship": "friend", "nature": "unclear", "source": "professional"}
    association_record(
        actor=system,
        person=map_world.friend,
        other=second,
        confidence="medium",
        valid_from=SINCE,
        **recorded,
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, "sw")
    page.goto(f"{live_server.url}/people/{map_world.child.pk}/peer-map/")
    canvas = page.locator('#peer-map-canvas[data-rendered="true"]')
    canvas.wait_for()
    # One step by default: the child, three peers, the park and the group; not Avery.
    assert map_state(page, "nodes") == "6"
    assert len(table_rows(page)) == 3
    assert canvas.get_attribute("aria-describedby") == "peer-map-keys"
    assert axe_violations(page) == []

    # Zoom by keyboard once the map has focus; 0 fits it again.
    canvas.focus()
    before = float(map_state(page, "zoom"))
    page.keyboard.press("+")
    expect(canvas).not_to_have_attribute("data-zoom", f"{before:.3f}")
    zoomed = float(map_state(page, "zoom"))
    assert zoomed > before
    page.keyboard.press("-")
    page.keyboard.press("-")
    expect(canvas).not_to_have_attribute("data-zoom", f"{zoomed:.3f}")
    assert float(map_state(page, "zoom")) < zoomed
    # And by the buttons, and by the mouse wheel.
    level = map_state(page, "zoom")
    page.get_by_role("button", name="Zoom in").click()
    expect(canvas).not_to_have_attribute("data-zoom", level)
    level = map_state(page, "zoom")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    expect(canvas).not_to_have_attribute("data-zoom", level)

    # Focus a node by keyboard: its neighbours are named in the status, the rest fade.
    canvas.focus()
    page.keyboard.press("n")
    status = page.locator("#peer-map-focus-status")
    expect(status).to_contain_text("Focused on Jordan Testperson")
    expect(status).to_contain_text("linked to")
    expect(status).to_contain_text("Millfields Park")
    assert map_state(page, "focused") == "Jordan Testperson"
    # ... or from the list; Escape clears it.
    page.get_by_label("Focus on a person, place or group").select_option(label="Millfields Park")
    expect(status).to_contain_text("Focused on Millfields Park")
    expect(status).to_contain_text("RF")
    expect(status).not_to_contain_text("Unknown peer")
    canvas.focus()
    page.keyboard.press("Escape")
    expect(status).to_be_empty()
    assert axe_violations(page) == []

    # The second step, on demand.
    with page.expect_navigation():
        page.get_by_role("link", name="Show the second step: peers of peers").click()
    assert "steps=2" in page.url
    page.locator('#peer-map-canvas[data-rendered="true"]').wait_for()
    assert map_state(page, "nodes") == "7"
    expect(page.locator("#peer-map-table tbody tr")).to_have_count(4)
    assert any(r.startswith("AF") for r in table_rows(page))
    assert axe_violations(page) == []

    # Printing the page prints the server's drawing, not the canvas or the controls.
    page.emulate_media(media="print")
    expect(page.locator("#peer-map-svg")).to_be_visible()
    expect(page.locator("#peer-map-canvas")).to_be_hidden()
    expect(page.get_by_role("button", name="Zoom in")).to_be_hidden()
    page.emulate_media(media="screen")

    # The print for a meeting pack: titled, dated, signed, logged with who was on it.
    with page.expect_navigation():
        page.get_by_role("link", name="Print or download the map for a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Peer map of Jordan Testperson")
    expect(page.get_by_text("not a measure of risk")).to_be_visible()
    expect(page.get_by_text("by Sam Okafor")).to_be_visible()
    expect(page.locator("#peer-map-svg text", has_text="AF")).to_have_count(1)
    assert page.get_by_text("Avery").count() == 0  # initials: no purpose recorded
    printed = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert printed.detail["page"] == "peer-map print" and printed.detail["steps"] == 2
    assert printed.detail["named"] == []
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the map as an SVG file").click()
    assert download.value.suggested_filename == "peer-map-JT.svg"
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert svg.count("<svg") == 1 and "Printed" in svg and "Avery" not in svg
    assert AccessEvent.objects.filter(action=AccessAction.EXPORT).count() == 2
    assert errors == []


def test_a_large_groups_map_shows_sub_groups_that_open_to_their_members(
    page: Any, live_server: Any, map_world: MapWorld
) -> None:
    system = system_worker()
    group = map_world.child.memberships.first().group
    circle = [
        person_create(
            actor=system,
            given_name=f"Circle{i}",
            family_name="Member",
            date_of_birth=dt.date(2011, 3, 3),
        )
        for i in range(28)
    ]
    for person in circle:
        allocation_create(actor=system, person=person, worker=map_world.social_worker, start=SINCE)
    add_members(system, group, tuple(circle), SINCE, "school")
    recorded = {"nature": "unclear", "source": "professional", "confidence": "low"}
    for i, person in enumerate(circle):
        association_record(
            actor=system,
            person=person,
            other=circle[(i + 1) % 14 + (14 if i >= 14 else 0)],
            relationship="friend",
            valid_from=SINCE,
            **recorded,
        )
    sign_in(page, live_server.url, "sw")
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    canvas = page.locator('#peer-map-canvas[data-rendered="true"]')
    canvas.wait_for()
    # 30 members: the group, three sub-groups (two circles of 14, the two members with no
    # relationship between them) and the park: not 30 dots.
    assert int(map_state(page, "nodes")) <= 6
    expect(page.locator("#sub-groups + p + ul")).to_contain_text("Sub-group 1: 14 young people")
    assert axe_violations(page) == []
    # Focus a sub-group from the list: what it is linked to is said.
    page.get_by_label("Focus on a person, place or group").select_option(
        label="Sub-group 1: 14 young people"
    )
    expect(page.locator("#peer-map-focus-status")).to_contain_text("Focused on Sub-group 1")
    with page.expect_navigation():
        page.get_by_role("link", name="Show the members of sub-group 1 on the map").click()
    page.locator('#peer-map-canvas[data-rendered="true"]').wait_for()
    assert int(map_state(page, "nodes")) >= 18
    expect(page.get_by_role("link", name="Close sub-group 1")).to_be_visible()
    assert axe_violations(page) == []
    # The same people as a borough cluster's map: sub-groups again, readable by all.
    query = "&".join(f"person={p.pk}" for p in circle)
    page.goto(f"{live_server.url}/groups/cluster-map/?{query}")
    page.locator('#peer-map-canvas[data-rendered="true"]').wait_for()
    assert int(map_state(page, "nodes")) <= 4
    expect(page.get_by_role("heading", level=1)).to_have_text("Map of a cluster")
    assert axe_violations(page) == []


def test_no_png_is_made_when_its_export_could_not_be_logged(
    page: Any, live_server: Any, map_world: MapWorld
) -> None:
    """The image is made only once the server has logged its export. A worker whose session
    ended while the map was open (the log is answered by the sign-in page) gets no file, and
    is told why by the button, as a refused image is."""
    sign_in(page, live_server.url, "sw", f"/people/{map_world.child.pk}/peer-map/")
    page.locator('#peer-map-canvas[data-rendered="true"]').wait_for()
    downloads: list[Any] = []
    page.on("download", lambda d: downloads.append(d))
    page.context.clear_cookies()  # signed out, the page still open
    page.get_by_role("button", name="Download the map as a PNG image", exact=True).click()
    refusal = page.get_by_role("alert").filter(has_text="The map was not downloaded")
    expect(refusal).to_contain_text("Check you are still signed in")
    expect(page.locator("#peer-map-png-refused")).to_be_focused()
    assert downloads == []
    assert not AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()
