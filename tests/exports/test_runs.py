"""Exports prepared in the background: "My exports", downloaded by their asker only, kept
for a week, and never a half-written file offered as done."""

from __future__ import annotations

from typing import Any

import pytest

from locus.audit.models import AccessAction, AccessEvent
from locus.common.models import JobState
from locus.exports import services
from locus.exports.models import ExportRun
from tests.exports.conftest import read_csv
from tests.factories import World, client_for
from tests.frozen_clock import FrozenClock
from tests.sharing.helpers import SHARE_POST, WHY


def _long_export(world: World, **params: str) -> ExportRun:
    """The people list, taken as too long to download at once (more than one row)."""
    result = services.export_list(
        why=WHY, actor=world.admin, key="people", query=params, fmt="csv", limit=1
    )
    assert isinstance(result, ExportRun)
    return result


def test_a_long_list_is_prepared_in_the_background_and_listed_ready(world: World) -> None:
    run = _long_export(world, kind="young_person")
    assert run.state == JobState.DONE  # the tests' task backend runs it at once
    assert run.row_count == 6 and run.params == {"kind": "young_person"}
    page = client_for(world.admin).get("/exports/")
    assert f'href="/exports/runs/{run.pk}/download/"' in page.content.decode()
    response = client_for(world.admin).get(f"/exports/runs/{run.pk}/download/")
    assert response.status_code == 200
    rows = read_csv(b"".join(response.streaming_content))
    assert len(rows) == 1 + 6 and "Adam Adult" not in {r[1] for r in rows}


def test_the_download_view_sends_a_long_list_to_my_exports(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "SYNC_ROWS", 1)
    response = client_for(world.admin).post("/exports/people/?format=xlsx", SHARE_POST)
    assert response.status_code == 302 and response["Location"] == "/exports/"
    run = ExportRun.objects.get()
    assert (run.asked_by, run.fmt, run.state) == (world.admin, "xlsx", JobState.DONE)


def test_only_the_asker_downloads_an_export_an_administrator_neither(world: World) -> None:
    mine = services.export_list(
        why=WHY, actor=world.social_worker, key="people", query={}, fmt="csv", limit=0
    )
    assert isinstance(mine, ExportRun) and mine.state == JobState.DONE
    url = f"/exports/runs/{mine.pk}/download/"
    for other in (world.teammate, world.team_manager, world.admin):
        assert client_for(other).get(url).status_code == 404
        assert url not in client_for(other).get("/exports/").content.decode()
    assert client_for(world.social_worker).get(url).status_code == 200


def test_producing_and_downloading_are_both_audited_with_the_rows(world: World) -> None:
    run = services.export_list(
        why=WHY, actor=world.social_worker, key="people", query={"mine": "on"}, fmt="csv", limit=0
    )
    assert isinstance(run, ExportRun)
    made = AccessEvent.objects.get(action=AccessAction.EXPORT, record_type="people.person")
    assert made.actor_id == world.social_worker.pk
    assert made.detail["shown"] == [str(world.csc_child.pk)]
    client_for(world.social_worker).get(f"/exports/runs/{run.pk}/download/")
    got = AccessEvent.objects.get(action=AccessAction.EXPORT, record_type="exports.exportrun")
    assert got.record_id == str(run.pk) and got.detail["shown"] == [str(world.csc_child.pk)]
    assert f",{world.csc_child.pk}," in got.people


def test_a_prepared_file_downloads_as_every_download_does(world: World) -> None:
    """A prepared list downloads as an attachment whatever its title holds, is never shown in
    Locus's own origin nor kept by the browser, as a document or a map's drawing is."""
    run = services.export_list(
        why=WHY, actor=world.social_worker, key="people", query={"mine": "on"}, fmt="csv", limit=0
    )
    assert isinstance(run, ExportRun)
    ExportRun.objects.filter(pk=run.pk).update(title='People "mine"\r\nX-Evil: 1')
    response = client_for(world.social_worker).get(f"/exports/runs/{run.pk}/download/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and "\n" not in disposition
    assert disposition.count('"') == 2 and "X-Evil" not in response
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def _folder_files() -> list[str]:
    return sorted(p.name for p in services.export_folder().iterdir())


def test_a_killed_export_leaves_no_file_offered_and_is_prepared_again(
    frozen_clock: FrozenClock, world: World, monkeypatch: Any
) -> None:
    run = services.export_run_create(actor=world.admin, key="people", params={}, fmt="csv")
    real = services.Tally.count

    def killed(self: services.Tally, key: str, people: Any = ()) -> None:
        real(self, key, people)
        if len(self.keys) == 3:  # the worker process dies here, mid-file
            raise KeyboardInterrupt

    monkeypatch.setattr(services.Tally, "count", killed)
    with pytest.raises(KeyboardInterrupt):
        services.produce(run.pk)
    run.refresh_from_db()
    assert run.state == JobState.RUNNING and run.file_name == "" and run.row_count is None
    assert all(name.endswith(".part") for name in _folder_files())  # nothing under a final name
    client = client_for(world.admin)
    assert client.get(f"/exports/runs/{run.pk}/download/").status_code == 404
    # Not yet taken as dead: it may still be running.
    assert client.post(f"/exports/runs/{run.pk}/again/").status_code == 404
    monkeypatch.setattr(services.Tally, "count", real)
    frozen_clock.advance(hours=2)
    assert 'action="/exports/runs/' in client.get("/exports/").content.decode()
    assert client.post(f"/exports/runs/{run.pk}/again/").status_code == 302
    run.refresh_from_db()
    assert run.state == JobState.DONE and run.row_count == 7
    assert _folder_files() == [run.file_name]  # the half file is gone
    rows = read_csv(b"".join(client.get(f"/exports/runs/{run.pk}/download/").streaming_content))
    assert len(rows) == 1 + 7


def test_a_failing_export_is_marked_failed_without_a_file(world: World, monkeypatch: Any) -> None:
    def broken(self: services.Tally, key: str, people: Any = ()) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.Tally, "count", broken)
    run = _long_export(world)
    assert run.state == JobState.FAILED and "disk full" in run.problem
    assert _folder_files() == []
    assert services.may_run_again(run)
    # Only its asker may run it again.
    assert client_for(world.social_worker).post(f"/exports/runs/{run.pk}/again/").status_code == 404


def test_an_export_is_kept_seven_days_then_its_file_deleted(
    frozen_clock: FrozenClock, world: World
) -> None:
    run = _long_export(world)
    url = f"/exports/runs/{run.pk}/download/"
    frozen_clock.advance(days=6, hours=23)
    assert client_for(world.admin).get(url).status_code == 200
    frozen_clock.advance(hours=2)
    assert client_for(world.admin).get(url).status_code == 404
    assert services.expire_old() == 1
    assert _folder_files() == []
    run.refresh_from_db()
    assert run.file_name == "" and run.state == JobState.DONE  # the record of it stays


def test_an_export_runs_with_the_askers_sight_when_it_runs(world: World) -> None:
    """Asked for, then the worker moved to auditing (no case records) before it ran: the run
    fails and holds nothing, rather than a list made with the sight they had."""
    run = services.export_run_create(actor=world.social_worker, key="people", params={}, fmt="csv")
    type(world.social_worker).objects.filter(pk=world.social_worker.pk).update(role="auditor")
    assert services.produce(run.pk) == JobState.FAILED
    run.refresh_from_db()
    assert run.file_name == "" and run.row_keys == [] and "no longer" in run.problem
    assert _folder_files() == []


def _prepared_people_list(world: World, actor: Any) -> ExportRun:
    run = services.export_list(why=WHY, actor=actor, key="people", query={}, fmt="csv", limit=0)
    assert isinstance(run, ExportRun) and run.state == JobState.DONE
    assert world.csc_child.pk in run.people_named
    return run


def test_a_worker_who_may_no_longer_take_the_list_cannot_download_the_prepared_file(
    world: World,
) -> None:
    """Prepared, then the worker moved to auditing (no case records): the file made with
    their old sight does not leave, and My exports says why instead of offering it."""
    run = _prepared_people_list(world, world.social_worker)
    url = f"/exports/runs/{run.pk}/download/"
    type(world.social_worker).objects.filter(pk=world.social_worker.pk).update(
        role="auditor", scope="none"
    )
    worker = type(world.social_worker).objects.get(pk=world.social_worker.pk)
    assert client_for(worker).get(url).status_code == 404
    page = client_for(worker).get("/exports/").content.decode()
    assert url not in page and "No longer yours to download" in page
    # No download logged (the page's own read names the export it listed).
    downloads = AccessEvent.objects.filter(action=AccessAction.EXPORT)
    assert not downloads.filter(record_type="exports.exportrun").exists()


def test_a_worker_moved_to_another_team_cannot_download_the_old_teams_children(
    world: World,
) -> None:
    """The teammate's list named a child of the team; after a move to another team the
    child is out of their sight, so the file is too. Before the move it downloads."""
    run = _prepared_people_list(world, world.teammate)
    url = f"/exports/runs/{run.pk}/download/"
    assert client_for(world.teammate).get(url).status_code == 200
    type(world.teammate).objects.filter(pk=world.teammate.pk).update(team=world.csc_team_b)
    worker = type(world.teammate).objects.get(pk=world.teammate.pk)
    assert client_for(worker).get(f"/people/{world.csc_child.pk}/").status_code == 404
    assert client_for(worker).get(url).status_code == 404
    assert "No longer yours to download" in client_for(worker).get("/exports/").content.decode()


def test_my_exports_checks_every_ready_file_in_queries_that_do_not_grow_with_them(
    world: World,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.teammate)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/exports/").status_code == 200
        return len(ctx.captured_queries)

    def prepare() -> None:
        _prepared_people_list(world, world.teammate)
        # Lists of records, each checked by its own rule: a query per kind, not per file.
        for key in ("contexts", "groups"):
            run = services.export_list(actor=world.teammate, key=key, query={}, fmt="csv", limit=0)
            assert isinstance(run, ExportRun) and run.state == JobState.DONE

    prepare()
    before = queries()
    for _ in range(3):
        prepare()
    assert queries() == before


def test_my_exports_logs_the_exports_it_lists(world: World) -> None:
    """Each export is a record of what was taken out of Locus: the page's read names those it
    lists. Before, opening My exports left no read in the trail."""
    run = services.export_list(actor=world.teammate, key="contexts", query={}, fmt="csv", limit=0)
    assert isinstance(run, ExportRun)
    page = client_for(world.teammate).get("/exports/")
    assert page.status_code == 200
    read = AccessEvent.objects.filter(actor=world.teammate).latest("id")
    assert (read.record_type, read.detail["page"]) == ("exports.exportrun", "my exports")
    assert read.detail["exports_shown"] == [run.pk]
