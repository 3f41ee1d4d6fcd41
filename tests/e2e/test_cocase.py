"""Co-case management in a real browser: propose, schedule, record minutes, agree work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from locus.access.models import Worker
from locus.access.services import system_worker
from locus.common import clock
from locus.people.models import Person
from locus.people.services import allocation_create, person_create
from locus.places.models import Context
from locus.places.services import context_create
from tests.e2e.conftest import (
    add_members,
    axe_violations,
    csc_social_worker,
    held_child,
    sign_in,
    yjs_worker,
)
from tests.sharing.helpers import choose_basis


@dataclass
class World:
    social_worker: Worker
    yjs_worker: Worker
    child: Person
    peer: Person
    group: Context


@pytest.fixture
def world(transactional_db: Any) -> World:
    system = system_worker()
    sw = csc_social_worker(system)
    yw = yjs_worker(system, "Kai Brennan")
    child = held_child(system, sw)
    peer = person_create(
        actor=system, given_name="Casey", family_name="Peerless", date_of_birth=dt.date(2010, 2, 2)
    )
    start = dt.date(2026, 1, 5)
    allocation_create(actor=system, person=peer, worker=yw, start=start)
    group = context_create(actor=system, kind="peer_group", name="Millfields Year 10 group")
    add_members(system, group, (child, peer), start, "school")
    return World(sw, yw, child, peer, group)


def test_a_social_worker_proposes_holds_and_records_a_mapping_meeting(
    page: Any, live_server: Any, world: World
) -> None:
    base = live_server.url
    query = f"?person={world.child.pk}&person={world.peer.pk}&group={world.group.pk}"
    sign_in(page, base, "sw", f"/meetings/propose/{query}")

    # Propose: nothing is ticked for the proposer; the linked child is known only by who
    # holds the case.
    held_by = (
        "A child not shared with you, held by Kai Brennan, YJS Casework, Youth Justice Service"
    )
    for label in ("Jordan Testperson", held_by):
        expect(page.get_by_label(label)).not_to_be_checked()
        page.get_by_label(label).check()
    assert page.get_by_text("Casey Peerless").count() == 0
    assert axe_violations(page) == []
    page.get_by_role("button", name="Propose meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what the meeting is for")
    assert axe_violations(page) == []
    page.get_by_label("What is the meeting for?").fill("Map the group and agree who does what")
    choose_basis(page)
    page.get_by_label("Crime and Disorder Act 1998 s.115").check()
    page.get_by_role("button", name="Propose meeting").click()
    expect(page.get_by_role("alert")).to_contain_text("Meeting proposed")
    expect(page.get_by_role("cell", name=held_by)).to_be_visible()
    assert axe_violations(page) == []

    # Each holder agrees to bring their own child: she brings Jordan, with the defaults.
    page.get_by_role("link", name="Agree to bring this child").click()
    assert (
        page.get_by_label("Age").is_checked() and not page.get_by_label("NHS number").is_checked()
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Agree to share").click()
    expect(page.get_by_role("alert")).to_contain_text("You agreed to bring Jordan Testperson")
    meeting_path = page.url.removeprefix(base)
    holder = page.context.browser.new_context().new_page()
    sign_in(holder, base, "yw", meeting_path)
    holder.get_by_role("link", name="Agree to bring this child").click()
    holder.get_by_role("button", name="Agree to share").click()
    expect(holder.get_by_role("alert")).to_contain_text("You agreed to bring Casey Peerless")

    # Schedule it for a few minutes ago: the meeting has just taken place (no further back
    # than an hour).
    page.reload()
    page.get_by_role("link", name="Schedule the meeting").click()
    started = timezone.localtime(clock.now() - dt.timedelta(minutes=5))
    page.get_by_label("Date").fill(started.strftime("%d/%m/%Y"))
    page.get_by_label("Time").fill(started.strftime("%H:%M"))
    page.get_by_label("In person").check()
    page.get_by_label("Where").fill("Hackney Service Centre, room 3")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Meeting scheduled")

    # Record the minutes: both workers attended.
    page.get_by_role("link", name="Record minutes").click()
    for name in ("Sam Okafor", "Kai Brennan"):
        page.get_by_role("group", name=f"{name},").get_by_label("Attended").check()
    page.get_by_label("Decisions (optional)").fill("Youth service to run sessions at the park")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Record minutes").click()
    expect(page.get_by_role("alert")).to_contain_text("Minutes recorded")
    # Not shared yet: Kai has not confirmed that he was there.
    assert page.get_by_role("link", name="Casey Peerless").count() == 0
    holder.reload()
    holder.get_by_role("link", name="Confirm that you attended").click()
    holder.get_by_role("button", name="I attended this meeting").click()
    expect(holder.get_by_role("alert")).to_contain_text("You confirmed that you attended")
    assert axe_violations(holder) == []
    # Shared now: both confirmed, and he agreed to bring Casey.
    page.reload()
    expect(page.get_by_role("link", name="Casey Peerless").first).to_be_visible()
    assert page.get_by_role("table", name="Relationships on the group map, with their nature")

    # The youth justice worker agrees an intervention for his own child, which he owns: an
    # intervention is a lasting record about a child, written by one who sees her in their
    # own right, never through the meeting's share (the organiser is not offered Casey).
    holder.reload()
    holder.get_by_role("link", name="Add an intervention").click()
    holder.get_by_label("Casey Peerless").check()
    holder.get_by_label("What will be done").fill("Weekly mentoring with a sports coach")
    holder.get_by_label("Owner").select_option(label="Kai Brennan, YJS Casework")
    due = clock.today() + dt.timedelta(days=30)
    holder.get_by_label("Due date").fill(due.strftime("%d/%m/%Y"))
    assert axe_violations(holder) == []
    holder.get_by_role("button", name="Add intervention").click()
    expect(holder.get_by_role("alert")).to_contain_text("Intervention added")
    page.reload()
    row = page.get_by_role("row").filter(has_text="Weekly mentoring with a sports coach")
    expect(row).to_contain_text("Casey Peerless")
    expect(row).to_contain_text("Planned")
    expect(row).to_contain_text("Kai Brennan")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Meetings").first.click()
    expect(page.get_by_role("cell", name="Attended")).to_be_hidden()  # she proposed it
    expect(page.get_by_role("cell", name="Proposed it")).to_be_visible()
    assert axe_violations(page) == []
