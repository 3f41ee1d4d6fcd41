"""Pages for context casework: thin views over the selectors and services.

A case, referral or action the viewer may not see, and a step they may not
take, answer 404 (``NotPermitted`` becomes one in the middleware). A move the
record's state does not allow is shown at the top of the form in plain words.
Every page that shows a case record logs the read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format

from locus.access import context_cases as policies
from locus.access import scopes
from locus.access.lookups import access_context
from locus.access.models import Worker
from locus.access.policies import manages_a_team
from locus.access.selectors import all_agencies
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.casework import selectors, services
from locus.casework.forms import (
    ActionForm,
    ActionUpdateForm,
    AssessmentForm,
    AssessorForm,
    ClosureRequestForm,
    ConferenceRecordForm,
    ConferenceScheduleForm,
    EvidenceForm,
    GiveActionForm,
    GoalForm,
    ManagerForm,
    PlanChildForm,
    ReasonForm,
    ReassignForm,
    ReferralForm,
    ReviewForm,
    ScreenForm,
    SignOffForm,
    ThresholdForm,
)
from locus.casework.models import (
    ApprovalSubject,
    AssessmentStatus,
    CaseStatus,
    ContextCase,
    Progress,
    ReferralStatus,
    ReviewDecision,
    ScreeningDecision,
)
from locus.common import clock
from locus.common.errors import ValidationFailed
from locus.common.http import AuthedRequest
from locus.common.pages import created, logged_page, posted, submitted
from locus.common.pagination import paginate
from locus.common.services import permitted
from locus.common.steps import Place, Step, confirm, take, take_on
from locus.notifications.models import Notification
from locus.notifications.selectors import my_notifications
from locus.outreach.selectors import visits_due
from locus.people.selectors import people_chosen
from locus.profiles.selectors import build_on_for, people_named_by, profile_items
from locus.transfers.selectors import held_by_closed_accounts, transfers_to_accept

# --- Lists -----------------------------------------------------------------------------------


def _list_page(
    request: AuthedRequest,
    items: Any,
    *,
    record_type: str,
    key: str,
    template: str,
    filters: dict[str, Any],
    **context: Any,
) -> HttpResponse:
    """A page of a list filtered by ``filters``: the search and the rows it showed are
    logged, as every list that names records is."""
    page, paging = paginate(request, items, per_page=25)
    rows = list(page)
    shown = [str(row.pk) for row in rows]
    record_access(
        actor=request.user,
        record_type=record_type,
        action=AccessAction.SEARCH,
        detail={**filters, "shown": shown},
    )
    context.update(filters, page=page, can_refer=policies.can_refer(request.user), **paging)
    return render(request, template, {key: rows, **context})


def cases_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in ("open", "", *CaseStatus.values):
        status = "open"
    mine = request.GET.get("mine") == "1"
    return _list_page(
        request,
        selectors.cases_for(viewer=request.user, status=status, mine=mine),
        record_type="casework.contextcase",
        key="cases",
        template="casework/list.html",
        filters={"status": status, "mine": mine},
        statuses=CaseStatus.choices,
    )


def referrals_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", ReferralStatus.NEW)
    if status not in ("", *ReferralStatus.values):
        status = ReferralStatus.NEW
    return _list_page(
        request,
        selectors.referrals_for(viewer=request.user, status=status),
        record_type="casework.referral",
        key="referrals",
        template="casework/referrals.html",
        filters={"status": status},
        statuses=ReferralStatus.choices,
        today=clock.today(),
    )


# --- Referrals -------------------------------------------------------------------------------


def referral_new(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    permitted(policies.can_refer, viewer)
    chosen = None
    if request.GET.get("context"):
        try:
            chosen = access_context(viewer, request.GET["context"])
        except Http404:
            chosen = None
    asked = request.GET.getlist("person") + request.POST.getlist("children")
    agencies = all_agencies() if policies.can_screen(viewer) else None
    initial: dict[str, Any] = {"received_on": clock.today()}
    if chosen is not None:
        initial.update(about="context", context=str(chosen.pk))
    if request.GET.getlist("person"):
        initial.update(about="child", children=request.GET.getlist("person"))
    children = selectors.referral_children(viewer, asked)
    form = ReferralForm(
        posted(request),
        initial=initial,
        contexts=selectors.referral_contexts(viewer, chosen),
        children=children,
        agencies=agencies,
    )
    made: list[Any] = []

    def step() -> None:
        data = form.cleaned_data
        made.append(
            services.referral_record(
                actor=viewer,
                about=data["about"],
                context=form.chosen("context"),
                other_contexts=form.all_chosen("other_contexts"),
                children=people_chosen(data["children"]),
                summary=data["summary"],
                received_on=data["received_on"],
                referring_agency=form.chosen("referring_agency"),
                referrer_name=data.get("referrer_name", ""),
                referrer_contact=data.get("referrer_contact", ""),
                basis=form.basis(),
            )
        )

    if request.method == "POST" and form.is_valid():
        try:
            step()
        except ValidationFailed as refused:
            form.add_domain_errors(refused)
        else:
            referral = made[0]
            messages.success(
                request,
                "Referral recorded: a decision is due by "
                + date_format(referral.due_on, "l j F Y"),
            )
            return redirect("context-referral", referral_id=referral.pk)
    # The form names the children it offers (a caseload, and any asked for): a read.
    record_access(
        actor=viewer,
        record_type="people.person",
        detail={"page": "referral form", "people_shown": [pk for pk, _ in children]},
    )
    return render(request, "casework/referral_form.html", {"form": form})


def referral_page(request: AuthedRequest, referral_id: int) -> HttpResponse:
    viewer = request.user
    referral = policies.access_referral(viewer, referral_id)
    detail = selectors.referral_detail(viewer=viewer, referral=referral)
    form = None
    if referral.status == ReferralStatus.NEW and policies.can_screen(viewer):
        leads = selectors.screeners()
        form = ScreenForm(
            posted(request),
            initial={"context": str(referral.context_id or "")},
            levels=selectors.threshold_levels(),
            contexts=detail.contexts,
            leads=leads,
            managers=[w for w in leads if policies.can_be_asked_to_sign_off(w)],
        )

        def step() -> None:
            assert form is not None
            data = form.cleaned_data
            services.referral_screen(
                actor=viewer,
                referral=referral,
                level=form.chosen("level"),
                decision=data["decision"],
                reason=data["reason"],
                context=form.chosen("context"),
                lead=form.chosen("lead"),
                manager=form.chosen("manager") if "manager" in form.fields else None,
            )

        if submitted(request, form, step, "Decision recorded"):
            # The service wrote its decision, and the case it opened, on this referral.
            if referral.case_id:
                return redirect("context-case", case_id=referral.case_id)
            return redirect("context-referral", referral_id=referral.pk)
    # Each time it is drawn, an invalid screening's page too: it shows the referral again.
    record_access(
        actor=viewer,
        obj=referral,
        detail=detail.shown(),
    )
    return render(
        request,
        "casework/referral.html",
        {
            "d": detail,
            "referral": referral,
            "form": form,
            "can_withdraw": referral.status == ReferralStatus.NEW
            and policies.can_withdraw_referral(viewer, referral),
        },
    )


# --- The case --------------------------------------------------------------------------------


def case_page(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = policies.access_case(request.user, case_id)
    detail = selectors.case_detail(viewer=request.user, case=case)
    record_access(actor=request.user, obj=case, detail=detail.case_shown())
    return render(request, "casework/case.html", {"d": detail, "case": case})


# --- Assessment ------------------------------------------------------------------------------


def _assessment_of(request: AuthedRequest, case_id: int) -> tuple[ContextCase, Any]:
    case = policies.access_case(request.user, case_id)
    permitted(policies.can_view_assessment, request.user, case)
    return case, selectors.assessment_of(case)


def assessment_page(request: AuthedRequest, case_id: int) -> HttpResponse:
    viewer = request.user
    case, assessment = _assessment_of(request, case_id)
    can_work = case.takes_work and policies.can_work_case(viewer, case)
    editing = assessment.status == AssessmentStatus.IN_PROGRESS and can_work
    form = (
        AssessmentForm(
            posted(request),
            assessment=assessment,
            managers=policies.eligible_managers(case, ApprovalSubject.ASSESSMENT, {viewer.pk}),
        )
        if editing
        else None
    )
    then = request.POST.get("then", "save")

    def step() -> None:
        assert form is not None
        services.assessment_save(
            actor=viewer,
            assessment=assessment,
            findings=form.findings(),
            capacity_analysis=form.cleaned_data.get("capacity_analysis", ""),
            recommendation=form.cleaned_data.get("recommendation", ""),
        )
        if then == "submit":
            services.assessment_submit(
                actor=viewer, assessment=assessment, manager=form.chosen("manager")
            )

    done = "Assessment submitted for approval" if then == "submit" else "Assessment saved"
    if form is not None and submitted(request, form, step, done):
        if then == "submit":
            return redirect("context-case", case_id=case.pk)
        return redirect("context-assessment", case_id=case.pk)
    # Each time it is drawn, a refused save's page too: it shows the assessment again.
    page = selectors.assessment_page(case, assessment)
    shown = selectors.assessment_shown(page)
    record_access(actor=viewer, obj=assessment, detail={"case": case.pk, **shown})
    return render(
        request,
        "casework/assessment.html",
        {
            "case": case,
            "assessment": assessment,
            "form": form,
            "can_work": can_work,
            "can_approve": policies.can_sign_off(viewer, case, ApprovalSubject.ASSESSMENT),
            "sign_off": policies.open_sign_off(case, ApprovalSubject.ASSESSMENT),
            **page,
        },
    )


# --- Conference ------------------------------------------------------------------------------


def conference_page(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = policies.access_case(request.user, case_id)
    conference = selectors.conference_of(case)
    attendees = selectors.conference_attendees(conference)
    # The warning names the reader's own children the minutes name: the read says whom.
    named = selectors.conference_named(request.user, conference)
    decisions = selectors.conference_decisions(conference)
    shown = selectors.conference_shown(named, attendees, decisions)
    record_access(actor=request.user, obj=conference, detail={"case": case.pk, **shown})
    return render(
        request,
        "casework/conference.html",
        {
            "case": case,
            "conference": conference,
            "attended": [a for a in attendees if a.attendance == "attended"],
            "apologies": [a for a in attendees if a.attendance == "apologies"],
            "decisions": decisions,
            "warning": selectors.conference_warning(named),
            "can_work": case.takes_work and policies.can_work_case(request.user, case),
            "can_record": case.takes_work
            and policies.can_record_conference(request.user, conference),
            "can_view_assessment": policies.can_view_assessment(request.user, case),
        },
    )


# --- Plan ------------------------------------------------------------------------------------


def plan_page(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = policies.access_case(request.user, case_id)
    detail = selectors.case_detail(viewer=request.user, case=case)
    if detail.plan is not None:
        # The children it affects, and the goals, actions and reviews it lists.
        record_access(actor=request.user, obj=detail.plan, detail=detail.plan_shown())
    else:
        record_access(actor=request.user, obj=case, detail={"page": "plan"})
    return render(request, "casework/plan.html", {"d": detail, "case": case})


# --- My work ---------------------------------------------------------------------------------


def own_action_page(request: AuthedRequest, action_id: int) -> HttpResponse:
    """An action's own page, for its owner: read it and record progress on it, whether or
    not they may see its case (the page shows the action alone)."""
    action = policies.access_own_action(request.user, action_id)
    page = selectors.own_action(viewer=request.user, action=action)
    form = ActionUpdateForm(posted(request), action=action) if page.can_update else None
    if form is not None and created(
        request, form, lambda: _update_action(request.user, action, form), "Action updated"
    ):
        return redirect("own-action", action.pk)
    return logged_page(
        request,
        "casework/own_action.html",
        about=action,
        detail={
            "page": "own action",
            "case_seen": page.case_seen,
            "updates_shown": [u.pk for u in page.updates],
        },
        context={"d": page, "a": action, "form": form},
    )


def my_work(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    # A list of casework: "not found" to a worker who sees no case records (an auditor, whose
    # header leads to their notifications page), as the borough map answers them.
    permitted(scopes.sees_case_records, viewer)
    team = request.GET.get("who") == "team" and manages_a_team(viewer)
    items = selectors.my_work(viewer=viewer, team=team)
    transfers = transfers_to_accept(viewer)
    # Children still held by a worker whose account is closed (or made active again and not
    # yet confirmed), to pass on: a manager's team's.
    closed = held_by_closed_accounts(viewer)
    visits = [] if team else visits_due(viewer)
    notifications = {} if team else my_notifications(viewer)
    # The work names its places (a home's name is its address), panels and requests, the
    # transfers waiting name their children, and the notifications are the worker's own
    # records: the trail keeps which were shown, as their own pages' reads do.
    told = cast(list[Notification], notifications.get("notifications", []))
    work = selectors.work_shown(items)  # the people an item names too ("people_shown")
    record_access(
        actor=viewer,
        record_type="casework.contextcase",
        action=AccessAction.SEARCH,
        detail={
            "via": "my work",
            "team": team,
            "items": len(items),
            **work,
            "visit_plans_shown": sorted({v.plan.pk for v in visits}),
            "people_shown": sorted(
                {t.person_id for t in transfers}
                | {row.allocation.person_id for row in closed.rows}
                | set(work.get("people_shown", []))
            ),
            "transfers_shown": [t.pk for t in transfers],
            "notifications_shown": [n.pk for n in told],
        },
    )
    return render(
        request,
        "casework/my_work.html",
        {
            "overdue": [i for i in items if i.overdue],
            "due": [i for i in items if not i.overdue],
            "team": team,
            "is_manager": manages_a_team(viewer),
            "transfers": transfers,
            "closed_holders": closed,
            "visits_due": visits,
            **notifications,
        },
    )


# --- Form steps --------------------------------------------------------------------------------
# Every form page that takes a step on a case is one entry of STEPS (keyed by its url name),
# run by case_step: the case (404 if not visible), what on it the step is about, the
# permission (404), the form; a valid post runs the service and goes on, a refusal is shown
# on the form.

CASES = Place(
    find=policies.access_case, home="context-case", name="case", template="casework/form.html"
)


def signs_off(subject: str) -> Callable[[Worker, ContextCase], bool]:
    """The predicate for a sign-off page: only the manager it was asked of."""

    def allowed(worker: Worker, case: ContextCase) -> bool:
        return policies.can_sign_off(worker, case, subject)

    allowed.__name__ = f"can_sign_off_{subject}"
    return allowed


Decide = Callable[[Worker, ContextCase, bool, str], object]


def _sign_off(
    subject: str, choices: Sequence[tuple[str, str]], decide: Decide, **words: Any
) -> Step:
    """A manager's decision on what was asked of them: the first choice approves, the other
    returns or refuses; ``decide(actor, case, approve, note)`` runs the service."""

    def run(actor: Worker, case: ContextCase, form: SignOffForm) -> object:
        data = form.cleaned_data
        return decide(actor, case, data["outcome"] == "approve", data.get("note", ""))

    return Step(
        button="Save decision",
        form=lambda request, case: SignOffForm(posted(request), choices=choices),
        run=run,
        allowed=signs_off(subject),
        **words,
    )


def _approval(
    subject: str,
    approve: Callable[..., object],
    other: Callable[..., object],
    on: Callable[[ContextCase], dict[str, Any]],
    **words: Any,
) -> Step:
    """A manager approves the assessment or the plan (``approve``), or returns it for more
    work (``other``); the services take the record ``on(case)`` names."""
    what = ApprovalSubject(subject).label.lower()

    def decide(actor: Worker, case: ContextCase, approved: bool, note: str) -> object:
        service = approve if approved else other
        return service(actor=actor, note=note, **on(case))

    choices = [("approve", f"Approve the {what}"), ("return", "Return it for more work")]
    done = f"{what.capitalize()} signed off"
    return _sign_off(subject, choices, decide, heading=f"Sign off the {what}", done=done, **words)


def _managers_form(subject: str) -> Callable[[AuthedRequest, ContextCase], ManagerForm]:
    """Who may be asked to sign off ``subject``: a manager of the case's team, not the asker."""

    def make(request: AuthedRequest, case: ContextCase) -> ManagerForm:
        managers = policies.eligible_managers(case, subject, {request.user.pk})
        return ManagerForm(posted(request), managers=managers)

    return make


def _evidence_form(request: AuthedRequest, case: ContextCase) -> EvidenceForm:
    return EvidenceForm(posted(request), domains=list(selectors.domain_titles(case).items()))


def _conference_form(request: AuthedRequest, case: ContextCase) -> ConferenceScheduleForm:
    conference = selectors.conference_of(case)
    initial: dict[str, Any] = {"location": conference.location}
    if conference.scheduled_for:
        local = timezone.localtime(conference.scheduled_for)
        initial.update(when=local.date(), time=local.time())
    if conference.chair_id:
        initial["chair"] = str(conference.chair_id)
    chairs = selectors.casework_workers()
    return ConferenceScheduleForm(posted(request), initial=initial, chairs=chairs)


def _schedule_conference(actor: Worker, case: ContextCase, form: ConferenceScheduleForm) -> Any:
    data = form.cleaned_data
    when = ConferenceScheduleForm.moment(data)
    conference = selectors.conference_of(case)
    location = data.get("location", "")
    return services.conference_schedule(
        actor=actor, conference=conference, when=when, location=location, chair=form.chosen("chair")
    )


def _record_conference(actor: Worker, conference: Any, form: ConferenceRecordForm) -> Any:
    data = form.cleaned_data
    agreed = data["plan_agreed"] == "yes"
    return services.conference_record(
        actor=actor,
        conference=conference,
        attendees=form.attendees(),
        minutes=data["minutes"],
        decisions=form.decision_lines(),
        plan_agreed=agreed,
        names_confirmed=data.get("names_confirmed", False),
        basis=form.basis(),
    )


def _goal_form(request: AuthedRequest, case: ContextCase) -> GoalForm:
    domains = [(d["key"], d["title"]) for d in selectors.template_domains(case)]
    return GoalForm(posted(request), domains=domains)


def _add_goal(actor: Worker, case: ContextCase, form: GoalForm) -> Any:
    data = form.cleaned_data
    plan = selectors.plan_of(case)
    domain_key = data.get("domain_key", "")
    return services.goal_add(
        actor=actor,
        plan=plan,
        statement=data["statement"],
        measure=data["measure"],
        domain_key=domain_key,
    )


def _action_offers(request: AuthedRequest, case: ContextCase) -> tuple[list[Any], list[Any]]:
    """What a new action may be about: the plan's open goals, and the strengths (each with
    its child's name) of the children it affects whom the viewer sees lastingly (the action
    keeps them after emergency access ends)."""
    affected, goals = selectors.action_choices(selectors.plan_of(case))
    with scopes.lasting_sight_only():
        return goals, build_on_for(request.user, affected)


def _action_form(request: AuthedRequest, case: ContextCase) -> ActionForm:
    goals, strengths = _action_offers(request, case)
    owners = policies.casework_owners()
    return ActionForm(
        posted(request), goals=goals, agencies=all_agencies(), owners=owners, strengths=strengths
    )


def _strengths_named(request: AuthedRequest, case: ContextCase) -> dict[str, Any]:
    """The children the action form names, by the strengths it offers and the protective
    peers they name (for the read)."""
    _goals, strengths = _action_offers(request, case)
    return {"people_shown": people_named_by(strengths)}


def _add_action(actor: Worker, case: ContextCase, form: ActionForm) -> Any:
    data = form.cleaned_data
    builds_on = profile_items(form.strength_ids())
    plan = selectors.plan_of(case)
    return services.action_add(
        actor=actor,
        plan=plan,
        builds_on=builds_on,
        description=data["description"],
        agency=form.chosen("agency"),
        owner=form.chosen("owner"),
        owner_name=data.get("owner_name", ""),
        goal=form.chosen("goal"),
        due_on=data.get("due_on"),
        protective=data.get("protective", ""),
    )


def _update_action(actor: Worker, action: Any, form: ActionUpdateForm) -> Any:
    data = form.cleaned_data
    status, note, due_on = data["status"], data["note"], data.get("due_on")
    return services.action_update(
        actor=actor, action=action, status=status, note=note, due_on=due_on
    )


def _link_child(actor: Worker, case: ContextCase, form: PlanChildForm) -> Any:
    person, episode = selectors.child_chosen(actor, form.cleaned_data["link"])
    plan = selectors.plan_of(case)
    return services.plan_child_add(actor=actor, plan=plan, person=person, episode=episode)


def _record_review(actor: Worker, due: tuple[Any, Any], form: ReviewForm) -> Any:
    data = form.cleaned_data
    review, _goals = due
    return services.review_record(
        actor=actor,
        review=review,
        held_on=data.get("held_on"),
        summary=data["summary"],
        progress=form.progress(),
        decision=data["decision"],
    )


def _closes(form: ReviewForm) -> bool:
    return form.cleaned_data["decision"] != ReviewDecision.CONTINUE


def _after_review(form: ReviewForm) -> str:
    # A review that decided to close or step down goes on to the closure request, for the
    # case's team, who ask for it; its conference's chair goes back to the plan.
    return "context-closure" if _closes(form) and form.asks_to_close else "context-plan"


def _reviewed(form: ReviewForm) -> str:
    if _closes(form) and not form.asks_to_close:
        # The service told the case's team to ask for it (services._ask_team_to_close).
        return (
            "Review recorded. Only the case's team can ask to close the case: they have been "
            "told to ask for it"
        )
    return "Review recorded"


def _closure_evidence(case: ContextCase) -> str:
    """What the manager decides on: the outcome and reason, each domain re-rated (or why
    not), and the outcome against each goal, as the closure request gave them."""
    lines = [f"{case.get_closure_outcome_display()}. {case.closure_reason}"]
    titles = selectors.domain_titles(case)
    ratings = case.closure_ratings or {}
    lines += [f"Re-rated {titles.get(k, k)}: {v}" for k, v in ratings.items()]
    if case.closure_no_rating_reason:
        lines.append(f"Not re-rated: {case.closure_no_rating_reason}")
    outcomes = case.closure_goal_outcomes or {}
    labels = dict(Progress.choices)
    for goal in selectors.plan_goals(case):
        given = outcomes.get(str(goal.pk))
        if given:
            lines.append(f"Goal: {goal.statement}: {labels.get(given['progress'], '')}")
    return "\n".join(lines)


def _closure_form(request: AuthedRequest, case: ContextCase) -> ClosureRequestForm:
    """The closure request, with a rating for each domain assessed and an outcome for each
    goal of the plan (none when there is no plan)."""
    findings, goals = selectors.closure_choices(case)
    managers = policies.eligible_managers(case, ApprovalSubject.CLOSURE, {request.user.pk})
    return ClosureRequestForm(posted(request), findings=findings, goals=goals, managers=managers)


def _ask_to_close(actor: Worker, case: ContextCase, form: ClosureRequestForm) -> Any:
    data = form.cleaned_data
    return services.closure_request(
        actor=actor,
        case=case,
        outcome=data["outcome"],
        reason=data["reason"],
        manager=form.chosen("manager"),
        ratings=form.ratings(),
        no_rating_reason=data.get("no_rating_reason", ""),
        goal_outcomes=form.goal_outcomes(),
    )


def _may_revise(worker: Worker, case: ContextCase) -> bool:
    return case.takes_work and policies.can_work_case(worker, case)


def _threshold_form(request: AuthedRequest, case: ContextCase) -> ThresholdForm:
    levels = selectors.threshold_levels(suggesting=ScreeningDecision.CONTEXT_ASSESSMENT)
    return ThresholdForm(posted(request), levels=levels)


def _reassign_form(request: AuthedRequest, asked: Any) -> ReassignForm:
    """Any other manager who may sign it off (not the one asked, nor who asked, nor the
    worker passing it on)."""
    managers = policies.sign_off_receivers(request.user, asked)
    return ReassignForm(posted(request), managers=managers)


def _assessor_form(request: AuthedRequest, case: ContextCase) -> AssessorForm:
    workers = selectors.team_workers(case)
    return AssessorForm(posted(request), workers=workers, initial={"assessor": case.lead_id})


def _start_assessment(actor: Worker, case: ContextCase, form: AssessorForm) -> Any:
    assessor = form.chosen("assessor")
    return services.assessment_start(
        actor=actor, assessment=selectors.assessment_of(case), assessor=assessor
    )


def _add_evidence(actor: Worker, case: ContextCase, form: EvidenceForm) -> Any:
    data = form.cleaned_data
    assessment, key = selectors.assessment_of(case), data["domain"]
    return services.evidence_add(
        actor=actor, assessment=assessment, domain_key=key, text=data["text"], source=data["source"]
    )


def _records_conference(request: AuthedRequest, conference: Any) -> ConferenceRecordForm:
    workers = selectors.conference_workers(conference.case, conference)
    return ConferenceRecordForm(posted(request), workers=workers)


def _update_form(request: AuthedRequest, action: Any) -> ActionUpdateForm:
    return ActionUpdateForm(posted(request), action=action)


def _give_form(request: AuthedRequest, action: Any) -> GiveActionForm:
    return GiveActionForm(posted(request), owners=policies.action_receivers(action))


def _give_action(actor: Worker, action: Any, form: GiveActionForm) -> Any:
    owner, data = form.chosen("owner"), form.cleaned_data
    return services.action_give(
        actor=actor,
        action=action,
        owner=owner,
        reason=data["reason"],
        understood=data.get("understood", False),
    )


def _give_intro(action: Any) -> str:
    return f"{action.description}. Owned now by {action.owner_text}, {action.agency}."


def _plan_child_form(request: AuthedRequest, case: ContextCase) -> PlanChildForm:
    return PlanChildForm(posted(request), options=selectors.child_options(request.user, case))


def _children_offered(request: AuthedRequest, case: ContextCase) -> dict[str, Any]:
    """The children the link form lists by name (for the read)."""
    return {"people_shown": selectors.child_option_ids(request.user, case)}


def _submit_plan(actor: Worker, case: ContextCase, form: ManagerForm) -> Any:
    plan, manager = selectors.plan_of(case), form.chosen("manager")
    return services.plan_submit(actor=actor, plan=plan, manager=manager)


def _review_form(request: AuthedRequest, due: tuple[Any, Any]) -> ReviewForm:
    review, goals = due
    asks = policies.can_work_case(request.user, review.plan.case)
    return ReviewForm(
        posted(request), goals=goals, asks_to_close=asks, initial={"held_on": clock.today()}
    )


def _review_intro(due: tuple[Any, Any]) -> str:
    review, _goals = due
    return (
        f"Due by {date_format(review.due_on, 'j F Y')}. Record progress against each goal, "
        "then decide whether to continue, step down or close."
    )


def _revise_threshold(actor: Worker, case: ContextCase, form: ThresholdForm) -> Any:
    level, reason = form.chosen("level"), form.cleaned_data["reason"]
    return services.threshold_revise(actor=actor, case=case, level=level, reason=reason)


def _ask_screening(actor: Worker, case: ContextCase, form: ManagerForm) -> Any:
    return services.screening_ask(actor=actor, case=case, manager=form.chosen("manager"))


def _sign_screening(actor: Worker, case: ContextCase, approve: bool, note: str) -> Any:
    return services.screening_sign_off(actor=actor, case=case, approve=approve, note=note)


def _reassign(actor: Worker, asked: Any, form: ReassignForm) -> Any:
    manager, reason = form.chosen("manager"), form.cleaned_data["reason"]
    return services.sign_off_reassign(actor=actor, request=asked, manager=manager, reason=reason)


def _reassign_heading(asked: Any) -> str:
    return f"Ask another manager to sign off the {asked.get_subject_display().lower()}"


def _reassign_intro(asked: Any) -> str:
    return f"Asked of {asked.manager} on {date_format(asked.requested_at, 'j F Y')}."


# Who may take most steps: a worker on the case's team (or its lead). Where a step goes on to.
_WORKS = policies.can_work_case
_ASSESSMENT, _CONFERENCE, _PLAN = "context-assessment", "context-conference", "context-plan"

STEPS: dict[str, Step] = {
    "context-assessment-start": Step(
        "Start the assessment",
        "Start the assessment",
        "Assessment started",
        _assessor_form,
        _start_assessment,
        _WORKS,
        intro="The form follows the assessment template for this kind of context.",
        after=_ASSESSMENT,
    ),
    "context-evidence": Step(
        "Add evidence",
        "Add evidence",
        "Evidence added",
        _evidence_form,
        _add_evidence,
        _WORKS,
        after=_ASSESSMENT,
    ),
    "context-assessment-signoff": _approval(
        ApprovalSubject.ASSESSMENT,
        services.assessment_approve,
        services.assessment_return,
        lambda case: {"assessment": selectors.assessment_of(case)},
    ),
    "context-conference-schedule": Step(
        "Schedule the conference",
        "Save",
        "Conference scheduled",
        _conference_form,
        _schedule_conference,
        _WORKS,
        after=_CONFERENCE,
    ),
    "context-conference-record": Step(
        "Record the conference",
        "Record the conference",
        "Conference recorded",
        _records_conference,
        _record_conference,
        policies.can_record_conference,
        on=selectors.conference_of,
        after=_CONFERENCE,
        back=_CONFERENCE,
        template="casework/conference_record.html",
    ),
    "context-plan-draft": Step(
        "Start the context safeguarding plan",
        "Start the plan",
        "Plan started",
        confirm,
        lambda actor, case, form: services.plan_draft(actor=actor, case=case),
        _WORKS,
        intro="You can draft goals and actions now; a manager approves the plan after the "
        "assessment is approved and a conference has agreed it.",
        after=_PLAN,
    ),
    "context-goal-add": Step(
        "Add a goal", "Add goal", "Goal added", _goal_form, _add_goal, _WORKS, after=_PLAN
    ),
    "context-action-add": Step(
        "Add an action",
        "Add action",
        "Action added",
        _action_form,
        _add_action,
        _WORKS,
        after=_PLAN,
        more=_strengths_named,
    ),
    "context-action-update": Step(
        "Update the action",
        "Save update",
        "Action updated",
        _update_form,
        _update_action,
        policies.can_update_action,
        on=selectors.action_of,
        intro=lambda action: action.description,
        after=_PLAN,
        back=_PLAN,
    ),
    "context-action-give": Step(
        "Give the action to someone else",
        "Give the action",
        "Action given to someone else",
        _give_form,
        _give_action,
        policies.can_give_action,
        on=selectors.action_of,
        intro=_give_intro,
        after=_PLAN,
        back=_PLAN,
    ),
    "context-plan-child": Step(
        "Link a child the plan affects",
        "Link the child",
        "Child linked to the plan",
        _plan_child_form,
        _link_child,
        _WORKS,
        intro="Children linked to the context or on your caseload, whom you can see. Linking "
        "gives nobody sight of the child.",
        after=_PLAN,
        more=_children_offered,
    ),
    "context-plan-submit": Step(
        "Ask a manager to approve the plan",
        "Send for approval",
        "The plan has gone to the manager for approval",
        _managers_form(ApprovalSubject.PLAN),
        _submit_plan,
        _WORKS,
        after=_PLAN,
    ),
    "context-plan-approve": _approval(
        ApprovalSubject.PLAN,
        services.plan_approve,
        services.plan_return,
        lambda case: {"plan": selectors.plan_of(case)},
        after=_PLAN,
    ),
    "context-review": Step(
        "Review the plan",
        "Record the review",
        "Review recorded",
        _review_form,
        _record_review,
        policies.can_review_plan,
        # The review that is due and the goals it reviews; 404 when none is due.
        prepare=selectors.review_due,
        intro=_review_intro,
        after=_after_review,
        back=_PLAN,
        said=_reviewed,
    ),
    "context-threshold": Step(
        "Revise the threshold",
        "Revise the threshold",
        "Threshold revised",
        _threshold_form,
        _revise_threshold,
        _may_revise,
        intro="The level the case is worked at now. The earlier level and your reason stay "
        "in the case's history.",
    ),
    "context-screening-signoff": _sign_off(
        ApprovalSubject.SCREENING,
        [("approve", "Agree the screening decision"), ("return", "Do not agree")],
        _sign_screening,
        heading="Sign off the screening decision",
        done="Screening decision signed off",
    ),
    "context-screening-ask": Step(
        "Ask a manager to sign off the screening decision",
        "Send for sign-off",
        "The screening decision has gone to the manager for sign-off",
        _managers_form(ApprovalSubject.SCREENING),
        _ask_screening,
        _WORKS,
        intro="The screening decision was not agreed. Revise the threshold first if it "
        "should change.",
    ),
    "context-signoff-reassign": Step(
        _reassign_heading,
        "Pass it on",
        "Sign-off passed to another manager",
        _reassign_form,
        _reassign,
        policies.can_reassign_sign_off,
        on=selectors.open_sign_off_of,
        intro=_reassign_intro,
    ),
}

# Closing a case is two steps on one page: asking, then the manager's decision.
CLOSURE_REQUEST = Step(
    "Ask to close the case",
    "Ask to close",
    "Closure sent to the manager for approval",
    _closure_form,
    _ask_to_close,
    _WORKS,
    intro="Each action must be done, or stopped with the reason. Re-rate each domain of "
    "the assessment as the context is now, and record the outcome against each goal.",
)


def _decide_closure(actor: Worker, case: ContextCase, approve: bool, note: str) -> Any:
    service = services.closure_approve if approve else services.closure_refuse
    return service(actor=actor, case=case, note=note)


CLOSURE_DECISION = _sign_off(
    ApprovalSubject.CLOSURE,
    [("approve", "Approve the closure"), ("refuse", "Keep the case open")],
    _decide_closure,
    heading="Decide on closing the case",
    done="Closure decided",
    intro=_closure_evidence,
)


def case_step(request: AuthedRequest, case_id: int, step: str, **ids: Any) -> HttpResponse:
    """The form page of ``STEPS[step]`` on the case (``ids``: the rest of the url)."""
    return take(request, CASES, STEPS[step], case_id, **ids)


def closure(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = policies.access_case(request.user, case_id)
    step = CLOSURE_DECISION if case.status == CaseStatus.CLOSING else CLOSURE_REQUEST
    return take_on(request, CASES, step, case)


# Withdrawing a referral is a step on the referral.
REFERRALS = Place(
    find=policies.access_referral,
    home="context-referral",
    name="referral",
    template="casework/referral_withdraw.html",
)


def _withdraw_form(request: AuthedRequest, referral: Any) -> ReasonForm:
    form = ReasonForm(posted(request))
    form.fields["reason"].label = "Why is the referral withdrawn?"
    return form


def _withdraw(actor: Worker, referral: Any, form: ReasonForm) -> Any:
    reason = form.cleaned_data["reason"]
    return services.referral_withdraw(actor=actor, referral=referral, reason=reason)


WITHDRAW = Step(
    "Withdraw the referral",
    "Withdraw the referral",
    "Referral withdrawn",
    _withdraw_form,
    _withdraw,
    policies.can_withdraw_referral,
    read="withdraw",
)


def referral_withdraw(request: AuthedRequest, referral_id: int) -> HttpResponse:
    return take(request, REFERRALS, WITHDRAW, referral_id)
