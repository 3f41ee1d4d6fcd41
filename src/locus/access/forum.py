"""What a forum share carries: which fields of which children a worker was shown.

A worker who sees a child only because it was shared with them at a meeting
sees what was shared, not the whole record. :func:`fields_shared_with` is the
one question the field rules (``access/fields.py``) ask about shares.
"""

from __future__ import annotations

from collections.abc import Iterable

from locus.access import scopes
from locus.access.fields import PersonField
from locus.access.models import Worker
from locus.mapping.models import ShareAgreement

# What a holder is offered to share when agreeing to bring a child: who the child is
# and which services are open to them, enough to coordinate work. Identifiers, the
# date of birth and the address are shared only when the holder ticks them.
DEFAULT_SHARED_FIELDS: frozenset[str] = frozenset(
    {PersonField.NAME, PersonField.AGE, PersonField.LEGAL_STATUS}
)
# Always shared: a meeting discusses a child by name.
ALWAYS_SHARED: frozenset[str] = frozenset({PersonField.NAME})


def fields_shared_with(worker: Worker, person_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """For each of ``person_ids`` that ``worker`` sees only through a forum share, its fields.

    The fields are those the child's holders agreed to share at the meetings that
    share the child with this worker (``scopes.forum_agreements``), together.
    People the worker sees in their own right are left out (their fields follow
    the worker's role), and so are people nobody shared with them.
    """
    ids = set(person_ids)
    if not ids or not scopes.sees_case_records(worker):
        return {}
    direct = set(
        scopes.people_visible_to(worker, shared=False)
        .filter(id__in=ids)
        .values_list("id", flat=True)
    )
    agreed = scopes.forum_agreements(worker).filter(child__person_id__in=ids - direct)
    out: dict[int, set[str]] = {}
    for person_id, fields in agreed.values_list("child__person_id", "fields"):
        out.setdefault(person_id, set(ALWAYS_SHARED)).update(fields or ())
    return {person_id: frozenset(fields) for person_id, fields in out.items()}


def shares_of(worker: Worker, person_id: int) -> list[ShareAgreement]:
    """The agreements that share one child with ``worker``: which meeting, who agreed, on
    what basis, and the fields, for the page that shows the share and nothing more."""
    return list(
        scopes.forum_agreements(worker)
        .filter(child__person_id=person_id)
        .select_related("child__meeting", "agreed_by__team__agency")
        .order_by("-child__meeting__scheduled_for", "id")
    )
