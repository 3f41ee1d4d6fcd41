"""The hash chain's page: the information governance lead (auditor) and administrators
see the day heads, download them and verify; nobody else learns it exists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.audit import chain
from locus.audit.models import AccessAction, AccessEvent, ChainCheck
from locus.audit.services import record_access
from locus.audit.verify import day_heads, verify
from locus.common import clock
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

PAGE = reverse("audit-chain")
HEADS = reverse("audit-chain-heads")
VERIFY = reverse("audit-chain-verify")


@pytest.mark.parametrize(
    "persona", ["social_worker", "team_manager", "police_analyst", "school_dsl", "yjs_worker"]
)
def test_nobody_but_auditors_and_administrators_sees_the_chain(world: World, persona: str) -> None:
    client = client_for(world.persona(persona))
    assert client.get(PAGE).status_code == 404
    assert client.get(HEADS).status_code == 404
    assert client.post(VERIFY).status_code == 404
    assert not ChainCheck.objects.exists()
    assert not AccessEvent.objects.filter(record_type="audit.chain").exists()


@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_the_page_shows_the_day_heads_and_its_reading_is_logged(world: World, persona: str) -> None:
    read = record_access(actor=world.social_worker, obj=world.csc_child, purpose="visit")
    viewer = world.persona(persona)
    page = client_for(viewer).get(PAGE).content.decode()
    assert read.row_hash in page or any(h.row_hash in page for h in day_heads())
    assert "has not been verified yet" in page
    # No case record on it: the auditor sees the audit, never what it was about.
    assert world.csc_child.family_name not in page and "visit" not in page.split("<main")[-1]
    logged = AccessEvent.objects.filter(actor=viewer, record_type="audit.chain").get()
    assert logged.action == AccessAction.VIEW


@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_the_heads_download_is_the_heads_file_and_is_logged(world: World, persona: str) -> None:
    record_access(actor=world.social_worker, obj=world.csc_child)
    viewer = world.persona(persona)
    response = client_for(viewer).get(HEADS)
    assert response["Content-Type"].startswith("text/plain")
    assert "attachment" in response["Content-Disposition"]
    heads = chain.parse_heads(response.content.decode())
    assert heads and {h.stream for h in heads} >= {"access", "change"}
    assert AccessEvent.objects.filter(
        actor=viewer, record_type="audit.chain", action=AccessAction.EXPORT
    ).exists()


def test_verifying_from_the_page_shows_the_outcome_and_is_logged(world: World) -> None:
    client = client_for(world.auditor)
    response = client.post(VERIFY)  # the task runs at once here (the tests' task backend)
    assert response.status_code == 302 and response["Location"] == PAGE
    check = ChainCheck.objects.get()
    assert (check.by, check.ok, check.finished_at is not None) == (world.auditor, True, True), (
        check.problems
    )
    assert "The chain verified" in client.get(PAGE).content.decode()
    assert AccessEvent.objects.filter(
        actor=world.auditor, record_type="audit.chain", action=AccessAction.SEARCH
    ).exists()


def test_a_broken_chain_is_shown_as_a_warning_naming_the_rows(world: World) -> None:
    read = record_access(actor=world.social_worker, obj=world.csc_child)
    AccessEvent.objects.filter(pk=read.pk).update(record_id="999999")
    client = client_for(world.admin)
    client.post(VERIFY)
    page = client.get(PAGE).content.decode()
    assert "did not verify" in page and "edited" in page and f">{read.pk}<" in page


def test_verifying_is_a_post_only(world: World) -> None:
    assert client_for(world.auditor).get(VERIFY).status_code == 405
    assert not ChainCheck.objects.exists()


def test_the_demo_leaves_a_verified_chain_for_the_auditor(world: World) -> None:
    from locus.demo.chain import add_demo_chain

    add_demo_chain()
    add_demo_chain()  # set up again: no second check
    check = ChainCheck.objects.get()
    assert check.ok and check.rows > 0, check.problems
    assert check.by is None  # asked for by the system: no worker's read of the trail logged
    assert not AccessEvent.objects.filter(record_type="audit.chain").exists()
    page = client_for(world.auditor).get(PAGE).content.decode()
    assert "The chain verified" in page and "Run by no worker" in page


def test_a_verification_still_running_says_so(world: World) -> None:
    ChainCheck.objects.create(at=world.csc_child.created_at, by=world.admin)
    page = client_for(world.auditor).get(PAGE).content.decode()
    assert "is running" in page and "The chain verified" not in page
    assert "did not verify" not in page


def test_the_background_task_finishes_the_check_it_was_given_once(world: World) -> None:
    from locus.audit.services import verification_run

    check = ChainCheck.objects.create(at=world.csc_child.created_at, by=world.admin)
    read = record_access(actor=world.social_worker, obj=world.csc_child)
    AccessEvent.objects.filter(pk=read.pk).update(record_id="999999")
    assert verification_run(check.pk) == 1
    check.refresh_from_db()
    assert check.finished_at is not None and check.problems[0]["id"] == read.pk
    finished = check.finished_at
    assert verification_run(check.pk) == 0  # run again (a retried task): left as it was
    check.refresh_from_db()
    assert check.finished_at == finished and check.problem_count == 1


def test_a_day_ending_on_a_lower_seq_than_the_day_before_is_explained_on_the_page(
    world: World,
) -> None:
    """A record entered after the event (the demo's history, an import) is dated earlier than
    rows sealed before it: the page says why a day's last seq is lower, and nothing is
    wrong with the chain."""
    record_access(actor=world.social_worker, obj=world.csc_child)
    yesterday = clock.today() - dt.timedelta(days=1)
    with clock.frozen_at(yesterday):
        entered_later = record_access(actor=world.social_worker, obj=world.csc_child)
    heads = {(h.day, h.stream): h.seq for h in day_heads()}
    assert heads[(clock.today(), "access")] < heads[(yesterday, "access")]
    page = client_for(world.auditor).get(PAGE).content.decode()
    assert entered_later.row_hash in page
    assert f"Lower than {yesterday:%-d %b}: rows dated {yesterday:%-d %b} were written" in page
    assert "This is not a break in the chain" in page
    assert verify().ok
