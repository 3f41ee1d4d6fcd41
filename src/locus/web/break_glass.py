"""Break-glass pages: asking for emergency sight, ending it, and its review.

The rules are in ``locus/access/break_glass.py``. The request page looks the
same for an id that exists and one that does not: it names nobody, and the id
is looked at only once a reason has been recorded.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from locus.access import break_glass
from locus.access.models import BreakGlassCategory, BreakGlassOutcome
from locus.access.services import break_glass_review
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.forms import GovukForm, choose_one, text_area
from locus.common.http import AuthedRequest
from locus.common.ids import parse_id
from locus.common.pages import posted, submitted
from locus.sharing.forms import BasisForm, basis_initial
from locus.sharing.services import emergency_end, emergency_open
from locus.sharing.vocab import EMERGENCY
from locus.web.refs import person_of


def _person_of(request: HttpRequest, ref: str) -> int:
    person_id = person_of(request, ref)
    if person_id is None:
        raise Http404("Not found")
    return parse_id(person_id)


def _choose_one(label: str, choices: Any, required: str) -> forms.ChoiceField:
    """A choice that must be made; both forms' selects start on "Choose one"."""
    return choose_one(label, choices, placeholder="Choose one", required=required)


class RequestForm(BasisForm):
    category = _choose_one(
        "Why is this an emergency?", BreakGlassCategory.choices, "Choose why this is an emergency"
    )
    reason = text_area(
        "What is happening, and why do you need this record now?",
        rows=4,
        help_text="Your manager reads this when they review your emergency access.",
    )


class ReviewForm(GovukForm):
    outcome = _choose_one(
        "Was the emergency access justified?",
        BreakGlassOutcome.choices,
        "Choose justified or not justified",
    )
    note = text_area("Note on your decision")


@require_http_methods(["GET", "POST"])
def request_by_id(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Reached from "not found" on a person's page: the worker already had the id."""
    return _request_page(request, parse_id(person_id))


@require_http_methods(["GET", "POST"])
def request_by_ref(request: AuthedRequest, ref: str) -> HttpResponse:
    """Reached from a page that shows "a child not shared with you" (linked cases)."""
    return _request_page(request, _person_of(request, ref))


def _request_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    viewer = request.user
    if not break_glass.may_break_glass(viewer):
        raise Http404("Not found")
    if break_glass.sees_already(viewer, person_id):
        # Already theirs to see (or already opened): nothing to ask, nothing revealed.
        return redirect("person", person_id=person_id)
    form = RequestForm(posted(request), initial=basis_initial(EMERGENCY))

    def run() -> None:
        data = form.cleaned_data
        use = emergency_open(
            actor=viewer,
            person_id=person_id,
            category=data["category"],
            reason=data["reason"],
            basis=form.basis(),
        )
        if use is None:
            # The request is on the record (committed above); the id is no one's.
            raise Http404("Not found")

    if submitted(request, form, run, "Emergency access opened"):
        return redirect("person", person_id=person_id)
    return render(
        request,
        "access/break_glass_request.html",
        {"form": form, "lasts_hours": int(break_glass.LASTS.total_seconds() // 3600)},
    )


@require_POST
def end(request: AuthedRequest, use_id: int) -> HttpResponse:
    use = break_glass.open_use(request.user, use_id)
    emergency_end(actor=request.user, use=use)
    messages.success(request, "Emergency access ended")
    return redirect("break-glass")


def uses_page(request: AuthedRequest) -> HttpResponse:
    """Your own emergency access; a manager's team's to review; every use for the auditor."""
    viewer = request.user
    if not break_glass.can_list_uses(viewer):
        raise Http404("Not found")
    uses, unopened = break_glass.recent_uses(viewer)
    rows, names = break_glass.use_rows(viewer, uses)
    record_access(
        actor=viewer,
        record_type="access.breakglass",
        action=AccessAction.SEARCH,
        detail={
            "shown": [str(u.pk) for u in uses],
            "unopened_requests": [str(e.pk) for e in unopened],
            "people_shown": sorted(names),
            "people_by_id": sorted({u.person_id for u in uses} - set(names)),
        },
    )
    return render(request, "access/break_glass_list.html", {"rows": rows, "unopened": unopened})


@require_http_methods(["GET", "POST"])
def review(request: AuthedRequest, use_id: int) -> HttpResponse:
    use = break_glass.listed_use(request.user, use_id)
    if not break_glass.can_review(request.user, use):
        raise Http404("Not found")
    form = ReviewForm(posted(request))
    if submitted(
        request,
        form,
        lambda: break_glass_review(actor=request.user, use=use, **form.cleaned_data),
        "Review recorded",
    ):
        return redirect("break-glass")
    # Logged on every drawing, a refused decision's too: the page shows the person again.
    record_access(actor=request.user, obj=use, detail={"page": "review"})
    return render(
        request,
        "access/break_glass_review.html",
        {
            "form": form,
            "use": use,
            "person": break_glass.person_seen(request.user, use),
            "back": reverse("break-glass"),
        },
    )
