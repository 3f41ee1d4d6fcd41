"""Who reads the sharing register and who edits the authority's policies (docs/sharing.md,
docs/policies.md).

* The information governance lead (the auditor role) and administrators read every row:
  the register is how they answer for the authority's sharing.
* A manager reads their team's shares (the team the sharer was in when they shared) and
  their own; any other worker reads the shares they made and those made to them. A partner
  organisation's worker therefore sees only their own.
* A person named in a row is named only to a viewer who may see them; others get a count.
* An account whose access waits for a second person to confirm it reads no row, not even
  its own, and has no register page (``access/provisioning.py``).
* The policies (peer assessment policy, information-sharing agreement, DPIA record) are read
  by every signed-in worker, who must follow them, and edited by administrators only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from locus.access import policies
from locus.access.models import Role, Worker
from locus.access.provisioning import confirmed


def reads_every_share(worker: Worker) -> bool:
    """Auditors and administrators, once their access is confirmed (``access/provisioning``)."""
    return confirmed(worker) and worker.role in (Role.AUDITOR, Role.ADMINISTRATOR)


def can_read_register(worker: Worker) -> bool:
    """Every worker has a register page (at least their own shares), once their access is
    confirmed (``access/provisioning.py``): the rows are casework."""
    return confirmed(worker)


def shares_visible_to(viewer: Worker, shares: QuerySet[Any]) -> QuerySet[Any]:
    """Of ``shares``, the rows ``viewer`` may read (see the module's rules)."""
    if not can_read_register(viewer):
        return shares.none()
    if reads_every_share(viewer):
        return shares
    mine = Q(by=viewer) | Q(recipients__worker=viewer)
    if reads_team_shares(viewer):
        mine |= Q(by_team_id=viewer.team_id)
    return shares.filter(mine).distinct()


def reads_team_shares(worker: Worker) -> bool:
    return policies.manages_a_team(worker)


def can_read_policies(worker: Worker) -> bool:
    return worker.is_active


def can_edit_policies(worker: Worker) -> bool:
    """Administrators only: a policy is the authority's word, changed through its IT and
    data team, each change kept as a new version."""
    return policies.is_administrator(worker)
