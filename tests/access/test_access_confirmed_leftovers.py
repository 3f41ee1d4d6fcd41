"""What was left of "a waiting account has none of its role's powers" and "a manager is a
team's" (``provisioning.confirmed``, ``policies.manages_a_team``).

Was: a manager recording a child allocated the new record, through the service, to a
teammate whose access waited (the form offered only confirmed ones); a referrer and a
transfer's proposer whose access waited still withdrew their referral or transfer; and a
manager's account without a team, at scope all, exported Ofsted's Annex A, merged places and
placed legal holds on any child, powers the rules give a team's manager."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from locus.access import exports, places, retention
from locus.access.context_cases import action_receivers, can_withdraw_referral
from locus.access.models import Role, Scope, Worker
from locus.access.services import worker_access_confirm
from locus.access.transfers import can_withdraw_transfer
from locus.casework.services import referral_withdraw
from locus.common import clock
from locus.common.errors import NotPermitted
from locus.linked.selectors import caseload_holders_for
from locus.people.models import Allocation, Person, PersonKind
from locus.people.services import person_record
from locus.retention.models import HeldKind
from locus.transfers.models import Transfer
from locus.transfers.services import transfer_withdraw
from tests.access.test_provisioning import _admin_makes
from tests.casework.helpers import open_case, planned_case, refer
from tests.factories import World, nothing_written
from tests.transfers.helpers import propose_to_b

pytestmark = pytest.mark.django_db

WHY = "Sent in error: it was meant for another team"


def _waits(worker: Worker) -> Worker:
    """The account's access waits for a second person (a new role, say), in the same team."""
    Worker.objects.filter(pk=worker.pk).update(access_awaiting_since=clock.now())
    return Worker.objects.get(pk=worker.pk)


def _new_child(**more: Any) -> dict[str, Any]:
    return {
        "kind": PersonKind.YOUNG_PERSON,
        "given_name": "Ayla",
        "family_name": "Newrecord",
        "date_of_birth": clock.today().replace(year=clock.today().year - 14, day=1),
        **more,
    }


def test_a_manager_records_a_child_for_no_teammate_whose_access_waits(world: World) -> None:
    waiting = _waits(world.teammate)
    with nothing_written(Person, Allocation), pytest.raises(NotPermitted):
        person_record(actor=world.team_manager, holder=waiting, **_new_child())
    worker_access_confirm(actor=world.team_manager, worker=waiting)
    child = person_record(actor=world.team_manager, holder=world.teammate, **_new_child())
    assert Allocation.objects.current().get(person=child).worker == world.teammate


def test_lists_that_give_work_leave_a_waiting_account_out_and_a_caseload_keeps_it(
    world: World,
) -> None:
    """An action is given to nobody whose access waits; the team's caseloads still list them:
    the children allocated to them are theirs today, and their manager oversees them."""
    action = planned_case(world).plan.actions.get()
    assert world.teammate in action_receivers(action)
    waiting = _waits(world.teammate)
    assert waiting not in action_receivers(action)
    assert waiting in caseload_holders_for(world.team_manager)


def test_a_waiting_referrer_withdraws_no_referral(world: World) -> None:
    referral = refer(world)
    assert can_withdraw_referral(world.partner_worker, referral)
    waiting = _waits(world.partner_worker)
    assert not can_withdraw_referral(waiting, referral)
    with pytest.raises(NotPermitted):
        referral_withdraw(actor=waiting, referral=referral, reason=WHY)


def test_a_waiting_proposer_withdraws_no_transfer(world: World) -> None:
    transfer = propose_to_b(world)
    assert can_withdraw_transfer(world.social_worker, transfer)
    waiting = _waits(world.social_worker)
    assert not can_withdraw_transfer(waiting, transfer)
    with nothing_written(Transfer), pytest.raises(NotPermitted):
        transfer_withdraw(actor=waiting, transfer=transfer, reason=WHY)


@pytest.fixture
def loose(world: World) -> Worker:
    """A manager's account at scope all, confirmed by its team's manager, then left with no
    team (as the admin site allowed before it asked every active manager for one): it sees
    every record, and manages no team."""
    team = str(world.csc_team_a.pk)
    made = _admin_makes(world, "loose.manager", team=team, role=Role.MANAGER, scope=Scope.ALL)
    worker_access_confirm(actor=world.team_manager, worker=made)  # the team's manager
    Worker.objects.filter(pk=made.pk).update(team=None)
    made = Worker.objects.get(pk=made.pk)
    assert made.team_id is None and made.access_awaiting_since is None
    return made


# A team manager's powers: Annex A, merging places, legal holds.
TEAM_MANAGERS = [exports.can_export_annex_a, places.merges_places, retention.can_hold]


@pytest.mark.parametrize("power", TEAM_MANAGERS, ids=lambda f: f.__name__)
def test_a_managers_account_without_a_team_has_no_team_managers_powers(
    world: World, loose: Worker, power: Callable[[Worker], bool]
) -> None:
    assert not power(loose)
    # A team's manager keeps each; so does an administrator, who has no team.
    assert power(world.team_manager) and power(world.admin)


def test_a_managers_account_without_a_team_holds_no_record(world: World, loose: Worker) -> None:
    case = open_case(world)
    assert retention.held_record(loose, HeldKind.PERSON, world.csc_child.pk) is None
    assert retention.held_record(loose, HeldKind.CASE, case.pk) is None
