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
from locus.cocase.models import Attendance, MeetingChild, MeetingStatus

# What a share shows when a meeting does not say otherwise: who the child is and
# which services are open to them, enough to coordinate work.
DEFAULT_SHARED_FIELDS: frozenset[str] = frozenset(
    {PersonField.NAME, PersonField.AGE, PersonField.LEGAL_STATUS}
)


def fields_shared_with(worker: Worker, person_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """For each of ``person_ids`` that ``worker`` sees only through a forum share, its fields.

    People the worker sees in their own right are left out (their fields follow
    the worker's role), and so are people nobody shared with them.
    """
    ids = set(person_ids)
    if not ids:
        return {}
    direct = set(
        scopes.people_visible_to(worker, shared=False)
        .filter(id__in=ids)
        .values_list("id", flat=True)
    )
    shared = MeetingChild.objects.filter(
        person_id__in=ids - direct,
        meeting__status=MeetingStatus.HELD,
        meeting__invitees__worker=worker,
        meeting__invitees__attendance=Attendance.ATTENDED,
    ).values_list("person_id", flat=True)
    return {person_id: DEFAULT_SHARED_FIELDS for person_id in set(shared)}
