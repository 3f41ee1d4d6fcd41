"""Who may record a new person, whom the new record is allocated to, who may change an
address, and which possible duplicates a recorder may be shown (RULES.md, "Recording a
person").
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from locus.access import policies, provisioning, scopes
from locus.access.fields import PersonField, fields_visible_to
from locus.access.models import AgencyKind, Worker
from locus.access.selectors import visible_person_ids
from locus.people.models import Person

# The agencies whose teams hold children's cases: a record made there is allocated to its
# recorder at once, and held. A police analyst, a school or a partner records what they
# know about a child who is already known (an incident, a referral), not a new case.
CASE_HOLDING_AGENCIES = frozenset({AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.YOUTH_JUSTICE})


def can_record_person(worker: Worker) -> bool:
    """Record a young person or an adult of concern: a practitioner or manager of a team in
    an agency that holds cases. Not an auditor (no case records), and not an administrator:
    the IT administrator is in no team, so could hold no case, and a record nobody holds
    is a child nobody is working with."""
    team = worker.team
    return (
        worker.role in policies.CASEWORK_ROLES
        and scopes.sees_case_records(worker)
        and team is not None
        and team.agency.kind in CASE_HOLDING_AGENCIES
        and policies.does_casework(worker)  # a conference chair holds no cases
    )


def holders_for(worker: Worker) -> QuerySet[Worker]:
    """Whom ``worker`` may allocate a person they record to: themselves, or (a team
    manager) any practitioner or manager of their own team whose access is confirmed (one
    whose access waits is given no case: ``transfers.why_holds_no_cases``)."""
    if policies.manages_a_team(worker):
        return Worker.objects.filter(
            provisioning.confirmed_q(), team=worker.team, role__in=policies.CASEWORK_ROLES
        ).order_by("last_name", "first_name", "id")
    return Worker.objects.filter(pk=worker.pk)


def may_hold(worker: Worker, holder: Worker) -> bool:
    """Whether ``worker`` may allocate a record they make to ``holder`` (:func:`holders_for`:
    not one whose access waits, ``provisioning.confirmed``)."""
    if holder.pk == worker.pk:
        return True
    return (
        policies.manages_a_team(worker)
        and provisioning.confirmed(holder)
        and holder.team_id == worker.team_id
        and holder.role in policies.CASEWORK_ROLES
    )


def can_change_address(worker: Worker, person: Person) -> bool:
    """Record a new address or correct one: whoever may edit the person's details and whose
    role sees a home address (an administrator does not: telling records apart does not
    need where a family lives)."""
    return policies.can_edit_person(worker, person) and (
        PersonField.HOME_ADDRESS in fields_visible_to(worker, person)
    )


def matches_shown(worker: Worker, ids: Iterable[int]) -> set[int]:
    """Of the records a duplicate check found, those the recorder may be shown: people seen
    in their own right and lastingly. A child seen through a forum share or an emergency is
    not offered as "open it instead" (that would turn a share into the record)."""
    return visible_person_ids(worker, set(ids), break_glass=False, shared=False)
