"""Odd ids in paths and query strings answer "not found" or a form, never a server error.

``str.isdigit`` accepts ``²``; ``99999999999999999999`` overflows the 64-bit key. Ids are
parsed in one place (``locus.common.ids``); the sweep asks every page that takes an id,
in its path or in its query string, with each kind of bad id.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from locus.access.models import Worker
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

BAD_IDS = ("²", "-1", "0", "99999999999999999999", "abc")
# The query-string names that carry an id somewhere in the project (a person, a worker,
# a context or group, a referral's children) and the numbers read beside them.
QUERY_IDS = ("person", "worker", "context", "group", "children")
QUERY_NUMBERS = ("months", "window", "page", "record_id")
PERSONAS = (
    "social_worker",
    "team_manager",
    "police_analyst",
    "school_dsl",
    "partner_worker",
    "auditor",
    "admin",
)
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def routes(patterns: list | None = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every route in the project as a path template (``people/<int:person_id>/``) and its view."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if route.startswith("^"):
            continue  # the admin's regex routes (app index, static views) take no record id
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route, entry.callback


def reads_query(view: Any) -> bool:
    """Whether a view reads its query string, itself or through a helper in its module."""
    view = inspect.unwrap(view)
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return False
    module = inspect.getmodule(view)
    helpers = [
        member
        for name, member in inspect.getmembers(module, inspect.isfunction)
        if member.__module__ == view.__module__ and re.search(rf"\b{name}\(", source)
    ]
    return any(
        ".GET" in inspect.getsource(f) or "paginate(" in inspect.getsource(f)
        for f in [view, *helpers]
    )


def fill(route: str, values: dict[str, str]) -> str:
    return "/" + PARAM.sub(lambda m: values.get(m["name"], "1"), route)


def real_ids(world: World) -> dict[str, str]:
    """A real record for each id a path names, so a bad id is tried beside good ones."""
    return {
        "person_id": str(world.csc_child.pk),
        "context_id": str(world.park.pk),
        "group_id": str(world.group.pk),
        "incident_id": str(world.police_incident.pk),
    }


def signed_in(worker: Worker) -> Client:
    # A server error is answered as a 500 (not re-raised), so one sweep lists them all.
    client = Client(raise_request_exception=False)
    client.force_login(worker)
    return client


def server_errors(client: Client, urls: Iterator[str]) -> list[str]:
    return [url for url in urls if client.get(url).status_code >= 500]


@pytest.mark.parametrize(
    "url",
    [
        "/context-cases/referrals/new/?person=99999999999999999999",
        "/context-cases/referrals/new/?person=%C2%B2",
        "/linked/?worker=%C2%B2",
    ],
)
def test_the_reported_urls_are_no_server_error(world: World, url: str) -> None:
    response = client_for(world.social_worker).get(url)
    if url.startswith("/linked/"):
        assert response.status_code == 404
    else:
        # The referral form, with the odd id simply not offered as a child.
        assert response.status_code == 200
        assert b"99999999999999999999" not in response.content


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_id_in_a_path_answers_without_a_server_error(world: World, persona: str) -> None:
    good = real_ids(world)
    urls = [
        fill(route, {**good, name: bad})
        for route, _ in routes()
        for name in (m["name"] for m in PARAM.finditer(route))
        for bad in BAD_IDS
    ]
    assert len(urls) > 100  # the walk found the project's routes
    assert server_errors(signed_in(getattr(world, persona)), iter(urls)) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_id_in_a_query_string_answers_without_a_server_error(
    world: World, persona: str
) -> None:
    good = real_ids(world)
    pages = [
        fill(route, good)
        for route, view in routes()
        if not route.startswith("admin/") and reads_query(view)
    ]
    assert "/context-cases/referrals/new/" in pages and "/linked/" in pages
    urls = [
        f"{page}?{query}"
        for page in pages
        for bad in BAD_IDS
        for query in (
            # Every id at once, then without ``person``, which some pages read first.
            "&".join(f"{name}={bad}" for name in (*QUERY_IDS, *QUERY_NUMBERS)),
            "&".join(f"{name}={bad}" for name in (*QUERY_IDS[1:], *QUERY_NUMBERS)),
        )
    ]
    assert server_errors(signed_in(getattr(world, persona)), iter(urls)) == []
