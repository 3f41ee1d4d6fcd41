"""In a real browser: a social worker adds to a young person's aspirational profile, reads
whether harm moved with the child after a managed move, and opens a MACE panel; axe on each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from locus.access.models import Worker
from locus.access.services import agency_create, system_worker
from locus.common import clock
from locus.incidents.services import incident_record
from locus.moves.models import ManagedMove
from locus.moves.services import managed_move_record
from locus.panels.models import PanelMeeting
from locus.panels.services import agenda_item_add, panel_create, panel_hold
from locus.people.models import Person
from locus.people.services import allocation_create, person_create
from locus.places.services import context_create, enrolment_create
from locus.sharing.vocab import SAFEGUARDING
from tests.e2e.conftest import axe_violations, csc_social_worker, sign_in


@dataclass
class World:
    social_worker: Worker
    child: Person
    move: ManagedMove
    panel: PanelMeeting


@pytest.fixture
def world(transactional_db: Any) -> World:
    system = system_worker()
    sw = csc_social_worker(system)
    old_agency = agency_create(actor=system, name="Stoke Rise School", kind="education")
    new_agency = agency_create(actor=system, name="Amberley Academy", kind="education")
    old = context_create(
        actor=system, kind="school", name="Stoke Rise School", responsible_agency=old_agency
    )
    new = context_create(
        actor=system, kind="school", name="Amberley Academy", responsible_agency=new_agency
    )
    child = person_create(
        actor=system,
        given_name="Jordan",
        family_name="Testperson",
        date_of_birth=dt.date(2011, 5, 4),
    )
    other = person_create(
        actor=system, given_name="Casey", family_name="Peerless", date_of_birth=dt.date(2011, 2, 2)
    )
    today = clock.today()
    moved_on = today - dt.timedelta(days=100)
    allocation_create(actor=system, person=child, worker=sw, start=moved_on - dt.timedelta(400))
    enrolment_create(actor=system, person=child, school=old, start=moved_on - dt.timedelta(400))
    for days, where in ((-120, old), (-20, old), (30, new)):
        day = moved_on + dt.timedelta(days=days)
        incident_record(
            actor=system,
            kind="hsb",
            occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(12, 30))),
            context=where,
            summary="Sexual comments in the corridor",
            involvements=[(child, "harming"), (other, "harmed")],
            source="school",
            confidence="high",
            reporting_agency=where.responsible_agency,
        )
    move = managed_move_record(
        actor=sw,
        person=child,
        from_school=old,
        to_school=new,
        moved_on=moved_on,
        reason="Harmful sexual behaviour towards a girl in his year",
        panel_decision="Six-week trial at the new school",
        decided_by="In-year fair access panel",
    )
    panel = panel_create(
        actor=sw,
        kind="mace",
        meets_on=today - dt.timedelta(days=3),
        chair=sw,
        basis=SAFEGUARDING,
        title="MACE panel: the school corridors",
    )
    agenda_item_add(actor=sw, meeting=panel, kind="harming", person=child, reason="Two schools")
    agenda_item_add(actor=sw, meeting=panel, kind="location", context=new, reason="Corridors")
    panel_hold(actor=sw, meeting=panel, attended=[panel.attendees.get().pk])
    return World(sw, child, move, panel)


def test_profile_displacement_and_panel_pages(page: Any, live_server: Any, world: World) -> None:
    base = live_server.url
    person = world.child.pk
    sign_in(page, base, "sw", f"/people/{person}/profile/")

    # The profile: empty at first, every kind offered.
    expect(page.get_by_role("heading", name="Aspirational profile")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Add a trusted adult").click()
    assert page.get_by_label("Trusted adults").is_checked()
    page.get_by_role("button", name="Add to the profile").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what it is")
    assert axe_violations(page) == []
    page.get_by_label("In the young person's words").fill("My nan. I can tell her anything")
    page.get_by_label("Yes, these are their words").check()
    page.get_by_role("button", name="Add to the profile").click()
    expect(page.get_by_role("alert")).to_contain_text("Added to the profile")
    expect(page.locator("q", has_text="My nan. I can tell her anything")).to_be_visible()
    assert axe_violations(page) == []

    # Change the words: the old ones go to the history.
    page.get_by_role("link", name="Change the trusted adult").click()
    page.get_by_label("In the young person's words").fill("My nan, and my uncle Dev")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the change").click()
    history = page.get_by_role("table", name="Items that have ended or been changed")
    expect(history).to_contain_text("My nan. I can tell her anything")

    # The displacement page: harm moved with him.
    page.goto(f"{base}/people/{person}/moves/{world.move.pk}/")
    expect(page.get_by_role("heading", name="Did the harm move with Jordan?")).to_be_visible()
    counts = page.get_by_role("table", name="Jordan's involvement, by role and place")
    harming = counts.get_by_role("row", name="Harming").inner_text().split()
    assert harming[-8:] == ["2", "0", "0", "2", "0", "1", "0", "1"]
    expect(page.get_by_text("120 days before")).to_be_visible()
    expect(page.get_by_text("30 days after")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Months either side of the move").select_option("3")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_text("120 days before").count() == 0
    assert axe_violations(page) == []

    # The panel meeting, with its separate lists.
    page.goto(f"{base}/panels/{world.panel.pk}/")
    expect(page.get_by_role("heading", name="Young people who harmed")).to_be_visible()
    expect(page.get_by_role("link", name="Jordan Testperson", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Add an action about Jordan Testperson").click()
    assert axe_violations(page) == []
