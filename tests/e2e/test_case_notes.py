"""In a real browser: a social worker writes a case note naming two children, corrects it,
reads and filters the child's chronology and prints it; a youth justice worker reads a group
note naming a child she may not see, by initials. axe on every page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.services import system_worker
from locus.common import clock
from locus.notes.models import CaseNote
from locus.notes.services import note_record
from locus.people.models import Person
from locus.people.services import allocation_create, person_create
from locus.places.models import Context
from locus.places.services import context_create
from tests.e2e.conftest import (
    add_members,
    axe_violations,
    csc_social_worker,
    e2e_worker,
    sign_in,
    yjs_worker,
)


@dataclass
class World:
    child: Person
    group: Context
    group_note: CaseNote


@pytest.fixture
def world(transactional_db: Any) -> World:
    system = system_worker()
    sw = csc_social_worker(system)
    e2e_worker(system, "tm", "Tess Manager", sw.team, "manager")
    yw = yjs_worker(system)
    start = clock.today() - dt.timedelta(days=200)
    child = person_create(
        actor=system,
        given_name="Jordan",
        family_name="Testperson",
        date_of_birth=dt.date(2011, 5, 4),
    )
    peer = person_create(
        actor=system, given_name="Casey", family_name="Peerless", date_of_birth=dt.date(2011, 2, 2)
    )
    riley = person_create(
        actor=system, given_name="Riley", family_name="Yjsperson", date_of_birth=dt.date(2010, 8, 1)
    )
    allocation_create(actor=system, person=child, worker=sw, start=start)
    allocation_create(actor=system, person=peer, worker=sw, start=start)
    allocation_create(actor=system, person=riley, worker=yw, start=start)
    group = context_create(actor=system, kind="peer_group", name="London Fields group")
    add_members(system, group, (child, riley), start, "professional")
    group_note = note_record(
        actor=sw,
        subject=group,
        kind="observation",
        contact_on=clock.today() - dt.timedelta(days=3),
        summary="Group seen at the skate park",
        text="Four of the group at the skate park after school.",
        children=[child],
    )
    return World(child, group, group_note)


def test_write_correct_and_read_the_chronology(page: Any, live_server: Any, world: World) -> None:
    base = live_server.url
    sign_in(page, base, "sw", f"/people/{world.child.pk}/")
    page.get_by_role("link", name="Chronology of Jordan Testperson").click()
    expect(page.get_by_role("heading", name="Chronology", exact=True)).to_be_visible()
    assert axe_violations(page) == []

    # Write a note: the empty form names each field.
    page.get_by_role("link", name="Write a case note").click()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the note").click()
    alert = page.get_by_role("alert").inner_text()
    assert "Choose the kind of contact" in alert and "Enter a summary" in alert
    assert axe_violations(page) == []
    page.get_by_label("Home visit").check()
    day = clock.today() - dt.timedelta(days=2)
    page.get_by_label("Date of the contact").fill(day.strftime("%d/%m/%Y"))
    page.get_by_label("Time of the contact (optional)").fill("16:30")
    page.get_by_label("Who else was present (optional)").fill("His mum")
    page.get_by_label("Tess Manager, Contextual Safeguarding Team").check()
    page.get_by_label("Jordan Testperson").check()
    page.get_by_label("Casey Peerless").check()
    page.get_by_label("Summary").fill("Home visit after the missing episode")
    page.get_by_label("Note", exact=True).fill("Seen alone. He said he stayed with Casey.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("alert")).to_contain_text("Case note recorded")
    expect(page.get_by_role("link", name="Casey Peerless")).to_be_visible()
    assert axe_violations(page) == []

    # Correct it: the old wording stays, with who, when and why.
    page.get_by_role("link", name="Correct the note").click()
    assert axe_violations(page) == []
    page.get_by_label("Summary").fill("Home visit: seen alone after the missing episode")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("alert")).to_contain_text("Say why the note is corrected")
    page.get_by_label("Why is the note corrected?").fill(
        "The summary did not say he was seen alone"
    )
    page.get_by_role("button", name="Save the correction").click()
    expect(
        page.get_by_text("by Sam Okafor, reason: The summary did not say he was seen alone")
    ).to_be_visible()
    page.get_by_text("The note before this correction").click()
    expect(page.get_by_text("Home visit after the missing episode")).to_be_visible()
    assert axe_violations(page) == []

    # The chronology: the note beside the allocation, filtered, then printed.
    page.get_by_role("link", name="Back to the chronology of Jordan Testperson").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Allocated to Sam Okafor")
    expect(table).to_contain_text("Home visit: seen alone after the missing episode")
    page.get_by_label("Case notes").check()
    page.get_by_role("button", name="Apply the filters").click()
    expect(page.get_by_role("table")).not_to_contain_text("Allocated to")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Print the chronology").click()
    expect(page.get_by_text("Printed by")).to_be_visible()
    expect(page.get_by_text("Sam Okafor, Contextual Safeguarding Team")).to_be_visible()
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Menu")).not_to_be_visible()
    page.emulate_media(media="screen")


def test_a_reader_who_may_not_see_a_named_child_gets_initials(
    page: Any, live_server: Any, world: World
) -> None:
    base = live_server.url
    sign_in(page, base, "yw", f"/notes/{world.group_note.pk}/")
    expect(page.get_by_role("heading", name="Group seen at the skate park")).to_be_visible()
    expect(page.get_by_text("JT (a child not shared with you)")).to_be_visible()
    assert page.get_by_text("Jordan").count() == 0
    assert axe_violations(page) == []
    page.goto(f"{base}/notes/group/{world.group.pk}/")
    expect(page.get_by_role("table")).to_contain_text("Riley Yjsperson joined")
    expect(page.get_by_role("table")).to_contain_text("JT (a person not shared with you) joined")
    assert axe_violations(page) == []
    assert page.goto(f"{base}/notes/person/{world.child.pk}/").status == 404
