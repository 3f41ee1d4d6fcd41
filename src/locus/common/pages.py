"""Form-page plumbing shared by every page that runs a service from a form.

A page parses with a form, calls one service, and on refusal shows the
service's messages: on the fields they name (``ValidationFailed``), or at the
top in plain words (``InvalidTransition``). ``NotPermitted`` is left to the
middleware, which answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render

from locus.audit.services import record_access
from locus.common.errors import InvalidTransition, ValidationFailed
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest


def posted(request: AuthedRequest) -> Any:
    """The form's data: bound on the method, so a form with no fields still submits."""
    return request.POST if request.method == "POST" else None


def show_refusal(form: GovukForm, error: ValidationFailed | InvalidTransition) -> None:
    """A refused step on the page: on the fields it names, or at the top in plain words."""
    if isinstance(error, ValidationFailed):
        form.add_domain_errors(error)
    else:
        form.add_error(None, str(error))


def submitted(
    request: AuthedRequest, form: GovukForm, run: Callable[[], Any], success: str
) -> bool:
    """Run the service for a valid POSTed form; True when it succeeded."""
    ok = request.method == "POST" and form.is_valid()
    if ok:
        try:
            run()
        except (ValidationFailed, InvalidTransition) as error:
            show_refusal(form, error)
            ok = False
        else:
            messages.success(request, success)
    return ok


_T = TypeVar("_T")


def created(
    request: AuthedRequest, form: GovukForm, make: Callable[[], _T], success: str
) -> _T | None:
    """Run ``make`` as :func:`submitted` runs a service: what it made, or None when the form
    was not posted, was invalid or was refused (its page is then drawn again)."""
    made: list[_T] = []
    if submitted(request, form, lambda: made.append(make()), success):
        return made[0]
    return None


def logged_form_page(
    request: AuthedRequest,
    template: str,
    form: GovukForm,
    *,
    about: models.Model,
    shown: dict[str, Any],
    heading: str,
    button: str,
    **context: Any,
) -> HttpResponse:
    """A form page reading a record ``about``: the read is logged under the page's heading,
    with the ids it ``shown``, then the page is drawn with its heading and button."""
    record_access(actor=request.user, obj=about, detail={"page": heading, **shown})
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
