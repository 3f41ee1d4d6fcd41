"""What a worker may do with a record: pure predicates plus the scope checks.

``can_view_*`` defer to :mod:`locus.access.scopes` so that a page and a list can
never disagree. ``can_edit_*`` add who may change a record on top of seeing it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

from locus.access import scopes
from locus.access.models import Agency, AgencyKind, Role, Scope, Worker
from locus.access.provisioning import confirmed, confirmed_q
from locus.access.selectors import visible_person_ids
from locus.incidents.models import Incident
from locus.peers.models import Association
from locus.people.models import Allocation, IdentifierQuery, Person
from locus.places.models import Context

CASEWORK_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER})


# One rule, kept in ``scopes`` (which cannot import this module) and asked here by its
# usual name.
is_administrator = scopes.is_administrator


def does_casework(worker: Worker) -> bool:
    """THE rule of an independent reviewing service (RULES.md, "Independent reviewing
    services"): whether ``worker``'s place lets them do casework other than chairing and
    reviewing. Not the staff of an independent reviewing service's team (the conference
    chairs and their manager, ``scopes.in_independent_service``), at any scope: a chair who
    screened the referral, led or held the case, recorded about its children, kept up its
    places or groups, called or minuted its other forums, or did the work its plan agreed
    would be reviewing their own work at the conference. Everyone else's casework rights
    follow their role, scope and sight as usual.

    Every predicate of a casework write asks this (with the exceptions it states: the
    conference a chair chairs, its case's notes and plan, a panel they chair, a dispute of
    a record's accuracy, a referral); none reads ``scopes.in_independent_service`` itself,
    so the next write cannot forget the rule by forgetting the team."""
    return not scopes.in_independent_service(worker)


def same_person(one: Worker, other: Worker) -> bool:
    """Whether two accounts are one person's (``context_cases.accounts_of`` for a pair, asking
    no query: a page asks it of every row): the same account, or the same email (not blank,
    compared without case). Separation of duties compares people, not accounts."""
    email = one.email.strip()
    return one.pk == other.pk or (
        bool(email) and email.casefold() == other.email.strip().casefold()
    )


def one_person(a: str, b: str) -> Q:
    """:func:`same_person` as a query, on a model with two worker fields ``a`` and ``b``."""
    same_email = Q(Exact(Lower(f"{a}__email"), Lower(f"{b}__email")))
    return Q(**{a: F(b)}) | (same_email & ~Q(**{f"{b}__email": ""}))


def accounts_q(field: str, worker: Worker) -> Q:
    """On a model with the worker field ``field``: ``worker``'s account, or another of the
    same person's (:func:`same_person`), as a join rather than a query of its own."""
    email = worker.email.strip()
    mine = Q(**{field: worker})
    return mine | Q(**{f"{field}__email__iexact": email}) if email else mine


def holds_child(worker: Worker, person: Person) -> bool:
    """An open allocation of the child to ``worker``, or to ``worker``'s team."""
    mine = Q(worker=worker)
    if worker.team_id is not None:
        mine |= Q(team_id=worker.team_id)
    return Allocation.objects.current().filter(mine, person=person).exists()


def can_view_person(worker: Worker, person: Person) -> bool:
    return scopes.people_visible_to(worker).filter(pk=person.pk).exists()


def sees_lastingly(worker: Worker, person: Person) -> bool:
    """Sight in the worker's own right that is not an emergency's: break-glass lets a worker
    read a record, and a forum share shows what its holders agreed to; neither may be turned
    into sight that outlasts it (a roll, an incident, an allocation) nor add to a record the
    worker does not see."""
    return (
        scopes.people_visible_to(worker, break_glass=False, shared=False)
        .filter(pk=person.pk)
        .exists()
    )


def answers_identifier_queries(worker: Worker) -> bool:
    """Identifier queries are routed to a named manager, or to an administrator (the data
    team): only they have any to answer, and none while their access waits to be confirmed
    (``access/provisioning.py``)."""
    return confirmed(worker) and worker.role in (Role.MANAGER, Role.ADMINISTRATOR)


def identifier_query_answerer(
    conflicting: Person,
    *,
    among: QuerySet[Worker],
    requester: Worker,
) -> Worker | None:
    """Who of ``among`` answers ``requester``'s query about ``conflicting``: a manager of a
    team holding that record, or (when nobody holds it, or that team has no manager but the
    requester) an administrator, for the data team. Never the requester: nobody answers
    their own question; nor anyone whose access waits to be confirmed (``confirmed``), who
    may not open the record: a team whose only other manager waits is a team with none."""
    among = among.filter(confirmed_q()).exclude(pk=requester.pk)
    if email := requester.email.strip():  # nor another account of theirs (same_person)
        among = among.exclude(email__iexact=email)
    holding_teams = Allocation.objects.current().filter(person=conflicting).values("team")
    return (
        among.filter(role=Role.MANAGER, team__in=holding_teams).first()
        or among.filter(role=Role.ADMINISTRATOR, scope=Scope.ALL).first()
    )


def _same_email_as(email: OuterRef) -> Q:
    """On Worker: an account with ``email`` (not blank, compared without case)."""
    return Q(Exact(Lower("email"), Lower(email))) & ~Q(email="")


def answerers_before(worker: Worker) -> QuerySet[Worker]:
    """For an identifier query of an outer query (its ``conflicting`` and ``requested_by``):
    the managers :func:`identifier_query_answerer` would choose before ``worker``, a manager
    of a team holding the record (the first by id, confirmed, not the requester). Empty: the
    query goes to ``worker``. The command line's account is an administrator, never one."""
    holding = Allocation.objects.current().filter(person=OuterRef(OuterRef("conflicting")))
    return Worker.objects.filter(
        confirmed_q(), role=Role.MANAGER, pk__lt=worker.pk, team__in=holding.values("team")
    ).exclude(Q(pk=OuterRef("requested_by")) | _same_email_as(OuterRef("requested_by__email")))


def routed_answerer_stands() -> Q:
    """Identifier queries whose named answerer may still answer them: a confirmed
    administrator (the data team), or a confirmed manager of a team that holds the other
    record now; never the requester. A manager who moved team, was made a practitioner or
    left, whose access waits to be confirmed again, or whose team no longer holds the record,
    may not see it: the request is routed on."""
    held = Allocation.objects.current().filter(
        person=OuterRef("conflicting"), team=OuterRef("routed_to__team")
    )
    data_team = Q(routed_to__role=Role.ADMINISTRATOR, routed_to__scope=Scope.ALL)
    manager = Q(Exists(held), routed_to__role=Role.MANAGER)
    stands = confirmed_q("routed_to") & ~one_person("routed_to", "requested_by")
    return stands & (data_team | manager)


def can_answer_identifier_query(worker: Worker, query: IdentifierQuery) -> bool:
    """The manager an identifier query was routed to while they still may answer it
    (:func:`routed_answerer_stands`), or an administrator (the data team); never the worker
    who asked it, whoever it was routed to."""
    if not confirmed(worker) or same_person(worker, query.requested_by):
        return False
    if is_administrator(worker):
        return True
    return query.routed_to_id == worker.pk and routed_answerer_may_answer(query)


def routed_answerer_may_answer(query: IdentifierQuery) -> bool:
    """Whether the one ``query`` was routed to may still answer it (as it is stored)."""
    return IdentifierQuery.objects.filter(routed_answerer_stands(), pk=query.pk).exists()


def can_edit_person(worker: Worker, person: Person) -> bool:
    """The allocated worker, a manager of the team holding the case, or an administrator.

    Other agencies read what they may see but change only their own records:
    a child's details belong to the team that holds the case. Only an allocation in the team
    the worker is in now counts: one moved to another team (perhaps another agency) before
    their cases were passed on changes none of those children's details from there.
    """
    if is_administrator(worker):
        return True
    if worker.role not in CASEWORK_ROLES or not scopes.sees_case_records(worker):
        return False
    if worker.team_id is None:
        return False
    held = Allocation.objects.current().filter(person=person, team_id=worker.team_id)
    if held.filter(worker=worker).exists():
        return True
    return managed_team_id(worker) is not None and held.exists()


def can_record_about_person(worker: Worker, person: Person) -> bool:
    """Record an association, membership or involvement naming ``person``.

    Any practitioner or manager who may see the child may add what they know,
    with provenance; that is how separate agencies' knowledge meets. Not an independent
    reviewing service's staff (:func:`does_casework`), who may see children at agency scope:
    a conference chair chairs and reviews, and records nothing about a child.
    """
    if is_administrator(worker):
        return True
    return (
        worker.role in CASEWORK_ROLES and does_casework(worker) and sees_lastingly(worker, person)
    )


def can_change_association(
    worker: Worker, association: Association, *, sees_both: bool | None = None
) -> bool:
    """End or change a recorded relationship between two people.

    A worker who may see both people, the worker who recorded it, or a manager of the team
    the recorder recorded it in (kept on the record, whichever team the recorder is in now)
    (practitioners and managers; and administrators). Seeing one child
    is not enough: a police "presents risk" link to a peer the worker may not see is the
    police's knowledge, not theirs to undo. ``sees_both`` saves the sight check when the
    caller already knows it. Not an independent reviewing service's staff
    (:func:`does_casework`), who record nothing about a child, and so change nothing recorded.
    """
    if is_administrator(worker):
        return True
    if not worker.is_active or worker.role not in CASEWORK_ROLES or not does_casework(worker):
        return False
    if not scopes.sees_case_records(worker):
        return False
    if association.recorded_by_id == worker.pk:
        return True
    if manages_a_team(worker) and association.recorded_in_team_id == worker.team_id:
        return True
    if sees_both is None:
        ids = {association.person_id} | ({association.other_id} if association.other_id else set())
        # Lasting sight: break-glass reads a record and a share shows part of one; neither
        # undoes others' knowledge.
        sees_both = visible_person_ids(worker, ids, break_glass=False, shared=False) == ids
    return sees_both


def can_name_people(worker: Worker, people: Iterable[Person]) -> bool:
    """Name these people in a record (an incident, an association).

    Only people the worker already sees in their own right: naming a child in a police
    incident gives the police sight of them, so naming must not be a way in (nor a way
    to turn what a forum shared into the whole record).
    """
    if is_administrator(worker):
        return True
    ids = {p.pk for p in people}
    return visible_person_ids(worker, ids, break_glass=False, shared=False) == ids


def can_view_context(worker: Worker, context: Context) -> bool:
    return scopes.contexts_visible_to(worker).filter(pk=context.pk).exists()


def can_edit_context(worker: Worker, context: Context) -> bool:
    """The agency responsible for the context, or children's social care (which leads
    Level 2 work), or an administrator; practitioners and managers only."""
    if is_administrator(worker):
        return True
    if worker.role not in CASEWORK_ROLES or not can_view_context(worker, context):
        return False
    agency = worker.team.agency if worker.team else None
    if agency is None:
        return False
    return (
        context.responsible_agency_id == agency.pk
        or agency.kind == AgencyKind.CHILDRENS_SOCIAL_CARE
    )


def can_view_incident(worker: Worker, incident: Incident) -> bool:
    return scopes.incidents_visible_to(worker).filter(pk=incident.pk).exists()


def can_edit_incident(worker: Worker, incident: Incident) -> bool:
    """The agency that reported the incident owns its record (and an administrator); not an
    independent reviewing service's staff (:func:`does_casework`), who record nothing about a
    child."""
    if is_administrator(worker):
        return True
    if worker.role not in (*CASEWORK_ROLES, Role.ANALYST) or not scopes.sees_case_records(worker):
        return False
    if not does_casework(worker):
        return False
    return incident.reporting_agency_id == worker.agency_id and can_view_incident(worker, incident)


def can_record_new(worker: Worker) -> bool:
    """Record a new person, context or incident: anyone who works cases or analyses them.

    What they may name in it (people, places) is checked separately. Not an independent
    reviewing service's staff (:func:`does_casework`): a conference chair chairs and reviews,
    and records no new person, place or incident, at any scope.
    """
    if is_administrator(worker):
        return True
    return (
        worker.role in (*CASEWORK_ROLES, Role.ANALYST)
        and scopes.sees_case_records(worker)
        and does_casework(worker)
    )


def can_record_incident(worker: Worker) -> bool:
    """Record an incident: whoever may record a new record (practitioners, managers and
    analysts who see case records, a school's DSL and a partner's staff included: they are
    where many incidents are first known), filed under their own agency. An incident names a
    young person harmed (or missing), and only one the recorder sees in their own right: a
    worker whose place gives them no child to see (``scopes.sees_children``: a housing
    officer or a conference chair below agency scope) could name nobody, so is not offered a
    form that can only be refused."""
    return can_record_new(worker) and scopes.sees_children(worker)


def restricts_intelligence(agency: Agency | None) -> bool:
    """Whose incidents may be restricted to the agency itself: the police's (intelligence
    that would compromise an investigation if it reached every agency seeing the child)."""
    return agency is not None and agency.kind == AgencyKind.POLICE


def can_restrict_incident(worker: Worker) -> bool:
    """Offer the "restricted" flag: to those recording for an agency whose rules allow it."""
    return restricts_intelligence(worker.team.agency if worker.team else None)


def can_manage_roll(worker: Worker, school: Context) -> bool:
    """Put a child on (or take them off) a school's roll, and read it: the school's own staff
    who see case records (not while their access waits, ``scopes.sees_case_records``)."""
    if is_administrator(worker):
        return True
    return (
        scopes.sees_case_records(worker)
        and worker.role in CASEWORK_ROLES
        and school.responsible_agency_id is not None
        and school.responsible_agency_id == worker.agency_id
    )


def can_view_audit(worker: Worker) -> bool:
    """Auditors and administrators read the trail; nobody edits it. Not while the account's
    access waits to be confirmed (``access/provisioning.py``)."""
    return confirmed(worker) and worker.role in (Role.AUDITOR, Role.ADMINISTRATOR)


def can_read_audit_values(worker: Worker) -> bool:
    """The values in a change (names, dates of birth...) are case records: auditors
    see who changed which fields of which record, administrators also what to."""
    return is_administrator(worker)


def can_manage_workers(worker: Worker) -> bool:
    return is_administrator(worker)


def can_view_linked_cases_of(worker: Worker, holder: Worker) -> bool:
    """See the linked cases of ``holder``'s caseload: the holder, their team manager, or an
    administrator. What each linked case shows still follows the viewer's own sight."""
    if not scopes.sees_case_records(worker):
        return False
    if worker.pk == holder.pk or is_administrator(worker):
        return True
    return manages_a_team(worker) and worker.team_id == holder.team_id


def can_review_links_of(worker: Worker, holder: Worker) -> bool:
    """Mark a link from ``holder``'s caseload reviewed, for the holder's team: the holder, or
    their team manager (who sees that caseload). The team must be theirs: an administrator
    looking on does not decide for a team. Which links: only those on the page they see now
    (``locus.linked.selectors.link_to_review``)."""
    return (
        can_view_linked_cases_of(worker, holder)
        and holder.team_id is not None
        and worker.team_id == holder.team_id
    )


def can_view_borough_links(worker: Worker) -> bool:
    """The borough-wide clusters of linked cases: team managers, analysts and administrators,
    whose work is coordinating across caseloads. Children they may not see stay unnamed.
    Never a partner organisation's staff (a business, a housing provider: they see no child,
    and the clusters list every linked child with who holds the case), as the area picture;
    nor an independent reviewing service's manager (:func:`does_casework`): the conference
    chairs' unit coordinates no caseload, and a chair who chose which linked children to
    bring together would be reviewing their own work."""
    if is_administrator(worker):
        return True
    return (
        worker.role in (Role.MANAGER, Role.ANALYST)
        and scopes.sees_case_records(worker)
        and not scopes.in_partner_organisation(worker)
        and does_casework(worker)
    )


def manages_a_team(worker: Worker) -> bool:
    """A team manager, who oversees their team's work (its caseload, meetings, emergency
    access) as well as their own; not while their access waits to be confirmed
    (``access/provisioning.py``)."""
    return confirmed(worker) and worker.role == Role.MANAGER and worker.team_id is not None


def managed_team_id(worker: Worker) -> int | None:
    """The team ``worker`` manages (:func:`manages_a_team`), or None."""
    return worker.team_id if manages_a_team(worker) else None


def can_allocate(worker: Worker, team_id: int | None) -> bool:
    """Allocate a child to a worker of team ``team_id``, or end such an allocation (transfer
    is the two): a manager within their own team (:func:`manages_a_team`: not while their
    access waits to be confirmed), an administrator anywhere."""
    return is_administrator(worker) or (
        manages_a_team(worker) and team_id is not None and worker.team_id == team_id
    )
