"""A worker signs in, finds a young person and reads their page, in a real browser."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.access.models import Worker
from locus.access.services import system_worker
from locus.common import clock
from locus.incidents.services import incident_record
from locus.peers.services import association_record, membership_add
from locus.people.models import Person
from locus.people.services import episode_start, person_create
from locus.places.services import context_create
from tests.e2e.conftest import (
    axe_violations,
    csc_social_worker,
    e2e_worker,
    held_child,
    police_analyst,
    sign_in,
)


@dataclass
class World:
    social_worker: Worker
    police_analyst: Worker
    child: Person
    peer: Person


@pytest.fixture
def world(transactional_db: Any) -> World:
    system = system_worker()
    social_worker = csc_social_worker(system)
    csc = social_worker.team.agency
    e2e_worker(system, "auditor", "Ade Auditor", None, "auditor")
    analyst = police_analyst(system)
    park = context_create(
        actor=system,
        kind="open_space",
        name="Millfields Park",
        postcode="E5 0AR",
        latitude=51.556,
        longitude=-0.048,
    )
    child = held_child(system, social_worker, sex="1", ethnicity="BCRB")
    peer = person_create(
        actor=system, given_name="Casey", family_name="Peerless", date_of_birth=dt.date(2010, 2, 2)
    )
    episode_start(actor=system, person=child, status="CIN", start=dt.date(2026, 1, 5), agency=csc)
    association_record(
        actor=system,
        person=child,
        other=peer,
        relationship="friend",
        nature="risk",
        source="professional",
        confidence="medium",
        valid_from=dt.date(2026, 2, 1),
        contexts=[park],
    )
    group = context_create(actor=system, kind="peer_group", name="Millfields Year 10 group")
    for member, role in ((child, "core"), (peer, "leading")):
        membership_add(
            actor=system,
            person=member,
            group=group,
            role=role,
            since=dt.date(2026, 2, 1),
            source="school",
            confidence="medium",
        )
    incident_record(
        actor=system,
        kind="robbery",
        occurred_at=clock.now() - dt.timedelta(days=10),
        context=park,
        summary="Phone taken by an older group",
        reporting_agency=csc,
        involvements=[(child, "harmed"), (peer, "harming")],
        source="professional",
        confidence="high",
    )
    return World(social_worker, analyst, child, peer)


def test_social_worker_signs_in_and_opens_a_young_persons_page(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server.url, "sw")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()

    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_label("Name, LA child ID or UPN").fill("Jordan")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Jordan Testperson").click()

    assert page.get_by_role("heading", level=1).inner_text().startswith("Jordan Testperson")
    expect(page.get_by_role("cell", name="Child in need (s.17)")).to_be_visible()
    # The peer is not in this worker's scope: shown by initials, not by name.
    expect(page.get_by_role("cell", name="CP (a person not shared with you)")).to_be_visible()
    assert page.get_by_text("Casey Peerless").count() == 0
    expect(page.get_by_role("cell", name="Harmed")).to_be_visible()
    assert axe_violations(page) == []


def test_police_analyst_gets_not_found_for_a_child_held_only_by_social_care(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server.url, "pa")
    response = page.goto(f"{live_server.url}/people/{world.child.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert axe_violations(page) == []


def test_wrong_password_is_refused_with_an_error_summary_and_locks_after_five(
    page: Any, live_server: Any, world: World
) -> None:
    for _ in range(5):
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Username").fill("sw")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("alert").inner_text().count("Enter a correct username and password")
    sign_in(page, live_server.url, "sw")
    expect(page.get_by_role("alert")).to_contain_text("locked")
    assert page.get_by_role("heading", name="My caseload").count() == 0


def test_social_worker_corrects_a_upn_after_a_clear_error(
    page: Any, live_server: Any, world: World
) -> None:
    sign_in(page, live_server.url, "sw")
    page.goto(f"{live_server.url}/people/{world.child.pk}/")
    page.get_by_role("link", name="Change details").click()
    page.get_by_label("UPN (optional)").fill("J99920000000")  # one digit short
    page.get_by_role("button", name="Save details").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("A UPN is 13 characters")
    assert axe_violations(page) == []
    summary.get_by_role("link", name="A UPN is 13 characters").click()
    assert page.evaluate("document.activeElement.id") == "id_upn"  # the link focuses the field
    page.get_by_label("UPN (optional)").fill("J999200000006")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("alert")).to_contain_text("Details saved")
    expect(page.get_by_text("J999200000006")).to_be_visible()
