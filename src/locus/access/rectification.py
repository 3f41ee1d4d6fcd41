"""Who records and decides a person's challenge to their record (docs/rectification.md).

* **See**: whoever may see the person sees their disputes and objections, with the person's
  own account: it is part of the record, and it must travel with it (UK GDPR Art 16; the
  ICO's guidance on the right to rectification). Nobody else learns that one exists: a
  dispute about a child a worker may not see is "not found", and the "disputed" tag beside
  a name is drawn only where the name is.
* **Record**: a practitioner or a manager who sees the person in their own right (the one
  who heard it, usually). Not an administrator: it is casework, not data management.
* **Decide**: a team manager who sees the person in their own right, never the worker who
  recorded it (separation of duties) and never an administrator; once, while it is open.
"""

from __future__ import annotations

from locus.access import lookups, policies
from locus.access.models import Role, Worker
from locus.people.models import Person
from locus.rectification.models import Dispute, Objection, ObjectionDecision, Outcome


def can_see_challenges(worker: Worker, person: Person) -> bool:
    """Sees the person (break-glass included, as their page is): so sees their account."""
    return policies.can_view_person(worker, person)


def can_record_challenge(worker: Worker, person: Person) -> bool:
    """Record a dispute or an objection the person made."""
    return (
        worker.is_active
        and worker.role in policies.CASEWORK_ROLES
        and policies.sees_lastingly(worker, person)
    )


def _is_open(item: Dispute | Objection) -> bool:
    if isinstance(item, Dispute):
        return item.outcome == Outcome.OPEN
    return item.decision == ObjectionDecision.OPEN


def disputed_author_id(dispute: Dispute) -> int | None:
    """Who wrote the item a dispute says is wrong (the association, the incident the
    involvement is in, the case note); None for a field of the person's record. Read through
    the dispute's relations, which a page listing disputes loads with them."""
    if dispute.association is not None:
        return dispute.association.recorded_by_id
    if dispute.involvement is not None:
        return dispute.involvement.incident.recorded_by_id
    if dispute.note is not None:
        return dispute.note.author_id
    return None


def can_decide_challenge(worker: Worker, item: Dispute | Objection) -> bool:
    """Decide an open dispute or objection: a manager seeing the person who neither recorded
    it nor wrote the item a dispute says is wrong (nobody judges their own record)."""
    return (
        worker.is_active
        and worker.role == Role.MANAGER
        and item.recorded_by_id != worker.pk
        and _is_open(item)
        and policies.sees_lastingly(worker, item.person)
        and not (isinstance(item, Dispute) and disputed_author_id(item) == worker.pk)
    )


def access_dispute(worker: Worker, person: Person, dispute_id: object) -> Dispute:
    """One of ``person``'s disputes (the caller has found the person through ``lookups``)."""
    return lookups.one_or_404(
        Dispute.objects.filter(person=person).select_related("person", "recorded_by"),
        dispute_id,
    )


def access_objection(worker: Worker, person: Person, objection_id: object) -> Objection:
    return lookups.one_or_404(
        Objection.objects.filter(person=person).select_related("person", "recorded_by"),
        objection_id,
    )
