"""Reading and driving a long pick list's search (``common.forms.ListSearch``) in page tests."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client


def find(client: Client, url: str, answers: dict[str, Any], field: str, words: str) -> str:
    """The page drawn when Find is pressed for ``field``'s list with ``words`` typed, the
    form's other ``answers`` posted with it: drawn again, its answers not judged."""
    page = client.post(url, {**answers, f"{field}_search": words, "narrow": field})
    assert page.status_code == 200 and "There is a problem" not in page.text
    return page.text


def ticked_choices(html: str, field: str) -> set[str]:
    """The values the tick boxes of ``field`` offer."""
    return set(re.findall(rf'name="{field}" type="checkbox" value="(\d+)"', html))


def select_choices(html: str, field: str) -> list[str]:
    """The values the select ``field`` offers, in order, leaving out its empty first one."""
    start = html.index(f'name="{field}"')
    select = html[start : html.index("</select>", start)]
    return [v for v in re.findall(r'<option value="([^"]*)"', select) if v]
