"""On a phone a wide table scrolls inside its own box, not the whole page sideways, and that box
can be reached and scrolled from the keyboard: every GOV.UK table in the templates sits in a
``locus-table-scroll`` region with ``tabindex="0"`` and a name (axe:
scrollable-region-focusable). The browser check at 375 pixels is tests/e2e/test_phone_width.py."""

from __future__ import annotations

import re
from pathlib import Path

import locus

TEMPLATES = Path(locus.__file__).parent / "templates"
TABLE = re.compile(r'<table class="govuk-table')
WRAPPER = re.compile(r'<div class="locus-table-scroll(?: [^"]*)?"[^>]*>')  # and another class

# "template path:n" (the n-th table in that template, from 1) -> why it needs no wrapper.
# Keep this short: a table left out here makes a phone's page scroll sideways when it grows.
EXCEPTIONS: dict[str, str] = {}


def _tables() -> list[tuple[str, str | None]]:
    """Each table as ("path:n", the opening tag of the scroll wrapper it sits in, or None)."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for n, table in enumerate(TABLE.finditer(text), start=1):
            before = text[: table.start()]
            opened = list(WRAPPER.finditer(before))
            wrapper = None
            if opened:
                between = before[opened[-1].end() :]
                # Still open: no table closed and no <div> closed since the wrapper opened.
                if "</table>" not in between and between.count("</div>") <= between.count("<div"):
                    wrapper = opened[-1].group(0)
            found.append((f"{path.relative_to(TEMPLATES)}:{n}", wrapper))
    return found


def test_the_scan_finds_the_tables() -> None:
    """The scan reads the templates it guards (a moved folder would make it pass vacuously)."""
    tables = dict(_tables())
    assert len(tables) > 80
    assert "people/list.html:1" in tables


def test_every_table_scrolls_in_a_named_region_the_keyboard_reaches() -> None:
    unwrapped = [where for where, wrapper in _tables() if wrapper is None]
    assert [w for w in unwrapped if w not in EXCEPTIONS] == []
    assert [w for w in EXCEPTIONS if w not in unwrapped] == [], "an exception no longer needed"
    for where, wrapper in _tables():
        if wrapper is None:
            continue
        assert 'tabindex="0"' in wrapper, where
        assert 'role="region"' in wrapper, where
        assert re.search(r'aria-label(ledby)?="[^"]+"', wrapper), where
