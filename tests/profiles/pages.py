"""Checks on rendered pages shared by the profile, managed-move and panel tests."""

from __future__ import annotations

import html
import re
from typing import Any

from django.urls import reverse

from locus.audit.models import AccessEvent

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>")


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def errors_of(page: str) -> list[str]:
    """The error summary's messages, in order."""
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    assert summary, "no error summary"
    return [
        html.unescape(re.sub(r"<[^>]+>", "", m).strip())
        for m in re.findall(r"<li>(.*?)</li>", summary[1], re.S)
    ]


def assert_strict_page(page: str) -> None:
    """No inline script or style (strict CSP), and every POST form carries its CSRF token."""
    assert not INLINE_SCRIPT.search(page)
    assert " style=" not in page and "<style" not in page
    for form in re.findall(r'<form method="post".*?</form>', page, re.S):
        assert "csrfmiddlewaretoken" in form


def last_read(actor: Any) -> AccessEvent:
    return AccessEvent.objects.filter(actor=actor).latest("at", "id")
