"""Pages for context casework: thin views over the selectors and services.

A case, referral or action the viewer may not see, and a step they may not
take, answer 404 (``NotPermitted`` becomes one in the middleware). A move the
record's state does not allow is shown at the top of the form in plain words.
Every page that shows a case record logs the read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format

from locus.access import context_cases as policies
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
    CaseworkForm,
    ClosureRequestForm,
    ConferenceRecordForm,
    ConferenceScheduleForm,
    EvidenceForm,
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
from locus.common.pages import posted, submitted
from locus.common.pagination import paginate
from locus.common.services import permitted
from locus.people.selectors import people_chosen
from locus.profiles.selectors import build_on_for, profile_items


def signs_off(subject: str) -> Callable[[Worker, ContextCase], bool]:
    """The predicate for a sign-off page: only the manager it was asked of."""

    def allowed(worker: Worker, case: ContextCase) -> bool:
        return policies.can_sign_off(worker, case, subject)

    allowed.__name__ = f"can_sign_off_{subject}"
    return allowed


def _form_page(
    request: AuthedRequest, case: ContextCase, form: CaseworkForm, heading: str, **extra: Any
) -> HttpResponse:
    if request.method == "GET":
        record_access(actor=request.user, obj=case, detail={"page": heading})
    template = extra.pop("template", "casework/form.html")
    return render(request, template, {"case": case, "form": form, "heading": heading, **extra})


def _case_step(
    request: AuthedRequest,
    case_id: int,
    *,
    allowed: Callable[[Worker, ContextCase], bool],
    form: Callable[[ContextCase], CaseworkForm],
    step: Callable[[ContextCase, Any], Any],
    done: str,
    heading: str,
    back: str = "",
    **extra: Any,
) -> HttpResponse:
    """A form page that moves a case on: 404 unless ``allowed``, then run the service."""
    case = policies.access_case(request.user, case_id)
    permitted(allowed, request.user, case)
    bound = form(case)
    if submitted(request, bound, lambda: step(case, bound), done):
        return redirect(back or "context-case", case_id=case.pk)
    return _form_page(request, case, bound, heading, **extra)


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
                other_contexts=form.chosen_others(),
                children=people_chosen(data["children"]),
                summary=data["summary"],
                received_on=data["received_on"],
                referring_agency=form.chosen("referring_agency"),
                referrer_name=data.get("referrer_name", ""),
                referrer_contact=data.get("referrer_contact", ""),
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
        leads = [w for w in policies.casework_workers() if policies.can_screen(w)]
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
            referral.refresh_from_db()
            if referral.case_id:
                return redirect("context-case", case_id=referral.case_id)
            return redirect("context-referral", referral_id=referral.pk)
    if request.method == "GET":
        record_access(
            actor=viewer,
            obj=referral,
            detail={"people_shown": [c.person_id for c in detail.children]},
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


def referral_withdraw(request: AuthedRequest, referral_id: int) -> HttpResponse:
    viewer = request.user
    referral = policies.access_referral(viewer, referral_id)
    permitted(policies.can_withdraw_referral, viewer, referral)
    form = ReasonForm(posted(request))
    form.fields["reason"].label = "Why is the referral withdrawn?"

    def step() -> None:
        services.referral_withdraw(
            actor=viewer, referral=referral, reason=form.cleaned_data["reason"]
        )

    if submitted(request, form, step, "Referral withdrawn"):
        return redirect("context-referral", referral_id=referral.pk)
    if request.method == "GET":
        record_access(actor=viewer, obj=referral, detail={"page": "withdraw"})
    return render(
        request,
        "casework/referral_withdraw.html",
        {"form": form, "referral": referral, "heading": "Withdraw the referral"},
    )


# --- The case --------------------------------------------------------------------------------


def case_page(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = policies.access_case(request.user, case_id)
    detail = selectors.case_detail(viewer=request.user, case=case)
    record_access(
        actor=request.user,
        obj=case,
        detail={"people_shown": [c.person_id for c in detail.children]},
    )
    return render(request, "casework/case.html", {"d": detail, "case": case})


# --- Assessment ------------------------------------------------------------------------------


def _assessment_of(request: AuthedRequest, case_id: int) -> tuple[ContextCase, Any]:
    case = policies.access_case(request.user, case_id)
    permitted(policies.can_view_assessment, request.user, case)
    assessment = getattr(case, "assessment", None)
    if assessment is None:
        raise Http404("Not found")
    return case, assessment


def assessment_page(request: AuthedRequest, case_id: int) -> HttpResponse:
    viewer = request.user
    case, assessment = _assessment_of(request, case_id)
    editing = assessment.status == AssessmentStatus.IN_PROGRESS and policies.can_work_case(
        viewer, case
    )
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
    if request.method == "GET":
        record_access(actor=viewer, obj=assessment, detail={"case": case.pk})
    return render(
        request,
        "casework/assessment.html",
        {
            "case": case,
            "assessment": assessment,
            "form": form,
            "can_work": policies.can_work_case(viewer, case),
            "can_approve": policies.can_sign_off(viewer, case, ApprovalSubject.ASSESSMENT),
            "sign_off": policies.open_sign_off(case, ApprovalSubject.ASSESSMENT),
            **selectors.assessment_page(case, assessment),
        },
    )


def assessment_start(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _case_step(
        request,
        case_id,
        allowed=policies.can_work_case,
        form=lambda case: AssessorForm(
            posted(request),
            workers=selectors.team_workers(case),
            initial={"assessor": case.lead_id},
        ),
        step=lambda case, form: services.assessment_start(
            actor=request.user, assessment=case.assessment, assessor=form.chosen("assessor")
        ),
        done="Assessment started",
        heading="Start the assessment",
        intro="The form follows the assessment template for this kind of context.",
        button="Start the assessment",
        back="context-assessment",
    )


def evidence_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    def make(case: ContextCase) -> EvidenceForm:
        domains = list(selectors.domain_titles(case).items())
        return EvidenceForm(posted(request), domains=domains)

    return _case_step(
        request,
        case_id,
        allowed=policies.can_work_case,
        form=make,
        step=lambda case, form: services.evidence_add(
            actor=request.user,
            assessment=case.assessment,
            domain_key=form.cleaned_data["domain"],
            text=form.cleaned_data["text"],
            source=form.cleaned_data["source"],
        ),
        done="Evidence added",
        heading="Add evidence",
        button="Add evidence",
        back="context-assessment",
    )


def _sign_off_page(
    request: AuthedRequest,
    case_id: int,
    *,
    subject: str,
    choices: Sequence[tuple[str, str]],
    decide: Callable[[ContextCase, bool, str], Any],
    **extra: Any,
) -> HttpResponse:
    """A manager's decision on what was asked of them: the first choice approves, the other
    returns or refuses; ``decide(case, approve, note)`` runs the service."""
    return _case_step(
        request,
        case_id,
        allowed=signs_off(subject),
        form=lambda case: SignOffForm(posted(request), choices=choices),
        step=lambda case, form: decide(
            case, form.cleaned_data["outcome"] == "approve", form.cleaned_data.get("note", "")
        ),
        button="Save decision",
        **extra,
    )


def assessment_signoff(request: AuthedRequest, case_id: int) -> HttpResponse:
    def decide(case: ContextCase, approve: bool, note: str) -> Any:
        service = services.assessment_approve if approve else services.assessment_return
        return service(actor=request.user, assessment=case.assessment, note=note)

    return _sign_off_page(
        request,
        case_id,
        subject=ApprovalSubject.ASSESSMENT,
        choices=[("approve", "Approve the assessment"), ("return", "Return it for more work")],
        decide=decide,
        done="Assessment signed off",
        heading="Sign off the assessment",
    )


# --- Conference ------------------------------------------------------------------------------


def conference_page(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = policies.access_case(request.user, case_id)
    conference = selectors.conference_of(case)
    attendees = selectors.conference_attendees(conference)
    record_access(actor=request.user, obj=conference, detail={"case": case.pk})
    return render(
        request,
        "casework/conference.html",
        {
            "case": case,
            "conference": conference,
            "attended": [a for a in attendees if a.attendance == "attended"],
            "apologies": [a for a in attendees if a.attendance == "apologies"],
            "decisions": selectors.conference_decisions(conference),
            "warning": selectors.conference_warning(request.user, conference),
            "can_work": policies.can_work_case(request.user, case),
            "can_record": policies.can_record_conference(request.user, conference),
            "can_view_assessment": policies.can_view_assessment(request.user, case),
        },
    )


def conference_schedule(request: AuthedRequest, case_id: int) -> HttpResponse:
    chairs = list(policies.casework_workers())

    def make(case: ContextCase) -> ConferenceScheduleForm:
        conference = selectors.conference_of(case)
        initial: dict[str, Any] = {"location": conference.location}
        if conference.scheduled_for:
            local = timezone.localtime(conference.scheduled_for)
            initial.update(when=local.date(), time=local.time())
        if conference.chair_id:
            initial["chair"] = str(conference.chair_id)
        return ConferenceScheduleForm(posted(request), initial=initial, chairs=chairs)

    def step(case: ContextCase, form: ConferenceScheduleForm) -> Any:
        data = form.cleaned_data
        return services.conference_schedule(
            actor=request.user,
            conference=selectors.conference_of(case),
            when=ConferenceScheduleForm.moment(data),
            location=data.get("location", ""),
            chair=form.chosen("chair"),
        )

    return _case_step(
        request,
        case_id,
        allowed=policies.can_work_case,
        form=make,
        step=step,
        done="Conference scheduled",
        heading="Schedule the conference",
        button="Save",
        back="context-conference",
    )


def conference_record(request: AuthedRequest, case_id: int) -> HttpResponse:
    viewer = request.user
    case = policies.access_case(viewer, case_id)
    conference = selectors.conference_of(case)
    permitted(policies.can_record_conference, viewer, conference)
    form = ConferenceRecordForm(
        posted(request), workers=selectors.conference_workers(case, conference)
    )

    def step() -> None:
        data = form.cleaned_data
        services.conference_record(
            actor=viewer,
            conference=conference,
            attendees=form.attendees(),
            minutes=data["minutes"],
            decisions=form.decision_lines(),
            plan_agreed=data["plan_agreed"] == "yes",
            names_confirmed=data.get("names_confirmed", False),
        )

    if submitted(request, form, step, "Conference recorded"):
        return redirect("context-conference", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        "Record the conference",
        template="casework/conference_record.html",
        button="Record the conference",
        back_url="context-conference",
    )


# --- Plan ------------------------------------------------------------------------------------


def plan_page(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = policies.access_case(request.user, case_id)
    detail = selectors.case_detail(viewer=request.user, case=case)
    if detail.plan is not None:
        record_access(
            actor=request.user,
            obj=detail.plan,
            detail={"people_shown": [c.person_id for c in detail.children]},
        )
    else:
        record_access(actor=request.user, obj=case, detail={"page": "plan"})
    return render(request, "casework/plan.html", {"d": detail, "case": case})


def plan_draft(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _case_step(
        request,
        case_id,
        allowed=policies.can_work_case,
        form=lambda case: CaseworkForm(posted(request)),
        step=lambda case, form: services.plan_draft(actor=request.user, case=case),
        done="Plan started",
        heading="Start the context safeguarding plan",
        intro="You can draft goals and actions now; a manager approves the plan after the "
        "assessment is approved and a conference has agreed it.",
        button="Start the plan",
        back="context-plan",
    )


def goal_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    def make(case: ContextCase) -> GoalForm:
        domains = [(d["key"], d["title"]) for d in selectors.template_domains(case)]
        return GoalForm(posted(request), domains=domains)

    return _case_step(
        request,
        case_id,
        allowed=policies.can_work_case,
        form=make,
        step=lambda case, form: services.goal_add(
            actor=request.user,
            plan=selectors.plan_of(case),
            statement=form.cleaned_data["statement"],
            measure=form.cleaned_data["measure"],
            domain_key=form.cleaned_data.get("domain_key", ""),
        ),
        done="Goal added",
        heading="Add a goal",
        button="Add goal",
        back="context-plan",
    )


def action_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    def make(case: ContextCase) -> ActionForm:
        plan = selectors.plan_of(case)
        affected, goals = selectors.action_choices(plan)
        return ActionForm(
            posted(request),
            goals=goals,
            agencies=all_agencies(),
            owners=policies.casework_workers(),
            strengths=build_on_for(request.user, affected),
        )

    def step(case: ContextCase, form: ActionForm) -> Any:
        data = form.cleaned_data
        ids = form.strength_ids()
        return services.action_add(
            builds_on=profile_items(ids),
            actor=request.user,
            plan=selectors.plan_of(case),
            description=data["description"],
            agency=form.chosen("agency"),
            owner=form.chosen("owner"),
            owner_name=data.get("owner_name", ""),
            goal=form.chosen("goal"),
            due_on=data.get("due_on"),
        )

    return _case_step(
        request,
        case_id,
        allowed=policies.can_work_case,
        form=make,
        step=step,
        done="Action added",
        heading="Add an action",
        button="Add action",
        back="context-plan",
    )


def action_update(request: AuthedRequest, case_id: int, action_id: int) -> HttpResponse:
    viewer = request.user
    case = policies.access_case(viewer, case_id)
    action = selectors.action_of(case, action_id)
    permitted(policies.can_update_action, viewer, action)
    form = ActionUpdateForm(posted(request), action=action)

    def step() -> None:
        data = form.cleaned_data
        services.action_update(
            actor=viewer,
            action=action,
            status=data["status"],
            note=data["note"],
            due_on=data.get("due_on"),
        )

    if submitted(request, form, step, "Action updated"):
        return redirect("context-plan", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        "Update the action",
        intro=action.description,
        button="Save update",
        back_url="context-plan",
    )


def plan_child_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    def step(case: ContextCase, form: PlanChildForm) -> Any:
        person, episode = selectors.child_chosen(request.user, form.cleaned_data["link"])
        return services.plan_child_add(
            actor=request.user, plan=selectors.plan_of(case), person=person, episode=episode
        )

    return _case_step(
        request,
        case_id,
        allowed=policies.can_work_case,
        form=lambda case: PlanChildForm(
            posted(request), options=selectors.child_options(request.user, case)
        ),
        step=step,
        done="Child linked to the plan",
        heading="Link a child the plan affects",
        intro="Children linked to the context or on your caseload, whom you can see. Linking "
        "gives nobody sight of the child.",
        button="Link the child",
        back="context-plan",
    )


def _managers_form(request: AuthedRequest, subject: str) -> Callable[[ContextCase], ManagerForm]:
    def make(case: ContextCase) -> ManagerForm:
        managers = policies.eligible_managers(case, subject, {request.user.pk})
        return ManagerForm(posted(request), managers=managers)

    return make


def plan_submit(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _case_step(
        request,
        case_id,
        allowed=policies.can_work_case,
        form=_managers_form(request, ApprovalSubject.PLAN),
        step=lambda case, form: services.plan_submit(
            actor=request.user, plan=selectors.plan_of(case), manager=form.chosen("manager")
        ),
        done="The plan has gone to the manager for approval",
        heading="Ask a manager to approve the plan",
        button="Send for approval",
        back="context-plan",
    )


def plan_approve(request: AuthedRequest, case_id: int) -> HttpResponse:
    def decide(case: ContextCase, approve: bool, note: str) -> Any:
        service = services.plan_approve if approve else services.plan_return
        return service(actor=request.user, plan=selectors.plan_of(case), note=note)

    return _sign_off_page(
        request,
        case_id,
        subject=ApprovalSubject.PLAN,
        choices=[("approve", "Approve the plan"), ("return", "Return it for more work")],
        decide=decide,
        done="Plan signed off",
        heading="Sign off the plan",
        back="context-plan",
    )


# --- Review and closure ----------------------------------------------------------------------


def review_record(request: AuthedRequest, case_id: int) -> HttpResponse:
    viewer = request.user
    case = policies.access_case(viewer, case_id)
    permitted(policies.can_work_case, viewer, case)
    review, goals = selectors.review_due(case)
    form = ReviewForm(posted(request), goals=goals, initial={"held_on": clock.today()})

    def step() -> None:
        data = form.cleaned_data
        services.review_record(
            actor=viewer,
            review=review,
            held_on=data.get("held_on"),
            summary=data["summary"],
            progress=form.progress(),
            decision=data["decision"],
        )

    if submitted(request, form, step, "Review recorded"):
        if form.cleaned_data["decision"] != ReviewDecision.CONTINUE:
            # The review decided to close or step down: the closure request comes next.
            return redirect("context-closure", case_id=case.pk)
        return redirect("context-plan", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        "Review the plan",
        intro=f"Due by {date_format(review.due_on, 'j F Y')}. Record progress against each "
        "goal, then decide whether to continue, step down or close.",
        button="Record the review",
        back_url="context-plan",
    )


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


def closure(request: AuthedRequest, case_id: int) -> HttpResponse:
    case = policies.access_case(request.user, case_id)
    deciding = case.status == CaseStatus.CLOSING
    if deciding:

        def decide(case: ContextCase, approve: bool, note: str) -> Any:
            service = services.closure_approve if approve else services.closure_refuse
            return service(actor=request.user, case=case, note=note)

        return _sign_off_page(
            request,
            case_id,
            subject=ApprovalSubject.CLOSURE,
            choices=[("approve", "Approve the closure"), ("refuse", "Keep the case open")],
            decide=decide,
            done="Closure decided",
            heading="Decide on closing the case",
            intro=_closure_evidence(case),
        )
    return _case_step(
        request,
        case_id,
        allowed=policies.can_work_case,
        form=lambda c: _closure_form(request, c),
        step=lambda c, form: services.closure_request(
            actor=request.user,
            case=c,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            manager=form.chosen("manager"),
            ratings=form.ratings(),
            no_rating_reason=form.cleaned_data.get("no_rating_reason", ""),
            goal_outcomes=form.goal_outcomes(),
        ),
        done="Closure sent to the manager for approval",
        heading="Ask to close the case",
        intro="Each action must be done, or stopped with the reason. Re-rate each domain of "
        "the assessment as the context is now, and record the outcome against each goal.",
        button="Ask to close",
    )


# --- Threshold and sign-offs -----------------------------------------------------------------


def threshold_revise(request: AuthedRequest, case_id: int) -> HttpResponse:
    levels = selectors.threshold_levels(suggesting=ScreeningDecision.CONTEXT_ASSESSMENT)
    return _case_step(
        request,
        case_id,
        allowed=lambda w, c: c.is_open and policies.can_work_case(w, c),
        form=lambda case: ThresholdForm(posted(request), levels=levels),
        step=lambda case, form: services.threshold_revise(
            actor=request.user,
            case=case,
            level=form.chosen("level"),
            reason=form.cleaned_data["reason"],
        ),
        done="Threshold revised",
        heading="Revise the threshold",
        intro="The level the case is worked at now. The earlier level and your reason stay "
        "in the case's history.",
        button="Revise the threshold",
    )


def screening_signoff(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _sign_off_page(
        request,
        case_id,
        subject=ApprovalSubject.SCREENING,
        choices=[("approve", "Agree the screening decision"), ("return", "Do not agree")],
        decide=lambda case, approve, note: services.screening_sign_off(
            actor=request.user, case=case, approve=approve, note=note
        ),
        done="Screening decision signed off",
        heading="Sign off the screening decision",
    )


def screening_ask(request: AuthedRequest, case_id: int) -> HttpResponse:
    return _case_step(
        request,
        case_id,
        allowed=policies.can_work_case,
        form=_managers_form(request, ApprovalSubject.SCREENING),
        step=lambda case, form: services.screening_ask(
            actor=request.user, case=case, manager=form.chosen("manager")
        ),
        done="The screening decision has gone to the manager for sign-off",
        heading="Ask a manager to sign off the screening decision",
        intro="The screening decision was not agreed. Revise the threshold first if it "
        "should change.",
        button="Send for sign-off",
    )


def sign_off_reassign(request: AuthedRequest, case_id: int, request_id: int) -> HttpResponse:
    viewer = request.user
    case = policies.access_case(viewer, case_id)
    asked = selectors.open_sign_off_of(case, request_id)
    permitted(policies.can_reassign_sign_off, viewer, asked)
    managers = [
        m
        for m in policies.eligible_managers(case, asked.subject, {asked.requested_by_id})
        if m.pk != asked.manager_id
    ]
    form = ReassignForm(posted(request), managers=managers)

    def step() -> None:
        services.sign_off_reassign(
            actor=viewer,
            request=asked,
            manager=form.chosen("manager"),
            reason=form.cleaned_data["reason"],
        )

    if submitted(request, form, step, "Sign-off passed to another manager"):
        return redirect("context-case", case_id=case.pk)
    return _form_page(
        request,
        case,
        form,
        f"Ask another manager to sign off the {asked.get_subject_display().lower()}",
        intro=f"Asked of {asked.manager} on {date_format(asked.requested_at, 'j F Y')}.",
        button="Pass it on",
    )


# --- My work ---------------------------------------------------------------------------------


def my_work(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    team = request.GET.get("who") == "team" and manages_a_team(viewer)
    items = selectors.my_work(viewer=viewer, team=team)
    record_access(
        actor=viewer,
        record_type="casework.contextcase",
        action=AccessAction.SEARCH,
        detail={"via": "my work", "team": team, "items": len(items)},
    )
    return render(
        request,
        "casework/my_work.html",
        {
            "overdue": [i for i in items if i.overdue],
            "due": [i for i in items if not i.overdue],
            "team": team,
            "is_manager": manages_a_team(viewer),
        },
    )
