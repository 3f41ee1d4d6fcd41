"""No URL of the site answers a session that has given only its password: every pattern,
with GET and POST, is sent to the second factor (bar signing in and out)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import World
from tests.signin.test_second_factor import enrolled, password_only

pytestmark = pytest.mark.django_db

OPEN = ("/sign-in/", "/sign-out/", "/healthz", "/second-factor/verify/", "/second-factor/enrol/")
# The JSON API ignores the session altogether: without a token it answers 401 (404 or 405 for
# a path or method it has not), whatever the session passed; its description holds no record.
API = "/api/"
API_DOCS = ("/api/v1/openapi.json", "/api/v1/docs")


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(pattern: str) -> str:
    """A path for a pattern: 1 for each id, a word for each slug or string."""
    path = re.sub(r"<int:[^>]+>", "1", pattern)
    path = re.sub(r"<(?:str|slug|path):[^>]+>", "x", path)
    path = re.sub(r"<[^>]+>", "x", path)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", path)
    return "/" + path


def paths() -> list[str]:
    return sorted({_concrete(p) for p in _patterns(get_resolver())})


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_url_asks_for_the_second_factor(world: World, settings: Any, method: str) -> None:
    settings.LOCUS_REQUIRE_OTP = True
    enrolled(world.admin)
    client = password_only(world.admin)
    verify = reverse("second-factor-verify")
    leaks = []
    for path in paths():
        if path.startswith(OPEN):
            continue
        response = getattr(client, method)(path)
        if path.startswith(API):
            if not path.startswith(API_DOCS) and response.status_code not in (401, 404, 405):
                leaks.append((path, response.status_code))
            continue
        if response.status_code != 302 or not response["Location"].startswith(verify):
            leaks.append((path, response.status_code))
    assert leaks == []
