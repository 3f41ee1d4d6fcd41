"""The borough clusters page reads clusters worked out ahead by a task, from the shared cache:
a miss asks for them, a change to the records makes them stale, and each viewer's need to know
is applied at read, never stored."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.test import override_settings
from django.urls import reverse
from django_tasks import default_task_backend

from locus.audit.models import ChangeEvent
from locus.common import clock
from locus.linked import borough_evidence, clusters, selectors
from locus.linked.clusters import WorkedOut, borough_page, cache_key, work_out_borough_clusters
from locus.people.models import Person
from tests.factories import World, client_for
from tests.linked.test_linked_pages import associate

pytestmark = pytest.mark.django_db

URL = reverse("linked-borough")
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def pair(world: World) -> World:
    """Ciara (the social worker's) and Yusuf (the YJS worker's), directly associated."""
    associate(world, world.csc_child, world.yjs_child)
    return world


@pytest.fixture
def queued() -> Iterator[list[object]]:
    """Tasks are only queued (the dummy backend): the list of what was enqueued."""
    with override_settings(TASKS=DUMMY):
        default_task_backend.clear()  # type: ignore[attr-defined]
        yield default_task_backend.results  # type: ignore[attr-defined]


def html_for(viewer, **params) -> str:  # type: ignore[no-untyped-def]
    response = client_for(viewer).get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_cache_is_the_database_shared_by_every_app_server() -> None:
    assert isinstance(caches["default"], DatabaseCache)
    cache.set("shared", 1)
    from django.db import connection

    # Its own row: a test that commits (a browser test, a threaded one) leaves the rows it
    # cached in the table, under keys of its own (tests/conftest.py).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM locus_cache WHERE cache_key = %s", [cache.make_key("shared")]
        )
        assert cursor.fetchone()[0] == 1


def test_a_miss_asks_for_the_clusters_once_and_says_so(pair: World, queued: list) -> None:
    html = html_for(pair.admin)
    assert "These clusters are being worked out now" in html
    assert f'href="{URL}">Refresh this page</a>' in html
    assert "Yusuf" not in html and "<script" not in html.split("</main>")[0].split("<main")[1]
    html_for(pair.admin)
    html_for(pair.team_manager)
    assert len(queued) == 1  # once per version and choice, however many ask
    assert queued[0].task.name == "work_out_borough_clusters"
    assert queued[0].args == [30, False, False] and queued[0].kwargs == {"slot": 0}
    # A different choice is a different computation.
    html_for(pair.admin, window="7")
    assert [r.args for r in queued] == [[30, False, False], [7, False, False]]


def test_a_hit_is_served_from_the_cache_with_when_it_was_worked_out(
    pair: World, queued: list, frozen_clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen_clock.at(dt.datetime(2026, 12, 2, 9, 7, tzinfo=ZoneInfo("Europe/London")))
    assert work_out_borough_clusters.call(30, False, False) == 1

    def not_again(*args: object) -> None:
        raise AssertionError("worked out again on the page")

    monkeypatch.setattr(selectors, "_borough_clusters", not_again)
    html = html_for(pair.admin)
    assert "1 cluster, 2 children in all" in html
    assert "Worked out at 09:07 on" in html
    assert "from the records as they are now" in html
    assert "being worked out" not in html
    assert queued == []


def test_a_change_to_the_links_makes_them_stale_and_the_old_ones_stay_shown(
    pair: World, queued: list
) -> None:
    work_out_borough_clusters.call(30, False, False)
    associate(pair, pair.csc_child, pair.other_child)
    html = html_for(pair.admin)
    assert "The records have changed since these clusters were worked out" in html
    assert "1 cluster, 2 children in all" in html  # the last ones, until the new are ready
    assert len(queued) == 1
    html_for(pair.admin)
    assert len(queued) == 1
    work_out_borough_clusters.call(*queued[0].args, **queued[0].kwargs)
    html = html_for(pair.admin)
    assert "1 cluster, 3 children in all" in html and "being worked out" not in html


def test_a_change_to_records_that_do_not_feed_the_links_keeps_them_fresh(
    pair: World, queued: list
) -> None:
    work_out_borough_clusters.call(30, False, False)
    stamp = clusters.data_version()
    assert not clusters.changed_since(stamp)
    ChangeEvent.objects.create(
        actor=pair.system, at=clock.now(), record_type="notes.note", action="create", record_id="1"
    )
    assert clusters.data_version() > stamp and not clusters.changed_since(stamp)
    assert "being worked out" not in html_for(pair.admin)
    assert queued == []
    associate(pair, pair.csc_child, pair.other_child)
    assert clusters.changed_since(stamp)


def test_past_the_look_back_the_clusters_are_taken_as_stale(
    pair: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    stamp = clusters.data_version()
    for n in range(3):
        ChangeEvent.objects.create(
            actor=pair.system,
            at=clock.now(),
            record_type="notes.note",
            action="create",
            record_id=str(n),
        )
    assert not clusters.changed_since(stamp)
    monkeypatch.setattr(borough_evidence, "LOOK_BACK", 3)
    assert clusters.changed_since(stamp)


def test_the_cache_holds_no_name_and_nothing_about_who_asked(pair: World) -> None:
    html_for(pair.team_manager)  # the immediate backend: worked out during this request
    entry = cache.get(cache_key(30, False, False))
    assert isinstance(entry, WorkedOut)
    assert [c.person_ids for c in entry.clusters.clusters] == [
        sorted([pair.csc_child.pk, pair.yjs_child.pk])
    ]
    assert all(not c.members and not c.agencies for c in entry.clusters.clusters)
    stored = pickle.dumps(entry)
    for person in Person.objects.all():
        for part in (person.given_name, person.family_name):
            assert part.encode() not in stored
    for worker in (pair.team_manager, pair.social_worker, pair.yjs_worker):
        assert worker.last_name.encode() not in stored


def test_two_viewers_reading_the_same_cached_clusters_see_only_their_own(
    pair: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    work_out_borough_clusters.call(30, False, False)
    monkeypatch.setattr(selectors, "_borough_clusters", None)  # any recomputation would fail
    manager = html_for(pair.team_manager)
    admin = html_for(pair.admin)
    # The team manager sees her team's child and not the YJS child; the administrator both.
    assert "Ciara Cscchild" in manager and "Yusuf Yjschild" not in manager
    assert "A child not shared with you" in manager
    assert "Ciara Cscchild" in admin and "Yusuf Yjschild" in admin
    # And the manager's page again, after the administrator's: nothing of it stuck.
    assert "Yusuf Yjschild" not in html_for(pair.team_manager)


def test_no_parameter_reaches_another_cache_entry(pair: World, queued: list) -> None:
    poison = WorkedOut(
        clusters.data_version(),
        clock.now(),
        selectors.BoroughClusters(clusters=[], window_days=30, linked_children=999),
    )
    for crafted in ("30:0:0:x", "30:1:1", "linked-borough:30:0:0", "-1", "366", "3e1"):
        cache.set(f"linked-borough:{crafted}", poison)
        cache.set(f"linked-borough:{crafted}:0:0", poison)
        html = html_for(pair.admin, window=crafted, across_agencies=crafted)
        assert "999" not in html
    # The key is made of checked numbers only.
    for bad in ("30:0:0:x", 0, 366, 30.0, True):
        with pytest.raises(ValueError, match="window_days"):
            cache_key(bad, False, False)  # type: ignore[arg-type]
    assert cache_key(30, "yes", "") == "linked-borough:2:30:1:0"  # type: ignore[arg-type]


def test_the_page_reads_the_version_and_cache_in_few_queries(pair: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work_out_borough_clusters.call(30, False, False)
    client = client_for(pair.admin)
    client.get(URL)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    # Session, viewer, data version, cache, the page of clusters filled in, the audit (its
    # row, and its chain head read locked and moved on).
    assert len(ctx.captured_queries) == 13


def test_borough_page_without_a_task_backend_that_runs_says_it_is_being_worked_out(
    pair: World, queued: list
) -> None:
    shown = borough_page(window_days=30, across_agencies=False, with_weaker=False)
    assert shown.worked_out is None and shown.being_worked_out
    assert shown.clusters is None


def test_one_worker_cannot_fill_the_queue_by_walking_the_windows(pair: World, queued: list) -> None:
    for window in range(1, clusters.MAX_WAITING + 1):
        assert "being worked out now" in html_for(pair.team_manager, window=str(window))
    html = html_for(pair.team_manager, window="99")
    assert "several other sets of clusters are being worked out just now" in html
    assert len(queued) == clusters.MAX_WAITING
    # A working-out that ends frees its place, and the page may ask again.
    result = queued[0]
    work_out_borough_clusters.call(*result.args, **result.kwargs)
    assert "being worked out now" in html_for(pair.team_manager, window="99")
    assert len(queued) == clusters.MAX_WAITING + 1


def test_run_at_once_every_working_out_gives_its_place_back(pair: World) -> None:
    for window in range(1, 2 * clusters.MAX_WAITING + 2):
        html = html_for(pair.admin, window=str(window))
        assert "1 cluster, 2 children in all" in html and "just now" not in html
