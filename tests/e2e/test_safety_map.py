"""A worker records a safety map with a child through the pages and sees it on the child's
page; axe on every safety-mapping page, the area picture included."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from locus.common.services import today
from locus.places.models import Context
from locus.safety.services import mark_place, session_record
from tests.e2e.conftest import axe_violations, sign_in
from tests.e2e.test_person_page import World
from tests.e2e.test_person_page import world as world

WORDS = "Older boys wait by the gates and ask me to hold things"


def _go(page: Any, click: Any) -> None:
    with page.expect_navigation():
        click()
    assert axe_violations(page) == []


def test_a_worker_records_a_safety_map_with_a_child(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server.url, "sw", f"/people/{world.child.pk}/")
    expect(page.get_by_role("heading", name="Safety map and context weighting")).to_be_visible()
    _go(page, page.get_by_role("link", name="Safety maps and context weightings: history").click)
    _go(page, page.get_by_role("link", name="Record a safety mapping session").click)

    page.get_by_label("Date of the session").fill(today().strftime("%d/%m/%Y"))
    page.get_by_label("Who was present besides the child?").fill("Jordan and their youth worker")
    _go(page, page.get_by_role("button", name="Record the session").click)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Safety map of")

    _go(page, page.get_by_role("link", name="Mark a place").click)
    page.get_by_label("A place known to Locus").select_option(
        label="Millfields Park (Park or open space)"
    )
    page.get_by_label("Red: not safe").check()
    page.get_by_label("When? (optional)").fill("After school")
    page.get_by_label("Why, in the child's own words").fill(WORDS)
    _go(page, page.get_by_role("button", name="Mark the place").click)
    expect(page.get_by_role("cell", name=WORDS)).to_be_visible()

    _go(page, page.get_by_role("link", name="Amend the mark on Millfields Park").click)
    page.get_by_label("Green: safe").check()
    page.get_by_label("Why is the mark amended?").fill("Jordan said green when we checked")
    _go(page, page.get_by_role("button", name="Amend the mark").click)
    expect(page.get_by_text("Jordan said green when we checked")).to_be_visible()

    page.goto(f"{live_server.url}/people/{world.child.pk}/safety/weighting/add/")
    assert axe_violations(page) == []
    page.get_by_label("Date of the weighting").fill(today().strftime("%d/%m/%Y"))
    page.get_by_label("Context that matters most").select_option(
        label="Millfields Park (Park or open space)"
    )
    page.get_by_label("Why context 1 matters").fill("Where the older group waits")
    _go(page, page.get_by_role("button", name="Record the weighting").click)

    page.goto(f"{live_server.url}/people/{world.child.pk}/")
    expect(page.get_by_role("cell", name=WORDS)).to_be_visible()
    expect(page.get_by_role("cell", name="Where the older group waits")).to_be_visible()
    assert axe_violations(page) == []


def test_the_area_picture_page_passes_axe_and_names_nobody(
    page: Any, live_server: Any, world: World
) -> None:
    park = Context.objects.get(name="Millfields Park")
    session = session_record(
        actor=world.social_worker, person=world.child, held_on=today(), present="Youth worker"
    )
    mark_place(actor=world.social_worker, session=session, rating="red", context=park, why=WORDS)
    sign_in(page, live_server.url, "pa", "/safety/area/")
    expect(page.get_by_role("heading", name="Safety maps: the area picture")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Millfields Park")).to_be_visible()
    assert page.get_by_text(WORDS).count() == 0
    assert page.get_by_text("Jordan").count() == 0
    assert axe_violations(page) == []
