"""The retention pages per persona, the hold form and banner, and the purge started from a page."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.audit.models import AccessEvent, ChangeEvent
from locus.people.models import Person
from locus.retention import purge
from locus.retention.models import (
    HeldKind,
    LegalHold,
    PurgeItem,
    PurgeRun,
    RetentionRule,
    RuleKind,
)
from locus.retention.services import hold_lift, hold_place, rule_set
from tests.factories import World, client_for, nothing_written
from tests.frozen_clock import FrozenClock
from tests.retention.conftest import leaver
from tests.retention.test_release import hold_on

PAGE = "/data/retention/"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("auditor", 200),
        ("team_manager", 404),
        ("social_worker", 404),
        ("police_analyst", 404),
    ],
)
def test_who_reads_the_retention_page(world: World, persona: str, status: int) -> None:
    response = client_for(world.persona(persona)).get(PAGE)
    assert response.status_code == status
    if status == 200:
        assert b"Retention rules" in response.content
        assert AccessEvent.objects.filter(
            actor=world.persona(persona), record_type="retention.page"
        ).exists()


@pytest.mark.parametrize("persona", ["auditor", "team_manager", "social_worker"])
def test_only_the_data_team_sees_the_dry_run_or_starts_a_purge(world: World, persona: str) -> None:
    client = client_for(world.persona(persona))
    assert client.get(f"{PAGE}purge/").status_code == 404
    with nothing_written(Person, PurgeRun, PurgeItem):
        assert client.post(f"{PAGE}purge/", {"confirm": "on"}).status_code == 404
    assert client.post(f"{PAGE}rules/adult/", {"amount": "1", "reason": "x"}).status_code == 404
    assert not RetentionRule.objects.exists()


def test_the_administrator_reads_the_dry_run_then_purges(
    frozen_clock: FrozenClock, world: World
) -> None:
    child = leaver(world.system)
    frozen_clock.advance(days=7 * 366)
    client = client_for(world.admin)
    page = client.get(f"{PAGE}purge/")
    assert page.status_code == 200
    assert str(child.pk).encode() in page.content
    assert b"Purgeable" not in page.content  # numbers, never names
    assert Person.objects.filter(pk=child.pk).exists()  # the dry run removed nothing

    refused = client.post(f"{PAGE}purge/", {})
    assert refused.status_code == 200 and b"Tick the box" in refused.content
    assert not PurgeRun.objects.exists()

    done = client.post(f"{PAGE}purge/", {"confirm": "on"})
    run = PurgeRun.objects.get()
    assert done.status_code == 302 and done["Location"] == f"{PAGE}runs/{run.pk}/"
    assert not Person.objects.filter(pk=child.pk).exists()  # the task ran (at once, in tests)
    assert client_for(world.auditor).get(f"{PAGE}runs/{run.pk}/").status_code == 200
    assert client_for(world.social_worker).get(f"{PAGE}runs/{run.pk}/").status_code == 404


def test_the_administrator_changes_a_rule_with_a_reason(world: World) -> None:
    client = client_for(world.admin)
    with nothing_written(RetentionRule, ChangeEvent):
        missing = client.post(f"{PAGE}rules/adult/", {"amount": "5", "reason": ""})
    assert missing.status_code == 200 and b"Say why the rule is set so" in missing.content
    saved = client.post(f"{PAGE}rules/adult/", {"amount": "5", "reason": "Policy 2026/4"})
    assert saved.status_code == 302
    rule = RetentionRule.objects.get(kind="adult")
    assert (rule.amount, rule.reason, rule.changed_by) == (5, "Policy 2026/4", world.admin)
    assert ChangeEvent.objects.filter(
        record_type="retention.retentionrule", record_id=str(rule.pk)
    ).exists()
    assert client.get(f"{PAGE}rules/nonsense/").status_code == 404


def test_a_manager_places_a_hold_on_their_teams_child_and_the_person_page_shows_it(
    world: World,
) -> None:
    client = client_for(world.team_manager)
    assert client.get(f"{PAGE}holds/new/?person={world.csc_child.pk}").status_code == 200
    response = client.post(
        f"{PAGE}holds/new/",
        {
            "held_kind": "person",
            "held_id": str(world.csc_child.pk),
            "reason": "care",
            "detail": "Care proceedings, ref ZC26C00001",
            "review_on": "01/01/2099",
        },
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.held_kind, hold.held_id, hold.placed_by) == (
        "person",
        world.csc_child.pk,
        world.team_manager,
    )
    assert ChangeEvent.objects.filter(record_type="retention.legalhold", action="create").exists()
    page = client_for(world.social_worker).get(f"/people/{world.csc_child.pk}/")
    assert b"Legal hold" in page.content and b"Lift the hold" not in page.content
    manager_page = client.get(f"/people/{world.csc_child.pk}/")
    assert b"Lift the hold" in manager_page.content


def test_a_hold_on_a_record_the_manager_cannot_see_is_refused_as_if_missing(world: World) -> None:
    client = client_for(world.team_manager)
    fields = {
        "held_kind": "person",
        "reason": "care",
        "detail": "Care proceedings, ref ZC26C00001",
        "review_on": "01/01/2099",
    }
    for held_id in (str(world.other_child.pk), "999999"):
        response = client.post(f"{PAGE}holds/new/", {**fields, "held_id": held_id})
        assert response.status_code == 200
        assert b"whose record you may open" in response.content
    assert not LegalHold.objects.exists()
    assert client_for(world.social_worker).get(f"{PAGE}holds/new/").status_code == 404


def _complaint_hold(frozen_clock: FrozenClock, world: World, detail: str) -> LegalHold:
    """A hold the administrator placed on the other child's record, for a complaint."""
    return hold_place(
        actor=world.admin,
        held_kind=HeldKind.PERSON,
        held_id=world.other_child.pk,
        reason="complaint",
        detail=detail,
        review_on=frozen_clock.today + dt.timedelta(days=30),
    )


def test_lifting_a_hold_needs_a_reason_and_sight_of_the_record(
    frozen_clock: FrozenClock, world: World
) -> None:
    hold = _complaint_hold(frozen_clock, world, "Complaint ref C-2026-17")
    lift = f"{PAGE}holds/{hold.pk}/lift/"
    assert client_for(world.team_manager).get(lift).status_code == 404  # not their team's child
    assert client_for(world.other_social_worker).get(lift).status_code == 404  # a practitioner
    client = client_for(world.admin)
    assert client.post(lift, {"reason": ""}).status_code == 200
    assert LegalHold.objects.get().lifted_at is None
    assert client.post(lift, {"reason": "Complaint closed"}).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == world.admin and hold.lifted_reason == "Complaint closed"


@pytest.mark.parametrize("persona", ["admin", "auditor", "team_manager", "social_worker"])
def test_the_menu_offers_retention_to_who_may_read_it(world: World, persona: str) -> None:
    html = client_for(world.persona(persona)).get("/").content.decode()
    offered = f'href="{PAGE}"' in html
    assert offered is (persona in ("admin", "auditor"))


def test_a_hold_past_its_review_date_is_marked_overdue(
    frozen_clock: FrozenClock, world: World
) -> None:
    hold_place(
        actor=world.admin,
        held_kind=HeldKind.PERSON,
        held_id=world.csc_child.pk,
        reason="care",
        detail="Care proceedings, ref ZC26C00009",
        review_on=frozen_clock.today + dt.timedelta(days=30),
    )
    client = client_for(world.auditor)
    assert b"Review overdue" not in client.get(PAGE).content
    frozen_clock.advance(days=31)
    assert b"Review overdue" in client.get(PAGE).content


def test_a_refused_lift_drawn_again_is_logged_as_a_read(
    frozen_clock: FrozenClock, world: World
) -> None:
    hold = _complaint_hold(frozen_clock, world, "Complaint ref C-2026-18")
    lift = f"{PAGE}holds/{hold.pk}/lift/"
    client = client_for(world.admin)
    client.get(lift)
    assert "Complaint ref C-2026-18" in client.post(lift, {"reason": ""}).content.decode()
    reads = AccessEvent.objects.filter(actor=world.admin, record_id=str(hold.pk))
    assert [r.detail.get("page") for r in reads] == ["lift a hold", "lift a hold"]


def _latest_read(worker: object) -> AccessEvent:
    return AccessEvent.objects.filter(actor=worker, record_type="retention.page").latest("id")


def test_the_retention_page_s_read_names_the_purge_runs_it_lists(world: World) -> None:
    purge.purge(actor=world.admin)
    run = PurgeRun.objects.get()
    assert client_for(world.auditor).get(PAGE).status_code == 200
    read = _latest_read(world.auditor)
    assert read.detail["page"] == "retention"
    assert read.detail["runs_shown"] == [run.pk]


def test_the_dry_run_s_read_names_every_record_number_it_shows(
    frozen_clock: FrozenClock, world: World
) -> None:
    """What is due, what a lifted hold's release keeps and what a shortened rule would take
    once it applies: the page lists each by number, and the read says which numbers."""
    due = leaver(world.system)
    kept = leaver(world.system, given_name="Yolanda")
    hold = hold_on(world.admin, kept)
    frozen_clock.advance(days=5 * 366)
    young = leaver(world.system, given_name="Xavier")
    frozen_clock.advance(days=2 * 366)
    hold_lift(actor=world.admin, hold=hold, reason="Final order made")
    rule_set(actor=world.admin, kind=RuleKind.CHILD_NO_PLAN, amount=1, reason="Policy review")

    page = client_for(world.admin).get(f"{PAGE}purge/").content.decode()
    read = _latest_read(world.admin)
    assert read.detail["page"] == "purge dry run"
    listed = [pk for ids in read.detail["due_shown"].values() for pk in ids]
    assert due.pk in listed and kept.pk not in listed and young.pk not in listed
    assert read.detail["released_shown"] == {"Person": [kept.pk]}
    assert young.pk in read.detail["pending_shown"][RuleKind.CHILD_NO_PLAN]
    for pk in (due.pk, kept.pk, young.pk):
        assert str(pk) in page
