"""In a real browser: a youth justice worker owns an action on the plan about a family's home,
whose case she may not see. From My work she opens the action's own page (no address on it),
records progress (the error named first, then saved) and reads it in the history. axe on the
page, with and without the error."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import worker_set_password
from locus.casework.models import PlanAction
from locus.casework.reference import ensure_reference_data
from tests.casework.helpers import add_action, home_plan
from tests.e2e.conftest import PASSWORD, axe_violations, sign_in
from tests.factories import World, build_world

WORDS = "Detached youth work around the flats on Friday evenings"


@pytest.fixture
def world(transactional_db: Any) -> World:
    ensure_reference_data()
    built = build_world()
    worker_set_password(actor=built.admin, worker=built.yjs_worker, password=PASSWORD)
    return built


def test_the_owner_records_progress_on_an_action_whose_case_she_may_not_see(
    page: Any, live_server: Any, world: World
) -> None:
    plan = home_plan(world)
    action: PlanAction = add_action(
        world, plan, agency=world.yjs, owner=world.yjs_worker, description=WORDS
    )
    base = live_server.url
    sign_in(page, base, world.yjs_worker.username, "/my-work/")
    link = page.get_by_role("link", name=f"Action: {WORDS}")
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.click()
    expect(page.get_by_role("heading", level=1, name="Your action")).to_be_visible()
    expect(page.get_by_text(WORDS)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(world.home.name)
    assert axe_violations(page) == []

    page.get_by_label("In progress").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save update").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Say what has happened")
    assert page.title().startswith("Error: ")
    assert axe_violations(page) == []

    page.get_by_label("What has happened").fill("First session held at the youth club")
    with page.expect_navigation():
        page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("Action updated")).to_be_visible()
    expect(page.get_by_role("list").filter(has_text="First session held")).to_contain_text(
        "In progress"
    )
    action.refresh_from_db()
    assert action.status == "in_progress"
