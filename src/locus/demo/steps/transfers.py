"""A demo transfer waiting for acceptance, added to a generated borough.

Call :func:`add_demo_transfer` after ``generate_borough``. ``social.worker`` proposes to
hand one of her cases to a colleague in her own team, with a handover note; it waits for
a manager of the team (``team.manager`` or ``practice.manager``) on their Transfers to
accept page and in My work. Made through the services as the persona, so the walk-through
shows exactly what the app makes. Choices follow names, never ids; safe to call again.
"""

from __future__ import annotations

from django.db import transaction

from locus.access.models import Role, Worker
from locus.demo.caseload import held_allocations
from locus.transfers.models import Status, Transfer
from locus.transfers.services import transfer_propose

HANDOVER_NOTE = (
    "I am moving to the exploitation pathway. Visits are weekly, on Tuesdays after school; "
    "the young person trusts the youth worker at the Hub. Open actions: the school safety "
    "plan review next week and a return-home interview after the last missing episode. "
    "Worry: seen twice near the retail park with older young people; mother is worried but "
    "engaged and wants to be told before any home visit."
)


@transaction.atomic
def add_demo_transfer() -> Transfer | None:
    """``social.worker``'s first case (by name) proposed to a colleague in her team; None
    when the borough has no place for it, or a transfer of hers already waits."""
    worker = Worker.objects.filter(username="social.worker", is_active=True).first()
    if worker is None or worker.team_id is None:
        return None
    if Transfer.objects.filter(proposed_by=worker, status=Status.PROPOSED).exists():
        return None
    held = held_allocations(worker)
    allocation = next(
        (a for a in held if not Transfer.objects.filter(person=a.person, status="proposed")),
        None,
    )
    colleague = (
        Worker.objects.filter(team_id=worker.team_id, role=Role.PRACTITIONER, is_active=True)
        .exclude(pk=worker.pk)
        .order_by("username")
        .first()
    )
    if allocation is None:
        return None
    return transfer_propose(
        actor=worker,
        allocation=allocation,
        to_team=allocation.team,
        to_worker=colleague,
        handover_note=HANDOVER_NOTE,
    )
