"""A page that adds a record: the record its service wrote, to lead on to."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pages import submitted

T = TypeVar("T")


def submitted_record(
    request: AuthedRequest, form: GovukForm, write: Callable[[], T], success: str
) -> T | None:
    """Run ``write`` for a valid POSTed form, as :func:`submitted` does, and return what it
    wrote; None when nothing was (a GET, an invalid form, a service's refusal)."""
    written: list[T] = []
    if submitted(request, form, lambda: written.append(write()), success):
        return written[0]
    return None
