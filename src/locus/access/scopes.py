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
  the person has an open allocation to one of its teams; the person was first
  recorded in one of its teams (the recorder's team then, kept on the record:
  moving the recorder later moves no sight); the agency holds an
  open legal-status episode for them; the agency reported an incident the person
  was involved in (so police see people linked to police-held incidents); the
  person is on the roll of a school the agency runs (a school sees its pupils).
* An incident is visible when the worker's agency reported it (agency scope) or
  it involves a person the worker may see. Other people in it stay hidden:
  pages show their role, not who they are. A *restricted* incident (police
  intelligence) is visible only within the agency that reported it (and to
  administrators), whatever the worker's scope.
* A **forum share**: once a peer group mapping meeting is held, a worker who
  confirmed their own attendance sees a child it concerned when the child's
  case holder (or the holder's manager) agreed to bring the child and confirmed
  attending too (at any scope; the fields are those agreed, ``access/forum.py``).
  Everyone else, and everyone before the meeting is held, sees only "a child
  not shared with you, held by <worker>"; closing or cancelling the meeting ends it.
* **Break-glass**: a worker who recorded an emergency reason sees that one
  person, in their own right, until the sight expires or they end it
  (``access/break_glass.py``); every read meanwhile is flagged in the trail.
* Public contexts (parks, schools, shops, transport...) are visible to every
  worker who sees case records. Homes and peer groups point at children, so
  they are visible only through a child the worker may see (a resident, when
  the role may see a home address; a member; an incident there), to whoever
  recorded them (at agency scope, the agency of the team they were recorded
  in too), or to the agency responsible for them.

Grants are functions so that new ways of seeing (a forum share, break-glass)
are added as one more function, not as a flag on the person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from locus.access.models import AgencyKind, BreakGlass, Role, Scope, Team, Worker
from locus.access.provisioning import confirmed, confirmed_q
from locus.common import clock
from locus.forums.models import Attendance
from locus.incidents.models import Incident, Involvement
from locus.mapping.models import Invitee, MeetingStatus, ShareAgreement
from locus.peers.models import GroupMembership
from locus.people.models import Allocation, LegalStatusEpisode, Person
from locus.places.models import RESTRICTED_KINDS, Context, ContextKind, Enrolment

_Record = TypeVar("_Record", bound=Model)

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


def _people_of(rows: QuerySet[Any], **match: object) -> Q:
    """The people named (``person_id``) by the ``rows`` that ``match``: a grant is which
    records of a kind join a worker, their team or their agency to a person."""
    return Q(id__in=rows.filter(**match).values("person_id"))


def _allocated_to_worker(worker: Worker) -> Q:
    return _people_of(Allocation.objects.current(), worker=worker)


def _allocated_to_team(worker: Worker) -> Q:
    return _people_of(Allocation.objects.current(), team_id=_team_id(worker))


def _allocated_to_agency(worker: Worker) -> Q:
    return _people_of(Allocation.objects.current(), team__agency_id=_agency_id(worker))


def _agency_episode(worker: Worker) -> Q:
    return _people_of(LegalStatusEpisode.objects.current(), agency_id=_agency_id(worker))


def _agency_incident(worker: Worker) -> Q:
    return _people_of(Involvement.objects.all(), incident__reporting_agency_id=_agency_id(worker))


def _agency_pupil(worker: Worker) -> Q:
    return _people_of(Enrolment.objects.current(), school__responsible_agency_id=_agency_id(worker))


def _recorded_in_agency(worker: Worker) -> Q:
    """A person or context first recorded in one of the worker's agency's teams: the team
    kept on the record (``recorded_in_team``), not the recorder's team now, so a recorder
    moved to another agency takes none of what they recorded with them."""
    # A subquery, not a join through team: the planner then reads the agency's few
    # teams once instead of joining every row to its team.
    return Q(recorded_in_team_id__in=Team.objects.filter(agency_id=_agency_id(worker)).values("id"))


AGENCY_GRANTS: list[PersonGrant] = [
    _allocated_to_agency,
    _recorded_in_agency,
    _agency_episode,
    _agency_incident,
    _agency_pupil,
]


def _confirmed_attendance() -> Q:
    return Q(attendance=Attendance.ATTENDED, confirmed_at__isnull=False)


def carried_invitations(worker: Worker) -> QuerySet[Invitee]:
    """THE rule of what an invitation still carries (the children a meeting shares, its
    minutes, decisions and papers): ``worker``'s invitations made while they were in a team
    of the agency they are in now (``Invitee.team``, kept when invited), and of the same kind:
    an independent reviewing service's team (the conference chairs' unit) or not, as theirs
    is now. A worker who moves within their agency keeps what their meetings shared; one who
    moves to another agency (a partner organisation, the police) or into (or out of) the
    chairs' unit takes none of it with them. A chair invited as a chair keeps it."""
    agency = worker.agency_id
    if agency is None:
        return Invitee.objects.none()
    return Invitee.objects.filter(
        worker=worker, team__agency_id=agency, team__independent=in_independent_service(worker)
    )


def invitation_carries(worker: Worker, invitation: Invitee) -> bool:
    """:func:`carried_invitations` for one invitation the page already has."""
    if invitation.team_id is None or worker.agency_id is None:
        return False
    if invitation.team_id == worker.team_id:
        return True
    team = invitation.team
    return (
        team is not None
        and team.agency_id == worker.agency_id
        and team.independent == in_independent_service(worker)
    )


def forum_agreements(worker: Worker) -> QuerySet[ShareAgreement]:
    """The agreements that share a child with ``worker``: at a held meeting whose attendance
    the worker confirmed themselves, made by a holder (or manager) who confirmed attending.

    The recorder of the minutes marking someone present grants nothing, and nor does a
    meeting that none of the child's agreeing workers came to, nor an invitation the worker
    has since left behind (:func:`carried_invitations`: moved to another agency or into the
    chairs' unit). Nor does a worker's own
    agreement: what they bring they see in their own right while they hold the case, and a
    meeting of one must not keep it for them once the case has left them; a meeting of one
    person is one whatever the accounts (another with their email, ``policies.accounts_q``).
    """
    from locus.access.policies import accounts_q  # policies imports this module

    mine = (
        carried_invitations(worker)
        .filter(_confirmed_attendance(), meeting__status=MeetingStatus.HELD)
        .values("meeting_id")
    )
    agreer_there = Invitee.objects.filter(
        _confirmed_attendance(),
        meeting_id=OuterRef("child__meeting_id"),
        worker_id=OuterRef("agreed_by_id"),
    )
    return (
        ShareAgreement.objects.filter(child__meeting_id__in=mine)
        .exclude(accounts_q("agreed_by", worker))
        .filter(Exists(agreer_there))
    )


def _shared_at_forum(worker: Worker) -> Q:
    # Subqueries, not joins: the condition stays one more IN on Person, so
    # visible_person_ids is still a single query.
    return Q(id__in=forum_agreements(worker).values("child__person_id"))


# Grants that hold at every scope (own, team, agency): what was shared with the worker
# at a forum they sat on.
SHARED_GRANTS: list[PersonGrant] = [_shared_at_forum]


def _break_glass(worker: Worker) -> Q:
    # Sight in the worker's own right (the record as their role shows it, not a
    # forum's subset), but only while the emergency lasts: expiry is read at
    # query time, so nothing has to run when the sight ends.
    return Q(
        id__in=BreakGlass.objects.filter(
            worker=worker, ended_at__isnull=True, expires_at__gt=clock.now()
        ).values("person_id")
    )


def sees_case_records(worker: Worker) -> bool:
    """Whether ``worker`` sees any case records at all: not an account whose access waits for
    a second person to confirm it (``access/provisioning.py``)."""
    return (
        confirmed(worker)
        and worker.role != Role.AUDITOR
        and worker.scope != Scope.NONE
        and (worker.scope == Scope.ALL or worker.team_id is not None)
    )


def sees_children(worker: Worker) -> bool:
    """Whether ``worker``'s place gives them children to see in their own right (no query:
    it asks who they are, not what is recorded). Not an auditor (no case records). Nor, below
    agency scope, a partner organisation's staff (a housing provider, a centre's security: they
    see the cases they are part of, never a child) or an independent reviewing service's
    (conference chairs: they hold no case and record no child): their own and their team's
    sight reach only children allocated to them or their team, or recorded by them, and such
    a team is given none (``access/RULES.md``). At agency scope the agency's grants reach
    further (a school's pupils, a reporting agency's incidents); administrators see everyone.
    A child shared at a meeting they sat on, or opened in an emergency, is reached through
    that work (the meeting's page, the emergency banner), not from lists of children.

    Menus and offers ask it, so that nobody is sent to pages of children that can only be
    empty, nor offered to name a child they cannot see (an incident, a meeting's proposal)."""
    if not sees_case_records(worker):
        return False
    if worker.scope in (Scope.AGENCY, Scope.ALL):
        return True
    return not in_team_given_no_child(worker)


def in_partner_organisation(worker: Worker) -> bool:
    """A worker of a partner organisation's team (a business, a housing provider...)."""
    team = worker.team if worker.team_id else None
    return team is not None and team.agency.kind == AgencyKind.PARTNER


def in_independent_service(worker: Worker) -> bool:
    """A worker of an independent reviewing service's team (conference chairs)."""
    team = worker.team if worker.team_id else None
    return team is not None and team.independent


def in_team_given_no_child(worker: Worker) -> bool:
    """THE rule that a partner organisation's or an independent reviewing service's team is
    given no child: none is allocated to it nor held in it (``transfers.why_holds_no_cases``),
    so its staff see no child in their own right below agency scope (:func:`sees_children`).
    Break-glass asks only the partner half (``break_glass.may_break_glass``)."""
    return in_independent_service(worker) or in_partner_organisation(worker)


# Set while something is copied out of Locus (an export): see lasting_sight_only.
# None, or the people whose emergency access still counts (the record being printed).
_LASTING_ONLY: ContextVar[frozenset[int] | None] = ContextVar("lasting_sight_only", default=None)


@contextmanager
def lasting_sight_only(*, printing: int | None = None) -> Iterator[None]:
    """Within the block, every worker's sight leaves out emergency access (break-glass), as
    ``break_glass=False`` does: an export copies what it lists out of Locus for good, and
    must not carry a child seen only for four hours. Everything reached through such a child
    (their incidents, places, cases) is left out with them.

    ``printing``: the person whose own record is printed (their peer map as a file): the
    emergency may have opened them, and RULES lets their record be printed while it lasts;
    any other child it opened is still left out."""
    token = _LASTING_ONLY.set(frozenset() if printing is None else frozenset({printing}))
    try:
        yield
    finally:
        _LASTING_ONLY.reset(token)


def person_filter(worker: Worker, *, shared: bool = True, break_glass: bool = True) -> Q | None:
    """The condition on Person for what ``worker`` may see; ``None`` means everything.

    ``shared=False`` leaves out :data:`SHARED_GRANTS`: the people the worker sees
    in their own right, whose record they see in full (as far as their role's
    fields allow), as against what a forum shared with them. Break-glass counts
    as the worker's own right; ``break_glass=False`` leaves it out, for the
    writes that would turn an emergency's sight into lasting sight (naming a
    child in an incident, putting them on a roll, allocating them).
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
    if break_glass:
        kept = _LASTING_ONLY.get()
        if kept is None:
            q |= _break_glass(worker)
        elif kept:
            q |= _break_glass(worker) & Q(pk__in=kept)
    return q


def people_visible_to(
    worker: Worker, *, shared: bool = True, break_glass: bool = True
) -> QuerySet[Person]:
    q = person_filter(worker, shared=shared, break_glass=break_glass)
    qs = Person.objects.all()
    return qs if q is None else qs.filter(q)


def _through_own_people(
    worker: Worker, records: QuerySet[_Record], seen: Callable[[Q], Q]
) -> QuerySet[_Record]:
    """The ``records`` seen through the people ``worker`` sees in their own right: all of
    them for a worker who sees everyone, none for one who sees no case records, otherwise
    those ``seen(q)`` picks, ``q`` filtering the people seen."""
    # shared=False: a forum share shows the fields its holders agreed to, not the
    # child's incidents (nor the places and groups reached through them).
    q = person_filter(worker, shared=False)
    if q is None:
        return records
    if not sees_case_records(worker):
        return records.none()
    return records.filter(seen(q))


def is_administrator(worker: Worker) -> bool:
    """An active administrator at scope all: the one worker whom sight of everyone gives
    every record. Anyone else an administrator gives scope all sees every person, as far as
    their role's rules go. (Here rather than in ``policies``, which imports this module and
    re-exports it.) Not while its access waits to be confirmed (``access/provisioning.py``)."""
    return confirmed(worker) and worker.role == Role.ADMINISTRATOR and worker.scope == Scope.ALL


def administrators_q() -> Q:
    """:func:`is_administrator` as a query on Worker: confirmed, active administrators at
    scope all (the command line's own account among them: leave it out where a person is
    meant)."""
    return confirmed_q() & Q(role=Role.ADMINISTRATOR, scope=Scope.ALL)


def _restricted_kept(worker: Worker) -> Q:
    """The incidents ``worker`` may see as far as the restricted flag goes: restricted police
    intelligence stays within the agency that holds it (seeing a child named in it, even
    seeing every child, is not enough), and administrators, who see it all."""
    if is_administrator(worker):
        return Q()
    if worker.agency_id is None:
        return Q(restricted=False)
    return Q(restricted=False) | Q(reporting_agency_id=worker.agency_id)


def incidents_visible_to(worker: Worker) -> QuerySet[Incident]:
    def seen(q: Q) -> Q:
        by_people = Q(
            id__in=Involvement.objects.filter(
                person_id__in=Person.objects.filter(q).values("id")
            ).values("incident_id")
        )
        if worker.scope == Scope.AGENCY:
            by_people |= Q(reporting_agency_id=_agency_id(worker))
        return by_people

    # At scope all too: a worker given sight of everyone is not given another agency's
    # intelligence.
    return _through_own_people(worker, Incident.objects.all(), seen).filter(
        _restricted_kept(worker)
    )


def contexts_visible_to(worker: Worker, *, merged: bool = False) -> QuerySet[Context]:
    """The contexts ``worker`` sees; a duplicate merged into another place only with
    ``merged=True`` (its own page, which leads to the place kept): nothing new is
    recorded at a duplicate, and no list offers it."""

    def seen(q: Q) -> Q:
        people = Person.objects.filter(q).values("id")
        recorded = Q(recorded_by=worker)
        if worker.scope == Scope.AGENCY:
            recorded |= _recorded_in_agency(worker)
        restricted_ok = (
            recorded
            | Q(responsible_agency_id=_agency_id(worker))
            | _homes_of_residents(worker)
            | Q(
                id__in=GroupMembership.objects.current()
                .filter(person_id__in=people)
                .values("group_id")
            )
            | _places_of_incidents(worker)
        )
        return ~Q(kind__in=RESTRICTED_KINDS) | restricted_ok

    contexts = Context.objects.all() if merged else Context.objects.filter(merge__isnull=True)
    found = _through_own_people(worker, contexts, seen)
    if (
        worker.scope == Scope.ALL
        and not is_administrator(worker)
        and not _sees_home_addresses(worker)
    ):
        # Sight of every child is not sight of every family's address: a role without the home
        # address reaches a home only as it would at any scope, never through its residents.
        found = found.filter(~Q(kind=ContextKind.HOME) | _homes_not_through_residents(worker))
    return found


def _homes_not_through_residents(worker: Worker) -> Q:
    """The homes ``worker`` reaches other than through a resident or an incident there: those
    they recorded, or (their sight being wider than their agency's) recorded in their agency
    or that it is responsible for."""
    recorded = Q(recorded_by=worker)
    if worker.agency_id is None:
        return recorded
    return recorded | _recorded_in_agency(worker) | Q(responsible_agency_id=worker.agency_id)


def _places_of_incidents(worker: Worker) -> Q:
    """The places of the incidents ``worker`` sees. A home among them only for a role whose
    row has the home address: a home is named by its address, and seeing a child in an
    incident there shows the incident, not where a family lives (the incident shows that it
    happened at a home, ``naming.PLACE_WITHHELD``)."""
    # A missing episode with no place reaches no place (and no NULL joins the list).
    incidents = incidents_visible_to(worker).filter(context__isnull=False)
    if not _sees_home_addresses(worker):
        incidents = incidents.exclude(context__kind=ContextKind.HOME)
    return Q(id__in=incidents.values("context_id"))


def _sees_home_addresses(worker: Worker) -> bool:
    """Whether the field table gives ``worker``'s role the home address (``access/fields``)."""
    from locus.access.fields import sees_home_addresses  # fields imports this module

    return sees_home_addresses(worker)


def _homes_of_residents(worker: Worker) -> Q:
    """The homes of the people ``worker`` sees, as far as the field table lets them see a home
    address (``access/fields.py``): a home names a family's address, so it is seen through a
    resident only by a role whose row has the home address, and only through residents seen
    in their own right (a forum share shows what it carried, no more)."""
    own = person_filter(worker, shared=False)
    if own is None or not _sees_home_addresses(worker):
        return Q(pk__in=[])
    return Q(id__in=Person.objects.filter(own, home__isnull=False).values("home_id"))


def groups_visible_to(worker: Worker) -> QuerySet[Context]:
    return contexts_visible_to(worker).filter(kind=ContextKind.PEER_GROUP)
