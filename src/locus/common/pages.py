"""Form-page plumbing shared by every page that runs a service from a form.

A page parses with a form, calls one service, and on refusal shows the
service's messages: on the fields they name (``ValidationFailed``), or at the
top in plain words (``InvalidTransition``). ``NotPermitted`` is left to the
middleware, which answers 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render

from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.errors import InvalidTransition, ValidationFailed
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest


def posted(request: AuthedRequest) -> Any:
    """The form's data: bound on the method, so a form with no fields still submits."""
    return request.POST if request.method == "POST" else None


def search_term(request: AuthedRequest) -> str:
    """The name searched for on a form page that finds people as it goes: its Find button
    posts the term with the rest of the form, a link carries it in the query string. Cut to
    100 characters, the longest a name is recorded with."""
    return (request.POST.get("q") or request.GET.get("q") or "").strip()[:100]


def people_offered(q: str, people: Iterable[models.Model]) -> dict[str, Any]:
    """What a form page that names people to choose from logs with its read (its
    ``shown``): the people it offers (the read is about them too) and the name searched
    for, when one was; nothing when it offers nobody and nothing was searched."""
    shown = [p.pk for p in people]
    if q:
        return {"people_shown": shown, "q": q}
    return {"people_shown": shown} if shown else {}


def show_refusal(form: GovukForm, error: ValidationFailed | InvalidTransition) -> None:
    """A refused step on the page: on the fields it names, or at the top in plain words."""
    if isinstance(error, ValidationFailed):
        form.add_domain_errors(error)
    else:
        form.add_error(None, str(error))


def submitted(
    request: AuthedRequest,
    form: GovukForm,
    run: Callable[[], Any],
    success: str | Callable[[Any], str],
) -> bool:
    """Run the service for a valid POSTed form; True when it succeeded. ``success`` is the
    message then shown, or makes it from what ``run`` returned."""
    ok = request.method == "POST" and form.is_valid()
    if ok:
        try:
            done = run()
        except (ValidationFailed, InvalidTransition) as error:
            show_refusal(form, error)
            ok = False
        else:
            messages.success(request, success if isinstance(success, str) else success(done))
    return ok


_T = TypeVar("_T")


def _made(
    request: AuthedRequest, form: GovukForm, make: Callable[[], _T], success: str
) -> list[_T]:
    """What ``make`` made, alone in a list; empty when it was not run or was refused (so a
    ``make`` that returns None still counts as having succeeded)."""
    made: list[_T] = []
    submitted(request, form, lambda: made.append(make()), success)
    return made


def created(
    request: AuthedRequest, form: GovukForm, make: Callable[[], _T], success: str
) -> _T | None:
    """Run ``make`` as :func:`submitted` runs a service: what it made, or None when the form
    was not posted, was invalid or was refused (its page is then drawn again)."""
    made = _made(request, form, make, success)
    return made[0] if made else None


def logged_form_step(
    request: AuthedRequest,
    person: models.Model,
    form: GovukForm,
    run: Callable[[], _T],
    success: str,
    *,
    after: str | Callable[[_T], HttpResponse],
    template: str,
    **page: Any,
) -> HttpResponse:
    """A form step on a person's record: ``run`` for a valid POST, then on to ``after`` (the
    url name of one of the person's pages, or what to answer from what ``run`` made).
    Otherwise (not posted, invalid or refused) the form's page, the person on it as
    ``person``, drawn by :func:`logged_form_page` from ``page`` (``heading``, ``button``,
    ``shown``...): the read of the person's record is logged each time the page is drawn,
    an invalid post's page too, as every read is."""
    made = _made(request, form, run, success)
    if not made:
        return logged_form_page(request, template, form, about=person, person=person, **page)
    if isinstance(after, str):
        return redirect(after, person.pk)
    return after(made[0])


def logged_page(
    request: AuthedRequest,
    template: str,
    *,
    about: models.Model,
    detail: dict[str, Any],
    context: dict[str, Any],
    action: AccessAction = AccessAction.VIEW,
) -> HttpResponse:
    """A page reading the record ``about``: the read is logged (a search's when ``action``
    says so) with its ``detail`` (the page's name, the ids it shows), then the page is drawn
    from ``context``."""
    record_access(actor=request.user, obj=about, action=action, detail=detail)
    return render(request, template, context)


def logged_form_page(
    request: AuthedRequest,
    template: str,
    form: GovukForm,
    *,
    about: models.Model,
    heading: str,
    button: str,
    shown: dict[str, Any] | None = None,
    read: str = "",
    **context: Any,
) -> HttpResponse:
    """A form page reading a record ``about``: the read is logged under the page's name
    (``read``, else its heading) with the ids it ``shown`` (if any), then the page is drawn
    with its heading and button."""
    detail = {"page": read or heading, **(shown or {})}
    record_access(actor=request.user, obj=about, detail=detail)
    return form_page(request, template, form, heading=heading, button=button, **context)


# For a form page that shows no record (so logs no read): one place for its context's names.
def form_page(
    request: AuthedRequest,
    template: str,
    form: GovukForm,
    *,
    heading: str,
    button: str,
    **context: Any,
) -> HttpResponse:
    """The page of a form: drawn with its heading and button, and whatever else it shows."""
    page = {"form": form, "heading": heading, "button": button}
    return render(request, template, {**page, **context})
