"""Who may see and run context casework.

Sight of *children* stays in ``access/scopes.py``: nothing here grants it. A
context case names a child only to a viewer who already sees them.

* **Partner organisations** (agencies of kind "partner": a shopping centre's
  security, a housing provider) see only the cases they are part of: one their
  agency referred, a conference they (or their organisation) attended, or a
  plan with an action their agency delivers. On those they see the case, the
  conferences, the plan's goals and **their own agency's actions**; not the
  assessment, other agencies' actions, or other agencies' referrals.
* Every other worker who sees case records sees the cases on contexts they may
  see (public places for all; homes and peer groups only through a child they
  see, as ``access/RULES.md`` says), and the practitioners and managers of a case's
  own team see their team's cases whatever the place (they work them and sign them
  off); a role without the home address is told of such a home only as
  ``naming.PLACE_WITHHELD`` (:func:`place_name`). Auditors read the audit trail instead.
* **Referrals**: children's social care practitioners and managers (the front
  door, who screen them) see every referral. Anyone else sees a referral only
  if they recorded it, or if they are a manager of the referring agency: a
  referral says who told whom what about a place, so other agencies (youth
  justice, schools, police, partners) do not read each other's.
* Any worker who works or analyses cases, partners included, may **refer**.
  The front door **screens**. The case's lead and team **work** the case
  (assessment, conference, plan, reviews, closure request). Each sign-off
  (screening where the level asks for it, assessment, plan, closure) is asked
  of one **named manager** of the case's team who did not lead or assess the
  case nor ever write any part of the piece (:func:`sign_off_authors`, read
  from the audit trail); only that manager may give it. It is passed on, with
  a reason, by the manager asked, the worker who asked, or another manager of
  the team who is no author of it, to another eligible manager, **never to
  oneself** (:func:`can_reassign_sign_off`, :func:`sign_off_receivers`). An
  administrator's IT role never signs off casework, nor passes a sign-off on.
  An action is updated by its owner, their manager, the case's team, or a
  practitioner of the agency delivering it; never by the IT administrator. A
  worker who sits on an HSB meeting or MACE panel and sees the context
  **lands** the forum's actions on its approved plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast

from locus.access import naming, provisioning, scopes
from locus.access.lookups import one_or_404
from locus.access.models import AgencyKind, Role, Worker
from locus.access.policies import (
    CASEWORK_ROLES,
    can_view_context,
    does_casework,
    is_administrator,
    manages_a_team,
)
from locus.access.policies import same_person as same_person  # its home before policies
from locus.audit.models import ChangeAction, ChangeEvent
from locus.casework.models import (
    Approval,
    ApprovalOutcome,
    ApprovalSubject,
    ConferenceAttendee,
    ContextAssessment,
    ContextCase,
    ContextConference,
    ContextPlan,
    DomainFinding,
    Evidence,
    PlanAction,
    PlanActionUpdate,
    PlanChild,
    PlanGoal,
    Referral,
    SignOffRequest,
    ThresholdRevision,
)
from locus.forums.models import Attendance
from locus.places.models import ContextKind

REFERRER_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.ANALYST})


def _agency_kind(worker: Worker) -> str | None:
    team = worker.team if worker.team_id else None
    return team.agency.kind if team is not None else None


def is_partner(worker: Worker) -> bool:
    """A worker of a partner organisation (a business, a housing provider...)."""
    return scopes.in_partner_organisation(worker)


def _partner_case_ids(worker: Worker) -> Q:
    agency_id = worker.agency_id or 0  # a partner always has an agency; 0 matches nothing
    referred = Referral.objects.filter(referring_agency_id=agency_id, case__isnull=False)
    # Attended: one who sent apologies (or was absent) took no part, and the conference's
    # sharing-register row names only those who attended.
    # Nor one recorded while their access waited, until it is confirmed: the list records
    # that they were in the room, and no second person has yet confirmed the account's
    # agency, so it opens no case to it.
    attended = ConferenceAttendee.objects.filter(
        Q(agency_id=agency_id) | Q(worker=worker), attendance=Attendance.ATTENDED
    ).exclude(provisioning.same_wait_q("worker", "access_waited_since"))
    acting = PlanAction.objects.filter(agency_id=agency_id)
    return (
        Q(id__in=referred.values("case_id"))
        | Q(id__in=attended.values("conference__case_id"))
        | Q(id__in=acting.values("plan__case_id"))
    )


def _own_team(worker: Worker) -> Q:
    """The cases of the worker's own team, for a practitioner or manager of it: the team
    works its cases (:func:`can_work_case`) and its managers sign them off, so they open
    them whether or not they see the place (a home seen through none of its residents)."""
    if worker.role not in CASEWORK_ROLES or worker.team_id is None:
        return Q(pk__in=[])
    return Q(team_id=worker.team_id)


def _chaired(worker: Worker) -> Q:
    """The cases whose conference ``worker`` is asked to chair (or chaired): the chair holds
    and records it from the case's pages, a home's case too, though an independent chair
    sees none of the home's residents."""
    return Q(id__in=ContextConference.objects.filter(chair=worker).values("case_id"))


def works_in_case_team(worker: Worker, case: ContextCase) -> bool:
    """A practitioner or manager of the case's team who sees case records (no query)."""
    return (
        worker.role in CASEWORK_ROLES
        and worker.team_id is not None
        and worker.team_id == case.team_id
        and scopes.sees_case_records(worker)
    )


def _home_withheld(worker: Worker, seen: QuerySet[Any]) -> Q | None:
    """The condition on ContextCase for a case on a home the worker is not told of: a role
    without the home address (``fields.sees_home_addresses``) that does not see the home
    (it opens the case through its team). None when the role has the home address."""
    from locus.access.fields import sees_home_addresses  # fields imports scopes

    if sees_home_addresses(worker):
        return None
    return Q(context__kind=ContextKind.HOME) & ~Q(context_id__in=seen)


def cases_visible_to(worker: Worker) -> QuerySet[ContextCase]:
    """The cases ``worker`` opens: on the contexts they see, their own team's, and those
    whose conference they chair (a partner's staff: those their organisation is part of). Each
    case read through it has ``place_withheld``: a home the worker may be told of only as
    :data:`naming.PLACE_WITHHELD` (:func:`place_name`)."""
    if is_administrator(worker):
        return ContextCase.objects.all()
    if not scopes.sees_case_records(worker):
        return ContextCase.objects.none()
    seen = scopes.contexts_visible_to(worker).values("id")
    if is_partner(worker):  # the cases its organisation is part of, whatever the place
        cases = ContextCase.objects.filter(_partner_case_ids(worker))
    else:
        cases = ContextCase.objects.filter(
            Q(context_id__in=seen) | _own_team(worker) | _chaired(worker)
        )
    withheld = _home_withheld(worker, seen)
    if withheld is None:
        return cases
    return cases.annotate(place_withheld=ExpressionWrapper(withheld, BooleanField()))


def sees_case(worker: Worker, case: ContextCase) -> bool:
    """Whether ``worker`` opens the case (:func:`cases_visible_to`): no query for a
    practitioner or manager of its team."""
    if works_in_case_team(worker, case):
        return True
    return cases_visible_to(worker).filter(pk=case.pk).exists()


def shown_place(case: ContextCase) -> str:
    """The case's place as its reader is told of it, for a case read through
    :func:`cases_visible_to` (which marks ``place_withheld``): its name, or
    :data:`naming.PLACE_WITHHELD`."""
    return naming.PLACE_WITHHELD if getattr(case, "place_withheld", False) else case.context.name


def place_name(worker: Worker, case: ContextCase) -> str:
    """:func:`shown_place` for a case read any other way (``worker`` is its reader): for a
    home, a role without the home address that opens the case through its team but does
    not see the home is told :data:`naming.PLACE_WITHHELD` (a query only then)."""
    if (
        not hasattr(case, "place_withheld")
        and case.context.kind == ContextKind.HOME
        and not is_administrator(worker)  # sees every case, as cases_visible_to reads them
    ):
        condition = _home_withheld(worker, scopes.contexts_visible_to(worker).values("id"))
        case.place_withheld = condition is not None and (  # type: ignore[attr-defined]
            ContextCase.objects.filter(condition, pk=case.pk).exists()
        )
    return shown_place(case)


def cases_part_of(worker: Worker) -> QuerySet[ContextCase]:
    """The context cases ``worker`` sees and takes a part in: for a partner's staff, every
    case they see (their organisation is part of each); for anyone else, those they lead,
    chair or attended a conference of, or own an action on. A home page built from the work
    a worker is given (a housing officer, a conference chair) lists these."""
    cases = cases_visible_to(worker)
    if is_partner(worker):
        return cases
    chaired = ContextConference.objects.filter(
        Q(chair=worker)
        | Q(
            id__in=ConferenceAttendee.objects.filter(
                worker=worker, attendance=Attendance.ATTENDED
            ).values("conference_id")
        )
    )
    owned = PlanAction.objects.filter(owner=worker)
    return cases.filter(
        Q(lead=worker)
        | Q(id__in=chaired.values("case_id"))
        | Q(id__in=owned.values("plan__case_id"))
    )


def access_case(worker: Worker, case_id: object) -> ContextCase:
    """The case, or 404 for one that is missing or that the worker may not see."""
    cases = cases_visible_to(worker).select_related(
        "context", "lead__team__agency", "team__agency", "threshold_level"
    )
    return one_or_404(cases, case_id)


def can_screen(worker: Worker) -> bool:
    """The front door: children's social care practitioners and managers, who lead Level 2.

    Not an independent reviewing service's staff (conference chairs): a chair who took the
    referral or led the case would no longer be independent of it. Not the IT administrator:
    screening (the level, the decision, the lead) is casework; they read every referral
    (:func:`referrals_visible_to`)."""
    return (
        worker.role in CASEWORK_ROLES
        and scopes.sees_case_records(worker)
        and _agency_kind(worker) == AgencyKind.CHILDRENS_SOCIAL_CARE
        and does_casework(worker)
    )


def referrals_visible_to(worker: Worker) -> QuerySet[Referral]:
    if is_administrator(worker) or can_screen(worker):
        return Referral.objects.all()
    if not scopes.sees_case_records(worker):
        return Referral.objects.none()
    mine = Q(recorded_by_id=worker.pk)
    if manages_a_team(worker) and worker.agency_id is not None:
        mine |= Q(referring_agency_id=worker.agency_id)
    return Referral.objects.filter(mine)


def access_referral(worker: Worker, referral_id: object) -> Referral:
    referrals = referrals_visible_to(worker).select_related(
        "context", "referring_agency", "recorded_by", "case"
    )
    return one_or_404(referrals, referral_id)


def works_cases(worker: Worker) -> bool:
    """A practitioner, manager or analyst who sees case records (partners included): the
    roles that refer, own actions and sit on forums. Not the information governance lead
    (the auditor role), who reads the trail, nor the IT administrator."""
    return worker.role in REFERRER_ROLES and scopes.sees_case_records(worker)


def can_refer(worker: Worker) -> bool:
    """Anyone who works or analyses cases, partner organisations included; not the IT
    administrator, who does no casework."""
    return works_cases(worker)


def can_withdraw_referral(worker: Worker, referral: Referral) -> bool:
    """Its referrer, while their access is confirmed (``access/provisioning.py``: not one whose
    access waits for a second person, nor a deactivated account), or the front door
    (:func:`can_screen`)."""
    referrer = provisioning.confirmed(worker) and referral.recorded_by_id == worker.pk
    return referrer or can_screen(worker)


def can_work_case(worker: Worker, case: ContextCase) -> bool:
    """The case's lead and the practitioners and managers of its team. Not the IT
    administrator: writing an assessment, a conference or a plan is casework, and they
    read it only (as they sign off none, :func:`can_approve`)."""
    if worker.role not in CASEWORK_ROLES or not scopes.sees_case_records(worker):
        return False
    return worker.pk == case.lead_id or (
        worker.team_id is not None and worker.team_id == case.team_id
    )


def can_approve(worker: Worker, case: ContextCase) -> bool:
    """A manager of the team that holds the case: who may be asked to sign its work off.

    Never an administrator: an IT role is not a practice manager. Which piece a
    manager may sign off is :func:`can_sign_off` (not their own, and asked of them).
    """
    return (
        manages_a_team(worker)
        and scopes.sees_case_records(worker)
        and worker.team_id == case.team_id
    )


#: The parts of the assessment's own row that are its writing (its other columns are steps:
#: started, submitted, returned, approved, which make nobody its author).
ASSESSMENT_WRITING = ["capacity_analysis", "recommendation"]


def _ids_of(rows: QuerySet[Any]) -> QuerySet[Any]:
    """The rows' ids as the trail keeps them (``ChangeEvent.record_id`` is text)."""
    return rows.annotate(record_key=Cast("pk", CharField())).values("record_key")


def _written(record_type: type[Model], rows: QuerySet[Any], **more: Any) -> Q:
    return Q(record_type=record_type._meta.label_lower, record_id__in=_ids_of(rows), **more)


#: What writing each piece is: the kind of record, its way to the case, and what a change
#: event must be to have written it. The closure has no writing: its author is named on the
#: case (:func:`_named_authors`), as the screening's opener is.
_PIECES: dict[str, list[tuple[type[Model], str, dict[str, Any]]]] = {
    ApprovalSubject.ASSESSMENT: [
        # The screening creates the assessment and starting it creates its findings, both
        # empty: only a save that changes them writes them.
        (
            ContextAssessment,
            "case",
            {"action": ChangeAction.UPDATE, "after__has_any_keys": ASSESSMENT_WRITING},
        ),
        (DomainFinding, "assessment__case", {"action": ChangeAction.UPDATE}),
        (Evidence, "finding__assessment__case", {}),
    ],
    ApprovalSubject.PLAN: [
        # Drafted it (a conference agreeing it, or its approval, writes no part of it).
        (ContextPlan, "case", {"action": ChangeAction.CREATE}),
        (PlanGoal, "plan__case", {}),
        (PlanAction, "plan__case", {}),
        # Chose the children it is for: who the plan protects is part of the plan.
        (PlanChild, "plan__case", {}),
    ],
    # Revised the threshold: the level is the screening's decision, so whoever set it is
    # too close to agree it (asking again after a revision is the usual path).
    ApprovalSubject.SCREENING: [(ThresholdRevision, "case", {})],
}


def _writers(case: ContextCase, subject: str) -> Q | None:
    """The change events that wrote part of the piece, whoever made them and whenever: the
    trail keeps every write with its actor, where a row's ``updated_by`` keeps only the last
    (a manager whose findings the practitioner re-saved would drop out of it)."""
    pieces = _PIECES.get(subject)
    if not pieces:
        return None
    written = Q()
    for model, to_case, more in pieces:
        written |= _written(model, model._default_manager.filter(**{to_case: case}), **more)
    return written


def _named_authors(case: ContextCase, subject: str) -> set[int]:
    """The authors named on the case itself: its lead, who screened the referral (the
    screening), who asked for the closure (the closure)."""
    ids = {case.lead_id}
    if subject == ApprovalSubject.SCREENING:
        ids.add(case.opened_by_id)
    elif subject == ApprovalSubject.CLOSURE and case.closure_requested_by_id:
        ids.add(case.closure_requested_by_id)
    return ids


def sign_off_authors(case: ContextCase, subject: str) -> set[int]:
    """The workers too close to a piece to sign it off: the case's lead, its assessor, and
    everyone who ever wrote any part of the piece. The screening: who opened the case from
    the referral, and whoever revised its threshold level since. The assessment: whoever
    wrote its analysis or recommendation, any of its findings, or added evidence. The plan:
    who drafted it, and whoever added or changed any of its goals or actions or linked a
    child to it. The closure: who asked for it (the request is written whole, at once). A
    manager who wrote part of the work, before it was put to them or while it waited, does
    not approve it, even when someone else wrote over their words later: another manager
    does. Read from the audit trail (every service records each write with its actor)."""
    ids = _named_authors(case, subject)
    assessor = (
        ContextAssessment.objects.filter(case=case).values_list("assessor_id", flat=True).first()
    )
    if assessor:
        ids.add(assessor)
    writers = _writers(case, subject)
    if writers is not None:
        ids.update(
            ChangeEvent.objects.filter(writers).values_list("actor_id", flat=True).distinct()
        )
    return ids


def accounts_of(worker: Worker) -> set[int]:
    """The accounts that are one person's: ``worker``'s, and every other account with the
    same email (compared without case). Separation of duties compares people, not accounts:
    a second account made for an author (by an administrator, or an old one kept) signs off
    nothing of theirs. An account without an email is its own only (no query then)."""
    email = worker.email.strip()
    if not email:
        return {worker.pk}
    return {worker.pk, *Worker.objects.filter(email__iexact=email).values_list("pk", flat=True)}


def _same_person_as(ids: set[int]) -> Exists:
    """On Worker: an account whose email (not blank) is also one of ``ids``' accounts'."""
    return Exists(
        Worker.objects.filter(pk__in=ids, email__iexact=OuterRef("email")).exclude(email="")
    )


def _confirmed_managers(case: ContextCase) -> QuerySet[Worker]:
    """The case team's managers who may act: one whose access waits for a second person is
    neither asked for a sign-off nor told of the case's work."""
    return Worker.objects.filter(
        provisioning.confirmed_q(), role=Role.MANAGER, team_id=case.team_id
    )


def team_managers(case: ContextCase) -> list[Worker]:
    """The managers of the case's team whose access is confirmed, by name."""
    return list(_confirmed_managers(case).order_by("last_name", "first_name", "id"))


def eligible_managers(
    case: ContextCase, subject: str, authors: set[int] | frozenset[int] = frozenset()
) -> list[Worker]:
    """The managers a sign-off may be asked of (the form offers only these): not an author,
    nor another account of an author's (:func:`accounts_of`)."""
    excluded = sign_off_authors(case, subject) | set(authors)
    managers = _confirmed_managers(case).exclude(pk__in=excluded).exclude(_same_person_as(excluded))
    # Only those who open the case: the sign-off and its notification lead to its pages.
    return [
        m
        for m in managers.order_by("last_name", "first_name", "id")
        if can_approve(m, case) and sees_case(m, case)
    ]


def open_sign_off(case: ContextCase, subject: str) -> SignOffRequest | None:
    return (
        SignOffRequest.objects.filter(case=case, subject=subject, decided_at__isnull=True)
        .select_related("manager", "requested_by")
        .first()
    )


def screening_unsigned(case: ContextCase) -> bool:
    """The case's level asked for its screening to be signed off, and it is not (yet)."""
    return case.pk in screening_unsigned_among([case.pk])


def screening_unsigned_among(case_ids: Iterable[int]) -> set[int]:
    """Of these cases, those :func:`screening_unsigned` holds for (one query, none for no
    case): My work asks it of every assessment it lists."""
    ids = set(case_ids)
    if not ids:
        return set()
    screening = {"case": OuterRef("pk"), "subject": ApprovalSubject.SCREENING}
    asked = SignOffRequest.objects.filter(**screening)
    agreed = Approval.objects.filter(**screening, outcome=ApprovalOutcome.APPROVED)
    unsigned = ContextCase.objects.filter(Exists(asked), ~Exists(agreed), pk__in=ids)
    return set(unsigned.values_list("pk", flat=True))


def can_sign_off(worker: Worker, case: ContextCase, subject: str) -> bool:
    """Only the manager a sign-off was asked of, while they are still eligible. An
    assessment waits for its case's screening sign-off, where the level asks for one."""
    request = open_sign_off(case, subject)
    if (
        request is not None
        and subject == ApprovalSubject.ASSESSMENT
        and request.manager_id == worker.pk
        and screening_unsigned(case)
    ):
        return False
    return (
        request is not None
        and request.manager_id == worker.pk
        and can_approve(worker, case)
        and not too_close_to_sign(worker, request)
    )


def too_close_to_sign(worker: Worker, request: SignOffRequest) -> bool:
    """The worker asked for the sign-off, or wrote part of the piece (perhaps after it was
    put to them): they may not give it, and pass it to another manager instead."""
    return request.pk in too_close_among(worker, [request])


#: In :func:`too_close_among`'s query, a row that makes the worker an author of every piece
#: of its case (they are its assessor).
_EVERY_PIECE = ""


def too_close_among(worker: Worker, requests: Iterable[SignOffRequest]) -> set[int]:
    """The ids of the open sign-offs among ``requests`` that ``worker`` may not give
    (:func:`too_close_to_sign` for many at once, as My work lists them): they asked for it,
    are named on the case as an author (:func:`_named_authors`), assessed the case, or wrote
    part of the piece (``_PIECES``, read from the audit trail as :func:`sign_off_authors`
    reads it). One query for them all, however many there are (and one for the worker's
    other accounts, when theirs has an email: each is the same person, :func:`accounts_of`)."""
    requests = list(requests)
    selves = accounts_of(worker)
    close = {
        r.pk
        for r in requests
        if r.requested_by_id in selves or selves & _named_authors(r.case, r.subject)
    }
    rest = [r for r in requests if r.pk not in close]
    if not rest:
        return close
    case_ids = {r.case_id for r in rest}
    assessed = ContextAssessment.objects.filter(case_id__in=case_ids, assessor_id__in=selves)
    parts = [_case_and_piece(assessed, "case", _EVERY_PIECE)]
    for subject in sorted({r.subject for r in rest}):
        cases = {r.case_id for r in rest if r.subject == subject}
        for model, to_case, more in _PIECES.get(subject, []):
            by_worker = ChangeEvent.objects.filter(
                actor_id__in=selves,
                record_type=model._meta.label_lower,
                record_id=Cast(OuterRef("pk"), CharField()),
                **more,
            )
            rows = model._default_manager.filter(Exists(by_worker), **{f"{to_case}__in": cases})
            parts.append(_case_and_piece(rows, to_case, subject))
    written = set(parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0])
    return close | {
        r.pk
        for r in rest
        if (r.case_id, _EVERY_PIECE) in written or (r.case_id, r.subject) in written
    }


def _case_and_piece(rows: QuerySet[Any], to_case: str, piece: str) -> QuerySet[Any]:
    """The rows as (case id, piece) pairs, for :func:`too_close_among`'s one query."""
    return (
        rows.order_by()
        .annotate(of_case=F(to_case), piece=Value(piece, output_field=CharField()))
        .values_list("of_case", "piece")
    )


def can_reassign_sign_off(worker: Worker, request: SignOffRequest) -> bool:
    """Pass an open sign-off to another manager: the manager it is asked of, the worker who
    asked for it (while they still work the case), or another manager of the case's team
    who is not too close to the work, who passes it to another manager, never to themselves
    (:func:`sign_off_receivers`). A manager who wrote part of the piece (or leads or
    assessed the case) does not pass it on unless it was asked of them: choosing who
    approves their own work would be signing it off at one remove. Not a practitioner who
    did not ask for it, and never the IT administrator, who has no part in casework's
    sign-offs, nor one whose access waits for a second person (``access/provisioning.py``)."""
    if request.decided_at is not None or not provisioning.confirmed(worker):
        return False
    if is_administrator(worker):
        return False
    case = request.case
    if worker.pk == request.manager_id:
        return True
    if worker.pk == request.requested_by_id:
        return can_work_case(worker, case)
    return can_approve(worker, case) and not too_close_to_sign(worker, request)


def sign_off_receivers(worker: Worker, request: SignOffRequest) -> list[Worker]:
    """The managers ``worker`` may pass the sign-off to: those who may be asked for it, but
    not the manager asked now, nor who asked for it, nor ``worker``: taking a sign-off asked
    of someone else would let any manager of the team choose to sign off the work."""
    passing = {request.manager_id, request.requested_by_id, worker.pk}
    return eligible_managers(request.case, request.subject, passing)


def can_view_assessment(worker: Worker, case: ContextCase) -> bool:
    """Partners see the case they are part of, not the professionals' assessment."""
    return is_administrator(worker) or not is_partner(worker)


def can_review_plan(worker: Worker, case: ContextCase) -> bool:
    """Record a review of the case's plan (progress against each goal, and whether it goes
    on): whoever works the case (:func:`can_work_case`), and the chair of its conference
    (:func:`chairs_case`), an independent reviewing service's staff included: reviewing the
    plan agreed at the conference they chaired is a chair's own work, as recording that
    conference is (:func:`can_record_conference`). Asking to close the case after a review
    stays the team's."""
    return can_work_case(worker, case) or (
        provisioning.confirmed(worker) and chairs_case(worker, case)
    )


def can_record_conference(worker: Worker, conference: ContextConference) -> bool:
    return can_work_case(worker, conference.case) or (
        provisioning.confirmed(worker) and conference.chair_id == worker.pk
    )


def is_casework_worker(worker: Worker) -> bool:
    """Who may lead, assess, chair or own casework: a practitioner or manager in a team whose
    access is confirmed (``access/provisioning.py``): one whose access waits can act on none."""
    return (
        provisioning.confirmed(worker)
        and worker.team_id is not None
        and worker.role in CASEWORK_ROLES
    )


def casework_workers() -> QuerySet[Worker]:
    """The workers :func:`is_casework_worker` allows, for the pages that choose one."""
    return (
        Worker.objects.filter(
            provisioning.confirmed_q(), team__isnull=False, role__in=CASEWORK_ROLES
        )
        .select_related("team__agency")
        .order_by("team__agency__name", "last_name", "first_name", "id")
    )


def attendance_workers() -> QuerySet[Worker]:
    """The workers an attendance list (a conference's, a case note's) offers as present: the
    :func:`casework_workers`, and those among them whose access still waits for a second
    person (``provisioning.awaiting``): a new social worker who was in the room. The list
    records who was there; it grants nothing, and a waiting account sees nothing
    (``provisioning.confirmed``), so the page names them with ``provisioning.AWAITING_NOTE``.
    Never a closed account."""
    return (
        Worker.objects.filter(is_active=True, team__isnull=False, role__in=CASEWORK_ROLES)
        .select_related("team__agency")
        .order_by("team__agency__name", "last_name", "first_name", "id")
    )


def owns_casework(worker: Worker) -> bool:
    """Whether ``worker`` may be given casework to do (own a plan's action, go on a visit
    plan): :func:`is_casework_worker`, and :func:`does_casework` (no conference chair: a
    chair who did the plan's work would review their own)."""
    return is_casework_worker(worker) and does_casework(worker)


def chairs_case(worker: Worker, case: ContextCase) -> bool:
    """Whether ``worker`` is asked to chair (or chaired) the case's conference: the one
    case an independent reviewing service's staff write on (:func:`writes_on_case`)."""
    return ContextConference.objects.filter(case=case, chair=worker).exists()


def writes_on_case(worker: Worker, case: ContextCase) -> bool:
    """Whether ``worker``'s place lets them write on ``case`` at all (a case note): anyone's
    but an independent reviewing service's staff, who write only on the cases whose
    conference they chair (:func:`chairs_case`), since a chair chairs and reviews and does
    nothing else in casework (:func:`does_casework`)."""
    return does_casework(worker) or chairs_case(worker, case)


def casework_owners() -> QuerySet[Worker]:
    """The workers :func:`owns_casework` allows, for the forms that choose one."""
    return casework_workers().exclude(team__independent=True)


def refused_as_owner(worker: Worker) -> str:
    """Why ``worker`` owns no work agreed for a child or a place (a context plan's action, a
    mapping meeting's intervention, a panel's action), whoever else may: an independent
    reviewing service's staff (:func:`does_casework`), for the owner field; "" for anyone
    else. Nor one whose access waits for a second person (``access/provisioning.py``):
    the work would sit with someone who cannot act on it."""
    if waits := provisioning.why_given_no_work(worker):
        return waits
    if does_casework(worker):
        return ""
    return (
        f"{worker} is of an independent reviewing service: its staff chair and review, and own "
        "no casework"
    )


def can_be_asked_to_sign_off(worker: Worker) -> bool:
    """Sign-offs are asked of managers (which one, for a case: :func:`eligible_managers`),
    whose access is confirmed (``access/provisioning.py``)."""
    return provisioning.confirmed(worker) and worker.role == Role.MANAGER


def whose_work(viewer: Worker, *, team: bool) -> Q:
    """Whose due work a worker lists (on Worker): their own, or a team manager's whole team."""
    if team and manages_a_team(viewer):
        return Q(team_id=viewer.team_id)
    return Q(pk=viewer.pk)


def sees_all_actions(worker: Worker) -> bool:
    """Everyone who may see a case sees all its actions, except partners (their own only)."""
    return is_administrator(worker) or not is_partner(worker)


def can_land_action(worker: Worker, plan: ContextPlan) -> bool:
    """Who may land an action agreed at another forum (an HSB meeting, a MACE panel) on the
    plan: a worker who may sit on such a forum (active practitioner, manager or analyst of
    a team) and who sees the plan's context. The forum checks its own list first. Never
    the IT administrator, whose role writes no casework."""
    return (
        worker.team_id is not None
        and works_cases(worker)
        and can_view_context(worker, plan.case.context)
    )


def can_update_action(worker: Worker, action: PlanAction) -> bool:
    """Its owner, the owner's team manager, the case's team, or the delivering agency's staff:
    practitioners and managers. Never the IT administrator, whose role is not casework (the
    step before a case may be closed is its actions being done), nor, but as its owner, an
    independent reviewing service's staff (:func:`does_casework`): children's social care's
    chairs do not record the work of every action their agency delivers (an action a chair
    owned before that rule stays theirs until its lead gives it to someone else). Nobody
    whose access waits to be confirmed (``access/provisioning.py``)."""
    if not provisioning.confirmed(worker) or worker.role not in CASEWORK_ROLES:
        return False
    if action.owner_id == worker.pk:
        return True
    if not does_casework(worker):
        return False
    if worker.agency_id == action.agency_id:
        return True
    owner = action.owner
    if owner is not None and manages_a_team(worker) and worker.team_id == owner.team_id:
        return True
    return can_work_case(worker, action.plan.case)


def can_give_action(worker: Worker, action: PlanAction) -> bool:
    """Give an action to someone else (its owner has left, or can no longer work it): the
    case's lead, while they work the case, or a manager of the team that holds it
    (:func:`can_approve`). Not the owner, the delivering agency or the rest of the team, who
    update it: choosing who does the plan's work is the lead's. Never the IT administrator."""
    case = action.plan.case
    lead = worker.pk == case.lead_id and worker.is_active and can_work_case(worker, case)
    return lead or can_approve(worker, case)


def action_receivers(action: PlanAction) -> QuerySet[Worker]:
    """Whom an action may be given to: anyone who may own casework (the add-action form's
    owners, :func:`casework_owners`), but not its owner now."""
    return casework_owners().exclude(pk=action.owner_id or 0)


def sees_action_history(worker: Worker, *, case_seen: bool) -> bool:
    """Whether ``worker`` reads an action's whole history: whoever opens its case
    (``case_seen``) and sees all its actions. An owner the action was given to who may not
    see its case, and a partner (who sees its own agency's actions only), read it from the
    latest step that gave the action to their side from outside it (:func:`updates_shown`):
    the notes before it were written by and for those who see the case, and may name
    children. Giving work is not a way in."""
    return case_seen and sees_all_actions(worker)


def receiver_sees_history(worker: Worker, action: PlanAction) -> bool:
    """Whether ``worker``, given ``action``, would read its whole history
    (:func:`sees_action_history`), for the giver's warning (a query or two)."""
    case = action.plan.case
    return sees_all_actions(worker) and sees_case(worker, case)


def _from_own_side(viewer: Worker, step: PlanActionUpdate, *, partner: bool) -> bool:
    """Whether a hand-over took the action from ``viewer``'s own side: a ``partner``'s
    organisation, which reads all its agency's actions and sees no child, so none of its
    workers wrote for those who see the case. Anyone else has no side: a teammate who gave
    them the action may have been a member of the case and named its children. A step that
    does not say whom it took the action from (one written before hand-overs kept it, or an
    owner with no team) came from outside."""
    if not partner or step.from_team_id is None:
        return False
    return step.from_team is not None and step.from_team.agency_id == viewer.agency_id


def updates_shown(
    updates: Sequence[PlanActionUpdate], *, viewer: Worker, whole: bool
) -> tuple[list[PlanActionUpdate], int]:
    """The steps of an action's history ``viewer`` is shown, in the order given, and how many
    earlier ones are not: all of them to a reader of the whole history; to anyone else the
    latest hand-over into their side from outside it (``given_to``, ``from_team``: a
    partner's organisation, :func:`_from_own_side`; anyone else, the latest hand-over) and
    the steps after it. A move between a partner's workers keeps what the partner read before
    it; an action never given, or given only within the partner, is shown whole: its notes
    were written while it was theirs. The steps' ``from_team`` is read (select it with them)."""
    steps = list(updates)
    if whole:
        return steps, 0
    handed = sorted((u for u in steps if u.given_to_id is not None), key=lambda u: (u.at, u.pk))
    partner = bool(handed) and is_partner(viewer)
    while handed and _from_own_side(viewer, handed[-1], partner=partner):
        handed.pop()
    if not handed:
        return steps, 0
    last = handed[-1]
    shown = [u for u in steps if (u.at, u.pk) >= (last.at, last.pk)]
    return shown, len(steps) - len(shown)


def can_chair(worker: Worker, case: ContextCase) -> bool:
    """An independent chair: a practitioner or manager whose access is confirmed
    (:func:`is_casework_worker`) who is not the case's lead, its assessor, or a manager of the
    lead's or the assessor's team (their line manager). Compared by person, not account
    (:func:`accounts_of`): another account with the lead's email is the lead, and one with
    their manager's is their manager, whose access waiting or not: they are as close to the
    case."""
    if not is_casework_worker(worker):
        return False
    assessor = (
        ContextAssessment.objects.filter(case=case)
        .select_related("assessor")
        .values_list("assessor_id", "assessor__team_id")
        .first()
    )
    close = {case.lead_id}
    teams = {case.lead.team_id}
    if assessor is not None and assessor[0] is not None:
        close.add(assessor[0])
        teams.add(assessor[1])
    selves = accounts_of(worker)
    if selves & close:
        return False
    if selves == {worker.pk}:
        return not (worker.role == Role.MANAGER and worker.team_id in teams)
    managers = Worker.objects.filter(is_active=True, role=Role.MANAGER, team_id__in=teams)
    return not managers.filter(pk__in=selves).exists()


def access_own_action(worker: Worker, action_id: object) -> PlanAction:
    """An action ``worker`` owns, or 404 (anyone else's, or a worker no longer active).

    Its owner reads and updates it on its own page whether or not they may see its case:
    a case lead may give an action on a home's plan to a worker who sees the home through
    none of its children. Giving work is not a way in, so that page shows the action alone
    (its words, due date, status and history, and who leads the case), never the place, the
    plan's other parts or the children.

    Only while the owner still works cases (:func:`works_cases`): an owner made the
    information governance lead or the IT administrator since the action was given no
    longer reads it or records progress there (a case lead gives it to someone else)."""
    actions = PlanAction.objects.filter(owner=worker, owner__is_active=True)
    if not works_cases(worker):
        actions = actions.none()
    return one_or_404(
        actions.select_related("plan__case__lead__team__agency", "agency", "owner"), action_id
    )
