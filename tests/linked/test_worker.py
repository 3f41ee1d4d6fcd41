"""``locus worker``: the database task backend's worker, run for real: a page enqueues the
clusters' task as a row, the worker runs it, the page then shows the result. And ``locus demo``
starts the worker beside the site and stops it with the site."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from locus import cli
from tests.factories import World, client_for
from tests.linked.test_linked_pages import associate

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
URL = reverse("linked-borough")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_page_enqueues_the_task_and_locus_worker_runs_it(world: World, tmp_path, monkeypatch):
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path))
    associate(world, world.csc_child, world.yjs_child)
    with override_settings(TASKS=DATABASE):
        client = client_for(world.admin)
        assert "being worked out" in client.get(URL).content.decode()
        queued = DBTaskResult.objects.get()
        assert queued.status == "READY"
        assert queued.task_path == "locus.linked.clusters.work_out_borough_clusters"

        assert run("worker", "--batch") == (0, "")

        done = DBTaskResult.objects.get()
        assert done.status == "SUCCESSFUL"
        assert done.return_value == 1
        html = client.get(URL).content.decode()
    assert "1 cluster, 2 children in all" in html and "being worked out" not in html
    assert DBTaskResult.objects.count() == 1  # nothing more was asked for
    cache.clear()  # the cache's table is not emptied between tests that commit


def test_locus_worker_refuses_when_tasks_do_not_go_to_the_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path))
    # The test settings run tasks at once (the immediate backend).
    assert run("worker", "--batch")[0] == 2
    assert "nothing for this worker to run" in capsys.readouterr().err


def test_the_parser_knows_the_worker() -> None:
    args = cli.build_parser().parse_args(["worker", "--batch", "--interval", "0.5"])
    assert args.handler is cli.cmd_worker and args.batch and args.interval == 0.5
    assert [sys.executable, "-m", "locus.cli", "worker"] == cli.WORKER_COMMAND


@pytest.fixture
def stand_in_worker(tmp_path, monkeypatch):
    """The worker replaced by a child that, like it, stops cleanly on SIGTERM (the worker's
    own run is tested above); yields the children started and the file each writes on stopping."""
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path))
    marker = tmp_path / "stopped"
    stand_in = (
        "import pathlib, signal, sys, time\n"
        f"def stop(*_):\n    pathlib.Path({str(marker)!r}).write_text('ok'); sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        "time.sleep(60)\n"
    )
    monkeypatch.setattr(cli, "WORKER_COMMAND", [sys.executable, "-c", stand_in])
    children: list[subprocess.Popen[bytes]] = []
    real_start = cli.start_worker

    def start() -> subprocess.Popen[bytes] | None:
        child = real_start()
        assert child is not None
        children.append(child)
        return child

    monkeypatch.setattr(cli, "start_worker", start)
    monkeypatch.setattr(cli, "prepare_demo", _prepared)
    monkeypatch.setattr(cli, "runs_a_database_worker", lambda: True)
    yield children, marker
    for child in children:  # never leave one behind, whatever the test found
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "argv", [("demo", "--password", "a-long-enough-password-1"), ("serve",)], ids=lambda a: a[0]
)
def test_locus_demo_starts_the_worker_and_stops_it_with_the_site(
    argv, stand_in_worker, monkeypatch
):
    children, marker = stand_in_worker

    def serve(port: int, out) -> int:  # type: ignore[no-untyped-def]
        time.sleep(0.5)  # the child has set its signal handler
        assert children and children[0].poll() is None  # running while the site is served
        return 0

    monkeypatch.setattr(cli, "serve", serve)
    code, _text = run(*argv)
    assert code == 0
    assert children[0].returncode == 0  # stopped, and cleanly
    assert marker.read_text() == "ok"


@pytest.mark.django_db
@pytest.mark.parametrize("sig", cli.STOP_SIGNALS, ids=lambda s: s.name)
def test_a_site_stopped_by_a_signal_stops_its_worker_too(sig, stand_in_worker, monkeypatch):
    """A service manager stops the site with SIGTERM, a closed terminal with SIGHUP: the
    worker must not run on after the site has gone (it did, on Python's default handling)."""
    import signal

    from django.core.servers import basehttp

    children, marker = stand_in_worker
    before = signal.getsignal(sig)

    def run_until_signalled(*args: object, **kwargs: object) -> None:
        time.sleep(0.5)  # the child has set its signal handler
        os.kill(os.getpid(), sig)
        time.sleep(10)  # the site would serve on; the signal ends it first
        raise AssertionError("the signal did not stop the site")

    monkeypatch.setattr(basehttp, "run", run_until_signalled)
    code, text = run("serve")
    assert code == 0 and "Stopped." in text
    assert children[0].returncode == 0 and marker.read_text() == "ok"
    assert signal.getsignal(sig) is before  # the site's handler is not left behind


def _prepared(**kwargs: object) -> cli.DemoSetup:
    return cli.DemoSetup(
        folder=kwargs["folder"],  # type: ignore[arg-type]
        password="a-long-enough-password-1",
        accounts=[],
        created=False,
        counts={"young people": 0},
        timings={},
    )
