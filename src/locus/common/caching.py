"""Values worked out from the records and kept in the cache for a while: a cache, not state
(what it holds can always be worked out again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")


def cached(key: str, work_out: Callable[[], T], *, timeout: int) -> T:
    """The value kept under ``key``; where there is none, ``work_out()``'s, kept for
    ``timeout`` seconds (the key says what it was worked out for: the day, the months)."""
    found = cache.get(key)
    if found is None:
        found = work_out()
        cache.set(key, found, timeout=timeout)
    return found
