"""The worker's own API tokens: make one (its secret shown once), list them, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from locus.access import api as rules
from locus.api import selectors
from locus.api.forms import TokenForm
from locus.api.services import NewToken, token_create, token_revoke
from locus.audit.services import record_access
from locus.common.errors import ValidationFailed
from locus.common.http import AuthedRequest
from locus.common.pages import posted, show_refusal


def tokens_page(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            made: NewToken = token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                expires_on=form.cleaned_data["expires_on"],
                basis=form.basis(),
                purpose=form.cleaned_data["share_purpose"],
            )
        except ValidationFailed as error:
            show_refusal(form, error)
        else:
            # Shown on this response only, never stored: a reload shows it no more.
            return render(request, "api/token_made.html", {"made": made})
    tokens = list(selectors.tokens_of(request.user))
    record_access(
        actor=request.user,
        record_type="api.apitoken",
        detail={"shown": [str(t.pk) for t in tokens]},
    )
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "works": {t.pk for t in tokens if rules.token_works(t)}},
    )


@require_POST
def token_revoke_page(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = rules.access_token(request.user, token_id)
    if token.revoked_at is None:
        token_revoke(actor=request.user, token=token)
        messages.success(request, f"Token {token.name} revoked: it no longer works")
    return redirect("api-tokens")
