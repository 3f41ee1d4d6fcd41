"""Reads for context casework, always for a viewer, in a fixed number of queries.

A child is named only to a viewer who already sees them
(``visible_person_ids``); the others are counted, never described. A partner
organisation is shown only its own agency's actions and referrals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from operator import attrgetter
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from locus.access import break_glass, naming, scopes
from locus.access import context_cases as policies
from locus.access.fields import PersonField, role_fields, sees_home_addresses
from locus.access.models import Worker
from locus.access.policies import answers_identifier_queries
from locus.access.selectors import seen_lastingly, visible_person_ids
from locus.casework.models import (
    OPEN_CASE_STATUSES,
    Approval,
    ApprovalSubject,
    AssessmentStatus,
    AssessmentTemplate,
    CaseStatus,
    ConferenceAttendee,
    ConferenceDecision,
    ConferenceStatus,
    ContextAssessment,
    ContextCase,
    ContextConference,
    ContextPlan,
    DomainFinding,
    GoalStatus,
    PlanAction,
    PlanActionUpdate,
    PlanGoal,
    PlanReview,
    PlanStatus,
    Progress,
    Referral,
    ReferralStatus,
    ReviewStatus,
    SignOffRequest,
    ThresholdLevel,
    ThresholdRevision,
)
from locus.common.ids import parse_id, parse_ids
from locus.common.modelkit import choice_values
from locus.common.services import today
from locus.forums.models import FINISHED_ACTION_STATUSES
from locus.panels.models import PanelAction, PanelMeeting, PanelStatus
from locus.panels.selectors import panels_seen, visible_item_ids
from locus.people.models import LegalStatusEpisode, Person, PersonKind, QueryKind
from locus.people.selectors import caseload_for, identifier_queries_for
from locus.places.models import RESTRICTED_KINDS, Context, ContextKind
from locus.profiles.models import ProfileItem
from locus.profiles.selectors import build_on_labels
from locus.rectification.selectors import disputes_to_decide
from locus.subjectaccess.redaction import name_forms, names_in
from locus.subjectaccess.selectors import due_for as subject_access_due
from locus.subjectaccess.selectors import releases_waiting as subject_access_releases

# The key a read's audit row lists the context cases it showed under (by their place: a work
# list's items, a sign-off waiting), as ``WorkItem.shown`` names it.
CASES_SHOWN = "cases_shown"

# --- Reference data --------------------------------------------------------------------------


def template_for(context_kind: str) -> AssessmentTemplate | None:
    """The newest active template that assesses this kind of context."""
    for template in AssessmentTemplate.objects.filter(active=True).order_by("-version", "id"):
        if context_kind in (template.context_kinds or []):
            return template
    return None


def template_domains(case: ContextCase) -> list[dict[str, Any]]:
    assessment = ContextAssessment.objects.filter(case=case).select_related("template").first()
    return list(assessment.template.domains) if assessment else []


def open_case_for(context: Context) -> ContextCase | None:
    return ContextCase.objects.filter(context=context, status__in=OPEN_CASE_STATUSES).first()


# --- Children --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedChild:
    person_id: int
    label: str


def linked_child_ids(case: ContextCase, viewer: Worker | None = None) -> set[int]:
    """Children linked to the case's context (``ContextCase.linked_child_ids``: in incidents
    there, named in referrals about it, on its plan, current members of it or living there).

    For a ``viewer``, only the links they may know of: an involvement in a restricted incident
    (police intelligence) only when they see the incident, and a resident of a home only when
    their role sees a home address (being linked to a home is living there).
    """
    if viewer is None:
        return case.linked_child_ids()
    return case.linked_child_ids(
        Q(incident__restricted=False)
        | Q(incident_id__in=scopes.incidents_visible_to(viewer).values("id")),
        residents=sees_home_addresses(viewer),
    )


def _name_patterns(person: Person) -> list[re.Pattern[str]]:
    """A child as minutes name them: by full name, or by given, known-as or family name
    alone ("Ciara said", "CSCCHILD was seen"), in any case, without accents or with any
    apostrophe; a name that is also an everyday word ("May") only written as a name."""
    singles = [(n, "name") for n in (person.given_name, person.known_as, person.family_name)]
    forms = name_forms(person.given_name, person.family_name, singles)
    if person.known_as:
        forms += name_forms(person.known_as, person.family_name, [])
    return [pattern for _, pattern, _ in forms]


def children_named(viewer: Worker, case: ContextCase, texts: Sequence[str]) -> list[NamedChild]:
    """The children linked to the context whom these texts name (by full name, or by given,
    known-as or family name alone), among those the viewer sees in their own right.

    A conference discusses the context, not individual children: the minutes
    page warns when a name appears. Only the viewer's own children are matched (not one
    seen through a forum share or emergency access, not a link they may not know of, see
    :func:`linked_child_ids`), and nobody else is counted: the warning would otherwise tell
    whoever typed a name whether a child of that name is linked to the context.
    """
    text = "\n".join(t for t in texts if t)
    if not text.strip():
        return []
    people = (
        scopes.people_visible_to(viewer, shared=False, break_glass=False)
        .filter(id__in=linked_child_ids(case, viewer))
        .only("id", "given_name", "family_name", "known_as")
    )
    named = [p for p in people if names_in(text, _name_patterns(p))]
    return [
        NamedChild(p.pk, p.full_name)
        for p in sorted(named, key=lambda p: (p.family_name, p.given_name, p.pk))
    ]


def naming_warning(named: Sequence[NamedChild]) -> str:
    many = len(named) > 1
    return (
        f"The minutes name {'children' if many else 'a child'} linked to this context "
        f"({', '.join(c.label for c in named)}). A conference discusses the context, not "
        f"individual children: remove the name{'s' if many else ''}, or confirm that "
        f"{'they' if many else 'it'} must stay"
    )


@dataclass(frozen=True)
class ChildLine:
    person_id: int
    visible: bool
    label: str
    episode: str = ""


def plan_children(
    viewer: Worker, plan: ContextPlan | None, *, restricted: bool
) -> tuple[list[ChildLine], int]:
    """The children the plan affects that the viewer may see, and how many others.

    At a ``restricted`` context (a home, a peer group) the others are not counted: "and one
    other" there would say a sibling or a member is known elsewhere, as the context's own
    page (``places.selectors.context_detail``) never does.
    """
    if plan is None:
        return [], 0
    links = list(plan.children.select_related("person", "episode").order_by("id"))
    # Seen in their own right (a forum share does not show the plans a child is linked to),
    # so the role's row of the field table answers for each: their own plan is their status.
    visible = visible_person_ids(viewer, [link.person_id for link in links], shared=False)
    status_shown = PersonField.LEGAL_STATUS in role_fields(viewer)
    shown = [
        ChildLine(
            link.person_id,
            True,
            link.person.full_name,
            str(link.episode) if status_shown and link.episode_id and link.episode else "",
        )
        for link in links
        if link.person_id in visible
    ]
    return shown, 0 if restricted else len(links) - len(shown)


# --- Lists -----------------------------------------------------------------------------------


def cases_for(*, viewer: Worker, status: str = "", mine: bool = False) -> QuerySet[ContextCase]:
    qs = policies.cases_visible_to(viewer).select_related(
        "context", "lead", "team__agency", "threshold_level"
    )
    if status == "open":
        qs = qs.filter(status__in=OPEN_CASE_STATUSES)
    elif status in choice_values(CaseStatus):
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(Q(lead=viewer) | Q(team_id=viewer.team_id))
    return qs.order_by("-opened_at", "-id")


def cases_part_of(*, viewer: Worker, limit: int = 10) -> list[ContextCase]:
    """The open context cases the viewer takes a part in (``access.context_cases``), newest
    first, at most ``limit``: a home page for a worker given no child, built from their work."""
    qs = policies.cases_part_of(viewer).filter(status__in=OPEN_CASE_STATUSES)
    return list(qs.select_related("context", "lead").order_by("-opened_at", "-id")[:limit])


def referrals_for(*, viewer: Worker, status: str = "") -> QuerySet[Referral]:
    qs = policies.referrals_visible_to(viewer).select_related("context", "referring_agency", "case")
    if status in choice_values(ReferralStatus):
        qs = qs.filter(status=status)
    return qs.annotate(n_children=Count("named_children", distinct=True)).order_by(
        "status", "due_on", "-id"
    )


@dataclass
class ReferralView:
    referral: Referral
    contexts: list[Context]
    children: list[ChildLine]
    hidden_children: int
    others: list[Referral]
    open_cases: list[ContextCase]

    def shown(self) -> dict[str, list[int]]:
        """What the referral's page lists, by id, for its read's entry in the trail: the
        children and contexts it names, the other referrals about them, the open cases."""
        return {
            "people_shown": [c.person_id for c in self.children],
            "places_shown": [c.pk for c in self.contexts],
            "referrals_shown": [r.pk for r in self.others],
            "cases_shown": [c.pk for c in self.open_cases],
        }


def referral_detail(*, viewer: Worker, referral: Referral) -> ReferralView:
    """A referral with the contexts and children it names, the other referrals naming the
    same contexts (group, route, place), which the screener weighs together, and the open
    cases on them that the viewer opens."""
    named = list(referral.named_contexts.select_related("context").order_by("id"))
    contexts = [n.context for n in named]
    ids = [c.pk for c in contexts]
    children = list(referral.named_children.select_related("person").order_by("id"))
    visible = visible_person_ids(viewer, [c.person_id for c in children])
    lines = [
        ChildLine(c.person_id, True, c.person.full_name) for c in children if c.person_id in visible
    ]
    others = list(
        policies.referrals_visible_to(viewer)
        .filter(named_contexts__context_id__in=ids)
        .exclude(pk=referral.pk)
        .select_related("context", "referring_agency", "threshold_level")
        .distinct()
        .order_by("-received_on", "-id")[:50]
    )
    # Only the cases the viewer opens: a partner is told of none it is not part of.
    open_cases = list(
        policies.cases_visible_to(viewer)
        .filter(context_id__in=ids, status__in=OPEN_CASE_STATUSES)
        .select_related("context", "lead")
        .order_by("id")
    )
    return ReferralView(referral, contexts, lines, len(children) - len(lines), others, open_cases)


# --- The case --------------------------------------------------------------------------------


@dataclass
class ActionRow:
    action: PlanAction
    updates: list[PlanActionUpdate]
    can_update: bool
    overdue: bool
    builds_on: list[str] = field(default_factory=list)
    # Offered to the case's lead and its team's managers while the action and case are open.
    can_give: bool = False
    # The steps before the action was given to a partner's worker, not shown to the partner.
    earlier: int = 0


@dataclass
class CaseView:
    case: ContextCase
    referrals: list[Referral]
    assessment: ContextAssessment | None
    conferences: list[ContextConference]
    plan: ContextPlan | None
    actions: list[ActionRow]
    hidden_actions: int
    children: list[ChildLine]
    hidden_children: int
    reviews: list[PlanReview]
    approvals: list[Approval]
    can_work: bool
    can_review: bool  # record the plan's review: the team, and the conference's chair
    #: The sign-offs the viewer was asked for and may give, by subject.
    can_sign: set[str]
    can_view_assessment: bool
    partner: bool
    goals: list[Any] = field(default_factory=list)
    #: Sign-offs asked for and not yet given, each with whether the viewer may pass it on.
    sign_offs: list[tuple[SignOffRequest, bool]] = field(default_factory=list)
    #: The sign-offs asked of the viewer that they may not give, having written part of
    #: the piece: the page tells them to pass it on.
    too_close: set[str] = field(default_factory=set)
    revisions: list[ThresholdRevision] = field(default_factory=list)

    @property
    def can_approve(self) -> bool:
        return bool(self.can_sign)

    @property
    def screening_to_ask_again(self) -> bool:
        """The screening sign-off was not agreed, and nobody has been asked again yet."""
        screening = [a for a in self.approvals if a.subject == ApprovalSubject.SCREENING]
        return (
            bool(screening)
            and not any(a.outcome == "approved" for a in screening)
            and ApprovalSubject.SCREENING not in self.waiting_for
        )

    @property
    def waiting_for(self) -> dict[str, SignOffRequest]:
        """The open sign-off of each subject."""
        return {r.subject: r for r, _can_pass in self.sign_offs}

    def case_shown(self) -> dict[str, list[int]]:
        """What the case's page lists, by id, for its read's entry in the trail: the children
        the plan affects, the referrals, the assessment, the conferences, the plan and the
        goals the closure rated, the sign-offs given and waiting, the threshold's revisions."""
        return {
            "people_shown": [c.person_id for c in self.children],
            "referrals_shown": [r.pk for r in self.referrals],
            "assessments_shown": [self.assessment.pk] if self.assessment else [],
            "conferences_shown": [c.pk for c in self.conferences],
            "plans_shown": [self.plan.pk] if self.plan else [],
            "goals_shown": [g.pk for g, _progress, _note in self.closure_goals],
            "approvals_shown": [a.pk for a in self.approvals],
            "sign_offs_shown": [r.pk for r, _can_pass in self.sign_offs],
            "revisions_shown": [r.pk for r in self.revisions],
        }

    def plan_shown(self) -> dict[str, list[int]]:
        """What the plan's page lists, by id, for its read's entry in the trail: the children
        it affects, its goals, its actions and their updates, and its reviews."""
        return {
            "people_shown": [c.person_id for c in self.children],
            "goals_shown": [g.pk for g in self.goals],
            "actions_shown": [row.action.pk for row in self.actions],
            "updates_shown": [u.pk for row in self.actions for u in row.updates],
            "reviews_shown": [r.pk for r in self.reviews],
        }

    @property
    def closure_ratings(self) -> list[tuple[str, str]]:
        """The closure's re-rating of each domain, beside the domain's title."""
        ratings = self.case.closure_ratings or {}
        findings = self.assessment.findings.all() if self.assessment else []
        return [(f.title, ratings[f.key]) for f in findings if f.key in ratings]

    @property
    def closure_goals(self) -> list[tuple[Any, str, str]]:
        outcomes = self.case.closure_goal_outcomes or {}
        labels = dict(Progress.choices)
        return [
            (g, labels.get(outcomes[str(g.pk)]["progress"], ""), outcomes[str(g.pk)]["note"])
            for g in self.goals
            if str(g.pk) in outcomes
        ]

    @property
    def due_review(self) -> PlanReview | None:
        return next((r for r in self.reviews if r.status == ReviewStatus.DUE), None)

    @property
    def open_conference(self) -> ContextConference | None:
        return next((c for c in self.conferences if c.status != ConferenceStatus.HELD), None)


def _strengths() -> QuerySet[ProfileItem]:
    return ProfileItem.objects.select_related("person", "peer")


def case_detail(*, viewer: Worker, case: ContextCase) -> CaseView:
    """Everything the case page shows, in a fixed number of queries.

    A partner organisation sees only its own referrals and its own actions, and none of
    the children the plan affects (not even their number).
    """
    partner = policies.is_partner(viewer) and not policies.sees_all_actions(viewer)
    # Only the referrals the viewer may open (their own, their agency's as its manager, or
    # all at the front door): a link to a referral the viewer may not read is not offered.
    referrals = list(
        policies.referrals_visible_to(viewer)
        .filter(case=case)
        .select_related("referring_agency", "screened_by")
        .order_by("received_on", "id")
    )
    can_work = policies.can_work_case(viewer, case)
    open_sign_offs = list(
        case.sign_offs.filter(decided_at__isnull=True).select_related(
            "manager", "requested_by", "reassigned_by"
        )
    )
    for r in open_sign_offs:
        r.case = case
    assessment = (
        ContextAssessment.objects.filter(case=case)
        .select_related("template", "assessor", "approved_by")
        .prefetch_related("findings")
        .first()
    )
    conferences = list(
        case.conferences.select_related("chair").prefetch_related(
            Prefetch("attendees", queryset=_attendees()), "decisions"
        )
    )
    plan = (
        ContextPlan.objects.filter(case=case)
        .select_related("approved_by", "drafted_by", "agreed_at")
        .prefetch_related("goals", "reviews__progress__goal")
        .first()
    )
    rows: list[ActionRow] = []
    hidden = 0
    children: list[ChildLine] = []
    hidden_children = 0
    if plan is not None:
        actions = list(
            plan.actions.select_related(
                "agency", "owner__team", "goal", "plan__case"
            ).prefetch_related(
                Prefetch(
                    "updates",
                    queryset=PlanActionUpdate.objects.select_related("by", "from_team"),
                ),
                Prefetch("builds_on", queryset=_strengths()),
            )
        )
        seen = [a for a in actions if not partner or a.agency_id == viewer.agency_id]
        hidden = len(actions) - len(seen)
        now = today()
        open_case = case.status not in (CaseStatus.CLOSING, CaseStatus.CLOSED)
        # A child's strengths are shown only to those who see the child.
        strengths = build_on_labels(viewer, {s for a in seen for s in a.builds_on.all()})
        for a in seen:
            # A partner reads an action given to it from the hand-over into it on.
            updates, earlier = policies.updates_shown(
                list(a.updates.all()), viewer=viewer, whole=not partner
            )
            rows.append(
                ActionRow(
                    a,
                    updates,
                    policies.can_update_action(viewer, a) and plan.status != PlanStatus.ENDED,
                    not a.is_finished and a.due_on < now,
                    [strengths[s.pk] for s in a.builds_on.all() if s.pk in strengths],
                    open_case and not a.is_finished and policies.can_give_action(viewer, a),
                    earlier,
                )
            )
        if not partner:  # a partner organisation is told of no child, not even how many
            children, hidden_children = plan_children(
                viewer, plan, restricted=case.context.is_restricted
            )
    return CaseView(
        case=case,
        referrals=referrals,
        assessment=assessment,
        conferences=conferences,
        plan=plan,
        actions=rows,
        hidden_actions=hidden,
        children=children,
        hidden_children=hidden_children,
        reviews=list(plan.reviews.all()) if plan else [],
        approvals=list(case.approvals.select_related("by")),
        can_work=can_work,
        can_review=policies.can_review_plan(viewer, case),
        can_sign={s for s in ApprovalSubject.values if policies.can_sign_off(viewer, case, s)}
        if any(r.manager_id == viewer.pk for r in open_sign_offs)
        else set(),
        can_view_assessment=policies.can_view_assessment(viewer, case),
        partner=partner,
        goals=list(plan.goals.all()) if plan else [],
        sign_offs=[
            (r, not partner and policies.can_reassign_sign_off(viewer, r)) for r in open_sign_offs
        ],
        revisions=list(case.threshold_revisions.select_related("before", "after", "by")),
        too_close={
            r.subject
            for r in open_sign_offs
            if r.manager_id == viewer.pk and policies.too_close_to_sign(viewer, r)
        },
    )


def _attendees() -> QuerySet[Any]:
    from locus.casework.models import ConferenceAttendee

    return ConferenceAttendee.objects.select_related("worker__team__agency", "agency")


def conference_named(viewer: Worker, conference: ContextConference) -> list[NamedChild]:
    """The children linked to the context whom the conference's minutes and decisions name,
    as :func:`children_named` finds them for the viewer: its page warns of them by name."""
    texts = [conference.minutes, *[d.text for d in conference.decisions.all()]]
    return children_named(viewer, conference.case, texts)


def conference_shown(
    named: Sequence[NamedChild],
    attendees: Sequence[ConferenceAttendee],
    decisions: Sequence[ConferenceDecision],
) -> dict[str, list[int]]:
    """What the conference's page lists, by id, for its read's entry in the trail: the
    children its minutes name (:func:`conference_named`), who attended or sent apologies,
    its decisions."""
    return {
        "people_shown": [child.person_id for child in named],
        "attendees_shown": [a.pk for a in attendees],
        "decisions_shown": [d.pk for d in decisions],
    }


def conference_warning(named: Sequence[NamedChild]) -> str:
    """The warning the conference page shows when its minutes name a child linked to the
    context (:func:`conference_named`)."""
    return naming_warning(named) if named else ""


# --- Child's page and context page -------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    case: ContextCase
    plan: ContextPlan
    next_review: dt.date | None


def context_plans_for_person(viewer: Worker, person: Person) -> list[PlanLine]:
    """The context plans that concern a child, for the child's page: those on cases the viewer
    may see, each case's place as its pages name it (``policies.shown_place``); two queries,
    however many plans."""
    cases = list(
        policies.cases_visible_to(viewer)
        .filter(plan__children__person=person)
        .select_related("context", "lead", "plan")
        .order_by("-plan__drafted_at", "-id")
    )
    plans = [case.plan for case in cases]
    due = dict(
        PlanReview.objects.filter(plan__in=plans, status=ReviewStatus.DUE)
        .order_by("due_on")
        .values_list("plan_id", "due_on")
    )
    return [PlanLine(case, case.plan, due.get(case.plan.pk)) for case in cases]


def context_cases_for(viewer: Worker, context: Context) -> list[ContextCase]:
    """The context's cases the viewer may see, for the context's page (one query), each with
    its plan (the page compares incidents before and after the plan started)."""
    return list(
        policies.cases_visible_to(viewer)
        .filter(context=context)
        .select_related("lead", "team__agency", "threshold_level", "plan")
        .order_by("-opened_at", "-id")
    )


# --- My work ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    what: str
    subject: str
    url: str
    due_on: dt.date | None
    who: str
    note: str = ""  # why the item is worded as it is, in plain words, under its link
    # The record the item names, for the read's audit: the key it is logged under ("cases_shown")
    # and its id; None when the item names none (a case the viewer may not see).
    shown: tuple[str, int] | None = None
    # The people the item names (a record's "About"), for the read's audit ("people_shown").
    people: tuple[int, ...] = ()
    # The record the item itself is (an assessment, a review, an action), for the read's audit:
    # its key ("actions_shown") and id; None when the item does not name it.
    record: tuple[str, int] | None = None

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < today()

    @property
    def due_today(self) -> bool:
        return self.due_on == today()


def _case_url(case_id: int, part: str = "") -> str:
    return reverse("context-case", args=[case_id]) + part


case_url = _case_url  # a case's page (or one of its parts), for the services' notifications


WHAT_NEXT = {
    AssessmentStatus.NOT_STARTED: "Start the assessment",
    AssessmentStatus.IN_PROGRESS: "Complete the assessment",
    AssessmentStatus.SUBMITTED: "Approve the assessment",
    ConferenceStatus.PENDING: "Schedule the conference",
    ConferenceStatus.SCHEDULED: "Hold and record the conference",
    ReviewStatus.DUE: "Review the plan",
    PlanStatus.DRAFT: "Approve the plan",
}


CASE_NOT_SEEN = "A case you cannot see"
"""What a work list says instead of a context's name when the viewer may not see its case (a
manager's team view lists work on other teams' cases; a home's name is a family's address)."""


def _items(
    rows: Iterable[Any],
    part: str,
    who: Callable[[Any], Any],
    seen: dict[int, str],
    case_of: Callable[[Any], ContextCase] = attrgetter("case"),
) -> list[WorkItem]:
    """A work item for each record of a case (an assessment, conference, review, plan), named
    by its place as ``seen`` tells it; on a case the viewer may not see (not in ``seen``), the
    step alone, with no place and no link."""
    items = []
    for row in rows:
        case = case_of(row)
        shown = case.pk in seen
        items.append(
            WorkItem(
                WHAT_NEXT[row.status],
                seen.get(case.pk, CASE_NOT_SEEN),
                _case_url(case.pk, part) if shown else "",
                getattr(row, "due_on", None),
                str(who(row)),
                shown=(CASES_SHOWN, case.pk) if shown else None,
                record=(part.strip("/") + "s_shown", row.pk) if shown else None,
            )
        )
    return items


def own_action_url(action_id: int) -> str:
    """An action's own page, where its owner reads and updates it."""
    return reverse("own-action", args=[action_id])


def action_told(action: PlanAction, owner: Worker) -> str:
    """How a notification names a context plan's action to its owner: by its plan, the case's
    place, only where the owner may see the case and is told of that place (a home's name is
    its address); else "a context plan". Never the action's own words: free text may name a
    child, and a notice outlasts the owner's sight of the case; nor a home's address, to
    anyone, for the same reason. Two queries at most."""
    case_id = action.plan.case_id
    place = _seen_cases(owner, [case_id]).get(case_id, naming.PLACE_WITHHELD)
    named = place != naming.PLACE_WITHHELD and not (
        ContextCase.objects.filter(pk=case_id, context__kind__in=RESTRICTED_KINDS).exists()
    )
    plan = f"the plan for {place}" if named else "a context plan"
    return f"An action on {plan}"


def _action_url(action: PlanAction, viewer: Worker, seen: dict[int, str]) -> str:
    if action.plan.case_id in seen:
        return _case_url(action.plan.case_id, "plan/")
    return own_action_url(action.pk) if action.owner_id == viewer.pk else ""


def _seen_cases(viewer: Worker, case_ids: Iterable[int]) -> dict[int, str]:
    """Which of these cases the viewer may see, each with its place as they are told of it
    (``context_cases.shown_place``: a home they are not told of is not named). One query."""
    ids = set(case_ids)
    if not ids:
        return {}
    cases = policies.cases_visible_to(viewer).filter(pk__in=ids).select_related("context")
    return {case.pk: policies.shown_place(case) for case in cases}


def my_work(*, viewer: Worker, team: bool = False) -> list[WorkItem]:
    """What is due and overdue for the viewer (or, for a manager, their team), soonest first.

    One query per kind of work, whatever the number of cases.
    """
    workers = Worker.objects.filter(policies.whose_work(viewer, team=team)).values("id")
    items: list[WorkItem] = []
    if policies.can_screen(viewer):
        items += [
            WorkItem(
                "Decide on a referral",
                r.context.name if r.context else "A referral about children",
                reverse("context-referral", args=[r.pk]),
                r.due_on,
                "Front door",
                shown=("referrals_shown", r.pk),
            )
            for r in Referral.objects.filter(status=ReferralStatus.NEW).select_related("context")
        ]
    led = ContextCase.objects.filter(lead_id__in=workers, status__in=OPEN_CASE_STATUSES)
    lead = attrgetter("case.lead")
    # The led cases' steps still to be done, each with the case page that does it.
    assessments = list(
        ContextAssessment.objects.filter(
            case__in=led, status__in=(AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS)
        ).select_related("case__context", "case__lead")
    )
    # Conferences: the led cases' to arrange and hold, and those the workers chair (an
    # independent chair holds and records them on cases they do not lead). One query.
    led_step = Q(case__in=led, status__in=(ConferenceStatus.PENDING, ConferenceStatus.SCHEDULED))
    conferences = list(
        ContextConference.objects.filter(
            led_step | Q(chair_id__in=workers, status=ConferenceStatus.SCHEDULED)
        )
        .annotate(led=ExpressionWrapper(led_step, output_field=BooleanField()))
        .select_related("case__context", "case__lead", "chair")
    )
    reviews = list(
        PlanReview.objects.filter(plan__case__in=led, status=ReviewStatus.DUE).select_related(
            "plan__case__context", "plan__case__lead"
        )
    )
    # A worker's own actions while they work cases: their action's own page (and a panel's
    # page) refuses an owner made auditor or IT administrator, and so does My work (a
    # manager's team view still lists such an owner's actions, by the manager's own sight,
    # to be handed on).
    owned = team or policies.works_cases(viewer)
    actions = (
        list(
            PlanAction.objects.filter(owner_id__in=workers, plan__status__in=LIVE_PLANS)
            .exclude(status__in=FINISHED_ACTION_STATUSES)
            .select_related("plan__case__context", "owner")
        )
        if owned
        else []
    )
    # A manager's team view reaches cases the team works on that the manager may not see
    # (another team's case an action is owned on, a conference chaired): those are listed
    # without their place or words, as the case's own page would refuse them.
    seen = _seen_cases(
        viewer,
        [a.case_id for a in assessments]
        + [c.case_id for c in conferences]
        + [r.plan.case_id for r in reviews]
        + [a.plan.case_id for a in actions],
    )
    items += _items(assessments, "assessment/", lead, seen)
    items += _items(conferences, "conference/", lambda c: c.case.lead if c.led else c.chair, seen)
    items += _items(reviews, "review/", attrgetter("plan.case.lead"), seen, attrgetter("plan.case"))
    # An action's words to its owner and to whoever sees its case (as the plan's page shows
    # them); its place and the plan's link only to whoever sees the case. An owner who may
    # not see it is sent to the action's own page.
    items += [
        WorkItem(
            f"Action: {Truncator(a.description).chars(80)}"
            if a.owner_id == viewer.pk or a.plan.case_id in seen
            else "Plan action on a case you cannot see",
            seen.get(a.plan.case_id, CASE_NOT_SEEN),
            _action_url(a, viewer, seen),
            a.due_on,
            a.owner_text,
            shown=(CASES_SHOWN, a.plan.case_id) if a.plan.case_id in seen else None,
            record=("actions_shown", a.pk),
        )
        for a in actions
    ]
    items += _panel_work(viewer, workers, team=team, owned=owned)
    if policies.can_be_asked_to_sign_off(viewer):
        items += _approvals_waiting(viewer)
    # Disputes of a person's record's accuracy waiting for the viewer's decision.
    items += [WorkItem(**asdict(w)) for w in disputes_to_decide(viewer)]
    if not team:
        # Subject access requests: the assigned member of the data team's own, by the
        # statutory deadline; named by reference (under About), never by the child.
        items += [
            WorkItem(
                ANSWER_SUBJECT_ACCESS,
                _request_about(r.reference),
                reverse("subject-access-request", args=[r.pk]),
                r.deadline,
                "Data team",
                f"{r.get_status_display()}, received {r.received_on:%-d %b %Y}",
                shown=("subject_access_requests_shown", r.pk),
            )
            for r in subject_access_due(viewer)
        ]
        # Exports waiting for their named approver's check before they may be released.
        items += [
            WorkItem(
                f"Approve the release of the export for {p.request.reference}",
                _request_about(p.request.reference),
                reverse("subject-access-request", args=[p.request_id]),
                p.request.deadline,
                "Data team",
                f"Asked for {timezone.localtime(p.made_at):%-d %b %Y}: check it, then approve",
                shown=("subject_access_requests_shown", p.request_id),
            )
            for p in subject_access_releases(viewer)
        ]
        # What waits on the viewer by name outside casework: the emergency access of their
        # team's workers to review, and the identifier requests routed to them to check.
        items += emergency_access_to_review(viewer) + identifier_requests_to_check(viewer)
    return sorted(items, key=lambda i: (i.due_on is None, i.due_on or dt.date.max, i.subject))


def _request_about(reference: str) -> str:
    """What a subject access request's work is about: the request, by its reference."""
    return f"Subject access request {reference}"


ANSWER_SUBJECT_ACCESS = "Answer a subject access request"
REVIEW_EMERGENCY_ACCESS = "Review a use of emergency access"
CHECK_IDENTIFIER = "Check an identifier request"
CHECK_DUPLICATE = "Check a possible duplicate record"


def emergency_access_to_review(viewer: Worker) -> list[WorkItem]:
    """The uses of emergency access by the viewer's team waiting for their review
    (``break_glass.awaiting_review_by``), each linked to its review page. The person it opened
    is named only to a viewer who sees them lastingly, as a list names anyone (not through
    emergency access or a forum share of their own); else in ``naming.unseen_label``'s words,
    as the review page gives only the id. No due date, as a review has none. Two queries
    however many wait (none for anyone who reviews none)."""
    uses = list(
        break_glass.awaiting_review_by(viewer)
        .select_related("worker", "person")
        .order_by("started_at", "id")
    )
    seen = seen_lastingly(viewer, [u.person_id for u in uses]) if uses else set()
    return [
        WorkItem(
            REVIEW_EMERGENCY_ACCESS,
            u.person.full_name if u.person_id in seen else naming.unseen_label(child=False),
            reverse("break-glass-review", args=[u.pk]),
            None,
            str(u.worker),
            f"Opened {timezone.localtime(u.started_at):%-d %b %Y %H:%M}: "
            f"{u.get_category_display().lower()}",
            ("emergency_uses_shown", u.pk),
            (u.person_id,) if u.person_id in seen else (),
        )
        for u in uses
    ]


def identifier_requests_to_check(viewer: Worker) -> list[WorkItem]:
    """The identifier requests routed to the viewer by name (``identifier_queries_for``;
    an administrator's only those routed to them, not every one the data team may answer),
    each linked to its page and about the record being changed, named only to a viewer who
    sees it lastingly, as a list names anyone (:func:`_about`). Two queries however many
    wait."""
    if not answers_identifier_queries(viewer):
        return []
    waiting = identifier_queries_for(viewer=viewer)
    if scopes.is_administrator(viewer):
        waiting = waiting.filter(routed_to=viewer)
    queries = list(waiting.order_by("requested_at", "id"))
    ids = [q.person_id for q in queries if q.person_id]
    seen = seen_lastingly(viewer, ids) if ids else set()
    return [
        WorkItem(
            CHECK_DUPLICATE if q.kind == QueryKind.DUPLICATE else CHECK_IDENTIFIER,
            "A new record" if q.kind == QueryKind.DUPLICATE else _about(q.person, seen),
            reverse("identifier-query", args=[q.pk]),
            None,
            str(q.requested_by),
            f"Asked {timezone.localtime(q.requested_at):%-d %b %Y}",
            ("identifier_queries_shown", q.pk),
            (q.person_id,) if q.person_id in seen else (),
        )
        for q in queries
    ]


def _about(person: Person | None, seen: set[int]) -> str:
    """The record an identifier request changes, as its page names it: by name only where
    ``seen`` (lastingly) holds it, else by initials, "a person not shared with you", a
    child's record as an adult's (``people.selectors``' request label)."""
    if person is None:  # purged since
        return naming.unseen_label(child=False)
    return naming.person_label(person, visible=person.pk in seen, child=False)


def work_shown(items: Iterable[WorkItem]) -> dict[str, list[int]]:
    """The records a list of work names, by kind, for its read's audit: the cases (by their
    place), referrals, panels and subject access requests shown ("cases_shown": [ids]), the
    assessments, conferences, reviews and actions the items are, and the people named
    ("people_shown")."""
    shown: dict[str, set[int]] = {}
    for item in items:
        for named in (item.shown, item.record):
            if named is not None:
                key, pk = named
                shown.setdefault(key, set()).add(pk)
        if item.people:
            shown.setdefault("people_shown", set()).update(item.people)
    return {key: sorted(ids) for key, ids in sorted(shown.items())}


LIVE_PLANS = (PlanStatus.DRAFT, PlanStatus.ACTIVE)
# A panel's review shows this long before its date, so it can be prepared.
PANEL_REVIEW_NOTICE = dt.timedelta(days=14)


def _panel_work(
    viewer: Worker, workers: QuerySet[Any], *, team: bool, owned: bool
) -> list[WorkItem]:
    """HSB meetings' and MACE panels' own actions owned by ``workers`` (those that landed on a
    context plan are listed as the plan's), and the held panels whose review date is near or
    past that they set up or chair, or (a manager's team view) that were set up or chaired
    from the team, by the teams kept on the panel, as its organisers are decided. Named by
    the meeting's title, never by the child on its agenda; an action's words only to its
    owner or to a viewer who may read its agenda item (as the panel's page shows them: a
    manager's team view must not show more). ``owned``: whether the viewer's actions are
    listed at all (not to an owner made auditor or IT administrator, as for a plan's)."""
    actions = (
        list(
            PanelAction.objects.filter(
                owner_id__in=workers, plan_action__isnull=True, meeting__status=PanelStatus.HELD
            )
            .exclude(status__in=FINISHED_ACTION_STATUSES)
            .select_related("meeting", "owner", "item")
        )
        if owned
        else []
    )
    readable = visible_item_ids(viewer, [a.item for a in actions if a.owner_id != viewer.pk])
    theirs = Q(created_by_id__in=workers) | Q(chair_id__in=workers)
    if team and policies.manages_a_team(viewer):
        # The team's organisers' reviews too, by the teams kept on the panel: a setter or
        # chair who has left the team leaves them with the team that organises the panel.
        theirs |= Q(created_by_team_id=viewer.team_id) | Q(chair_team_id=viewer.team_id)
    reviews = list(
        PanelMeeting.objects.filter(
            theirs, status=PanelStatus.HELD, review_on__lte=today() + PANEL_REVIEW_NOTICE
        ).select_related("chair")
    )
    # A manager's team view reaches the panels of workers who joined the team since: their
    # title and link only to a viewer who may open the panel (as the panel's page decides).
    opens = panels_seen(viewer, {a.meeting_id for a in actions} | {m.pk for m in reviews})
    items = [
        WorkItem(
            f"Panel action: {Truncator(a.description).chars(80)}"
            if a.owner_id == viewer.pk or (a.meeting_id in opens and a.item_id in readable)
            else "Panel action on an agenda item you cannot read",
            *_panel_link(a.meeting, opens),
            a.due_on,
            str(a.owner),
            shown=_panel_shown(a.meeting, opens),
            record=("panel_actions_shown", a.pk),
        )
        for a in actions
    ]
    items += [
        WorkItem(
            "Review the panel's actions",
            *_panel_link(m, opens),
            m.review_on,
            str(m.chair),
            shown=_panel_shown(m, opens),
        )
        for m in reviews
    ]
    return items


PANEL_NOT_OPEN = "A panel you cannot open"


def _panel_shown(meeting: PanelMeeting, opens: set[int]) -> tuple[str, int] | None:
    """The panel an item names, for the read's audit (none when only "a panel you cannot
    open" is said)."""
    return ("panels_shown", meeting.pk) if meeting.pk in opens else None


def _panel_link(meeting: PanelMeeting, opens: set[int]) -> tuple[str, str]:
    """The panel's title and page for a viewer who may open it; else neither."""
    if meeting.pk in opens:
        return meeting.title, reverse("panel", args=[meeting.pk])
    return PANEL_NOT_OPEN, ""


SIGN_OFF_PAGES = {
    ApprovalSubject.SCREENING: ("Sign off the screening decision", "screening/sign-off/"),
    ApprovalSubject.ASSESSMENT: ("Sign off the assessment", "assessment/sign-off/"),
    ApprovalSubject.PLAN: ("Sign off the plan", "plan/approve/"),
    ApprovalSubject.CLOSURE: ("Approve or refuse the closure", "closure/"),
}


TOO_CLOSE_TO_SIGN = "You wrote part of this: pass it on"
NOT_THEIR_TEAM = "Not yours to sign off now: pass it on"
AFTER_SCREENING = "Sign off the assessment once the screening decision is agreed"


def _approvals_waiting(viewer: Worker) -> list[WorkItem]:
    """The sign-offs asked of this manager by name: nobody else's, and never an
    administrator's (an IT role signs off no casework). Each links to a page that will let
    the manager do what it says: a sign-off they may not give (``policies.can_sign_off``
    would refuse it) says why and what they can do instead. Three queries however many."""
    asked = list(
        SignOffRequest.objects.filter(
            manager=viewer, decided_at__isnull=True, case__in=policies.cases_visible_to(viewer)
        ).select_related("case__context", "requested_by")
    )
    too_close = policies.too_close_among(viewer, asked)
    # An assessment waits for its case's screening decision to be agreed (the screening
    # itself does not wait for itself).
    assessments = {r.pk for r in asked if r.subject == ApprovalSubject.ASSESSMENT}
    waiting = policies.screening_unsigned_among(r.case_id for r in asked if r.pk in assessments)
    return [
        _sign_off_item(viewer, r, r.pk in too_close, r.pk in assessments and r.case_id in waiting)
        for r in asked
    ]


def _sign_off_item(
    viewer: Worker, asked: SignOffRequest, too_close: bool, after_screening: bool
) -> WorkItem:
    """A sign-off asked of the viewer, as ``policies.can_sign_off`` answers it: the sign-off
    page when they may give it; else passing it on (they wrote part of the piece, perhaps
    after it was put to them, or no longer manage the case's team), or the case page while
    the assessment waits for its screening decision to be agreed."""
    what, part = SIGN_OFF_PAGES[ApprovalSubject(asked.subject)]
    piece = asked.get_subject_display().lower()
    pass_on = reverse("context-signoff-reassign", args=[asked.case_id, asked.pk])
    place, who = policies.place_name(viewer, asked.case), str(asked.requested_by)
    shown = (CASES_SHOWN, asked.case_id)
    record = ("sign_offs_shown", asked.pk)
    if too_close:
        why = (
            f"You were asked to sign off the {piece}, but you worked on it, and nobody signs "
            "off their own work. Ask another manager of the team to sign it off, and say why."
        )
        return WorkItem(TOO_CLOSE_TO_SIGN, place, pass_on, None, who, why, shown, record=record)
    if not policies.can_approve(viewer, asked.case):
        why = (
            f"You were asked to sign off the {piece}, but you no longer manage the case's "
            "team. Ask one of its managers to sign it off, and say why."
        )
        return WorkItem(NOT_THEIR_TEAM, place, pass_on, None, who, why, shown, record=record)
    if after_screening:
        why = "The case's screening decision is signed off first: the case page says where it is."
        url = _case_url(asked.case_id)
        return WorkItem(AFTER_SCREENING, place, url, None, who, why, shown, record=record)
    url = _case_url(asked.case_id, part)
    return WorkItem(what, place, url, None, who, shown=shown, record=record)


# --- What the casework pages read ------------------------------------------------------------
# Each page asks one of these instead of reading for itself; the case (or referral) passed in
# was already opened through ``access_case`` (``access_referral``), so what hangs off it is
# the viewer's to read.


def threshold_levels(*, suggesting: str = "") -> list[ThresholdLevel]:
    """The active threshold levels (only those suggesting ``suggesting``, when given)."""
    levels = ThresholdLevel.objects.filter(active=True)
    if suggesting:
        levels = levels.filter(suggested_decision=suggesting)
    return list(levels)


def referral_children(viewer: Worker, asked: Iterable[str]) -> list[tuple[int, str]]:
    """The children a referral form offers: the worker's own caseload, and those asked for
    whom they may name (``can_name_people``: not through a share or break-glass)."""
    held = caseload_for(viewer=viewer, statuses=False).filter(kind=PersonKind.YOUNG_PERSON)
    ids = set(held.values_list("id", flat=True))
    ids |= visible_person_ids(viewer, parse_ids(asked), shared=False, break_glass=False)
    people = Person.objects.filter(id__in=ids, kind=PersonKind.YOUNG_PERSON).order_by(
        "family_name", "given_name", "id"
    )
    return [(p.pk, p.full_name) for p in people]


def assessment_of(case: ContextCase) -> ContextAssessment:
    """The case's assessment, with its template and assessor; 404 when it has none."""
    found = (
        ContextAssessment.objects.filter(case=case).select_related("template", "assessor").first()
    )
    if found is None:
        raise Http404("Not found")
    return found


def assessment_page(case: ContextCase, assessment: ContextAssessment) -> dict[str, Any]:
    """The assessment's findings (with their evidence), the case's assessment sign-offs, and
    whether the case has had a conference (the case's menu offers it)."""
    return {
        "findings": list(assessment.findings.prefetch_related("evidence__recorded_by")),
        "approvals": list(case.approvals.filter(subject="assessment").select_related("by")),
        "has_conference": case.conferences.exists(),
    }


def assessment_shown(page: dict[str, Any]) -> dict[str, list[int]]:
    """What the assessment's page lists (:func:`assessment_page`), by id, for its read's entry
    in the trail: the findings, the evidence recorded for them, the sign-offs given."""
    return {
        "findings_shown": [f.pk for f in page["findings"]],
        "evidence_shown": [e.pk for f in page["findings"] for e in f.evidence.all()],
        "approvals_shown": [a.pk for a in page["approvals"]],
    }


def casework_workers() -> list[Worker]:
    """The workers casework pages offer to choose (a conference's chair), with their team
    and agency."""
    return list(policies.casework_workers())


def screeners() -> list[Worker]:
    """Who may lead a case a screening opens: the casework workers who screen."""
    return [w for w in policies.casework_workers() if policies.can_screen(w)]


def team_workers(case: ContextCase) -> list[Worker]:
    """Who may assess: the case's lead and the practitioners and managers of its team."""
    workers = policies.casework_workers().filter(Q(team_id=case.team_id) | Q(pk=case.lead_id))
    return [w for w in workers if policies.can_work_case(w, case)]


def conference_of(case: ContextCase) -> ContextConference:
    """The case's latest conference; 404 when it has none."""
    conference = case.conferences.select_related("chair", "recorded_by").order_by("-id").first()
    if conference is None:
        raise Http404("Not found")
    return conference


def conference_attendees(conference: ContextConference) -> list[ConferenceAttendee]:
    return list(conference.attendees.select_related("worker__team__agency", "agency"))


def conference_decisions(conference: ContextConference) -> list[Any]:
    return list(conference.decisions.all())


def conference_workers(case: ContextCase, conference: ContextConference) -> list[Worker]:
    """The workers offered on the attendance list: the case's team and lead, the chair, the
    referrers, the action owners, and the staff of the agency responsible for the context;
    a new account among them whose access waits too (``context_cases.attendance_workers``:
    being recorded present grants nothing)."""
    q = Q(team_id=case.team_id) | Q(pk=case.lead_id) | Q(pk__in=[conference.chair_id or 0])
    q |= Q(pk__in=case.referrals.values("recorded_by_id"))
    q |= Q(pk__in=PlanAction.objects.filter(plan__case=case).values("owner_id"))
    if case.context.responsible_agency_id:
        q |= Q(team__agency_id=case.context.responsible_agency_id)
    return list(policies.attendance_workers().filter(q).distinct())


def plan_of(case: ContextCase) -> ContextPlan:
    """The case's plan; 404 when it has none."""
    plan = ContextPlan.objects.filter(case=case).first()
    if plan is None:
        raise Http404("Not found")
    plan.case = case
    return plan


def action_choices(plan: ContextPlan) -> tuple[list[Person], list[PlanGoal]]:
    """What an action may be about: the plan's children, and its open goals."""
    affected = [link.person for link in plan.children.select_related("person")]
    return affected, list(plan.goals.filter(status=GoalStatus.OPEN))


def action_of(case: ContextCase, action_id: int) -> PlanAction:
    """One action of the case's plan; 404 for any other."""
    action: PlanAction = get_object_or_404(
        PlanAction.objects.filter(plan__case=case).select_related("owner__team", "agency", "plan"),
        pk=action_id,
    )
    action.plan.case = case
    return action


def child_option_people(viewer: Worker, case: ContextCase) -> QuerySet[Person]:
    """The children a worker may link to the case's plan: young people linked to the context
    or on their own caseload, whom they see in their own right."""
    held = set(caseload_for(viewer=viewer, statuses=False).values_list("id", flat=True))
    linked = linked_child_ids(case, viewer)
    ids = visible_person_ids(viewer, linked | held, shared=False, break_glass=False)
    return Person.objects.filter(id__in=ids, kind=PersonKind.YOUNG_PERSON).order_by(
        "family_name", "given_name", "id"
    )


def child_option_ids(viewer: Worker, case: ContextCase) -> list[int]:
    """The ids of :func:`child_option_people`, in its order (for the read's people shown)."""
    return list(child_option_people(viewer, case).values_list("id", flat=True))


def child_options(viewer: Worker, case: ContextCase) -> list[tuple[str, str]]:
    """Children the worker may link: those linked to the context and their own caseload,
    whom they see; each with their open plans (CIN, CP, looked after, youth justice)."""
    people = list(child_option_people(viewer, case))
    ids = [p.pk for p in people]
    episodes: dict[int, list[LegalStatusEpisode]] = {}
    # A child's own plan is their legal status: offered only to a role whose row has it.
    if PersonField.LEGAL_STATUS in role_fields(viewer):
        for episode in LegalStatusEpisode.objects.current().filter(person_id__in=ids):
            episodes.setdefault(episode.person_id, []).append(episode)
    options: list[tuple[str, str]] = []
    for person in people:
        options.append((f"{person.pk}:", f"{person.full_name}"))
        options.extend(
            (f"{person.pk}:{e.pk}", f"{person.full_name}, linked to their plan: {e}")
            for e in episodes.get(person.pk, [])
        )
    return options


def child_chosen(viewer: Worker, link: str) -> tuple[Person, LegalStatusEpisode | None]:
    """The child (and plan) chosen from :func:`child_options` ("person:episode"); 404 for a
    child the viewer may not name."""
    person_id, _, episode_id = link.partition(":")
    person = get_object_or_404(
        scopes.people_visible_to(viewer, shared=False, break_glass=False),
        pk=parse_id(person_id),
    )
    # Whether the plan is the child's is the service's to say, naming the field.
    episode = get_object_or_404(LegalStatusEpisode, pk=parse_id(episode_id)) if episode_id else None
    return person, episode


def review_due(case: ContextCase) -> tuple[PlanReview, list[PlanGoal]]:
    """The plan's review that is due, with the open goals it reviews; 404 when none is due."""
    review: PlanReview | None = (
        PlanReview.objects.filter(plan__case=case, status=ReviewStatus.DUE)
        .select_related("plan")
        .first()
    )
    if review is None:
        raise Http404("Not found")
    review.plan.case = case
    return review, list(review.plan.goals.filter(status=GoalStatus.OPEN))


def domain_titles(case: ContextCase) -> dict[str, str]:
    return dict(DomainFinding.objects.filter(assessment__case=case).values_list("key", "title"))


def plan_goals(case: ContextCase) -> list[PlanGoal]:
    return list(PlanGoal.objects.filter(plan__case=case).order_by("order"))


def closure_choices(case: ContextCase) -> tuple[list[DomainFinding], list[PlanGoal]]:
    """What a closure request rates: each domain assessed, each goal of the plan (if any)."""
    findings = list(DomainFinding.objects.filter(assessment__case=case).order_by("order"))
    plan = ContextPlan.objects.filter(case=case).first()
    return findings, list(plan.goals.all()) if plan else []


def open_sign_off_of(case: ContextCase, request_id: int) -> SignOffRequest:
    """One undecided sign-off request on the case; 404 for any other."""
    asked: SignOffRequest = get_object_or_404(
        SignOffRequest.objects.filter(case=case, decided_at__isnull=True), pk=request_id
    )
    asked.case = case
    return asked


def referral_contexts(viewer: Worker, chosen: Context | None) -> list[Context]:
    """Contexts a referrer may name: those they see, homes only when chosen from the home's
    page (a list of every visible address is not what a referral form is for). Not one seen
    only through emergency access: a referral names its places for good."""
    with scopes.lasting_sight_only():
        seen = scopes.contexts_visible_to(viewer)
        contexts = list(seen.exclude(kind=ContextKind.HOME).order_by("name", "id"))
        if chosen is not None and chosen not in contexts and seen.filter(pk=chosen.pk).exists():
            contexts.insert(0, chosen)
    return contexts


@dataclass
class OwnAction:
    """What an action's own page shows its owner: the action and its history, who leads the
    case, and whether the owner may also open the plan (then linked; else no place)."""

    action: PlanAction
    updates: list[PlanActionUpdate]
    case_seen: bool
    live: bool  # not finished, on a plan not ended: it takes updates
    can_update: bool
    # The steps before the one that gave the action to the viewer's side, not shown to an
    # owner who does not read its whole history (``context_cases.sees_action_history``).
    earlier: int = 0
    # Whom that step gave it to, in the owner's words: "you", or "your organisation" when
    # it came to a colleague at their partner organisation first.
    given_to: str = "you"


def own_action(*, viewer: Worker, action: PlanAction) -> OwnAction:
    """The owner's page of their action (two queries: its history, and sight of its case). An
    analyst owns actions but records progress through their team (``can_update_action``).
    An owner given the action who may not see its case (or a partner's worker) reads its
    history from the hand-over into their side on, and how many earlier steps there are."""
    live = action.plan.status in LIVE_PLANS and action.status not in FINISHED_ACTION_STATUSES
    case_seen = bool(_seen_cases(viewer, [action.plan.case_id]))
    updates, earlier = policies.updates_shown(
        list(action.updates.select_related("by", "from_team")),
        viewer=viewer,
        whole=policies.sees_action_history(viewer, case_seen=case_seen),
    )
    given_to = "you"
    if earlier and min(updates, key=lambda u: (u.at, u.pk)).given_to_id != viewer.pk:
        given_to = "your organisation"
    return OwnAction(
        action=action,
        updates=updates,
        case_seen=case_seen,
        live=live,
        can_update=live and policies.can_update_action(viewer, action),
        earlier=earlier,
        given_to=given_to,
    )
