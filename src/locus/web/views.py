from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from locus.access import break_glass, policies, provisioning
from locus.access.fields import columns_seen
from locus.access.menu import menu_for
from locus.access.signin import SignInForm
from locus.audit.services import record_access
from locus.casework.selectors import cases_part_of, my_work, work_shown
from locus.common.http import AuthedRequest
from locus.incidents.selectors import involvement_views, recent_incidents, shown_incidents
from locus.mapping.selectors import current_meetings
from locus.panels.selectors import current_panels
from locus.people.selectors import (
    caseload_for,
    identifier_query_count,
    team_case_count,
    with_fields,
)
from locus.web import navigation


class SignInView(LoginView):
    template_name = "web/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def dashboard(request: AuthedRequest) -> HttpResponse:
    if provisioning.awaiting(request.user):
        # Sees no case records until a second person confirms its access: says who may.
        waiting = provisioning.waiting_message(request.user)
        return render(request, "access/access_waiting.html", {"waiting": waiting})
    if navigation.home_lists_work(menu_for(request.user)):
        return _work_home(request)
    caseload = with_fields(request.user, caseload_for(viewer=request.user), seen=True)
    team_cases = (
        team_case_count(viewer=request.user) if policies.manages_a_team(request.user) else None
    )
    incidents = recent_incidents(viewer=request.user, limit=10)
    # Empty (and no query) for anyone who reviews no emergency access.
    to_review = break_glass.awaiting_review_count(request.user)
    answers = policies.answers_identifier_queries(request.user)
    queries = identifier_query_count(viewer=request.user) if answers else 0
    involvements = involvement_views(viewer=request.user, incidents=incidents)
    # The home page names the caseload and the people in recent incidents: a read. A home
    # page that names nobody (an auditor's, a new worker's) is not one: logging it would
    # only bury the reads that matter.
    shown = shown_incidents(involvements)
    people_shown = sorted({p.pk for p in caseload} | set(shown["people_shown"]))
    if people_shown or shown["shown"]:
        record_access(
            actor=request.user,
            record_type="people.person",
            detail={
                "page": "home",
                "incidents_shown": shown["shown"],
                "people_shown": people_shown,
            },
        )
    return render(
        request,
        "web/dashboard.html",
        {
            "caseload": caseload,
            "columns": columns_seen(request.user),  # the caseload's: only what the role sees
            "team_cases": team_cases,
            "break_glass_to_review": to_review,
            "incidents": incidents,
            "identifier_queries": queries,
            "can_reset_second_factor": policies.can_manage_workers(request.user),
            "involvements": involvements,
        },
    )


# How much of their work the home page of a worker given no child lists before "All your work".
HOME_WORK_ITEMS = 10


def _work_home(request: AuthedRequest) -> HttpResponse:
    """The home page of a worker whose place gives them no child (a housing officer, a
    conference chair): built from the work they are given (what is due, the context cases
    they take part in, their meetings and panels), saying why no child is listed, instead of
    an empty caseload and an empty incidents table."""
    viewer = request.user
    work = my_work(viewer=viewer)
    listed = work[:HOME_WORK_ITEMS]
    cases = cases_part_of(viewer=viewer)
    meetings = current_meetings(viewer=viewer)
    panels = current_panels(viewer=viewer)
    shown = {
        "cases_shown": [c.pk for c in cases],
        "meetings_shown": [m.pk for m in meetings],
        "panels_shown": [p.pk for p in panels],
    }
    if work or any(shown.values()):
        record_access(
            actor=viewer,
            record_type="casework.contextcase",
            detail={"page": "home", "items": len(work), "work_shown": work_shown(listed), **shown},
        )
    return render(
        request,
        "web/work_home.html",
        {
            "work": listed,
            "more_work": len(work) > HOME_WORK_ITEMS,
            "cases": cases,
            "meetings": meetings,
            "panels": panels,
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request, "web/not_found.html", {"emergency_url": _emergency_url(request)}, status=404
    )


def _emergency_url(request: HttpRequest) -> str:
    """On a person's page, where to ask for emergency access: offered for any id alike, so
    "not found" stays the same whether or not the record exists."""
    match = request.resolver_match
    user = getattr(request, "user", None)
    if match is None or match.url_name != "person" or user is None or not user.is_authenticated:
        return ""
    if not break_glass.may_break_glass(user):
        return ""
    # Relative to /people/<id>/, so the page does not even echo the id it was asked for.
    return "emergency-access/"


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Forbidden answers exactly like missing: the page must not confirm a record exists.
    return render(request, "web/not_found.html", status=404)
