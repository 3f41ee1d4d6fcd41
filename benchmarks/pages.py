"""``locus bench pages``: the linked-cases pages timed through Django, against a bare Django page.

On a demo borough (``locus demo``'s generator; built once into the bench's data folder and
reused), the benchmark signs in as the worker whose caseload is nearest ``--caseload`` (30) and
times, through Django's test client (the whole middleware stack, sessions and the audit write
included, no network):

bare_page
    a trivial page behind the same sign-in (``/bench/bare/``, in ``pages_urls``): what
    any page costs here, so that the ratio below says what the machine's load does not.
linked_cases
    ``/linked/``: the caseload's linked cases, from the borough's evidence loaded ahead (the
    task run before timing, as ``locus worker`` runs it after a change).
linked_cases_stale
    the same page when that evidence is stale or missing: it loads the evidence around the
    caseload from the database (and asks for the evidence ahead; only queued here).
borough_warm
    ``/linked/borough/`` read from the cache (clusters worked out ahead).
borough_cold_page
    the same page when nothing is cached: it asks for the clusters (the task is only queued
    here) and says so.
borough_work_out
    the task itself: the clusters worked out and cached, what the page's first load used to
    cost (one run).

And where the linked-cases page's time goes (median of ``--runs``): the evidence loaded
around the caseload (``load_around``), the selector as a whole from the evidence ahead
(``linked_cases``), and how many links it found, how many of them only co-presence; and how
long the task loading the borough's evidence ahead took (one run).

Each page is timed ``--runs`` times (after one untimed run), the pages taking turns so that the
machine's load falls on all alike; the report gives the median and 95th percentile in ms and
``ratio`` = the page's median / the bare page's median. The goal: linked cases under 300 ms
at 50,000 people with a caseload of 30.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TextIO

import numpy as np

TARGET_MS = 300.0

URLCONF = "benchmarks.pages_urls"  # Locus's URLs and the bare page


def caseload_holder(size: int) -> tuple[Any, int]:
    """The worker whose current caseload is nearest ``size`` children (the lowest id on ties),
    and that caseload's size."""
    from django.db.models import Count

    from locus.access.models import Worker
    from locus.people.models import Allocation

    loads = (
        Allocation.objects.current()
        .values("worker_id")
        .annotate(children=Count("person_id", distinct=True))
        .values_list("worker_id", "children")
    )
    worker_id, children = min(loads, key=lambda row: (abs(row[1] - size), row[0]))
    return Worker.objects.get(pk=worker_id), children


def borough_viewer() -> Any:
    """A worker who may see the borough's clusters (a manager, analyst or administrator)."""
    from locus.access import policies
    from locus.access.models import Worker

    for worker in Worker.objects.filter(is_active=True).order_by("id"):
        if policies.can_view_borough_links(worker):
            return worker
    raise RuntimeError("nobody in this borough may see the borough's clusters")


def stats(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1000
    return {
        "median_ms": round(float(np.median(ms)), 1),
        "p95_ms": round(float(np.percentile(ms, 95)), 1),
    }


def time_pages(pages: dict[str, Callable[[], Any]], runs: int) -> dict[str, list[float]]:
    """Each page ``runs`` times after one untimed run, taking turns."""
    for fetch in pages.values():
        fetch()
    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(runs):
        for name, fetch in pages.items():
            start = time.perf_counter()
            fetch()
            times[name].append(time.perf_counter() - start)
    return times


def getter(client: Any, url: str) -> Callable[[], Any]:
    def fetch() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    return fetch


def linked_breakdown(holder: Any, runs: int) -> dict[str, Any]:
    """The linked-cases page's selector and its evidence load, timed apart."""
    from locus.linked import evidence, selectors

    focus = selectors.caseload_seen_by(holder, holder)
    ids = [p.pk for p in focus]
    times = time_pages(
        {
            "load_around": lambda: evidence.load_around(ids, window_days=30),
            "selector": lambda: selectors.linked_cases(
                viewer=holder, focus=focus, exclude_holders=[holder.pk], ahead=True
            ),
        },
        runs,
    )
    found = selectors.linked_cases(viewer=holder, focus=focus, exclude_holders=[holder.pk])
    return {
        "load_around_ms": stats(times["load_around"])["median_ms"],
        "selector_ms": stats(times["selector"])["median_ms"],
        "links": len(found),
        "links_only_places": found.only_places,
    }


def run(*, caseload: int, runs: int) -> dict[str, Any]:
    """The measurements, on the database Django is set up with (the borough already in it)."""
    from django.core.cache import cache
    from django.test import Client, override_settings

    from locus.linked import borough_evidence, clusters
    from locus.people.models import Person

    holder, children = caseload_holder(caseload)
    viewer = borough_viewer()
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    key = clusters.cache_key(30, False, False)
    with override_settings(ROOT_URLCONF=URLCONF, TASKS=dummy):
        worker_client, borough_client = Client(), Client()
        worker_client.force_login(holder)
        borough_client.force_login(viewer)

        start = time.perf_counter()
        clusters.work_out_borough_clusters.call(30, False, False)
        work_out = time.perf_counter() - start
        start = time.perf_counter()
        borough_evidence.work_out_borough_evidence.call()
        evidence_ahead = time.perf_counter() - start

        def stale() -> Any:
            # No evidence ahead, nothing asked for yet (the dummy backend only queues the task).
            cache.delete(borough_evidence.STAMP_KEY)
            cache.delete(borough_evidence.ASKED_KEY)
            return getter(worker_client, "/linked/")()

        def cold() -> Any:
            # Nothing cached, nothing asked for yet (the dummy backend only queues the task).
            cache.delete(key)
            cache.delete(f"{key}:asked:none")
            for slot in range(clusters.MAX_WAITING):  # the dummy backend never frees them
                cache.delete(clusters.slot_key(slot))
            return getter(borough_client, "/linked/borough/")()

        times = time_pages(
            {
                "bare_page": getter(worker_client, "/bench/bare/"),
                "linked_cases": getter(worker_client, "/linked/"),
            },
            runs,
        )
        times |= time_pages({"linked_cases_stale": stale}, runs)
        borough_evidence.work_out_borough_evidence.call()  # leave it loaded
        clusters.work_out_borough_clusters.call(30, False, False)
        times |= time_pages({"borough_warm": getter(borough_client, "/linked/borough/")}, runs)
        times |= time_pages({"borough_cold_page": cold}, runs)
        clusters.work_out_borough_clusters.call(30, False, False)  # leave it worked out

    bare_median = float(np.median(times["bare_page"]))
    pages = {name: stats(seconds) for name, seconds in times.items()}
    for name, page in pages.items():
        page["ratio"] = round(float(np.median(times[name])) / bare_median, 1)
    return {
        "people": Person.objects.count(),
        "caseload": children,
        "runs": runs,
        "pages": pages,
        "borough_work_out_s": round(work_out, 2),
        "evidence_ahead_s": round(evidence_ahead, 2),
        "linked_cases_breakdown": linked_breakdown(holder, runs),
        "target_ms": TARGET_MS,
        "linked_cases_under_target": pages["linked_cases"]["median_ms"] < TARGET_MS,
    }


def table(results: dict[str, Any], out: TextIO) -> None:
    print(
        f"Pages at {results['people']:,} people, a caseload of {results['caseload']} "
        f"({results['runs']} runs each):",
        file=out,
    )
    print(f"  {'page':<20}{'median ms':>11}{'p95 ms':>9}{'x bare':>8}", file=out)
    for name, page in results["pages"].items():
        print(
            f"  {name:<20}{page['median_ms']:>11.1f}{page['p95_ms']:>9.1f}{page['ratio']:>8.1f}",
            file=out,
        )
    print(
        f"  borough clusters worked out (the task): {results['borough_work_out_s']:.2f} s", file=out
    )
    print(
        f"  borough evidence loaded ahead (the task): {results['evidence_ahead_s']:.2f} s",
        file=out,
    )
    parts = results["linked_cases_breakdown"]
    print(
        f"  linked cases: {parts['links']:,} links ({parts['links_only_places']:,} only at the "
        f"same places); evidence loaded in {parts['load_around_ms']:.0f} ms, the selector "
        f"{parts['selector_ms']:.0f} ms",
        file=out,
    )
    verdict = "met" if results["linked_cases_under_target"] else "NOT met"
    print(f"  linked cases under {results['target_ms']:.0f} ms (median): {verdict}", file=out)


def main(
    *, people: int, seed: int, caseload: int, runs: int, as_json: bool, out: TextIO, err: TextIO
) -> int:
    """The ``locus bench pages`` command, Django set up on the bench's database."""
    from locus import cli

    folder = cli.data_folder()
    started = time.perf_counter()
    setup = cli.prepare_demo(
        folder=folder,
        people=people,
        seed=seed,
        password=None,
        progress_stream=None if as_json else err,
    )
    if not as_json:
        built = "built" if setup.created else "reused"
        print(f"Borough {built} in {time.perf_counter() - started:.1f} s ({folder}).", file=out)
    results = run(caseload=caseload, runs=runs)
    if as_json:
        print(json.dumps(results), file=out)
    else:
        table(results, out)
    return 0
