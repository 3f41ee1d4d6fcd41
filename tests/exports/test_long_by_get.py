"""A GET changes nothing. A list that names nobody is downloaded by following its link (a
GET): a short one is sent at once; a long one is only offered, on a page whose button posts
back with its CSRF token, and only that post has it prepared. A link followed from another
site (which carries the session cookie, never the token) starts no export in the worker's
name."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from locus.access.models import Worker
from locus.audit.models import AccessEvent
from locus.exports import services, tasks
from locus.exports.models import ExportRun
from tests.casework.helpers import open_case
from tests.factories import World, client_for, nothing_written

# The lists that name nobody (no "why" asked first), each with a worker who may take it and
# a filter of its page.
NAMELESS = [
    ("social_worker", "contexts", "q=Mill"),
    ("social_worker", "groups", "q=Mill"),
    ("social_worker", "context-cases", "status=open"),
    ("auditor", "audit", "worker=social_worker"),
]


class Queue:
    """The task queue, recording what is handed to it instead of running it."""

    def __init__(self) -> None:
        self.runs: list[int] = []

    def enqueue(self, run_id: int) -> None:
        self.runs.append(run_id)


@pytest.fixture
def queue(monkeypatch: Any) -> Queue:
    recorder = Queue()
    monkeypatch.setattr(tasks, "produce_export", recorder)
    return recorder


@pytest.fixture
def long_lists(world: World, monkeypatch: Any) -> World:
    """Every list is "long" (more rows than are sent at once), and none is empty."""
    monkeypatch.setattr(services, "SYNC_ROWS", 0)
    open_case(world)
    client_for(world.social_worker).get("/people/")  # in the audit trail
    return world


def _signed_in(worker: Worker) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(worker)
    return client


@pytest.fixture(params=NAMELESS, ids=[key for _, key, _ in NAMELESS])
def long_list(request: Any, long_lists: World) -> tuple[Client, str]:
    """A worker's client (CSRF checked, as a browser's), and a long list's download address."""
    persona, key, filters = request.param
    return _signed_in(long_lists.persona(persona)), f"/exports/{key}/?format=xlsx&{filters}"


def _starts_nothing(queue: Queue, send: Callable[[], HttpResponse]) -> HttpResponse:
    """The response to ``send``, which wrote no run, no audit row and queued no task."""
    with nothing_written(ExportRun, AccessEvent):
        response = send()
    assert queue.runs == []
    return response


def test_a_get_of_a_long_list_writes_nothing_and_offers_to_prepare_it(
    long_list: tuple[Client, str], queue: Queue
) -> None:
    client, url = long_list
    response = _starts_nothing(queue, lambda: client.get(url))
    assert response.status_code == 200 and "Content-Disposition" not in response
    page = response.content.decode()
    assert "This list is too long to download at once" in page
    assert "My exports" in page and f"for {services.KEEP_DAYS} days" in page
    assert ">Prepare it</button>" in page and 'name="csrfmiddlewaretoken"' in page
    # The button posts to the same address: the format and the page's filters with it.
    assert _action(response) == url


def _action(response: HttpResponse) -> str:
    """Where the page's export form posts (beside the header's sign-out form)."""
    found = re.findall(r'<form method="post" action="(/exports/[^"]*)"', response.content.decode())
    (action,) = found
    return html.unescape(action)


def test_preparing_a_long_list_without_the_csrf_token_is_refused(
    long_list: tuple[Client, str], queue: Queue
) -> None:
    client, url = long_list
    response = _starts_nothing(queue, lambda: client.post(url, {}))
    assert response.status_code == 403


def test_the_pages_button_prepares_it_once_with_its_filters(
    long_lists: World, queue: Queue
) -> None:
    worker = long_lists.social_worker
    client = _signed_in(worker)
    page = client.get("/exports/contexts/", {"format": "xlsx", "q": "Mill", "kind": "school"})
    token = client.cookies["csrftoken"].value
    response = client.post(_action(page), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == "/exports/"
    run = ExportRun.objects.get()
    assert (run.asked_by, run.list_key, run.fmt) == (worker, "contexts", "xlsx")
    assert run.params == {"q": "Mill", "kind": "school"}
    assert queue.runs == [run.pk]


@pytest.mark.parametrize(("persona", "key", "filters"), NAMELESS)
def test_a_short_list_still_downloads_on_a_get(
    world: World, queue: Queue, persona: str, key: str, filters: str
) -> None:
    client = _signed_in(world.persona(persona))
    response = client.get(f"/exports/{key}/?format=csv&{filters}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert not ExportRun.objects.exists() and queue.runs == []
