"""A deployment may run the background tasks on RQ (Redis) instead of the database.

The same code enqueues through Django's tasks API; ``LOCUS_TASKS_BACKEND`` and
``LOCUS_REDIS_URL`` point it at Redis, and ``locus worker`` then runs RQ's worker. This runs
the real thing: a Redis server on a free loopback port, ``locus worker`` as a process, and a
task enqueued by another process, whose result comes back through the queue.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import migrated_database, migrated_original  # noqa: F401 (fixtures)

ENQUEUE = """
import time, django
django.setup()
from locus.linked import clusters
result = clusters.work_out_borough_clusters.enqueue(
    window_days=90, across_agencies=True, with_weaker=False
)
for _ in range(120):
    result.refresh()
    if result.is_finished:
        break
    time.sleep(0.25)
print(result.status, result.return_value if result.is_finished else "")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    assert server, "redis-server is needed (scripts/test installs it as root)"
    port = _free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.django_db
def test_a_task_enqueued_on_rq_is_run_by_locus_worker(
    tmp_path: Path,
    redis_url: str,
    migrated_database: dict[str, str],  # noqa: F811
) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        LOCUS_DATA_DIR=str(tmp_path / "data"),
        LOCUS_TASKS_BACKEND="django_tasks_rq.RQBackend",
        LOCUS_REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="locus.config.settings",
    )
    # The run's migrated database (tests/databases.py): ``locus migrate`` adds what RQ's own
    # app needs, rather than replaying every migration (most of a minute).
    env.update(migrated_database)
    locus = [sys.executable, "-m", "locus.cli"]
    subprocess.run([*locus, "migrate"], env=env, check=True, capture_output=True, timeout=300)
    worker = subprocess.Popen(
        [*locus, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", ENQUEUE],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        # RQ's worker stops warmly on SIGTERM, but now and then sits a minute closing its
        # Redis subscription (the listening thread's 60 s wait); a second SIGTERM is RQ's cold
        # shutdown, which loses nothing once the task has finished.
        worker.terminate()
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.terminate()
        try:
            out = worker.communicate(timeout=90)[0]
        except subprocess.TimeoutExpired:
            worker.kill()
            out = worker.communicate()[0]
        log = out.decode()
    # An empty borough has no clusters: the task's answer (0) came back through Redis.
    assert done.stdout.split() == ["SUCCESSFUL", "0"], (done.stdout, done.stderr, log)
    assert "work_out_borough_clusters" in log
