"""The service menu's items: which pages a worker's menu lists (from ``access.menu``), and
which item the page being read belongs to.

Kept as data here, not as one ``{% if %}`` block per item in ``base.html``, so each item says
once what it links to, which pages count as its section (marked active) and who is offered
it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from locus.access.menu import Menu


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    offered: Callable[[Menu], bool]
    # The other pages of its section: url names, and url-name prefixes ending in "*".
    section: tuple[str, ...] = ()
    # Other pages that are the item's own page too (aria-current), beside ``url_name``.
    own: tuple[str, ...] = ()

    def holds(self, here: str) -> bool:
        return here == self.url_name or any(
            here.startswith(name[:-1]) if name.endswith("*") else here == name
            for name in self.section
        )


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    active: bool  # the page being read is in this item's section
    current: bool  # the page being read is the item's own page (aria-current)


def _records(menu: Menu) -> bool:
    return menu.case_records


def _children(menu: Menu) -> bool:
    return menu.case_records and menu.children


ITEMS: tuple[Item, ...] = (
    Item("Home", "dashboard", lambda menu: True),
    Item("People", "people", _children, section=("person",)),
    Item("Contexts", "contexts", _records, section=("context", "group")),
    Item("Incidents", "incidents", _children, section=("incident",)),
    # Linked cases: their caseload's links, or the borough's clusters (Menu.linked_cases);
    # both pages are the item's own.
    Item(
        "Linked cases",
        "linked",
        lambda menu: menu.case_records and menu.linked,
        section=("linked-borough",),
        own=("linked", "linked-borough"),
    ),
    Item("Meetings", "meetings", _records, section=("meeting",)),
    Item("Panels", "panels", _records, section=("panel*",)),
    Item("Context cases", "context-cases", _records, section=("context-*",)),
    Item("Visits", "visit-plans", _records, section=("visit*", "protected-home")),
    Item("My work", "my-work", _records),
    Item("Audit trail", "audit", lambda menu: menu.audit),
    Item("Sharing register", "sharing-register", lambda menu: menu.sharing_register),
    Item("Imports", "imports", lambda menu: menu.imports, section=("import*",)),
    Item("Retention", "retention", lambda menu: menu.retention, section=("retention*",)),
    Item(
        "Live API tokens",
        "api-tokens-live",
        lambda menu: menu.live_tokens,
        section=("api-token-revoke-any",),
    ),
    Item(
        "Subject access",
        "subject-access",
        lambda menu: menu.subject_access,
        section=("subject-access*",),
    ),
)


def home_lists_work(menu: Menu) -> bool:
    """Whether Home is built from the worker's work (what is due, their context cases,
    meetings and panels) rather than a caseload and incidents: the menu offers them the
    case records' items but not the lists of children (People, Incidents)."""
    return _records(menu) and not _children(menu)


def links_for(menu: Menu, here: str) -> list[Link]:
    """The menu's links for a worker with ``menu`` reading the page named ``here``."""
    return [
        Link(
            label=item.label,
            href=reverse(menu.linked_cases if item.url_name == "linked" else item.url_name),
            active=item.holds(here),
            current=here == item.url_name or here in item.own,
        )
        for item in ITEMS
        if item.offered(menu)
    ]
