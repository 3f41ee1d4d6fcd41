"""The reads a page makes for itself: database reads whose nearest project code is a view
or the web layer around it, or that a template makes as it is drawn (a related record
loaded lazily, a related manager asked). A page reads through its selectors and lookups,
which load what its template shows; whatever this finds, they did not."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from django.db import connection

import locus

SRC = str(Path(locus.__file__).resolve().parent)
TEMPLATES = f"{Path(sys.modules['django.template'].__file__ or '').parent}"


def _page_code(frame: FrameType | None) -> str | None:
    """Where a read came from, if a page made it: ``views.py:12`` or ``template``."""
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(SRC):
            rel = Path(name).relative_to(SRC).as_posix()
            if "/views" in rel or rel.startswith("web/"):
                return f"{rel}:{frame.f_lineno}"
            return None  # a selector, lookup, service or form: not the page's own
        if name.startswith(TEMPLATES):
            return "template"
        frame = frame.f_back
    return None


@contextmanager
def page_reads() -> Iterator[list[str]]:
    """Within the block, the list of the page's own reads (where, and the SQL's start)."""
    found: list[str] = []

    def watch(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith("SELECT"):
            where = _page_code(sys._getframe(1))
            if where is not None:
                found.append(f"{where}: {sql[:80]}")
        return execute(sql, *args)

    with connection.execute_wrapper(watch):
        yield found
