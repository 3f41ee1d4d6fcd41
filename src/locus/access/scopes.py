"""Who may see which records: THE place where sight is decided.

Each ``<things>_visible_to(worker)`` returns a QuerySet of the records that the
worker may see. Selectors start from these; nothing else filters by permission.

The rules (also in ``access/RULES.md``):

* A worker's ``scope`` sets how far they see people:
  ``own`` - people allocated to them or first recorded by them;
  ``team`` - also people allocated to anyone
  in their team; ``agency`` - also every person their agency is involved with;
  ``all`` - everyone (administrators); ``none`` - no case records (auditors, who
  read the audit trail only).
* An agency is *involved* with a person when (see :data:`AGENCY_GRANTS`):
  the person has an open allocation to one of its teams; one of its workers
  first recorded the person; the agency holds an
  open legal-status episode for them; the agency reported an incident the person
  was involved in (so police see people linked to police-held incidents); the
  person is on the roll of a school the agency runs (a school sees its pupils).
* An incident is visible when the worker's agency reported it (agency scope) or
  it involves a person the worker may see. Other people in it stay hidden:
  pages show their role, not who they are.
* A **forum share**: once a peer group mapping meeting is held, the workers
  recorded as having attended it see the children it concerned (at any scope).
  Invitees who sent apologies or did not come, and everyone before the meeting
  is held, see only "a child held by <worker>"; closing the meeting ends it.
* Public contexts (parks, schools, shops, transport...) are visible to every
  worker who sees case records. Homes and peer groups point at children, so
  they are visible only through a child the worker may see (a resident, when
  the role may see a home address; a member; an incident there), to whoever
  recorded them (their agency too, at agency scope), or to the agency
  responsible for them.

Grants are functions so that new ways of seeing (a forum share, break-glass)
are added as one more function, not as a flag on the person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet

from locus.access.models import Role, Scope, Worker
from locus.cocase.models import Attendance, Invitee, MeetingChild, MeetingStatus
from locus.incidents.models import Incident, Involvement
from locus.peers.models import GroupMembership
from locus.people.models import Allocation, LegalStatusEpisode, Person
from locus.places.models import RESTRICTED_KINDS, Context, ContextKind, Enrolment

PersonGrant = Callable[[Worker], Q]


def _team_id(worker: Worker) -> int:
    # Only reached for workers who see case records, and those belong to a team.
    if worker.team_id is None:
        raise ValueError(f"worker {worker.pk} has no team")
    return worker.team_id


def _agency_id(worker: Worker) -> int:
    agency_id = worker.agency_id
    if agency_id is None:
        raise ValueError(f"worker {worker.pk} has no agency")
    return agency_id


def _allocated_to_worker(worker: Worker) -> Q:
    return Q(id__in=Allocation.objects.filter(worker=worker, end__isnull=True).values("person_id"))


def _allocated_to_team(worker: Worker) -> Q:
    return Q(
        id__in=Allocation.objects.filter(team_id=_team_id(worker), end__isnull=True).values(
            "person_id"
        )
    )


def _allocated_to_agency(worker: Worker) -> Q:
    return Q(
        id__in=Allocation.objects.filter(
            team__agency_id=_agency_id(worker), end__isnull=True
        ).values("person_id")
    )


def _agency_episode(worker: Worker) -> Q:
    return Q(
        id__in=LegalStatusEpisode.objects.filter(
            agency_id=_agency_id(worker), end__isnull=True
        ).values("person_id")
    )


def _agency_incident(worker: Worker) -> Q:
    return Q(
        id__in=Involvement.objects.filter(incident__reporting_agency_id=_agency_id(worker)).values(
            "person_id"
        )
    )


def _agency_pupil(worker: Worker) -> Q:
    return Q(
        id__in=Enrolment.objects.filter(
            school__responsible_agency_id=_agency_id(worker), end__isnull=True
        ).values("person_id")
    )


def _agency_workers(worker: Worker) -> QuerySet[Worker, Any]:
    # A subquery, not a join through team: the planner then reads the few
    # workers once instead of joining every row to worker and team.
    return Worker.objects.filter(team__agency_id=_agency_id(worker)).values("id")


def _recorded_by_agency(worker: Worker) -> Q:
    return Q(recorded_by_id__in=_agency_workers(worker))


AGENCY_GRANTS: list[PersonGrant] = [
    _allocated_to_agency,
    _recorded_by_agency,
    _agency_episode,
    _agency_incident,
    _agency_pupil,
]


def _shared_at_forum(worker: Worker) -> Q:
    # Nested subqueries, not joins: the condition stays one more IN on Person, so
    # visible_person_ids is still a single query.
    attended = Invitee.objects.filter(
        worker=worker, attendance=Attendance.ATTENDED, meeting__status=MeetingStatus.HELD
    ).values("meeting_id")
    return Q(id__in=MeetingChild.objects.filter(meeting_id__in=attended).values("person_id"))


# Grants that hold at every scope (own, team, agency): what was shared with the worker
# at a forum they sat on. Break-glass will be one more.
SHARED_GRANTS: list[PersonGrant] = [_shared_at_forum]


def sees_case_records(worker: Worker) -> bool:
    return (
        worker.is_active
        and worker.role != Role.AUDITOR
        and worker.scope != Scope.NONE
        and (worker.scope == Scope.ALL or worker.team_id is not None)
    )


def person_filter(worker: Worker, *, shared: bool = True) -> Q | None:
    """The condition on Person for what ``worker`` may see; ``None`` means everything.

    ``shared=False`` leaves out :data:`SHARED_GRANTS`: the people the worker sees
    in their own right, whose record they see in full (as far as their role's
    fields allow), as against what a forum shared with them.
    """
    if worker.scope == Scope.ALL and sees_case_records(worker):
        return None
    if not sees_case_records(worker):
        return Q(pk__in=[])
    q = _allocated_to_worker(worker) | Q(recorded_by=worker)
    if worker.scope in (Scope.TEAM, Scope.AGENCY):
        q |= _allocated_to_team(worker)
    if worker.scope == Scope.AGENCY:
        for grant in AGENCY_GRANTS:
            q |= grant(worker)
    if shared:
        for grant in SHARED_GRANTS:
            q |= grant(worker)
    return q


def people_visible_to(worker: Worker, *, shared: bool = True) -> QuerySet[Person]:
    q = person_filter(worker, shared=shared)
    qs = Person.objects.all()
    return qs if q is None else qs.filter(q)


def incidents_visible_to(worker: Worker) -> QuerySet[Incident]:
    q = person_filter(worker)
    if q is None:
        return Incident.objects.all()
    if not sees_case_records(worker):
        return Incident.objects.none()
    by_people = Q(
        id__in=Involvement.objects.filter(
            person_id__in=Person.objects.filter(q).values("id")
        ).values("incident_id")
    )
    if worker.scope == Scope.AGENCY:
        by_people |= Q(reporting_agency_id=_agency_id(worker))
    return Incident.objects.filter(by_people)


def contexts_visible_to(worker: Worker) -> QuerySet[Context]:
    q = person_filter(worker)
    if q is None:
        return Context.objects.all()
    if not sees_case_records(worker):
        return Context.objects.none()
    people = Person.objects.filter(q).values("id")
    recorded = Q(recorded_by=worker)
    if worker.scope == Scope.AGENCY:
        recorded |= Q(recorded_by_id__in=_agency_workers(worker))
    restricted_ok = (
        recorded
        | Q(responsible_agency_id=_agency_id(worker))
        | _homes_of_residents(worker)
        | Q(
            id__in=GroupMembership.objects.filter(person_id__in=people, until__isnull=True).values(
                "group_id"
            )
        )
        | Q(id__in=incidents_visible_to(worker).values("context_id"))
    )
    return Context.objects.filter(~Q(kind__in=RESTRICTED_KINDS) | restricted_ok)


def _homes_of_residents(worker: Worker) -> Q:
    """The homes of the people ``worker`` sees, as far as the field table lets them see a home
    address (``access/fields.py``): a home names a family's address, so it is seen through a
    resident only by a role whose row has the home address, and only through residents seen
    in their own right (a forum share shows what it carried, no more)."""
    from locus.access.fields import PersonField, role_fields  # fields imports this module

    own = person_filter(worker, shared=False)
    if own is None or PersonField.HOME_ADDRESS not in role_fields(worker):
        return Q(pk__in=[])
    return Q(id__in=Person.objects.filter(own, home__isnull=False).values("home_id"))


def groups_visible_to(worker: Worker) -> QuerySet[Context]:
    return contexts_visible_to(worker).filter(kind=ContextKind.PEER_GROUP)
