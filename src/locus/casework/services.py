"""Writing context casework: every step from referral to closure.

Each service is ``@transaction.atomic``; it checks permission first
(``permitted``: a refusal is ``NotPermitted``, which pages show as 404), reads
the record afresh under a row lock, asks the record's state machine for the
move (``InvalidTransition`` with a plain message otherwise), validates every
input at once by field (``ValidationFailed``) before writing anything, and
audits each row it writes in the same transaction. Deadlines are stored on
the record as it enters the state that starts the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Unpack

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

from locus.access import context_cases as policies
from locus.access import lookups, provisioning
from locus.access import policies as access_policies
from locus.access.models import Agency, AgencyKind, Worker
from locus.access.selectors import visible_person_ids
from locus.casework import deadlines, selectors
from locus.casework.models import (
    ASSESSMENT_MACHINE,
    CASE_MACHINE,
    CONFERENCE_MACHINE,
    FORUM_SOURCES,
    PLAN_MACHINE,
    REFERRAL_MACHINE,
    REVIEW_MACHINE,
    ActionSource,
    Approval,
    ApprovalOutcome,
    ApprovalSubject,
    AssessmentStatus,
    CaseStatus,
    ClosureOutcome,
    ConferenceAttendee,
    ConferenceDecision,
    ContextAssessment,
    ContextCase,
    ContextConference,
    ContextPlan,
    DomainFinding,
    Evidence,
    GoalProgress,
    GoalStatus,
    PlanAction,
    PlanChild,
    PlanGoal,
    PlanReview,
    PlanStatus,
    Progress,
    Protective,
    Recommendation,
    Referral,
    ReferralAbout,
    ReferralChild,
    ReferralContext,
    ReviewDecision,
    ReviewStatus,
    ScreeningDecision,
    SignOffRequest,
    ThresholdLevel,
    ThresholdRevision,
)
from locus.common import clock
from locus.common.errors import InvalidTransition
from locus.common.modelkit import choice_values
from locus.common.models import Source
from locus.common.services import (
    Problems,
    create_audited,
    lock,
    permitted,
    recorded,
    require,
    save_changes,
    today,
)
from locus.forums import services as forums
from locus.forums.machine import PREVIOUS
from locus.forums.models import (
    FINISHED_ACTION_STATUSES,
    STARTING_ACTION_STATUSES,
    ActionStatus,
    Attendance,
)
from locus.notifications.models import NotificationKind
from locus.notifications.services import (
    assign,
    forget,
    forget_all,
    invite,
    meeting_over,
    notify,
)
from locus.people.models import LegalStatusEpisode, Person, PersonKind
from locus.places.models import RESTRICTED_KINDS, Context, ContextKind
from locus.profiles.models import ProfileItem
from locus.sharing import services as sharing
from locus.sharing.models import ShareKind
from locus.sharing.vocab import PARTNER_ACTION, Basis

MAX_TEXT = 5000
MAX_SHORT = 200
REFERRAL_PURPOSE = "To ask for a contextual safeguarding response to what the referral describes"
CONFERENCE_PURPOSE = "To agree a context safeguarding plan for the context"
PARTNER_ACTION_PURPOSE = "To deliver an action on the context safeguarding plan"
# What a partner given an action sees of the case (RULES.md, partner organisations).
PARTNER_ACTION_WHAT = ("The context case, its conferences and goals", "The partner's own actions")
# A referral can be recorded up to a year after it was received; earlier is a mistyped year.
RECEIVED_WINDOW = dt.timedelta(days=366)
SCHEDULING_WINDOW = dt.timedelta(days=366)
#: A conference records who attended and who sent apologies (nobody is only invited).
CONFERENCE_ATTENDANCE = (Attendance.ATTENDED, Attendance.APOLOGIES)


def _text(problems: Problems, field: str, value: str, what: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required:
        problems.check(bool(value), field, what)
    problems.check(
        len(value) <= MAX_TEXT, field, f"{field.replace('_', ' ').capitalize()} is too long"
    )
    return value


def _one_text(field: str, value: str, what: str, *, required: bool = True) -> str:
    """A step's one piece of text (a note, a reason), checked as :func:`_text` checks it."""
    problems = Problems()
    value = _text(problems, field, value, what, required=required)
    problems.raise_if_any()
    return value


def _short(problems: Problems, field: str, value: str, label: str) -> str:
    value = (value or "").strip()
    problems.check(
        len(value) <= MAX_SHORT, field, f"{label} must be {MAX_SHORT} characters or fewer"
    )
    return value


def _approve(actor: Worker, case: ContextCase, subject: str, outcome: str, note: str) -> None:
    create_audited(
        actor,
        Approval,
        case=case,
        subject=subject,
        outcome=outcome,
        note=note,
        **recorded(actor, "by", "at"),
    )


def _still_open(case: ContextCase, refused: str) -> None:
    """A closed case is history: nothing more is written to it (an assessment started, saved,
    evidenced, sent for sign-off or signed off, a conference set or recorded, a plan drafted,
    its level revised). While a manager decides on closing it, the case stays as it was when
    the closure was asked for, as its plan does (:func:`_edit_plan`): the manager decides on
    that. The case is read afresh under a lock, so a closure asked for or approved while the
    page was open is seen; ``refused`` says what the case cannot have."""
    lock(case)
    if case.status == CaseStatus.CLOSING:
        raise InvalidTransition(
            f"A manager is deciding on closing this case, as it was when the closure was "
            f"asked for: {refused} now. To carry on, ask them to keep the case open"
        )
    if not case.is_open:
        raise InvalidTransition(f"This case is closed: {refused}")


def _move_case(actor: Worker, case: ContextCase, move: str, **fields: Any) -> ContextCase:
    status = CASE_MACHINE.after(case.status, move)
    return save_changes(actor=actor, obj=case, fields={"status": status, **fields})


# --- Referrals ------------------------------------------------------------------------------


@transaction.atomic
def referral_record(
    *,
    actor: Worker,
    about: str,
    summary: str,
    received_on: dt.date | None,
    context: Context | None = None,
    other_contexts: Iterable[Context] = (),
    children: Iterable[Person] = (),
    referring_agency: Agency | None = None,
    referrer_name: str = "",
    referrer_contact: str = "",
    basis: Basis,
) -> Referral:
    """Record a referral from any agency, partner organisations included.

    A referral about a context names it; one about children names them (only
    children the referrer already sees: naming is not a way in) and may name
    the contexts involved. The front door may record a referral on another
    agency's behalf (a phone call from a housing officer). It is due for a
    decision within one working day of being received.
    """
    permitted(policies.can_refer, actor)
    named = {c.pk: c for c in [*([context] if context else []), *other_contexts]}
    for ctx in named.values():
        # Not one seen only through emergency access: the referral keeps naming it after.
        permitted(lookups.sees_context_lastingly, actor, ctx)
    kids = {p.pk: p for p in children}
    permitted(access_policies.can_name_people, actor, kids.values())
    problems = Problems()
    problems.check(
        about in choice_values(ReferralAbout), "about", "Say whether it is about a context"
    )
    if about == ReferralAbout.CONTEXT:
        problems.check(context is not None, "context", "Choose the context the referral is about")
    if about == ReferralAbout.CHILD:
        problems.check(bool(kids), "children", "Name at least one child, or refer the context")
    problems.check(
        all(p.kind == PersonKind.YOUNG_PERSON for p in kids.values()),
        "children",
        "Name young people only: an adult of concern is recorded in the summary",
    )
    summary = _text(problems, "summary", summary, "Say what is happening")
    if received_on is None:
        problems.add("received_on", "Enter the date the referral was received")
    elif received_on > today():
        problems.add("received_on", "The date received must be today or in the past")
    elif received_on < today() - RECEIVED_WINDOW:
        problems.add("received_on", "The date received must be within the last year")
    own_agency = actor.team.agency if actor.team_id and actor.team else None
    agency = referring_agency or own_agency
    problems.check(agency is not None, "referring_agency", "Choose the referring agency")
    if agency is not None and agency != own_agency:
        problems.check(
            policies.can_screen(actor),
            "referring_agency",
            "Record referrals from your own agency",
        )
    referrer_name = _short(problems, "referrer_name", referrer_name, "The referrer's name")
    referrer_contact = _short(problems, "referrer_contact", referrer_contact, "The contact")
    sharing.check_basis(problems, basis)
    problems.raise_if_any()
    assert received_on is not None and agency is not None
    referral = create_audited(
        actor,
        Referral,
        about=about,
        context=context if about == ReferralAbout.CONTEXT else None,
        summary=summary,
        referring_agency=agency,
        referrer_name=referrer_name,
        referrer_contact=referrer_contact,
        received_on=received_on,
        due_on=deadlines.referral_due(received_on),
        **recorded(actor),
    )
    for ctx in named.values():
        create_audited(actor, ReferralContext, referral=referral, context=ctx)
    for person_id in sorted(kids):
        create_audited(actor, ReferralChild, referral=referral, person_id=person_id)
    # A referral moves information from the referring agency to the front door that screens
    # it: a row of the sharing register, kept as long as the referral is.
    referrer = f"{agency.name}" + (f" ({referrer_name})" if referrer_name else "")
    sharing.record_share(
        actor=actor,
        kind=ShareKind.REFERRAL,
        basis=basis,
        purpose=REFERRAL_PURPOSE,
        what=[
            "What is happening (the referral's summary)",
            *(["Children named"] if kids else []),
            *(["Contexts named"] if named else []),
        ],
        record_ref=f"Referral {referral.pk}",
        source=referral,
        recipients=[
            sharing.To(name=f"From {referrer}", agency=agency),
            sharing.To(name="The contextual safeguarding front door (screening)"),
        ],
        people=kids,
        until_note="Kept with the referral",
    )
    return referral


def _check_level(problems: Problems, level: ThresholdLevel | None, decision: str) -> None:
    """Threshold and decision agree: each level leads to one decision (``suggested_decision``).
    A screener who judges a referral differently chooses the level that fits their decision."""
    problems.check(level is not None and level.active, "level", "Choose the threshold level")
    problems.check(decision in choice_values(ScreeningDecision), "decision", "Choose the decision")
    if level is not None and decision in choice_values(ScreeningDecision):
        problems.check(
            level.suggested_decision == decision,
            "decision",
            f"The threshold level {level.name} leads to "
            f"'{level.get_suggested_decision_display()}': choose that decision, or the level "
            "that fits yours",
        )


def _manager_problem(manager: Worker | None, what: str) -> str:
    if manager is None:
        return f"Choose the manager to sign off {what}"
    return (
        f"{manager} cannot sign off {what}: choose a manager of the case's team who did not "
        "write, lead or assess it"
    )


def _check_manager(
    problems: Problems, actor: Worker, case: ContextCase, subject: str, manager: Worker | None
) -> None:
    """The sign-off is asked of an eligible manager: of the case's team, active, seeing case
    records, and neither the case's lead or assessor nor the piece's author (the actor)."""
    eligible = (
        manager is not None
        and policies.can_approve(manager, case)
        # Compared by person: another account of an author's is the author.
        and not policies.accounts_of(manager)
        & (policies.sign_off_authors(case, subject) | {actor.pk})
    )
    if not eligible:
        what = ApprovalSubject(subject).label.lower()
        problems.add("manager", _manager_problem(manager, f"the {what}"))
    problems.check(
        policies.open_sign_off(case, subject) is None,
        "manager",
        "A manager has already been asked to sign this off",
    )


def _ask_sign_off(
    actor: Worker, case: ContextCase, subject: str, manager: Worker
) -> SignOffRequest:
    request = create_audited(
        actor,
        SignOffRequest,
        case=case,
        subject=subject,
        manager=manager,
        **recorded(actor, "requested_by", "requested_at"),
    )
    _tell_manager(actor, request, manager)
    return request


def _tell_manager(actor: Worker, request: SignOffRequest, manager: Worker) -> None:
    """The named manager hears of the sign-off asked of them, in My work (not what it is on)."""
    what = ApprovalSubject(request.subject)
    notify(
        manager,
        NotificationKind.SIGN_OFF_REQUEST,
        actor=actor,
        about=request,
        url=selectors.case_url(request.case_id, selectors.SIGN_OFF_PAGES[what][1]),
        text=f"You are asked to sign off a context case's {what.label.lower()}",
    )


def _signed(actor: Worker, case: ContextCase, subject: str) -> None:
    """Only the named manager signs off; their request is then decided."""
    permitted(policies.can_sign_off, actor, case, subject)
    request = policies.open_sign_off(case, subject)
    assert request is not None
    save_changes(actor=actor, obj=request, fields={"decided_at": clock.now()})
    # Decided: "You are asked to sign off" has nothing left to ask (each removal audited).
    forget(actor=actor, record=request)


@transaction.atomic
def referral_screen(
    *,
    actor: Worker,
    referral: Referral,
    level: ThresholdLevel | None,
    decision: str,
    reason: str,
    context: Context | None = None,
    lead: Worker | None = None,
    manager: Worker | None = None,
) -> Referral:
    """Decide a referral against the context threshold: who decided, when, and why.

    The level and the decision agree (:func:`_check_level`). "Assess the context"
    opens a Level 2 case on it (or joins the context's open case), with the
    assessment due in 45 working days. A referral about children names the
    context to assess among those it names. A new case's lead is chosen, never
    assumed to be the screener; at a level that asks for it (``screening_sign_off``)
    the decision goes to a named manager of the lead's team for sign-off.
    """
    permitted(policies.can_screen, actor)
    lock(referral)
    REFERRAL_MACHINE.after(referral.status, "screen")
    problems = Problems()
    _check_level(problems, level, decision)
    reason = _text(problems, "reason", reason, "Give the reason for the decision")
    named_ids = set(referral.named_contexts.values_list("context_id", flat=True))
    subject = context or referral.context
    new_case = None
    open_case = None
    if decision == ScreeningDecision.LEVEL_1:
        problems.check(
            referral.named_children.exists(),
            "decision",
            "Level 1 work is with named children: this referral names none",
        )
    if decision == ScreeningDecision.CONTEXT_ASSESSMENT:
        if subject is None or subject.pk not in named_ids:
            problems.add("context", "Choose the context to assess, from those the referral names")
        else:
            open_case = selectors.open_case_for(subject)
            if open_case is None:
                problems.check(
                    lead is not None
                    and policies.is_casework_worker(lead)
                    and lead.team is not None
                    and policies.can_screen(lead),
                    "lead",
                    "Choose the lead: a children's social care practitioner or manager",
                )
                problems.check(
                    selectors.template_for(subject.kind) is not None,
                    "context",
                    f"There is no assessment template for a "
                    f"{subject.get_kind_display().lower()}: an administrator adds one",
                )
    signing = (
        level is not None
        and level.screening_sign_off
        and decision == ScreeningDecision.CONTEXT_ASSESSMENT
        and open_case is None
    )
    if signing and lead is not None and lead.team_id is not None:
        # The case does not exist yet: its team will be the lead's.
        team_case = ContextCase(team_id=lead.team_id, lead=lead)
        problems.check(
            manager is not None
            and policies.can_approve(manager, team_case)
            and manager.pk not in {lead.pk, actor.pk},
            "manager",
            _manager_problem(manager, "the screening decision"),
        )
    problems.raise_if_any()
    assert level is not None
    now = clock.now()
    if decision == ScreeningDecision.CONTEXT_ASSESSMENT and open_case is None:
        assert subject is not None and lead is not None and lead.team is not None
        new_case = create_audited(
            actor,
            ContextCase,
            context=subject,
            threshold_level=level,
            lead=lead,
            team=lead.team,
            opened_on=today(),
            opened_by=actor,
            opened_at=now,
        )
        template = selectors.template_for(subject.kind)
        assert template is not None
        create_audited(
            actor,
            ContextAssessment,
            case=new_case,
            template=template,
            due_on=deadlines.assessment_due(today()),
        )
        if signing:
            assert manager is not None
            _ask_sign_off(actor, new_case, ApprovalSubject.SCREENING, manager)
    return save_changes(
        actor=actor,
        obj=referral,
        fields={
            "status": REFERRAL_MACHINE.after(referral.status, "screen"),
            "threshold_level": level,
            "decision": decision,
            "decision_reason": reason,
            "screened_by": actor,
            "screened_at": now,
            "case": new_case or open_case,
        },
    )


@transaction.atomic
def screening_sign_off(
    *, actor: Worker, case: ContextCase, approve: bool, note: str = ""
) -> ContextCase:
    """The named manager agrees the screening decision that opened the case, or does not
    (saying why): a case whose screening is not agreed is not assessed further until the
    threshold is revised and the screening signed off."""
    lock(case)
    note = _one_text("note", note, "Say why you do not agree", required=not approve)
    _signed(actor, case, ApprovalSubject.SCREENING)
    outcome = ApprovalOutcome.APPROVED if approve else ApprovalOutcome.RETURNED
    _approve(actor, case, ApprovalSubject.SCREENING, outcome, note)
    return case


@transaction.atomic
def screening_ask(*, actor: Worker, case: ContextCase, manager: Worker | None) -> SignOffRequest:
    """Ask again for a screening sign-off that was not agreed (after revising the threshold,
    or to another manager)."""
    _work(actor, case)
    lock(case)
    if not policies.screening_unsigned(case) or policies.open_sign_off(
        case, ApprovalSubject.SCREENING
    ):
        raise InvalidTransition("This case's screening needs no sign-off now")
    problems = Problems()
    _check_manager(problems, actor, case, ApprovalSubject.SCREENING, manager)
    problems.raise_if_any()
    assert manager is not None
    return _ask_sign_off(actor, case, ApprovalSubject.SCREENING, manager)


@transaction.atomic
def threshold_revise(
    *, actor: Worker, case: ContextCase, level: ThresholdLevel | None, reason: str
) -> ThresholdRevision:
    """Revise the case's threshold level as the work shows more (or less), with the reason.

    The old level stays in the case's history. A Level 2 case is at a level that leads
    to assessment; a context found to need less is stepped down by closing the case.

    Not while the screening decision waits for its sign-off: the manager would sign a level
    other than the one they were asked about. If the level should change, they do not
    agree it, and the team revises it and asks again (:func:`screening_ask`).
    """
    _work(actor, case)
    lock(case)
    _still_open(case, "its threshold cannot change")
    _nothing_waiting_for_sign_off(
        case,
        "revising the threshold: if the level should change, they do not agree it, and you "
        "revise it and ask again",
        ApprovalSubject.SCREENING,
    )
    problems = Problems()
    problems.check(level is not None and level.active, "level", "Choose the threshold level")
    if level is not None:
        problems.check(level.pk != case.threshold_level_id, "level", "Choose a different level")
        problems.check(
            level.suggested_decision == ScreeningDecision.CONTEXT_ASSESSMENT,
            "level",
            f"{level.name} does not lead to a context assessment: to step the case down, "
            "ask to close it",
        )
    reason = _text(problems, "reason", reason, "Say why the threshold changes")
    problems.raise_if_any()
    assert level is not None
    revision = create_audited(
        actor,
        ThresholdRevision,
        case=case,
        before_id=case.threshold_level_id,
        after=level,
        reason=reason,
        **recorded(actor, "by", "at"),
    )
    save_changes(actor=actor, obj=case, fields={"threshold_level": level})
    return revision


@transaction.atomic
def sign_off_reassign(
    *, actor: Worker, request: SignOffRequest, manager: Worker | None, reason: str
) -> SignOffRequest:
    """Pass an open sign-off to another eligible manager (the first is away, or too close
    to the work), saying why. The manager asked, the worker who asked, or a manager of the
    case's team passes it on, and never to themselves. The request's history is kept in
    the audit trail."""
    # Who may pass it on depends on whom it is asked of now: read that under the lock, not
    # from a page loaded before someone else passed it on.
    lock(request)
    permitted(policies.can_reassign_sign_off, actor, request)
    if request.decided_at is not None:
        raise InvalidTransition("This sign-off has been given: it cannot be passed on")
    problems = Problems()
    if manager is not None and manager.pk == actor.pk:
        problems.add(
            "manager",
            "You cannot pass a sign-off to yourself: choose another manager, or leave it with "
            "the manager asked",
        )
    elif manager is None or manager not in policies.sign_off_receivers(actor, request):
        problems.add("manager", _manager_problem(manager, "this"))
    reason = _text(problems, "reason", reason, "Say why another manager signs it off")
    problems.raise_if_any()
    assert manager is not None
    # The manager it was asked of no longer gives it: their request goes from their
    # notifications, and the manager it is passed to is asked.
    forget(actor=actor, record=request, recipient=request.manager)
    _tell_manager(actor, request, manager)
    return save_changes(
        actor=actor,
        obj=request,
        fields={
            "manager": manager,
            "reassigned_reason": reason,
            "reassigned_by": actor,
            "reassigned_at": clock.now(),
        },
    )


@transaction.atomic
def referral_withdraw(*, actor: Worker, referral: Referral, reason: str) -> Referral:
    """The referrer (or the front door) withdraws a referral not yet decided, saying why."""
    permitted(policies.can_withdraw_referral, actor, referral)
    lock(referral)
    status = REFERRAL_MACHINE.after(referral.status, "withdraw")
    reason = _one_text("reason", reason, "Say why the referral is withdrawn")
    return save_changes(
        actor=actor,
        obj=referral,
        fields={"status": status, "decision_reason": reason, "screened_by": actor},
    )


# --- Assessment ------------------------------------------------------------------------------


def _work(actor: Worker, case: ContextCase) -> None:
    permitted(policies.can_work_case, actor, case)


@transaction.atomic
def assessment_start(
    *, actor: Worker, assessment: ContextAssessment, assessor: Worker | None = None
) -> ContextAssessment:
    """Start the assessment: each domain of the template becomes a finding to fill in.

    The assessor is the case's lead unless another worker of the case's team is chosen:
    a manager who starts it is not made the assessor by default (and then could not
    sign it off)."""
    case = assessment.case
    _work(actor, case)
    lock(assessment)
    _still_open(case, "its assessment cannot be started")
    status = ASSESSMENT_MACHINE.after(assessment.status, "start")
    assessor = assessor or case.lead
    problems = Problems()
    problems.check(
        policies.is_casework_worker(assessor) and policies.can_work_case(assessor, case),
        "assessor",
        "Choose the assessor: an active practitioner or manager of the case's team",
    )
    problems.raise_if_any()
    for order, domain in enumerate(assessment.template.domains, start=1):
        create_audited(
            actor,
            DomainFinding,
            assessment=assessment,
            key=domain["key"],
            title=domain["title"],
            order=order,
        )
    return save_changes(
        actor=actor,
        obj=assessment,
        fields={"status": status, "assessor": assessor, "started_at": clock.now()},
    )


@dataclass(frozen=True)
class FindingInput:
    strengths: str = ""
    concerns: str = ""
    rating: str = ""


@transaction.atomic
def assessment_save(
    *,
    actor: Worker,
    assessment: ContextAssessment,
    findings: Mapping[str, FindingInput],
    capacity_analysis: str = "",
    recommendation: str = "",
) -> ContextAssessment:
    """Save what is written so far: each domain's strengths, concerns and rating, the
    analysis of the context's capacity to safeguard, and the recommendation."""
    _work(actor, assessment.case)
    lock(assessment)
    _still_open(assessment.case, "its assessment cannot change")
    ASSESSMENT_MACHINE.after(assessment.status, "save")
    rows = {f.key: f for f in assessment.findings.all()}
    if set(findings) - set(rows):
        raise TypeError(f"unknown domains: {sorted(set(findings) - set(rows))}")
    problems = Problems()
    cleaned: dict[str, dict[str, str]] = {}
    for key, given in findings.items():
        cleaned[key] = {
            "strengths": _text(problems, f"{key}-strengths", given.strengths, "", required=False),
            "concerns": _text(problems, f"{key}-concerns", given.concerns, "", required=False),
            "rating": given.rating,
        }
        problems.check(
            given.rating in ("", "red", "amber", "green"),
            f"{key}-rating",
            f"Choose red, amber or green for {rows[key].title.lower()}",
        )
    capacity_analysis = _text(problems, "capacity_analysis", capacity_analysis, "", required=False)
    problems.check(
        recommendation in ("", *Recommendation.values),
        "recommendation",
        "Choose a recommendation",
    )
    problems.raise_if_any()
    now = clock.now()
    for key, values in cleaned.items():
        row = rows[key]
        if any(getattr(row, name) != value for name, value in values.items()):
            save_changes(
                actor=actor, obj=row, fields={**values, "updated_by": actor, "updated_at": now}
            )
    return save_changes(
        actor=actor,
        obj=assessment,
        fields={"capacity_analysis": capacity_analysis, "recommendation": recommendation},
    )


@transaction.atomic
def evidence_add(
    *, actor: Worker, assessment: ContextAssessment, domain_key: str, text: str, source: str
) -> Evidence:
    """Add a piece of evidence to a domain, with its source (provenance)."""
    _work(actor, assessment.case)
    lock(assessment)
    _still_open(assessment.case, "its assessment takes no more evidence")
    ASSESSMENT_MACHINE.after(assessment.status, "save")
    finding = assessment.findings.filter(key=domain_key).first()
    problems = Problems()
    problems.check(finding is not None, "domain", "Choose the domain the evidence is for")
    text = _text(problems, "text", text, "Describe the evidence")
    problems.check(source in choice_values(Source), "source", "Choose where the evidence came from")
    problems.raise_if_any()
    assert finding is not None
    evidence = create_audited(
        actor, Evidence, finding=finding, text=text, source=source, **recorded(actor)
    )
    return evidence


@transaction.atomic
def assessment_submit(
    *, actor: Worker, assessment: ContextAssessment, manager: Worker | None
) -> ContextAssessment:
    """Submit to a named manager for sign-off: every domain rated and written up, the
    analysis of the context's capacity to safeguard written, and a recommendation made.
    The request is in that manager's My work."""
    case = assessment.case
    _work(actor, case)
    lock(assessment)
    _still_open(case, "its assessment cannot be sent for sign-off")
    status = ASSESSMENT_MACHINE.after(assessment.status, "submit")
    problems = Problems()
    _check_manager(problems, actor, case, ApprovalSubject.ASSESSMENT, manager)
    for finding in assessment.findings.all():
        problems.check(
            bool(finding.rating),
            f"{finding.key}-rating",
            f"Rate {finding.title.lower()} red, amber or green",
        )
        problems.check(
            bool(finding.strengths or finding.concerns),
            f"{finding.key}-strengths",
            f"Write the strengths or concerns for {finding.title.lower()}",
        )
    problems.check(
        bool(assessment.capacity_analysis),
        "capacity_analysis",
        "Write the analysis of the context's capacity to safeguard",
    )
    problems.check(bool(assessment.recommendation), "recommendation", "Choose a recommendation")
    problems.raise_if_any()
    assert manager is not None
    _ask_sign_off(actor, case, ApprovalSubject.ASSESSMENT, manager)
    return save_changes(
        actor=actor, obj=assessment, fields={"status": status, "submitted_at": clock.now()}
    )


@transaction.atomic
def assessment_approve(
    *, actor: Worker, assessment: ContextAssessment, note: str = ""
) -> ContextAssessment:
    """A manager of the case's team signs the assessment off (not their own).

    When it recommends a conference, the case moves to the conference stage and
    the conference is due within 15 working days.
    """
    case = assessment.case
    permitted(policies.can_sign_off, actor, case, ApprovalSubject.ASSESSMENT)
    lock(assessment)
    _still_open(case, "its assessment cannot be signed off")
    status = ASSESSMENT_MACHINE.after(assessment.status, "approve")
    note = _one_text("note", note, "", required=False)
    _signed(actor, case, ApprovalSubject.ASSESSMENT)
    now = clock.now()
    _approve(actor, case, ApprovalSubject.ASSESSMENT, ApprovalOutcome.APPROVED, note)
    save_changes(
        actor=actor,
        obj=assessment,
        fields={"status": status, "approved_at": now, "approved_by": actor},
    )
    if assessment.recommendation == Recommendation.CONFERENCE:
        _move_case(actor, case, "call_conference")
        create_audited(
            actor,
            ContextConference,
            case=case,
            due_on=deadlines.conference_due(today()),
            assessment=assessment,
        )
    return assessment


@transaction.atomic
def assessment_return(
    *, actor: Worker, assessment: ContextAssessment, note: str
) -> ContextAssessment:
    """The named manager returns the assessment for more work, saying what is needed."""
    permitted(policies.can_sign_off, actor, assessment.case, ApprovalSubject.ASSESSMENT)
    lock(assessment)
    _still_open(assessment.case, "its assessment cannot be returned")
    status = ASSESSMENT_MACHINE.after(assessment.status, "return")
    note = _one_text("note", note, "Say what more the assessment needs")
    _signed(actor, assessment.case, ApprovalSubject.ASSESSMENT)
    _approve(actor, assessment.case, ApprovalSubject.ASSESSMENT, ApprovalOutcome.RETURNED, note)
    return save_changes(
        actor=actor, obj=assessment, fields={"status": status, "submitted_at": None}
    )


# --- Conference ------------------------------------------------------------------------------


@transaction.atomic
def conference_schedule(
    *,
    actor: Worker,
    conference: ContextConference,
    when: dt.datetime | None,
    location: str,
    chair: Worker | None,
) -> ContextConference:
    """Set (or move) the conference's date, place and chair.

    The conference considers the approved assessment (it was called when the assessment was
    approved), so it is never set before that approval: a date before it would back-date
    the conference, and the plan it agrees."""
    _work(actor, conference.case)
    lock(conference)
    _still_open(conference.case, "its conference cannot be scheduled")
    status = CONFERENCE_MACHINE.after(conference.status, "schedule")
    problems = Problems()
    now = clock.now()
    assessment = conference.assessment or getattr(conference.case, "assessment", None)
    approved_at = assessment.approved_at if assessment is not None else None
    if approved_at is not None:  # the form takes the time to the minute: its minute counts
        approved_at = approved_at.replace(second=0, microsecond=0)
    if when is None:
        problems.add("when", "Enter the date and time of the conference")
    elif timezone.is_naive(when):
        raise TypeError("conference_schedule needs a timezone-aware datetime")
    elif not now - SCHEDULING_WINDOW <= when <= now + SCHEDULING_WINDOW:
        problems.add("when", "The conference must be within a year of today")
    elif approved_at is not None and when < approved_at:
        approved = date_format(timezone.localtime(approved_at), "j F Y \\a\\t H:i")
        problems.add(
            "when",
            f"The conference must be after the assessment was approved ({approved})",
        )
    location = _short(problems, "location", location, "The place")
    problems.check(bool(location), "location", "Enter where the conference is held")
    if chair is None or not policies.is_casework_worker(chair):
        problems.add("chair", "Choose the chair: an active practitioner or manager")
    else:
        problems.check(
            policies.can_chair(chair, conference.case),
            "chair",
            f"{chair} cannot chair: the chair is independent of the case, so not its lead, "
            "its assessor, or a manager of their teams",
        )
    problems.raise_if_any()
    assert chair is not None and when is not None
    if chair.pk != conference.chair_id:  # a new chair is told; a moved date is the page's news
        if conference.chair is not None:  # the chair replaced is no longer asked to chair it
            forget(actor=actor, record=conference, recipient=conference.chair)
        url = selectors.case_url(conference.case_id, "conference/")
        on = timezone.localtime(when).date()
        invite(actor, chair, conference, url, "chair a context conference", on)
    return save_changes(
        actor=actor,
        obj=conference,
        fields={"status": status, "scheduled_for": when, "location": location, "chair": chair},
    )


@dataclass(frozen=True)
class AttendeeInput:
    """Someone at the conference: a worker, or a partner by name and organisation."""

    attendance: str
    worker: Worker | None = None
    name: str = ""
    organisation: str = ""
    agency: Agency | None = None
    role: str = ""


def conference_register_ref(conference_id: int, context: Context) -> str:
    """How the sharing register names a conference's row (:func:`register_place`)."""
    return f"Context conference {conference_id}: {register_place(context)}"


def register_place(context: Context) -> str:
    """How the sharing register names a case's place. Every reader of the register sees
    it, the information governance lead among them, who opens no case: a public place is
    named, but a home (someone's address) or a peer group (a list of young people) only by
    its kind, as the trail names them to those who do not see them."""
    if context.kind in RESTRICTED_KINDS:
        return f"a {ContextKind(context.kind).label.lower()}"
    return context.name


@transaction.atomic
def conference_record(
    *,
    actor: Worker,
    conference: ContextConference,
    attendees: Sequence[AttendeeInput],
    minutes: str,
    decisions: Sequence[str] = (),
    plan_agreed: bool,
    names_confirmed: bool = False,
    basis: Basis,
) -> ContextConference:
    """Record a held conference: who came (workers and partners) and who sent apologies,
    the minutes, the decisions, and whether a context safeguarding plan was agreed.

    A conference discusses the context, not individual children: when the
    minutes or decisions name a child linked to the context, they are refused
    with a warning until the recorder confirms the name must stay. A plan
    agreed moves the case to the plan stage (a draft plan is made if needed).
    """
    case = conference.case
    permitted(policies.can_record_conference, actor, conference)
    lock(conference)
    _still_open(case, "its conference cannot be recorded")
    status = CONFERENCE_MACHINE.after(conference.status, "record")
    if plan_agreed:
        CASE_MACHINE.after(case.status, "agree_plan")
    assert conference.scheduled_for is not None
    if conference.scheduled_for > clock.now():
        raise InvalidTransition("Record the conference once it has taken place")
    problems = Problems()
    minutes = _text(problems, "minutes", minutes, "Write the minutes")
    items = forums.clean_decisions(problems, decisions, limit=MAX_TEXT)
    for index, person in enumerate(attendees):
        field = f"attendee_{index}"
        problems.check(
            person.attendance in CONFERENCE_ATTENDANCE,
            field,
            "Say whether each person attended or sent apologies",
        )
        problems.check(
            person.worker is not None or bool(person.name.strip()),
            field,
            "Give each partner's name",
        )
        for value in (person.name, person.organisation, person.role):
            problems.check(len(value) <= MAX_SHORT, field, f"Keep names to {MAX_SHORT} characters")
    problems.check(
        any(a.attendance == Attendance.ATTENDED for a in attendees),
        "attendees",
        "Record at least one person as having attended",
    )
    named = selectors.children_named(actor, case, [minutes, *items])
    if named and not names_confirmed:
        problems.add("minutes", selectors.naming_warning(named))
    sharing.check_basis(problems, basis)
    problems.raise_if_any()
    for person in attendees:
        agency = person.agency or (
            person.worker.team.agency if person.worker and person.worker.team else None
        )
        create_audited(
            actor,
            ConferenceAttendee,
            conference=conference,
            worker=person.worker,
            name=person.name.strip(),
            organisation=person.organisation.strip(),
            agency=agency,
            role=person.role.strip(),
            attendance=person.attendance,
            access_waited_since=person.worker and provisioning.waiting_since(person.worker),
        )
    forums.record_decisions(actor, ConferenceDecision, items, numbered=True, conference=conference)
    meeting_over(actor, conference)
    approved = getattr(case, "assessment", None)
    save_changes(
        actor=actor,
        obj=conference,
        fields={
            "status": status,
            "minutes": minutes,
            "names_confirmed": bool(named) and names_confirmed,
            "plan_agreed": plan_agreed,
            "recorded_by": actor,
            "recorded_at": clock.now(),
            "assessment": approved
            if approved is not None and approved.status == AssessmentStatus.APPROVED
            else None,
        },
    )
    if plan_agreed:
        plan = ContextPlan.objects.filter(case=case).first()
        if plan is None:
            plan = _new_plan(actor, case)
        save_changes(actor=actor, obj=plan, fields={"agreed_at": conference})
        _move_case(actor, case, "agree_plan")
    # The conference shared the case with everyone who came, partners by name.
    sharing.record_share(
        actor=actor,
        kind=ShareKind.CONFERENCE,
        basis=basis,
        purpose=CONFERENCE_PURPOSE,
        what=["The context case: referral, assessment and plan", "Minutes and decisions"],
        record_ref=conference_register_ref(conference.pk, case.context),
        source=conference,
        recipients=[
            sharing.To(
                worker=a.worker,
                name=", ".join(p for p in (a.name.strip(), a.organisation.strip()) if p),
                agency=a.agency,
            )
            for a in attendees
            if a.attendance == Attendance.ATTENDED and a.worker != actor
        ],
        people=sorted(n.person_id for n in named),
        until_note="Until the case is closed",
    )
    return conference


# --- Plan ------------------------------------------------------------------------------------


def _new_plan(actor: Worker, case: ContextCase) -> ContextPlan:
    plan = create_audited(actor, ContextPlan, case=case, drafted_by=actor, drafted_at=clock.now())
    return plan


@transaction.atomic
def plan_draft(*, actor: Worker, case: ContextCase) -> ContextPlan:
    """Start drafting the context safeguarding plan (it can be drafted during the assessment,
    but is approved only after the assessment is)."""
    _work(actor, case)
    _still_open(case, "it cannot have a new plan")
    if ContextPlan.objects.filter(case=case).exists():
        raise InvalidTransition("This case already has a plan")
    return _new_plan(actor, case)


def _edit_plan(
    actor: Worker, plan: ContextPlan, *, adding: str, while_closing: bool = False
) -> None:
    """The plan may be added to: the case is open and the plan not ended.

    While a closure waits the team does not change the plan: the closure was asked for on
    the plan as it stood, with the outcome against each goal, and the manager decides on
    that (a goal added now would close with no outcome). What reaches the plan from
    elsewhere still does (``while_closing``): an action a panel lands, progress on an
    action; :func:`closure_approve` refuses while an action is open."""
    lock(plan)
    status = plan.case.status
    if status == CaseStatus.CLOSED:
        raise InvalidTransition(f"This case is closed: it cannot gain {adding}")
    if status == CaseStatus.CLOSING and not while_closing:
        raise InvalidTransition(
            f"A manager is deciding on closing this case, on the plan as it was when the "
            f"closure was asked for: it cannot gain {adding} now. To change the plan, ask "
            "them to keep the case open"
        )
    PLAN_MACHINE.after(plan.status, "edit")


@transaction.atomic
def goal_add(
    *, actor: Worker, plan: ContextPlan, statement: str, measure: str, domain_key: str = ""
) -> PlanGoal:
    """Add a goal statement (Contextual Outcomes Framework) and how it will be measured."""
    _work(actor, plan.case)
    _edit_plan(actor, plan, adding="goals")
    problems = Problems()
    statement = _text(problems, "statement", statement, "Write the goal")
    measure = _text(problems, "measure", measure, "Say how progress will be measured")
    domains = {d["key"] for d in selectors.template_domains(plan.case)}
    problems.check(
        not domain_key or domain_key in domains,
        "domain_key",
        "Choose a domain of the assessment",
    )
    problems.raise_if_any()
    goal = create_audited(
        actor,
        PlanGoal,
        plan=plan,
        statement=statement,
        measure=measure,
        domain_key=domain_key,
        order=plan.goals.count() + 1,
        **recorded(actor, "created_by", "created_at"),
    )
    return goal


def _check_action(
    problems: Problems,
    plan: ContextPlan,
    *,
    agency: Agency | None,
    owner: Worker | None,
    owner_name: str,
    goal: PlanGoal | None,
    due_on: dt.date | None,
) -> dict[str, Any]:
    """The checks every new action passes, wherever it was agreed; what they checked, as the
    action's fields (the owner's name cleaned, and kept only for an owner without an account)."""
    problems.check(agency is not None, "agency", "Choose the agency or partner that delivers it")
    owner_name = _short(problems, "owner_name", owner_name, "The owner's name")
    if owner is None:
        problems.check(bool(owner_name), "owner", "Choose the owner, or give their name")
    else:
        problems.check(owner.is_active, "owner", f"{owner} is no longer active")
        if refused := policies.refused_as_owner(owner):
            problems.add("owner", refused)
        elif agency is not None and owner.agency_id != agency.pk:
            problems.add("owner", f"{owner} does not work for {agency}: choose their agency")
    problems.check(goal is None or goal.plan_id == plan.pk, "goal", "Choose a goal of this plan")
    forums.check_due(problems, due_on)
    return {
        "agency": agency,
        "owner": owner,
        "owner_name": "" if owner else owner_name,
        "due_on": due_on,
        "goal": goal,
    }


def _check_builds_on(
    problems: Problems, actor: Worker, plan: ContextPlan, strengths: Sequence[ProfileItem]
) -> None:
    """Strengths come from the current profiles of children the plan affects whom the actor
    sees in their own right and lastingly (not through a forum share, nor emergency access:
    the action keeps them): the page offers no others, so anything else is a tampered or
    stale form."""
    if not strengths:
        return
    affected = set(plan.children.values_list("person_id", flat=True))
    seen = visible_person_ids(actor, affected, shared=False, break_glass=False)
    problems.check(
        all(s.person_id in seen and s.ended_on is None for s in strengths),
        "builds_on",
        "Choose strengths of the children this plan affects",
    )


def _new_action(
    actor: Worker,
    plan: ContextPlan,
    note: str,
    strengths: Sequence[ProfileItem] = (),
    **fields: Any,
) -> PlanAction:
    """Write the action (and the strengths it builds on), audited, with the first step of
    its history."""
    action = forums.agree_action(actor, PlanAction, note, strengths, plan=plan, **fields)
    if action.owner is not None:
        # The action's own page: its owner may not see the case (it links the plan if so).
        url = selectors.own_action_url(action.pk)
        told = selectors.action_told(action, action.owner)
        assign(actor, action.owner, action, url, told, action.due_on)
    if action.agency.kind == AgencyKind.PARTNER:
        _share_with_partner(actor, plan, action)
    return action


def _share_with_partner(actor: Worker, plan: ContextPlan, action: PlanAction) -> None:
    """A partner organisation given an action sees the case from then on (its goals, its
    conferences, its own actions: ``context_cases.cases_visible_to``): a row of the sharing
    register, with the partner's owner (or the named owner without an account)."""
    owner = (
        sharing.To(worker=action.owner)
        if action.owner is not None
        else sharing.To(name=f"{action.owner_name}, {action.agency.name}", agency=action.agency)
    )
    sharing.record_share(
        actor=actor,
        kind=ShareKind.PLAN_ACTION,
        basis=PARTNER_ACTION,
        purpose=PARTNER_ACTION_PURPOSE,
        what=PARTNER_ACTION_WHAT,
        record_ref=f"Context plan action {action.pk}: {register_place(plan.case.context)}",
        source=action,
        recipients=[owner],
        until_note="Until the case is closed",
    )


@transaction.atomic
def action_add(
    *,
    actor: Worker,
    plan: ContextPlan,
    description: str,
    agency: Agency | None,
    due_on: dt.date | None,
    owner: Worker | None = None,
    owner_name: str = "",
    goal: PlanGoal | None = None,
    source: str = ActionSource.PLAN,
    builds_on: Iterable[ProfileItem] = (),
    protective: str = "",
) -> PlanAction:
    """Add an action, delivered by an agency or partner and owned by a worker (or, for a
    partner without an account, a named person). A closed case gains no actions.

    ``builds_on``: strengths from the aspirational profiles of children the plan
    affects (``profiles.selectors.build_on_for`` offers them) that the action builds on.
    """
    _work(actor, plan.case)
    _edit_plan(actor, plan, adding="actions")
    problems = Problems()
    description = _text(problems, "description", description, "Describe the action")
    terms = _check_action(
        problems, plan, agency=agency, owner=owner, owner_name=owner_name, goal=goal, due_on=due_on
    )
    problems.check(
        source in choice_values(ActionSource), "source", "Choose where the action was agreed"
    )
    problems.check(
        protective in ("", *Protective.values),
        "protective",
        "Choose a kind of protective action from the list",
    )
    strengths = list(builds_on)
    _check_builds_on(problems, actor, plan, strengths)
    problems.raise_if_any()
    note = f"Added to the plan; owned by {owner or terms['owner_name']}, {agency}"
    return _new_action(
        actor,
        plan,
        note,
        strengths,
        description=description,
        source=source,
        protective=protective,
        **terms,
    )


@transaction.atomic
def action_land(
    *,
    actor: Worker,
    plan: ContextPlan,
    source: str,
    note: str,
    owner_name: str = "",
    **action: Unpack[forums.NewAction],
) -> PlanAction:
    """Land an action agreed at another forum (a contextual HSB meeting, a MACE panel) on the
    context's approved plan, where the case team follows it with the plan's own actions.

    Only an approved plan on an open case takes them: a draft is still the case team's
    to shape, and a closed case gains no actions. ``note`` (where it was agreed) starts
    the action's history.
    """
    permitted(policies.can_land_action, actor, plan)
    _edit_plan(actor, plan, adding="actions", while_closing=True)
    if plan.status != PlanStatus.ACTIVE:
        raise InvalidTransition(
            "This plan has not been approved yet: actions from other meetings land on it once it is"
        )
    status = action.get("status", ActionStatus.PLANNED)
    problems = Problems()
    description = _text(problems, "description", action["description"], "Describe the action")
    terms = _check_action(
        problems,
        plan,
        agency=action.get("agency"),
        owner=action.get("owner"),
        owner_name=owner_name,
        goal=None,
        due_on=action["due_on"],
    )
    problems.check(
        source in FORUM_SOURCES, "source", "Choose the meeting or panel that agreed the action"
    )
    problems.check(
        status in STARTING_ACTION_STATUSES,
        "status",
        "A new action is planned or in progress",
    )
    note = _text(problems, "note", note, "Say where the action was agreed")
    problems.raise_if_any()
    return _new_action(
        actor, plan, note, description=description, status=status, source=source, **terms
    )


@transaction.atomic
def action_update(
    *,
    actor: Worker,
    action: PlanAction,
    status: str,
    note: str,
    due_on: dt.date | None = None,
) -> PlanAction:
    """Record progress on an action: what happened, its status and due date. History is kept."""
    permitted(policies.can_update_action, actor, action)
    lock(action)
    plan = action.plan
    _edit_plan(actor, plan, adding="updates to its actions", while_closing=True)
    finished = today() if status in FINISHED_ACTION_STATUSES else None
    return forums.update_action(
        actor, action, status, note, due_on, also={"completed_on": finished}
    )


@transaction.atomic
def action_give(
    *,
    actor: Worker,
    action: PlanAction,
    owner: Worker | None,
    reason: str,
    understood: bool | None = None,
) -> PlanAction:
    """Give an open action to someone else (its owner has left, or can no longer work it),
    saying why: the case's lead or a manager of its team, to a worker who may own casework
    (``context_cases.action_receivers``). The action is then delivered by the new owner's
    agency. The step is kept in the action's history, naming whom it was given to; the new
    owner is told, and the old owner's notification goes (its page would answer "not found"
    to them). A partner worker given it is written to the sharing register, as for a new
    partner action. Not while a manager decides on closing the case, nor once it is closed.

    A new owner who cannot open the case, or a partner's worker, reads the action, this
    step (with its reason) and what follows, never the earlier updates, written for the
    case's team; unless the action is taken from their own team (a partner's: its
    organisation), whose history since it came to them they keep (the step keeps the team
    it took the action from, ``context_cases.updates_shown``). The form asks the giver to say they
    understand that (``understood``: False until ticked; None from a caller that asks
    nobody), and refuses until they do."""
    permitted(policies.can_give_action, actor, action)
    plan = action.plan
    _still_open(plan.case, "its actions are not given to anyone else")
    lock(action)
    if action.is_finished:
        raise InvalidTransition("This action is finished: it is not given to anyone else")
    problems = Problems()
    if owner is not None and owner.pk == action.owner_id:
        problems.add("owner", f"{owner} owns it already: choose someone else")
    else:
        problems.check(
            owner is not None and policies.owns_casework(owner),
            "owner",
            (owner is not None and policies.refused_as_owner(owner))
            or "Choose a worker from the list",
        )
    reason = _text(problems, "reason", reason, "Say why the action goes to someone else")
    if understood is False and owner is not None and "owner" not in problems.errors:
        problems.check(
            policies.receiver_sees_history(owner, action),
            "understood",
            f"{owner} cannot open this case: they will read this action, your reason and the "
            "updates from now on, but not its earlier updates. Tick the box to give it to "
            "them anyway, or choose someone else",
        )
    problems.raise_if_any()
    assert owner is not None and owner.team is not None
    before, agency = action.owner, owner.team.agency
    note = f"Given to {owner}, {agency}, by {actor} (owned by {action.owner_text}): {reason}"
    # The team it is taken from, as it is now: a move within the new owner's side keeps the
    # history they read (``context_cases.updates_shown``).
    also = {
        "given_to": owner,
        "from_team": before.team if before is not None else None,
        "reason": reason,
    }
    step = forums.log_action(
        actor, action, note, status=action.status, due_on=action.due_on, also=also
    )
    fields = {"owner": owner, "owner_name": "", "agency": agency, "updated_at": step.at}
    action = save_changes(actor=actor, obj=action, fields=fields)
    if before is not None:
        forget(actor=actor, record=action, recipient=before)
    url = selectors.own_action_url(action.pk)
    assign(actor, owner, action, url, selectors.action_told(action, owner), action.due_on)
    if agency.kind == AgencyKind.PARTNER:
        _share_with_partner(actor, plan, action)
    return action


@transaction.atomic
def plan_child_add(
    *,
    actor: Worker,
    plan: ContextPlan,
    person: Person,
    episode: LegalStatusEpisode | None = None,
) -> PlanChild:
    """Link a child the plan affects, and their own plan where there is one.

    Only a child the worker already sees: linking is not a way in, and it gives
    nobody sight of the child.
    """
    _work(actor, plan.case)
    require(access_policies.can_name_people(actor, [person]), "a child the worker sees")
    _edit_plan(actor, plan, adding="children")
    problems = Problems()
    problems.check(
        person.kind == PersonKind.YOUNG_PERSON, "person", "Link young people only to the plan"
    )
    problems.check(
        not plan.children.filter(person=person).exists(),
        "person",
        f"{person.full_name} is already linked to the plan",
    )
    if episode is not None:
        problems.check(
            episode.person_id == person.pk and episode.end is None,
            "episode",
            "Choose one of the child's open plans",
        )
    problems.raise_if_any()
    link = create_audited(
        actor,
        PlanChild,
        plan=plan,
        person=person,
        episode=episode,
        **recorded(actor, "added_by", "added_at"),
    )
    return link


def _check_plan_ready(problems: Problems, plan: ContextPlan) -> None:
    """A plan goes for sign-off once its assessment is approved, a conference has agreed it,
    and it has goals and actions."""
    case = plan.case
    assessment = ContextAssessment.objects.filter(case=case).first()
    if assessment is None or assessment.status != AssessmentStatus.APPROVED:
        raise InvalidTransition(
            "The plan cannot be approved before the context's assessment is approved"
        )
    PLAN_MACHINE.after(plan.status, "approve")
    if plan.agreed_at_id is None or case.status != CaseStatus.PLAN:
        raise InvalidTransition("A context conference agrees the plan before it is approved")
    problems.check(plan.goals.exists(), "goals", "Add at least one goal")
    problems.check(plan.actions.exists(), "actions", "Add at least one action")


@transaction.atomic
def plan_submit(*, actor: Worker, plan: ContextPlan, manager: Worker | None) -> ContextPlan:
    """Ask a named manager to approve the plan the conference agreed (in their My work)."""
    case = plan.case
    _work(actor, case)
    lock(plan)
    lock(case)
    problems = Problems()
    _check_plan_ready(problems, plan)
    _check_manager(problems, actor, case, ApprovalSubject.PLAN, manager)
    problems.raise_if_any()
    assert manager is not None
    _ask_sign_off(actor, case, ApprovalSubject.PLAN, manager)
    return plan


@transaction.atomic
def plan_approve(*, actor: Worker, plan: ContextPlan, note: str = "") -> ContextPlan:
    """The manager asked approves the plan agreed at conference; its first review is due
    within 12 weeks. A plan is never approved before its assessment is."""
    case = plan.case
    permitted(policies.can_sign_off, actor, case, ApprovalSubject.PLAN)
    lock(plan)
    lock(case)
    problems = Problems()
    _check_plan_ready(problems, plan)
    status = PLAN_MACHINE.after(plan.status, "approve")
    note = _text(problems, "note", note, "", required=False)
    problems.raise_if_any()
    _signed(actor, case, ApprovalSubject.PLAN)
    _approve(actor, case, ApprovalSubject.PLAN, ApprovalOutcome.APPROVED, note)
    plan = save_changes(
        actor=actor,
        obj=plan,
        fields={"status": status, "approved_by": actor, "approved_at": clock.now()},
    )
    create_audited(actor, PlanReview, plan=plan, due_on=deadlines.review_due(today()))
    return plan


@transaction.atomic
def plan_return(*, actor: Worker, plan: ContextPlan, note: str) -> ContextPlan:
    """The manager asked does not approve the plan yet, saying what it needs; the team
    changes it and asks again."""
    case = plan.case
    permitted(policies.can_sign_off, actor, case, ApprovalSubject.PLAN)
    lock(plan)
    note = _one_text("note", note, "Say what more the plan needs")
    _signed(actor, case, ApprovalSubject.PLAN)
    _approve(actor, case, ApprovalSubject.PLAN, ApprovalOutcome.RETURNED, note)
    return plan


# --- Reviews ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressInput:
    progress: str
    note: str = ""


REVIEW_OUTCOMES = {
    ReviewDecision.STEP_DOWN: ClosureOutcome.STEPPED_DOWN,
    ReviewDecision.CLOSE: ClosureOutcome.IMPROVED,
}


@transaction.atomic
def review_record(
    *,
    actor: Worker,
    review: PlanReview,
    held_on: dt.date | None,
    summary: str,
    progress: Mapping[int, ProgressInput],
    decision: str,
) -> PlanReview:
    """Record a review: progress against each open goal and the decision.

    Continue: the next review is due within 12 weeks. Step down or close: the
    team then asks to close the case (``closure_request``); when the conference's chair
    recorded the review, the team is told to (:func:`_ask_team_to_close`).
    """
    plan = review.plan
    case = plan.case
    permitted(policies.can_review_plan, actor, case)
    lock(review)
    lock(plan)
    lock(case)
    status = REVIEW_MACHINE.after(review.status, "record")
    PLAN_MACHINE.after(plan.status, "review")
    goals = list(plan.goals.filter(status=GoalStatus.OPEN))
    problems = Problems()
    if held_on is None:
        problems.add("held_on", "Enter the date of the review")
    elif held_on > today():
        problems.add("held_on", "The review date must be today or in the past")
    elif plan.approved_at and held_on < timezone.localtime(plan.approved_at).date():
        problems.add("held_on", "The review must be after the plan was approved")
    summary = _text(problems, "summary", summary, "Summarise the review")
    for goal in goals:
        given = progress.get(goal.pk)
        problems.check(
            given is not None and given.progress in choice_values(Progress),
            f"goal_{goal.pk}",
            f"Record progress on the goal: {Truncator(goal.statement).chars(60)}",
        )
    problems.check(
        set(progress) <= {g.pk for g in goals}, "progress", "Record progress on open goals only"
    )
    problems.check(
        decision in choice_values(ReviewDecision), "decision", "Choose the review's decision"
    )
    if decision in REVIEW_OUTCOMES:
        CASE_MACHINE.after(case.status, "request_closure")
    problems.raise_if_any()
    assert held_on is not None
    for goal in goals:
        given = progress[goal.pk]
        create_audited(
            actor,
            GoalProgress,
            review=review,
            goal=goal,
            progress=given.progress,
            note=given.note.strip(),
        )
        if given.progress == Progress.ACHIEVED:
            save_changes(actor=actor, obj=goal, fields={"status": GoalStatus.ACHIEVED})
    save_changes(
        actor=actor,
        obj=review,
        fields={
            "status": status,
            "held_on": held_on,
            "summary": summary,
            "decision": decision,
            "recorded_by": actor,
            "recorded_at": clock.now(),
        },
    )
    # Continue: the next review. Step down or close: no next review; the team asks to close
    # (closure_request), with the actions finished, the domains re-rated and each goal's
    # outcome, which a review alone does not show.
    if decision == ReviewDecision.CONTINUE:
        create_audited(actor, PlanReview, plan=plan, due_on=deadlines.review_due(held_on))
    elif not policies.can_work_case(actor, case):
        _ask_team_to_close(actor, case, review)
    return review


def _ask_team_to_close(actor: Worker, case: ContextCase, review: PlanReview) -> None:
    """A review its conference's chair recorded decided to close the case or step it down,
    and only the case's team asks to close it: its lead is told, or, when the lead can no
    longer work the case (gone, or moved on), the team's managers who can."""
    lead = case.lead
    if lead.is_active and policies.can_work_case(lead, case):
        told = [lead]
    else:
        told = [m for m in policies.team_managers(case) if policies.can_work_case(m, case)]
    decided = "step the case down" if review.decision == ReviewDecision.STEP_DOWN else "close it"
    for worker in told:
        notify(
            worker,
            NotificationKind.ACTION_ASSIGNED,
            actor=actor,
            about=review,
            url=selectors.case_url(case.pk, "closure/"),
            text=f"The conference chair's review of a context plan decided to {decided}: "
            "ask to close the case",
        )


# --- Closure ---------------------------------------------------------------------------------


def _goals_without_outcome(case: ContextCase) -> int:
    """Goals of the case's plan the closure request gave no outcome for (added since)."""
    recorded_for = [int(pk) for pk in case.closure_goal_outcomes or {}]
    return PlanGoal.objects.filter(plan__case=case).exclude(pk__in=recorded_for).count()


def _open_actions(case: ContextCase) -> int:
    return (
        PlanAction.objects.filter(plan__case=case)
        .exclude(status__in=FINISHED_ACTION_STATUSES)
        .count()
    )


def _check_closure_evidence(
    problems: Problems,
    case: ContextCase,
    *,
    outcome: str,
    ratings: Mapping[str, str],
    no_rating_reason: str,
    goal_outcomes: Mapping[int, ProgressInput],
) -> dict[str, Any]:
    """What a practice audit asks of a closure, checked together: every action done or
    stopped (stopping asks for a reason), each assessment domain re-rated (or a reason
    not to), and the outcome against each goal. "The context is safer" needs every goal
    achieved and no domain still red. Returns the evidence, cleaned, as the case's
    ``closure_`` fields."""
    still_open = _open_actions(case)
    problems.check(
        not still_open,
        "actions",
        f"{still_open} action{'s are' if still_open != 1 else ' is'} still open: mark each "
        "done, or stop it with the reason, before the case can close",
    )
    findings = list(DomainFinding.objects.filter(assessment__case=case).order_by("order"))
    rated: dict[str, str] = {}
    if findings and not no_rating_reason:
        for finding in findings:
            rating = ratings.get(finding.key, "")
            problems.check(
                rating in ("red", "amber", "green"),
                f"rating_{finding.key}",
                f"Re-rate {finding.title.lower()} red, amber or green, or say why not",
            )
            rated[finding.key] = rating
    goals = list(PlanGoal.objects.filter(plan__case=case).order_by("order"))
    outcomes: dict[str, dict[str, str]] = {}
    for goal in goals:
        given = goal_outcomes.get(goal.pk)
        ok = given is not None and given.progress in choice_values(Progress)
        problems.check(
            ok,
            f"goal_{goal.pk}",
            f"Record the outcome against the goal: {Truncator(goal.statement).chars(60)}",
        )
        if ok and given is not None:
            outcomes[str(goal.pk)] = {"progress": given.progress, "note": given.note.strip()}
    if outcome == ClosureOutcome.IMPROVED:
        safer = (not findings or (not no_rating_reason and "red" not in rated.values())) and all(
            o["progress"] == Progress.ACHIEVED for o in outcomes.values()
        )
        problems.check(
            safer,
            "outcome",
            "The context is safer only when every goal is achieved and no domain is re-rated "
            "red: choose another outcome",
        )
    return {
        "closure_ratings": rated,
        "closure_no_rating_reason": no_rating_reason,
        "closure_goal_outcomes": outcomes,
    }


def _nothing_waiting_for_sign_off(
    case: ContextCase, before: str, subject: ApprovalSubject | None = None
) -> None:
    """Refuse, naming the manager, while a sign-off of the case (of ``subject``, or of any
    piece) waits for them: ``before`` is what the actor would do first, in words."""
    waiting = case.sign_offs.filter(decided_at__isnull=True)
    if subject is not None:
        waiting = waiting.filter(subject=subject)
    asked = waiting.select_related("manager").first()
    if asked is not None:
        what = ApprovalSubject(asked.subject).label.lower()
        raise InvalidTransition(
            f"The case's {what} is waiting for {asked.manager} to sign it off: ask them to "
            f"decide it (or pass it to another manager) before {before}"
        )


@transaction.atomic
def closure_request(
    *,
    actor: Worker,
    case: ContextCase,
    outcome: str,
    reason: str,
    manager: Worker | None,
    ratings: Mapping[str, str] | None = None,
    no_rating_reason: str = "",
    goal_outcomes: Mapping[int, ProgressInput] | None = None,
) -> ContextCase:
    """Ask a named manager to close the case: the outcome, the reason, each domain re-rated
    (or why not) and the outcome against each goal (:func:`_check_closure_evidence`)."""
    _work(actor, case)
    lock(case)
    CASE_MACHINE.after(case.status, "request_closure")
    # The closure would leave a waiting request in the manager's My work, on a case nobody
    # may change.
    _nothing_waiting_for_sign_off(case, "asking to close the case")
    problems = Problems()
    problems.check(outcome in choice_values(ClosureOutcome), "outcome", "Choose the outcome")
    reason = _text(problems, "reason", reason, "Say why the case can close")
    no_rating_reason = _text(problems, "no_rating_reason", no_rating_reason, "", required=False)
    evidence = _check_closure_evidence(
        problems,
        case,
        outcome=outcome,
        ratings=ratings or {},
        no_rating_reason=no_rating_reason,
        goal_outcomes=goal_outcomes or {},
    )
    _check_manager(problems, actor, case, ApprovalSubject.CLOSURE, manager)
    problems.raise_if_any()
    assert manager is not None
    case = _move_case(
        actor,
        case,
        "request_closure",
        status_before_closing=case.status,
        closure_outcome=outcome,
        closure_reason=reason,
        **recorded(actor, "closure_requested_by", "closure_requested_at"),
        **evidence,
    )
    _ask_sign_off(actor, case, ApprovalSubject.CLOSURE, manager)
    # A chair's review that told the team to ask for this is answered (_ask_team_to_close):
    # left unread, it would send its reader to a closure now waiting for the manager.
    forget_all(
        actor=actor,
        records=PlanReview.objects.filter(
            plan__case=case, decision__in=(ReviewDecision.CLOSE, ReviewDecision.STEP_DOWN)
        ),
    )
    return case


@transaction.atomic
def closure_approve(*, actor: Worker, case: ContextCase, note: str = "") -> ContextCase:
    """The manager asked approves the closure. The plan ends and reviews still due are
    cancelled. An action added since the request (landed by a panel) keeps it open, and so
    does a goal with no outcome in the request: the manager decides on each goal's."""
    permitted(policies.can_sign_off, actor, case, ApprovalSubject.CLOSURE)
    lock(case)
    status = CASE_MACHINE.after(case.status, "approve_closure")
    if _open_actions(case):
        raise InvalidTransition(
            "An action on the plan is open again: keep the case open, and ask to close it "
            "once the action is done or stopped"
        )
    if _goals_without_outcome(case):
        raise InvalidTransition(
            "A goal on the plan has no outcome in the closure request: keep the case open, "
            "and ask to close it again with the outcome against each goal"
        )
    note = _one_text("note", note, "", required=False)
    _signed(actor, case, ApprovalSubject.CLOSURE)
    _approve(actor, case, ApprovalSubject.CLOSURE, ApprovalOutcome.APPROVED, note)
    plan = ContextPlan.objects.filter(case=case).first()
    now = clock.now()
    if plan is not None:
        for review in plan.reviews.filter(status=ReviewStatus.DUE):
            save_changes(
                actor=actor,
                obj=review,
                fields={"status": REVIEW_MACHINE.after(review.status, "cancel")},
            )
        if plan.status != PlanStatus.ENDED:
            save_changes(
                actor=actor,
                obj=plan,
                fields={"status": PLAN_MACHINE.after(plan.status, "end"), "ended_at": now},
            )
    return save_changes(actor=actor, obj=case, fields={"status": status, "closed_on": today()})


@transaction.atomic
def closure_refuse(*, actor: Worker, case: ContextCase, note: str) -> ContextCase:
    """A manager refuses the closure, saying why; the case goes back to where it was (and a
    plan whose review asked to close gets its next review). Only the manager asked refuses,
    and their request is then decided, so the team may ask again later."""
    permitted(policies.can_sign_off, actor, case, ApprovalSubject.CLOSURE)
    lock(case)
    target = CASE_MACHINE.after(case.status, "refuse_closure")
    note = _one_text("note", note, "Say why the case stays open")
    _signed(actor, case, ApprovalSubject.CLOSURE)
    _approve(actor, case, ApprovalSubject.CLOSURE, ApprovalOutcome.RETURNED, note)
    plan = ContextPlan.objects.filter(case=case).first()
    if (
        plan is not None
        and plan.status == PlanStatus.ACTIVE
        and not plan.reviews.filter(status=ReviewStatus.DUE).exists()
    ):
        create_audited(actor, PlanReview, plan=plan, due_on=deadlines.review_due(today()))
    previous = case.status_before_closing if target == PREVIOUS else target
    return save_changes(
        actor=actor,
        obj=case,
        fields={
            "status": previous,
            "status_before_closing": "",
            "closure_outcome": "",
            "closure_requested_by": None,
            "closure_requested_at": None,
            "closure_ratings": {},
            "closure_no_rating_reason": "",
            "closure_goal_outcomes": {},
        },
    )
