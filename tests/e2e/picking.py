"""Choosing a person with the form's person picker, as a worker does: type the name, press
Find (the page comes back with the matches), tick the one meant."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def pick_person(page: Any, legend: str, search: str, choose: str) -> None:
    """In the picker headed ``legend``, search for ``search`` and choose ``choose``."""
    picker = page.get_by_role("group", name=legend, exact=True)
    picker.get_by_label(re.compile("^Search (again )?by name$")).fill(search)
    with page.expect_navigation():
        picker.get_by_role("button", name=f"Find {legend.lower()}").click()
    radio = page.get_by_role("group", name=legend, exact=True).get_by_label(
        re.compile("^" + re.escape(choose) + r"\b")
    )
    radio.check()
    expect(radio).to_be_checked()
