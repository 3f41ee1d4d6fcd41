"""How a long page is laid out for a reader who skims it or moves by headings: its "On this
page" list, whose links each go to a section of the page, and its headings' levels."""

from __future__ import annotations

import re
from itertools import pairwise

CONTENTS = re.compile(r'<nav aria-label="On this page">(.*?)</nav>', re.S)


def contents(html: str) -> list[str]:
    """The targets of the page's "On this page" links, in order; each must be on the page."""
    found = CONTENTS.search(html)
    assert found, 'no "On this page" list'
    targets = re.findall(r'href="#([^"]+)"', found.group(1))
    for target in targets:
        assert f'id="{target}"' in html, f"#{target} is not on the page"
    return targets


def heading_levels(html: str) -> list[int]:
    """The level of each heading, in page order."""
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]


def headings_in_order(html: str) -> bool:
    """One h1 first, and no heading more than one level below the one before it."""
    levels = heading_levels(html)
    steps = pairwise(levels)
    return levels[:1] == [1] and levels.count(1) == 1 and all(b <= a + 1 for a, b in steps)
