"""Linked cases in a real browser: a social worker finds that a youth justice case is linked to
theirs, learns only who holds it, and goes on to propose a meeting; a manager reads the
borough's clusters. Every page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from locus.common import clock
from locus.incidents.services import incident_record
from locus.places.services import context_create
from tests.e2e.conftest import LinkedPair, axe_violations, linked_pair, sign_in


@pytest.fixture
def world(transactional_db: Any) -> LinkedPair:
    pair = linked_pair()
    system, child, peer = pair.system, pair.child, pair.peer
    pair.yjs_worker.email = "yemi.adeyemi@example.org"
    pair.yjs_worker.save(update_fields=["email"])
    centre = context_create(actor=system, kind="retail", name="Kingsland Shopping Centre")
    incident_record(
        actor=system,
        kind="robbery",
        occurred_at=clock.now() - dt.timedelta(days=12),
        context=centre,
        summary="Synthetic: phone taken by a group.",
        involvements=[(child, "harmed"), (peer, "present")],
        source="professional",
        confidence="high",
        reporting_agency=pair.csc,
    )
    return pair


def test_a_social_worker_finds_a_linked_case_and_proposes_a_meeting(
    page: Any, live_server: Any, world: LinkedPair
) -> None:
    sign_in(page, live_server.url, "sw")
    page.get_by_role("link", name="Linked cases", exact=True).click()
    page.get_by_role("heading", name="Linked cases", level=1).wait_for()
    row = page.get_by_role("row").filter(has_text="A child not shared with you")
    expect(row).to_contain_text("Yemi Adeyemi")
    expect(row).to_contain_text("YJS Casework, Youth Justice Service")
    expect(row).to_contain_text("yemi.adeyemi@example.org")
    expect(row).to_contain_text("Both involved in 1 incident at Kingsland Shopping Centre")
    assert page.get_by_text("Peerless").count() == 0
    assert axe_violations(page) == []

    # A bad window is named on its field and the page still answers.
    page.get_by_label("Time window for being at the same place (days)").fill("0")
    page.get_by_role("button", name="Show linked cases").click()
    expect(page.get_by_role("alert")).to_contain_text("The time window must be at least 1 day")
    assert axe_violations(page) == []

    page.get_by_text("Propose a peer group mapping meeting about a child").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Propose a meeting").first.click()
    page.get_by_role("heading", level=1).wait_for()
    assert page.get_by_text("A child not shared with you, held by Yemi Adeyemi").count() >= 1
    assert page.get_by_text("Peerless").count() == 0
    assert axe_violations(page) == []


def test_a_manager_reads_the_boroughs_clusters(
    page: Any, live_server: Any, world: LinkedPair
) -> None:
    sign_in(page, live_server.url, "tm")
    page.get_by_role("link", name="Linked cases", exact=True).click()
    page.get_by_role("heading", name="Linked cases across the borough").wait_for()
    cluster = page.get_by_role("region", name="Cluster 1: 2 children, 2 agencies")
    cluster.get_by_text("The 2 children").click()
    expect(cluster.get_by_role("link", name="Jordan Testperson")).to_be_visible()
    expect(cluster).to_contain_text("A child not shared with you")
    assert axe_violations(page) == []


def test_the_boroughs_clusters_not_yet_worked_out_say_so_and_refresh(
    page: Any, live_server: Any, world: LinkedPair
) -> None:
    from django.core.cache import cache
    from django.test import override_settings

    from locus.linked.clusters import work_out_borough_clusters

    cache.clear()  # the cache's table outlives a browser test's rows
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        sign_in(page, live_server.url, "tm", next_path="/linked/borough/")
        banner = page.get_by_role("region", name="Being worked out")
        expect(banner).to_contain_text("These clusters are being worked out now")
        assert axe_violations(page) == []
        work_out_borough_clusters.call(30, False, False)  # what the worker does meanwhile
        with page.expect_navigation():
            banner.get_by_role("link", name="Refresh this page").click()
        cluster = page.get_by_role("region", name="Cluster 1: 2 children, 2 agencies")
        # The children are listed on opening the cluster, so a page of clusters stays short.
        child = cluster.get_by_role("link", name="Jordan Testperson")
        expect(child).to_be_hidden()
        cluster.get_by_text("The 2 children").click()
        expect(child).to_be_visible()
        expect(page.get_by_text("from the records as they are now")).to_be_visible()
        assert axe_violations(page) == []
