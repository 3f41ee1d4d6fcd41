"""The role decisions that pages, services and selectors used to make for themselves now
live in ``access``: who allocates, whose work a manager lists, who does casework, and what
the menu offers. Each rule is pinned here, and nothing outside ``access`` decides by role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from locus.access import context_cases, policies
from locus.access.menu import menu_for
from locus.access.models import Worker
from locus.common.errors import NotPermitted
from locus.people.services import allocation_create, allocation_end
from tests.factories import START, World, client_for, make_person

SRC = Path(policies.__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("persona", "case_records", "audit", "linked", "manages", "all_uses"),
    [
        ("social_worker", True, False, "linked", False, False),
        ("team_manager", True, False, "linked-borough", True, False),
        ("police_analyst", True, False, "linked-borough", False, False),
        ("school_dsl", True, False, "linked", False, False),
        ("auditor", False, True, "linked", False, True),
        ("admin", True, True, "linked-borough", False, True),
    ],
)
def test_the_menu_offers_what_the_rules_allow(
    world: World,
    persona: str,
    case_records: bool,
    audit: bool,
    linked: str,
    manages: bool,
    all_uses: bool,
) -> None:
    menu = menu_for(world.persona(persona))
    assert menu.case_records is case_records
    assert menu.audit is audit
    assert menu.audit_only is (persona == "auditor")
    assert menu.linked_cases == linked
    assert menu.manages_team is manages
    assert menu.all_emergency_uses is all_uses


def test_the_menu_links_to_pages_its_reader_may_open(world: World) -> None:
    for persona in ("social_worker", "team_manager", "police_analyst", "admin"):
        worker = world.persona(persona)
        page = client_for(worker).get("/")
        html = page.content.decode()
        href = "/linked/borough/" if menu_for(worker).linked_cases == "linked-borough" else None
        if href:
            assert f'href="{href}"' in html
            assert client_for(worker).get(href).status_code == 200
    auditor_home = client_for(world.auditor).get("/").content.decode()
    assert 'href="/people/"' not in auditor_home
    assert "Case records are not shared with auditors" in auditor_home


def test_a_manager_allocates_only_within_their_own_team(world: World) -> None:
    manager = world.team_manager
    assert policies.can_allocate(manager, world.csc_team_a.pk)
    assert not policies.can_allocate(manager, world.csc_team_b.pk)
    assert not policies.can_allocate(manager, None)
    assert not policies.can_allocate(world.social_worker, world.csc_team_a.pk)
    assert policies.can_allocate(world.admin, world.csc_team_b.pk)
    # The services ask the same rule: a manager cannot move a child into another team,
    # nor end another team's allocation (a transfer is the two).
    child = make_person(manager)
    with pytest.raises(NotPermitted):
        allocation_create(
            actor=manager, person=child, worker=world.other_social_worker, start=START
        )
    theirs = world.other_child.allocations.get(end__isnull=True)
    with pytest.raises(NotPermitted):
        allocation_end(actor=manager, allocation=theirs, end=START, reason="The case closed")
    mine = allocation_create(actor=manager, person=child, worker=world.teammate, start=START)
    assert (
        allocation_end(actor=manager, allocation=mine, end=START, reason="The case closed").end
        == START
    )


def test_only_a_team_manager_lists_the_teams_work(world: World) -> None:
    def ids(viewer: Worker, team: bool) -> set[int]:
        q = context_cases.whose_work(viewer, team=team)
        return set(Worker.objects.filter(q).values_list("id", flat=True))

    team_a = set(world.csc_team_a.workers.values_list("id", flat=True))
    assert ids(world.team_manager, True) == team_a
    assert ids(world.team_manager, False) == {world.team_manager.pk}
    # Asking for the team is not enough: a practitioner lists only their own.
    assert ids(world.social_worker, True) == {world.social_worker.pk}


def test_casework_is_done_by_active_practitioners_and_managers_in_a_team(world: World) -> None:
    doers = set(context_cases.casework_workers())
    for worker in (world.social_worker, world.team_manager, world.yjs_worker):
        assert context_cases.is_casework_worker(worker) and worker in doers
    for worker in (world.police_analyst, world.auditor, world.admin):
        assert not context_cases.is_casework_worker(worker) and worker not in doers
    world.teammate.is_active = False
    world.teammate.save()
    assert not context_cases.is_casework_worker(world.teammate)
    assert world.teammate not in set(context_cases.casework_workers())
    assert context_cases.can_be_asked_to_sign_off(world.team_manager)
    assert not context_cases.can_be_asked_to_sign_off(world.social_worker)


ROLE_DECISION = re.compile(
    r"\.role\s*(==|!=|not in\b|in\b)|\bRole\.(PRACTITIONER|MANAGER|ANALYST|AUDITOR|ADMINISTRATOR)"
)


def test_no_page_selector_or_service_decides_by_role() -> None:
    """Role decisions are access rules. Creating workers (the command line, the demo) names
    roles to give them, and so may; nothing else outside ``access`` may."""
    makers = {"cli.py", "demo"}
    found = []
    for path in SRC.rglob("*"):
        rel = path.relative_to(SRC)
        if path.suffix not in (".py", ".html") or rel.parts[0] in {"access", *makers}:
            continue
        if "migrations" in rel.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ROLE_DECISION.search(line):
                found.append(f"{rel}:{number}")
    assert found == []


@pytest.mark.parametrize(
    ("persona", "retention", "subject_access"),
    [
        ("social_worker", False, False),
        ("team_manager", False, False),
        ("auditor", True, False),
        ("admin", True, True),
    ],
)
def test_the_data_pages_are_in_the_menu_of_who_may_open_them(
    world: World, persona: str, retention: bool, subject_access: bool
) -> None:
    worker = world.persona(persona)
    html = client_for(worker).get("/my-work/" if persona != "auditor" else "/").content.decode()
    pages = (("/data/retention/", retention), ("/data/subject-access/", subject_access))
    for href, offered in pages:
        assert (f'href="{href}"' in html) is offered
        assert client_for(worker).get(href).status_code == (200 if offered else 404)
