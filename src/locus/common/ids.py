"""Record ids from URLs, query strings and forms, parsed in one place.

An id is a positive decimal integer that fits the database's 64-bit key.
Anything else (``²``, which ``str.isdigit`` accepts; ``99999999999999999999``,
which overflows the key; a negative number; an empty string) is not an id: a
page answers 404 or names the form field, never a server error.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404

MAX_ID = 2**63 - 1


def as_id(value: object) -> int | None:
    """``value`` as a record id, or ``None`` when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        # isascii() and isdecimal() together: only the ten ASCII digits.
        if not text or len(text) > 19 or not (text.isascii() and text.isdecimal()):
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_id(value: object) -> int:
    """``value`` as a record id, or Http404 (a bad id is a record that is not there)."""
    number = as_id(value)
    if number is None:
        raise Http404("Not found")
    return number


def parse_ids(values: Iterable[object], *, limit: int | None = None) -> list[int]:
    """The distinct ids among ``values``, in order, skipping what is not an id.

    ``limit`` caps how many are taken, so a query string cannot name thousands.
    """
    seen: dict[int, None] = {}
    for value in values:
        number = as_id(value)
        if number is not None:
            seen[number] = None
            if limit is not None and len(seen) >= limit:
                break
    return list(seen)
