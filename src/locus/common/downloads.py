"""A file a page hands over: always an attachment, never sniffed, never kept, never run.

One way for every download (a document, a peer map's drawing, a list), so that a name taken
from a record (a child's initials, an uploaded file's name) can neither break the header nor
turn the attachment into something the browser shows in the page's own origin.
"""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import quote

from django.http import HttpResponseBase

Response = TypeVar("Response", bound=HttpResponseBase)


def content_disposition(name: str) -> str:
    """Always an attachment: a plain-ASCII fallback name and the full name as ``filename*``
    (RFC 6266), both from the sanitised name, so no header can be broken or injected."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, not {type(name).__name__}")
    # Only printable ASCII in the quoted fallback: no quote, backslash, or line break.
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def as_attachment(response: Response, name: str) -> Response:
    """``response`` as a download named ``name``, with the headers every download carries."""
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Even opened by mistake in the browser, a file may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
