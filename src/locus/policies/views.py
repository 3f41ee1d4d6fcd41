"""The authority's policies: ``/policies/`` (every worker reads them) and their editing
(administrators only: anyone else is answered "not found")."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from locus.access import sharing as rules
from locus.common.errors import NotPermitted
from locus.common.http import AuthedRequest
from locus.common.pages import form_page, posted, submitted
from locus.policies import selectors
from locus.policies.forms import PolicyForm
from locus.policies.models import PolicyKind, PolicyVersion
from locus.policies.services import policy_edit


def policies_page(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "policies/list.html",
        {
            "entries": selectors.policies(request.user),
            "can_edit": rules.can_edit_policies(request.user),
        },
    )


def _policy(
    request: AuthedRequest,
    which: PolicyKind,
    shown: PolicyVersion | None,
    versions: list[PolicyVersion],
) -> HttpResponse:
    """A policy's page: the version ``shown`` (``None`` before the first is written) and the
    history, newest first."""
    return render(
        request,
        "policies/policy.html",
        {
            "kind": which,
            "shown": shown,
            "versions": versions,
            "latest": not versions or shown == versions[0],
            "can_edit": rules.can_edit_policies(request.user),
        },
    )


def policy_page(request: AuthedRequest, kind: str) -> HttpResponse:
    which = selectors.kind_of(kind)
    versions = selectors.history(request.user, which)
    return _policy(request, which, versions[0] if versions else None, versions)


def version_page(request: AuthedRequest, kind: str, number: int) -> HttpResponse:
    which = selectors.kind_of(kind)
    shown = selectors.version(request.user, which, number)
    return _policy(request, which, shown, selectors.history(request.user, which))


@require_http_methods(["GET", "POST"])
def edit_page(request: AuthedRequest, kind: str) -> HttpResponse:
    if not rules.can_edit_policies(request.user):
        raise NotPermitted("not found")
    which = selectors.kind_of(kind)
    versions = selectors.history(request.user, which)
    latest = versions[0] if versions else None
    initial = {"title": latest.title, "text": latest.text} if latest else {"title": which.label}
    form = PolicyForm(posted(request), initial=initial)

    def run() -> None:
        policy_edit(actor=request.user, kind=which, **form.cleaned_data)

    if submitted(request, form, run, f"{which.label}: new version saved"):
        return redirect("policy", kind=which.value)
    return form_page(
        request,
        "policies/edit.html",
        form,
        heading=f"Edit the {which.label.lower()}",
        button="Save as a new version",
        kind=which,
    )
