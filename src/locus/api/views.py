"""The worker's own API tokens: make one (its secret shown once), list them, revoke one. And
the administrator's list of every worker's live tokens, each revocable with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from locus.access import api as rules
from locus.api import selectors
from locus.api.forms import RevokeForm, TokenForm
from locus.api.services import (
    MAX_LIVE_TOKENS,
    NewToken,
    token_create,
    token_revoke,
    token_revoke_any,
)
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.errors import ValidationFailed
from locus.common.http import AuthedRequest
from locus.common.pages import logged_form_page, posted, show_refusal, submitted
from locus.common.services import permitted
from locus.signin.middleware import SIGNED_IN_AT, wall_clock

#: Why a token is not made in a session signed in too long ago (``rules.FRESH_SIGN_IN``).
SIGN_IN_AGAIN = (
    f"Sign out and sign in again to make a token: a token can be made only within "
    f"{rules.FRESH_SIGN_IN // 60} minutes of signing in"
)


def _signed_in_recently(request: AuthedRequest) -> bool:
    """Whether this session signed in recently enough to make a token (access/api.py)."""
    signed_in_at = request.session.get(SIGNED_IN_AT)
    if signed_in_at is None:
        return False
    return rules.signed_in_recently(wall_clock() - float(signed_in_at))


def _token_made(request: AuthedRequest, form: TokenForm) -> NewToken | None:
    """The token a valid ``form`` asks for, or None with why on the form: this session signed
    in too long ago, or the service refused it."""
    if not _signed_in_recently(request):
        form.add_error(None, SIGN_IN_AGAIN)
        return None
    try:
        return token_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            expires_on=form.cleaned_data["expires_on"],
            basis=form.basis(),
            purpose=form.cleaned_data["share_purpose"],
        )
    except ValidationFailed as error:
        show_refusal(form, error)
        return None


def tokens_page(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(posted(request))
    if request.method == "POST" and form.is_valid():
        made = _token_made(request, form)
        if made is not None:
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
        {
            "form": form,
            "tokens": tokens,
            "works": {t.pk for t in tokens if rules.token_works(t)},
            "most": MAX_LIVE_TOKENS,
            "fresh_minutes": rules.FRESH_SIGN_IN // 60,
        },
    )


@require_POST
def token_revoke_page(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = rules.access_token(request.user, token_id)
    if token.revoked_at is None:
        token_revoke(actor=request.user, token=token)
        messages.success(request, f"Token {token.name} revoked: it no longer works")
    return redirect("api-tokens")


def live_tokens_page(request: AuthedRequest) -> HttpResponse:
    """Every worker's working tokens (never a secret or a hash), for an administrator."""
    permitted(rules.can_revoke_any, request.user)
    tokens = list(selectors.live_tokens())
    record_access(
        actor=request.user,
        record_type="api.apitoken",
        action=AccessAction.SEARCH,
        detail={"page": "live API tokens", "shown": [str(t.pk) for t in tokens]},
    )
    return render(request, "api/live_tokens.html", {"tokens": tokens})


def token_revoke_any_page(request: AuthedRequest, token_id: int) -> HttpResponse:
    """An administrator revokes a worker's live token, saying why; 404 for anyone else."""
    token = rules.access_any_token(request.user, token_id)
    form = RevokeForm(posted(request))

    def run() -> None:
        token_revoke_any(actor=request.user, token=token, reason=form.cleaned_data["reason"])

    if submitted(request, form, run, f"Token {token.prefix} revoked: {token.worker} is told"):
        return redirect("api-tokens-live")
    return logged_form_page(
        request,
        "api/revoke_any.html",
        form,
        about=token,
        heading="Revoke an API token",
        button="Revoke the token",
        warning=True,
        token=token,
    )
