"""Url patterns written as a table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path


def routes(*table: tuple[str, Callable[..., Any], str]) -> list[URLPattern]:
    """One pattern for each (route, view, name), in the order Django tries them."""
    return [path(route, view, name=name) for route, view, name in table]
