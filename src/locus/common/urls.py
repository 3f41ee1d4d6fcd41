"""Url patterns written as a table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path

Route = tuple[str, Callable[..., Any], str]


def routes(*table: Route) -> list[URLPattern]:
    """One pattern for each (route, view, name), in the order Django tries them."""
    return [path(route, view, name=name) for route, view, name in table]


def actions(record: str, name: str, **views: Callable[..., Any]) -> list[Route]:
    """The pages that act on one record, each at ``<record><word>/`` and named
    ``<name>-<word>``: a transfer's ``accept/`` page is "transfer-accept"."""
    return [(f"{record}{word}/", view, f"{name}-{word}") for word, view in views.items()]
