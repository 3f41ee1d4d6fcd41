"""Who may read and record a child's safety map and context weighting, and who sees the
area picture built from many children's maps.

* **Read** a child's safety maps and weightings: whoever sees the child's record in their
  own right (``lookups.access_person``: break-glass included, a forum share not). Anyone
  else gets "not found".
* **Record** a session, mark a place, amend a mark or re-weight the contexts: a
  practitioner or manager who *holds* the child (an open allocation to them, or to their
  team) and sees the child lastingly. The work is done with the child, by the people
  working with the child. Not an auditor, not an administrator (who keep the system, not
  the child's casework), not an agency that only sees the child.
* **Amend** a mark: its recorder, or a manager of the team the recorder marked it in
  (kept on the mark, whichever team the recorder is in now), while they may still record
  for the child.
* **The area picture** (counts only, suppressed): team managers and analysts who see case
  records, of a partner organisation's or an independent reviewing service's none; of
  places only the public places they may see (never a home or a peer group).
"""

from __future__ import annotations

from django.db.models import QuerySet

from locus.access import scopes
from locus.access.context_cases import is_partner
from locus.access.models import Role, Worker
from locus.access.policies import (
    CASEWORK_ROLES,
    does_casework,
    holds_child,
    manages_a_team,
    sees_lastingly,
)
from locus.people.models import Person
from locus.places.models import RESTRICTED_KINDS, Context
from locus.safety.models import MarkedPlace


def can_record_safety(worker: Worker, person: Person) -> bool:
    """Record a safety mapping session or a context weighting for ``person``."""
    return (
        worker.is_active
        and worker.role in CASEWORK_ROLES
        and scopes.sees_case_records(worker)
        and holds_child(worker, person)
        and sees_lastingly(worker, person)
    )


def amends_as(worker: Worker, mark: MarkedPlace) -> bool:
    """The mark's recorder themselves, or a manager of the team the recorder was in when
    they marked it (kept on the mark), whichever team the recorder is in now (the rest of
    :func:`can_amend_mark` is :func:`can_record_safety`, asked once for a whole map)."""
    manages = manages_a_team(worker) and worker.team_id == mark.recorded_in_team_id
    return worker.pk == mark.recorded_by_id or manages


def can_amend_mark(worker: Worker, mark: MarkedPlace) -> bool:
    """The mark's recorder, or a manager of the team they marked it in, who may record for
    the child."""
    return amends_as(worker, mark) and can_record_safety(worker, mark.session.person)


def can_view_area(worker: Worker) -> bool:
    """The area picture: team managers and analysts who see case records, whose work is
    coordinating across caseloads: not a partner's, nor an independent reviewing service's
    manager (``policies.does_casework``: the conference chairs' unit chairs and reviews, and
    coordinates no caseload)."""
    return (
        worker.role in (Role.MANAGER, Role.ANALYST)
        and scopes.sees_case_records(worker)
        and not is_partner(worker)
        and does_casework(worker)
    )


def area_contexts(worker: Worker) -> QuerySet[Context]:
    """The places whose counts ``worker`` may read: the public places they see, when they see
    the area. Never a home or a peer group: their counts are about a household or a group
    of named children, and a worker who sees one resident or member would learn from "fewer
    than 5 marked it" that another, whom they may not see, is in safety-mapping work."""
    if not can_view_area(worker):
        return Context.objects.none()
    return scopes.contexts_visible_to(worker).exclude(kind__in=RESTRICTED_KINDS)
