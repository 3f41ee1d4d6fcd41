"""Who may correct a managed move, or mark it entered in error.

A move is read by whoever may see the child (``lookups.access_person``: anyone else finds
neither the child nor the move), and recorded by whoever may record about the child
(``policies.can_record_about_person``).

A move is **corrected**, or marked **entered in error**, by the worker who recorded it or a
confirmed manager of the team they recorded it in (kept on the move, whichever team the
recorder is in now), while they may still record about the child: sight through an
emergency or a share does not change a record. The old values are kept; nobody deletes a
move. Anyone else who sees the child reads the move and its history, and is refused.
"""

from __future__ import annotations

from locus.access.models import Worker
from locus.access.policies import can_record_about_person, managed_team_id
from locus.access.provisioning import confirmed
from locus.moves.models import ManagedMove


def can_correct_move(worker: Worker, move: ManagedMove) -> bool:
    """The recorder, or a manager of the team the move was recorded in
    (``policies.managed_team_id``: not while their access waits), who may still record about
    the child."""
    if not confirmed(worker):
        return False
    mine = worker.pk == move.recorded_by_id
    manages = move.recorded_in_team_id is not None and (
        managed_team_id(worker) == move.recorded_in_team_id
    )
    return (mine or manages) and can_record_about_person(worker, move.person)
