"""A waiting account has none of its role's powers: one rule, ``provisioning.confirmed``.

An account the admin site makes or widens waits for a second person to confirm its access
(``access/provisioning.py``). Was: each power wrote "not waiting" by hand and some forgot it:
a manager moved into a team read that team's emergency access (and was offered to review it),
its sharing register rows and its legal holds' form while their access waited, and every
waiting account's menu offered the sharing register."""

from __future__ import annotations

from pathlib import Path

import pytest

import locus
from locus.access import (
    break_glass,
    context_cases,
    policies,
    subjectaccess,
    trail,
    transfers,
)
from locus.access.menu import menu_for
from locus.access.models import BreakGlass, Role, Scope, Worker
from locus.access.services import system_worker, worker_access_confirm
from locus.people.models import Allocation
from locus.transfers.models import Transfer
from locus.transfers.services import transfer_propose
from locus.web.navigation import links_for
from tests.access.test_provisioning import _admin_makes
from tests.factories import World, client_for, make_worker, open_in_emergency
from tests.transfers.helpers import NOTE

pytestmark = pytest.mark.django_db

SRC = Path(locus.__file__).resolve().parent
# Who may read whether an account waits: its table, the rule every power asks, the services
# that set it, the admin site that shows it, and the confirmation page, which says since when.
READERS = {
    "access/models.py",
    "access/provisioning.py",
    "access/services.py",
    "access/admin.py",
    "templates/access/access_confirm.html",
}


def test_only_provisioning_says_whether_an_account_waits() -> None:
    """A power that read the field itself would be the one a new power forgets: each asks
    ``provisioning.confirmed`` (``confirmed_q`` in a query) instead."""
    readers = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*")
        if path.suffix in {".py", ".html"}
        and "migrations" not in path.parts
        and "access_awaiting_since" in path.read_text(encoding="utf-8")
    }
    assert readers - READERS == set()
    assert "access/provisioning.py" in readers  # the guard still looks where it should


ACCOUNTS = {
    Role.ADMINISTRATOR: {"team": "", "role": Role.ADMINISTRATOR, "scope": Scope.ALL},
    Role.AUDITOR: {"team": "", "role": Role.AUDITOR, "scope": Scope.NONE},
    Role.MANAGER: {"role": Role.MANAGER, "scope": Scope.TEAM},
    Role.PRACTITIONER: {"role": Role.PRACTITIONER, "scope": Scope.TEAM},
}
# What each role's account uses once its access is confirmed.
CONFIRMED = {
    Role.ADMINISTRATOR: {
        "admin site",
        "audit trail",
        "emergency access",
        "sharing register",
        "retention",
        "legal holds",
        "case records",
        "identifier requests",
        "allocation",
        "data team",
    },
    Role.AUDITOR: {
        "audit trail",
        "emergency access",
        "sharing register",
        "retention",
        "search text",
    },
    Role.MANAGER: {
        "emergency access",
        "emergency-access review",
        "sharing register",
        "legal holds",
        "case records",
        "transfer decision",
        "identifier requests",
        "allocation",
        "sign-offs",
    },
    Role.PRACTITIONER: {"emergency access", "sharing register", "case records"},
}


def _waiting(world: World, role: Role) -> Worker:
    fields = {"team": world.csc_team_a.pk, **ACCOUNTS[role]}
    return _admin_makes(world, f"new.{role}", first_name="Nia", last_name="Newcomer", **fields)


def _to_decide(world: World) -> tuple[BreakGlass, Transfer]:
    """An emergency use opened in team A, for its managers to review, and a case proposed to
    team A, for its managers to accept."""
    open_in_emergency(world.teammate, world.other_child)
    use = BreakGlass.objects.get(worker=world.teammate)
    held = Allocation.objects.current().get(person=world.other_child)
    transfer = transfer_propose(
        actor=world.other_social_worker,
        allocation=held,
        to_team=world.csc_team_a,
        handover_note=NOTE,
    )
    return use, transfer


def _uses(world: World, worker: Worker, use: BreakGlass, transfer: Transfer) -> set[str]:
    """The powers ``worker`` has, each as its page answers it."""
    worker = Worker.objects.get(pk=worker.pk)
    site = client_for(worker)
    pages = {
        "admin site": "/admin/",
        "audit trail": "/audit/",
        "emergency access": "/access/break-glass/",
        "emergency-access review": f"/access/break-glass/{use.pk}/review/",
        "sharing register": "/sharing/",
        "retention": "/data/retention/",
        "legal holds": "/data/retention/holds/new/",
        "case records": f"/people/{world.team_child.pk}/",
    }
    used = {power for power, path in pages.items() if site.get(path).status_code == 200}
    if break_glass.can_review(worker, use) or break_glass.awaiting_review_by(worker).exists():
        used.add("emergency-access review")
    if transfers.can_decide_transfer(worker, transfer) or transfers.waiting_for(worker).exists():
        used.add("transfer decision")
    team_a = world.csc_team_a.pk
    by_hand = {
        "identifier requests": policies.answers_identifier_queries(worker),
        "allocation": policies.can_allocate(worker, team_a),
        "sign-offs": context_cases.can_be_asked_to_sign_off(worker),
        "search text": trail.reads_search_text(worker, None),
        "data team": subjectaccess.may_be_assigned(worker)
        or Worker.objects.filter(subjectaccess.data_team_filter(), pk=worker.pk).exists(),
    }
    return used | {power for power, has in by_hand.items() if has}


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_a_waiting_account_of_each_role_is_refused_each_of_its_powers(
    world: World, role: Role
) -> None:
    to_decide = _to_decide(world)
    worker = _waiting(world, role)
    assert _uses(world, worker, *to_decide) == set()
    confirmer = world.team_manager
    if worker.team_id is None:
        confirmer = make_worker(system_worker(), team=None, role=Role.ADMINISTRATOR)
    worker_access_confirm(actor=confirmer, worker=worker)
    assert _uses(world, worker, *to_decide) == CONFIRMED[role]


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_a_waiting_accounts_menu_offers_only_home(world: World, role: Role) -> None:
    """Was: it offered the sharing register too, empty for them or answering "not found"."""
    worker = _waiting(world, role)
    assert [link.label for link in links_for(menu_for(worker), "dashboard")] == ["Home"]
    page = client_for(worker).get("/").content.decode()
    assert "Sharing register" not in page
    assert "Your access is waiting for" in page


def test_a_confirmed_workers_menu_offers_the_sharing_register(world: World) -> None:
    worker = _waiting(world, Role.PRACTITIONER)
    worker_access_confirm(actor=world.team_manager, worker=worker)
    page = client_for(Worker.objects.get(pk=worker.pk)).get("/").content.decode()
    assert "Sharing register" in page


def test_a_waiting_manager_is_neither_asked_nor_told_of_the_teams_decisions(world: World) -> None:
    """A manager moved into team A whose access waits can decide nothing there, so nothing is
    routed to them: not a transfer to the team, nor a context case's sign-off or notices. Was:
    they were listed among those asked and told (and a transfer to a team whose only manager
    waited sat with them)."""
    from locus.access import context_cases
    from tests.casework.helpers import open_case

    waiting = _waiting(world, Role.MANAGER)
    case = open_case(world)
    assert case.team_id == waiting.team_id
    assert world.team_manager in transfers.deciding_managers(world.csc_team_a, world.admin)
    assert waiting not in transfers.deciding_managers(world.csc_team_a, world.admin)
    assert waiting not in context_cases.team_managers(case)
    assert waiting not in context_cases.eligible_managers(case, "assessment")
    worker_access_confirm(actor=world.team_manager, worker=waiting)
    assert waiting in transfers.deciding_managers(world.csc_team_a, world.admin)
    assert waiting in context_cases.team_managers(case)


def test_a_waiting_manager_of_the_team_reviews_none_of_its_emergency_access(world: World) -> None:
    """Reviewing asks the one rule of who manages a team (``policies.manages_a_team``), which
    asks ``confirmed``: a manager whose access waits reviews nothing until it is confirmed."""
    use, _ = _to_decide(world)
    waiting = _waiting(world, Role.MANAGER)
    assert use.team_id == waiting.team_id
    assert not break_glass.can_review(waiting, use)
    assert waiting not in break_glass.reviewers_of(use)
    assert client_for(waiting).get(f"/access/break-glass/{use.pk}/review/").status_code == 404
    worker_access_confirm(actor=world.team_manager, worker=waiting)
    confirmed = Worker.objects.get(pk=waiting.pk)
    assert break_glass.can_review(confirmed, use)
    assert confirmed in break_glass.reviewers_of(use)


def test_a_waiting_account_neither_ends_its_teams_allocations_nor_updates_its_agencys_actions(
    world: World,
) -> None:
    """Was: the service that ends an allocation asked only "a manager of the team" by hand, so
    a manager moved into team A ended its cases while their access waited; and a waiting
    practitioner updated any action their agency delivers."""
    from locus.casework.models import PlanAction
    from locus.common import clock
    from locus.common.errors import NotPermitted
    from locus.people.services import allocation_end
    from tests.casework.helpers import add_action, planned_case

    case = planned_case(world)
    action: PlanAction = add_action(world, case.plan, agency=world.csc, owner=world.social_worker)
    manager = _waiting(world, Role.MANAGER)
    practitioner = _waiting(world, Role.PRACTITIONER)
    held = Allocation.objects.current().get(person=world.team_child)
    assert held.team_id == manager.team_id
    with pytest.raises(NotPermitted):
        allocation_end(actor=manager, allocation=held, end=clock.today(), reason="Case closed")
    assert Allocation.objects.get(pk=held.pk).end is None
    for waiting in (manager, practitioner):
        assert not context_cases.can_update_action(waiting, action)
    for waiting in (manager, practitioner):
        worker_access_confirm(actor=world.team_manager, worker=waiting)
        assert context_cases.can_update_action(Worker.objects.get(pk=waiting.pk), action)
    manager = Worker.objects.get(pk=manager.pk)
    allocation_end(actor=manager, allocation=held, end=clock.today(), reason="Case closed")


def test_a_waiting_chair_neither_records_the_conference_nor_reviews_the_plan(
    world: World,
) -> None:
    """Was: the chair's own rights asked only that the account be active."""
    from tests.access.test_provisioning import _admin_saves
    from tests.casework.helpers import conference_of, planned_case

    case = planned_case(world)
    conference = conference_of(case)
    chair = Worker.objects.get(pk=conference.chair_id)
    assert context_cases.can_record_conference(chair, conference)
    assert context_cases.can_review_plan(chair, case)
    chair = _admin_saves(client_for(world.admin), chair, scope=Scope.ALL)
    assert chair.access_awaiting_since is not None
    assert not context_cases.can_record_conference(chair, conference)
    assert not context_cases.can_review_plan(chair, case)
