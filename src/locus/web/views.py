from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from locus.access.models import Role
from locus.access.signin import SignInForm
from locus.common.http import AuthedRequest
from locus.incidents.selectors import involvement_views, recent_incidents
from locus.people.selectors import caseload_for, team_case_count, with_fields


class SignInView(LoginView):
    template_name = "web/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def dashboard(request: AuthedRequest) -> HttpResponse:
    caseload = with_fields(request.user, caseload_for(viewer=request.user), seen=True)
    team_cases = team_case_count(viewer=request.user) if request.user.role == Role.MANAGER else None
    incidents = recent_incidents(viewer=request.user, limit=10)
    return render(
        request,
        "web/dashboard.html",
        {
            "caseload": caseload,
            "team_cases": team_cases,
            "incidents": incidents,
            "involvements": involvement_views(viewer=request.user, incidents=incidents),
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/not_found.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Forbidden answers exactly like missing: the page must not confirm a record exists.
    return render(request, "web/not_found.html", status=404)
