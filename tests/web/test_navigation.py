"""The service menu tells a worker where they are: the item whose section holds the page is
marked active, and only the item's own page is announced as the current page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from locus.access.models import Scope
from tests.factories import World, client_for, make_worker


def marked(html: str) -> dict[str, tuple[bool, bool]]:
    """Each menu item's label: (marked active, announced as the current page)."""
    nav = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r'<li class="([^"]+)">\s*<a [^>]*?(aria-current="page")?>([^<]+)</a>', nav)
    return {label: ("--active" in classes, bool(current)) for classes, current, label in items}


@pytest.mark.parametrize(
    ("persona", "url", "item", "current"),
    [
        ("social_worker", reverse("panels"), "Panels", True),
        ("social_worker", reverse("people"), "People", True),
        ("social_worker", reverse("context-cases"), "Context cases", True),
        ("social_worker", reverse("contexts"), "Contexts", True),
        ("police_analyst", reverse("linked-borough"), "Linked cases", True),
        ("admin", reverse("imports"), "Imports", True),
        ("admin", reverse("subject-access"), "Subject access", True),
    ],
)
def test_the_page_s_own_item_is_active_and_current(
    world: World, persona: str, url: str, item: str, current: bool
) -> None:
    items = marked(client_for(world.persona(persona)).get(url).content.decode())
    assert items[item] == (True, current)
    assert [label for label, (active, _) in items.items() if active] == [item]


def test_a_page_inside_a_section_marks_its_item_without_calling_it_the_current_page(
    world: World,
) -> None:
    child = world.csc_child
    items = marked(
        client_for(world.social_worker).get(reverse("person", args=[child.pk])).content.decode()
    )
    assert items["People"] == (True, False)
    context = client_for(world.social_worker).get(reverse("context", args=[world.park.pk]))
    assert marked(context.content.decode())["Contexts"] == (True, False)
    assert marked(context.content.decode())["Context cases"] == (False, False)


def test_home_is_the_only_item_marked_on_the_home_page(world: World) -> None:
    items = marked(client_for(world.social_worker).get(reverse("dashboard")).content.decode())
    assert {label for label, (active, current) in items.items() if active or current} == {"Home"}


@pytest.mark.parametrize(
    ("persona", "lists_work"),
    [
        ("social_worker", False),
        ("police_analyst", False),
        ("partner_worker", False),  # at agency scope: its agency's grants reach children
        ("housing_officer", True),  # a partner's staff at team scope: given no child
        ("auditor", False),
        ("admin", False),
    ],
)
def test_home_lists_work_exactly_when_the_menu_offers_records_but_no_children(
    world: World, persona: str, lists_work: bool
) -> None:
    """Home and the menu answer one question: a worker offered Contexts but not People (a
    housing officer) gets a home page of their work, anyone offered People their caseload."""
    worker = (
        make_worker(world.system, team=world.partner_team, scope=Scope.TEAM)
        if persona == "housing_officer"
        else world.persona(persona)
    )
    page = client_for(worker).get(reverse("dashboard"))
    items = marked(page.content.decode())
    assert ("Contexts" in items and "People" not in items) == lists_work
    assert ("web/work_home.html" in [t.name for t in page.templates]) == lists_work
