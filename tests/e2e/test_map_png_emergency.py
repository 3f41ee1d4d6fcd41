"""In a real browser: a map's PNG image is drawn by the page, which names a child the worker
sees only through emergency access while it lasts; the image would keep the name after it
ends, so the server refuses it (RULES.md, break-glass). The worker who presses the download
button is told so next to the button, with focus moved there as the page's error summaries
do, and what to do instead; no file is made and no export logged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.models import Worker
from locus.access.services import break_glass_request
from locus.audit.models import AccessAction, AccessEvent
from locus.peers.services import peer_map_purpose_record
from locus.people.models import Person
from locus.places.models import Context
from locus.places.services import context_create
from tests.e2e.conftest import ALLOCATED, add_members, axe_violations, linked_pair, sign_in

BUTTON = "Download the map as a PNG image"
NOT_MADE = "The map was not downloaded as an image"


@dataclass
class Emergency:
    child: Person  # held by the social worker ``sw``
    peer: Person  # seen by her only through emergency access
    group: Context  # both are members


@pytest.fixture
def emergency(transactional_db: Any) -> Emergency:
    """Jordan, held by ``sw``, is linked to Casey, held by a youth justice worker; both are in
    a peer group. She has recorded why she needs names on Jordan's map, and has opened
    Casey's record in an emergency: the pages name Casey while it lasts."""
    pair = linked_pair()
    sw = Worker.objects.get(username="sw")
    group = context_create(actor=pair.system, kind="peer_group", name="Eastway crew")
    add_members(pair.system, group, (pair.child, pair.peer), ALLOCATED, "school")
    peer_map_purpose_record(
        actor=sw, person=pair.child, purpose="safety_planning", reason="Safety plan on Friday"
    )
    break_glass_request(
        actor=sw,
        person_id=pair.peer.pk,
        category="missing_child",
        reason="Casey is missing tonight and police need his friends now",
    )
    return Emergency(child=pair.child, peer=pair.peer, group=group)


def _press_download(page: Any) -> tuple[Any, list[Any], list[str]]:
    """Press the map's PNG button; the refusal shown, the files offered, the script errors."""
    downloads: list[Any] = []
    errors: list[str] = []
    page.on("download", lambda d: downloads.append(d))
    # Uncaught script errors (the console's own line for the 409 response is not one).
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.locator('#peer-map-canvas[data-rendered="true"]').wait_for()
    # The map (and its table) names him while the emergency lasts.
    assert "Casey Peerless" in page.locator("#peer-map-table, #group-map-table").text_content()
    page.get_by_role("button", name=BUTTON, exact=True).click()
    refusal = page.get_by_role("alert").filter(has_text=NOT_MADE)
    expect(refusal).to_be_visible()
    return refusal, downloads, errors


def _no_file_made(page: Any, downloads: list[Any], errors: list[str]) -> None:
    # The focus is on the message, which a screen reader reads out, as an error summary's is.
    assert page.evaluate("document.activeElement.id") == "peer-map-png-refused"
    assert axe_violations(page) == []
    assert downloads == []
    assert not AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()
    assert errors == []  # the refusal's 409 is handled, not left to fail
    # Pressed again, the message is said again and nothing is made.
    page.locator("#peer-map-canvas").focus()
    page.get_by_role("button", name=BUTTON, exact=True).click()
    expect(page.locator("#peer-map-png-refused")).to_be_focused()
    assert page.get_by_role("alert").filter(has_text=NOT_MADE).count() == 1
    assert downloads == []


def _refused_offering(
    page: Any, live_server: Any, path: str, *, print_path: str = "print/"
) -> tuple[Any, list[str]]:
    """Signed in as the social worker on the map at ``path``, the PNG button is pressed: the
    refusal says why and offers the print page (``path`` + ``print_path``), and no file is
    made. Returns the offered link and the page's script errors, as they go on."""
    sign_in(page, live_server.url, "sw", path)
    refusal, downloads, errors = _press_download(page)
    expect(refusal).to_contain_text("names a child you see only through emergency access")
    expect(refusal).to_contain_text("print the map or download it as an SVG file")
    instead = refusal.get_by_role("link", name="Print or download the map for a meeting")
    assert path + print_path in instead.get_attribute("href")
    _no_file_made(page, downloads, errors)
    return instead, errors


def test_the_peer_maps_png_is_refused_with_the_print_page_offered_instead(
    page: Any, live_server: Any, emergency: Emergency
) -> None:
    """On Jordan's peer map, which names Casey while the emergency lasts, the PNG button says
    why no image is made and links to the print page, whose map and SVG file show Casey by
    initials; no file is downloaded."""
    _refused_offering(page, live_server, f"/people/{emergency.child.pk}/peer-map/")


def test_the_group_maps_png_is_refused_with_its_print_page_offered_instead(
    page: Any, live_server: Any, emergency: Emergency
) -> None:
    """On the peer group's page, whose map names Casey while the emergency lasts, the PNG
    button says why no image is made and links to the group map's print page, as a child's map
    does; no file is downloaded. The print page, titled, dated and signed, shows Casey only
    by initials, as a person not shared with her, is logged as an export naming Jordan alone,
    and passes axe; the emergency's banner, which names Casey, is not printed."""
    instead, errors = _refused_offering(
        page, live_server, f"/groups/{emergency.group.pk}/", print_path="map/print/"
    )

    with page.expect_navigation():
        instead.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Map of the peer group Eastway crew")
    expect(page.get_by_text("by Sam Okafor")).to_be_visible()
    printed = page.locator(".locus-peermap-print")
    expect(printed).to_contain_text("Jordan Testperson")
    expect(printed).to_contain_text("not shared with you")
    expect(printed).not_to_contain_text("Casey")
    expect(page.locator("#peer-map-svg text", has_text="CP")).to_have_count(1)
    event = AccessEvent.objects.get(action=AccessAction.EXPORT)
    assert event.detail["page"] == "group-map print"
    assert event.detail["named"] == [emergency.child.pk]
    assert axe_violations(page) == []
    banner = page.locator(".locus-break-glass")
    expect(banner).to_contain_text("Casey")  # on screen while the emergency lasts
    page.emulate_media(media="print")
    expect(banner).to_be_hidden()
    expect(page.locator("#peer-map-svg")).to_be_visible()
    assert errors == []
