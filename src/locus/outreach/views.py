"""Visit plans and their visits, and a protected home's page.

Each page looks its record up through ``access`` (404 when the viewer may not see it), reads
through ``outreach.selectors`` and logs the read with the ids it shows; each form runs one
service through ``common.pages.submitted``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from locus.access import lookups
from locus.access import outreach as rules
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.forms import GovukForm, ListSearch
from locus.common.http import AuthedRequest
from locus.common.pages import created, form_page, logged_form_page, posted, submitted
from locus.common.pagination import paginate
from locus.common.services import permitted, today
from locus.outreach import selectors, services
from locus.outreach.forms import ConsentForm, EndForm, MissedForm, PlanForm, VisitForm
from locus.outreach.models import Visit, VisitPlan
from locus.places.models import Context

NOTHING_TO_MISS = (
    "No planned visit is left to record as missed: a planned date is recorded as missed once "
    "its day has come, up to 90 days after it, and only while nothing is recorded on it."
)
NO_DAY_TO_RECORD = (
    "Enter the date of the visit: today is not one a visit can be recorded on (the plan's "
    "visits start later or have ended, or a visit today is recorded). A visit is recorded "
    "once its day has come, up to 90 days after it, within the plan's dates."
)


def _asked(request: AuthedRequest) -> dt.date | None:
    """The date a "record" link carries (``?on=``), if it is a date: the forms open on it
    only when they accept it (``selectors.day_to_record``, ``day_to_mark_missed``)."""
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return None


def _opening(
    request: AuthedRequest,
    plan: VisitPlan,
    day_for: Callable[[VisitPlan, dt.date | None], dt.date | None],
    none_left: str,
) -> tuple[dict[str, Any], str]:
    """The date a visit form opens with, one it accepts (``day_for``, given the link's date),
    and its intro: ``none_left`` when there is none. Only on the form's first showing: a
    post carries its own date."""
    if request.method != "GET":
        return {}, ""
    day = day_for(plan, _asked(request))
    return {"on": day}, none_left if day is None else ""


# Years of weekly plans across a borough: the list shows them a page at a time.
PLANS_PER_PAGE = 50


def plans_list(request: AuthedRequest) -> HttpResponse:
    page, paging = paginate(request, selectors.plans_for(request.user), PLANS_PER_PAGE)
    record_access(
        actor=request.user,
        record_type="outreach.visitplan",
        action=AccessAction.SEARCH,
        detail={"page": "visit plans", "shown": [p.pk for p in page]},
    )
    return render(
        request,
        "outreach/list.html",
        {"page": page, "can_plan": rules.plans_some(request.user), **paging},
    )


def plan_new(request: AuthedRequest) -> HttpResponse:
    permitted(rules.plans_some, request.user)
    contexts, workers, agencies = selectors.plan_choices(request.user)
    initial = {"context": request.GET.get("context", ""), "starts_on": today()}
    form = PlanForm(
        posted(request), initial=initial, contexts=contexts, workers=workers, agencies=agencies
    )

    def make() -> VisitPlan:
        data = form.cleaned_data
        return services.visit_plan_create(
            actor=request.user,
            context=form.chosen("context"),
            purpose=data["purpose"],
            weekday=int(data["weekday"]),
            every_weeks=int(data["every_weeks"]),
            start_time=data["start_time"],
            end_time=data["end_time"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            workers=form.all_chosen("workers"),
            agencies=form.all_chosen("agencies"),
            partners=data["partners"],
        )

    plan = created(request, form, make, "Visits planned")
    if plan is not None:
        return redirect("visit-plan", plan.pk)
    return form_page(
        request,
        "outreach/plan_form.html",
        form,
        heading="Plan regular visits",
        button="Plan the visits",
    )


# A weekly plan records fifty visits a year: the page shows the newest few, the rest paged.
VISITS_PER_PAGE = 10


def plan_page(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = rules.access_plan(request.user, plan_id)
    view = selectors.plan_detail(request.user, plan)
    page, paging = paginate(request, view.lines, VISITS_PER_PAGE)
    record_access(
        actor=request.user,
        obj=plan,
        detail={
            "page": "visit plan",
            "visits": [line.visit.pk for line in page],
            "people_shown": selectors.people_shown(page),
            **selectors.records_shown(page),
        },
    )
    return render(request, "outreach/plan.html", {"v": view, "plan": plan, "page": page, **paging})


def _visit_page(
    request: AuthedRequest,
    plan: VisitPlan,
    form: GovukForm,
    heading: str,
    button: str,
    page: str,
    intro: str = "",
    **shown: list[int] | list[str],
) -> HttpResponse:
    """A form on a plan, logged as a read of the plan with the ids of what it offers."""
    record_access(actor=request.user, obj=plan, detail={"page": page, **shown})
    return form_page(
        request,
        "outreach/visit_form.html",
        form,
        heading=heading,
        button=button,
        plan=plan,
        intro=intro,
    )


def _recorded(visit: Visit) -> str:
    """The confirmation of a visit recorded, saying when it was not on a planned date."""
    if not visit.unplanned:
        return "Visit recorded"
    return (
        f"Visit recorded as unplanned: the plan did not plan a visit on {visit.on:%A %-d %B %Y}, "
        "so the planned dates stay due until each is recorded"
    )


def visit_new(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = rules.access_plan(request.user, plan_id)
    permitted(rules.can_record_visit, request.user, plan)
    search = ListSearch(posted(request), "people", "young people")
    people = search.in_query(selectors.nameable_people(request.user, plan), selectors.name_holds)
    incidents, referrals = selectors.links_offered(request.user, plan)
    initial, intro = _opening(request, plan, selectors.day_to_record, NO_DAY_TO_RECORD)
    form = VisitForm(
        posted(request),
        initial={**initial, "start_time": plan.start_time, "end_time": plan.end_time},
        workers=selectors.plan_workers(plan),
        people=people,
        search=search,
        incidents=incidents,
        referrals=referrals,
    )

    def run() -> Visit:
        data = form.cleaned_data
        return services.visit_record(
            actor=request.user,
            plan=plan,
            on=data["on"],
            start_time=data["start_time"],
            end_time=data.get("end_time"),
            went=form.all_chosen("went"),
            went_others=data.get("went_others", ""),
            observed=data["observed"],
            met_count=data["met_count"],
            engaged_count=data["engaged_count"],
            people=form.all_chosen("people") if "people" in form.fields else [],
            concerns=data["concerns"],
            incident=form.chosen("incident"),
            referral=form.chosen("referral"),
            guardians=data.get("guardians", []),
            guardians_note=data.get("guardians_note", ""),
        )

    if submitted(request, form, run, _recorded):
        return redirect("visit-plan", plan.pk)
    return _visit_page(
        request,
        plan,
        form,
        f"Record a visit to {plan.context.name}",
        "Save",
        "record a visit",
        intro=intro,
        **search.logged,
        people_shown=[p.pk for p in people],
        incidents_shown=[i.pk for i in incidents],
        referrals_shown=[r.pk for r in referrals],
    )


def visit_missed(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = rules.access_plan(request.user, plan_id)
    permitted(rules.can_record_visit, request.user, plan)
    initial, intro = _opening(request, plan, selectors.day_to_mark_missed, NOTHING_TO_MISS)
    form = MissedForm(posted(request), initial=initial)

    def run() -> None:
        data = form.cleaned_data
        services.visit_missed(actor=request.user, plan=plan, on=data["on"], reason=data["reason"])

    if submitted(request, form, run, "Missed visit recorded"):
        return redirect("visit-plan", plan.pk)
    heading = f"Record a missed visit to {plan.context.name}"
    return _visit_page(
        request, plan, form, heading, "Record it as missed", "record a missed visit", intro=intro
    )


def plan_end(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = rules.access_plan(request.user, plan_id)
    permitted(rules.can_end_visits, request.user, plan)
    form = EndForm(posted(request), initial={"last_on": today()})

    def run() -> None:
        services.visit_plan_end(actor=request.user, plan=plan, **form.cleaned_data)

    if submitted(request, form, run, "Visits ended"):
        return redirect("visit-plan", plan.pk)
    heading = f"End the visits to {plan.context.name}"
    return _visit_page(request, plan, form, heading, "End the visits", "end the visits")


def _home(request: AuthedRequest, context_id: int) -> Context:
    home = lookups.access_context(request.user, context_id)
    permitted(rules.sees_household, request.user, home)
    return home


def home_page(request: AuthedRequest, context_id: int) -> HttpResponse:
    home = _home(request, context_id)
    view = selectors.home_protection(request.user, home)
    record_access(
        actor=request.user,
        obj=home,
        detail={
            "page": "protecting the home",
            "cases": [c.pk for c in view.cases],
            "consents": [c.pk for c in view.consents],
            "actions": [a.pk for a in view.actions],
        },
    )
    return render(request, "outreach/home.html", {"v": view, "home": home})


def consent_new(request: AuthedRequest, context_id: int) -> HttpResponse:
    home = _home(request, context_id)
    permitted(rules.can_record_consent, request.user, home)
    form = ConsentForm(posted(request), initial={"on": today()})

    def run() -> None:
        services.home_consent_record(actor=request.user, home=home, **form.cleaned_data)

    if submitted(request, form, run, "Consent recorded"):
        return redirect(reverse("protected-home", args=[home.pk]))
    # The form names the home (its name, a protected home's): a read of it, logged each
    # time it is drawn, an invalid post's page too.
    return logged_form_page(
        request,
        "outreach/consent_form.html",
        form,
        about=home,
        read="record the household's consent",
        heading=f"Record the household's consent: {home.name}",
        button="Save",
        home=home,
    )
