"""Demo emergency access and an identifier request, added to a generated borough.

Call :func:`add_demo_trust` after ``generate_borough`` and the other demo stories.
It acts as the demo personas through the services, so what ``team.manager``
finds to review is exactly what the app makes:

* ``social.worker`` broke the glass on a child she may not see (a child held by
  the youth justice service, named by the evidence to her caseload), recorded
  why, read the record and ended the access: a use awaiting her manager's review;
* ``social.worker`` tried to give a child she holds a UPN that another child's
  record has (a child held in her own team); she was told only "ask your data
  team" and sent a request, which went to the team's manager by name.

Choices follow names, never ids, so one seed gives the same stories. Safe to
call again: it adds nothing if the stories are there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from locus.access import scopes
from locus.access.models import BreakGlass, BreakGlassCategory, Worker
from locus.access.services import break_glass_end, break_glass_request
from locus.demo.caseload import held_ids
from locus.people.models import Allocation, Identifier, IdentifierQuery, Person, PersonKind
from locus.people.services import identifier_query_send

EMERGENCY_REASON = (
    "Police called out of hours: this child was seen with a child on my caseload who is "
    "missing tonight; I need the address and the worker's contact to find them both."
)
QUERY_NOTE = "The school gave us this UPN on the transfer form; it may be a typing error."


@dataclass
class TrustStory:
    break_glass: BreakGlass | None
    identifier_query: IdentifierQuery | None


def _persona(username: str) -> Worker | None:
    return Worker.objects.filter(username=username, is_active=True).first()


def _young_people() -> list[Person]:
    return list(
        Person.objects.filter(kind=PersonKind.YOUNG_PERSON).order_by(
            "family_name", "given_name", "id"
        )
    )


def _break_glass(worker: Worker) -> BreakGlass | None:
    seen = set(scopes.people_visible_to(worker).values_list("id", flat=True))
    held = set(Allocation.objects.current().values_list("person_id", flat=True))
    child = next((p for p in _young_people() if p.pk in held and p.pk not in seen), None)
    if child is None:
        return None
    use = break_glass_request(
        actor=worker,
        person_id=child.pk,
        category=BreakGlassCategory.OUT_OF_HOURS,
        reason=EMERGENCY_REASON,
    )
    return break_glass_end(actor=worker, use=use) if use is not None else None


def _identifier_query(worker: Worker) -> IdentifierQuery | None:
    if worker.team_id is None:
        return None
    mine = held_ids(worker)
    person = (
        Person.objects.filter(id__in=mine, kind=PersonKind.YOUNG_PERSON)
        .order_by("family_name", "given_name", "id")
        .first()
    )
    other = (
        Person.objects.filter(upn__isnull=False, kind=PersonKind.YOUNG_PERSON)
        .exclude(id__in=mine)
        # Held in her own team, so the request goes to her manager, team.manager.
        .filter(id__in=held_ids(worker, team=True))
        .order_by("family_name", "given_name", "id")
        .first()
    )
    if person is None or other is None or other.upn is None:
        return None
    return identifier_query_send(
        actor=worker, person=person, field=Identifier.UPN, value=other.upn, note=QUERY_NOTE
    )


@transaction.atomic
def add_demo_trust() -> TrustStory:
    """Add the stories; returns what was added (nothing if they are there)."""
    worker = _persona("social.worker")
    if worker is None or BreakGlass.objects.filter(worker=worker).exists():
        return TrustStory(None, None)
    return TrustStory(_break_glass(worker), _identifier_query(worker))
