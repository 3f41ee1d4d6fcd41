"""Form pages that take one step on a record, each described once as data.

A :class:`Step` says who may take it, its form, the service it runs and the page's
words. :func:`take` runs any step of a :class:`Place` (a context case, a mapping
meeting): the record, or 404; the thing on it the step is about; the permission, or 404
(``NotPermitted`` becomes one in the middleware); then the form. A valid post runs the
service (atomic, as every service is), says so and goes on to the record's page; a
refusal is shown on the form (:func:`locus.common.pages.submitted`). The form page logs
the read of the record it shows each time it is drawn, an invalid post's page too
(:func:`locus.common.pages.logged_form_page`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect

from locus.access.models import Worker
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pages import logged_form_page, posted, submitted
from locus.common.services import permitted

# A page's words: fixed, or made from what the step is about (a child's name, a due date).
Words = str | Callable[[Any], str]


def _say(words: Words, subject: Any) -> str:
    return words if isinstance(words, str) else words(subject)


@dataclass(frozen=True)
class Step:
    """One form page: ``form(request, subject)`` is its form, ``run(actor, subject, form)``
    the service a valid post runs, on ``subject`` (the record, or what ``on`` finds on it)."""

    heading: Words
    button: str
    # What the page says once the step is taken (or ``said``, made from the valid form).
    done: Words
    form: Callable[[AuthedRequest, Any], Any]
    run: Callable[[Worker, Any, Any], object]
    allowed: Callable[[Worker, Any], bool]
    intro: Words = ""
    # What on the record the step is about, from the rest of the url: ``on(record, **ids)``.
    on: Callable[..., Any] | None = None
    # What the form and the service need beyond that, found once the permission is checked:
    # from there on (the form, the service, the words) they get ``prepare(subject)`` instead.
    prepare: Callable[[Any], Any] | None = None
    # The url name to go on to after the step (the record's page when blank), or a choice
    # made from the valid form.
    after: str | Callable[[Any], str] = ""
    # The url name the page's back links go to (the template's default when blank).
    back: str = ""
    warning: bool = False
    template: str = ""
    # The page's name in the read's audit record (its heading when blank).
    read: str = ""
    # More for the page, made only when it is shown: template context, and ``people_shown``
    # (the ids of the people the page names), which goes to the audit record instead.
    more: Callable[[AuthedRequest, Any], Mapping[str, Any]] | None = None
    # What the page says once the step is taken, made from the valid form instead of ``done``
    # where it depends on the answer (what a review decided).
    said: Callable[[Any], str] | None = None


def plain(form_class: type[GovukForm]) -> Callable[[AuthedRequest, Any], GovukForm]:
    """The form of a step whose fields need nothing from the record: ``form_class`` itself."""
    return lambda request, subject: form_class(posted(request))


# The form of a step that asks nothing: pressing its button is the answer.
confirm = plain(GovukForm)


@dataclass(frozen=True)
class Place:
    """The record a feature's steps hang off, and how their form pages look."""

    find: Callable[[Worker, int], Any]  # the record the viewer may see, or 404
    home: str  # the url name of the record's page
    name: str  # what the templates call the record
    template: str  # the form page's template


def take(
    request: AuthedRequest, place: Place, step: Step, record_id: int, **ids: Any
) -> HttpResponse:
    """``step`` on the record ``record_id`` of ``place`` (the rest of the url in ``ids``)."""
    return take_on(request, place, step, place.find(request.user, record_id), **ids)


def take_on(
    request: AuthedRequest, place: Place, step: Step, record: Any, **ids: Any
) -> HttpResponse:
    """``step`` on a record already found."""
    subject = step.on(record, **ids) if step.on is not None else record
    permitted(step.allowed, request.user, subject)
    if step.prepare is not None:
        subject = step.prepare(subject)
    form = step.form(request, subject)
    said = step.said
    done = _say(step.done, subject) if said is None else (lambda _made: said(form))
    if submitted(request, form, lambda: step.run(request.user, subject, form), done):
        after = step.after if isinstance(step.after, str) else step.after(form)
        return redirect(after or place.home, record.pk)
    heading = _say(step.heading, subject)
    more = dict(step.more(request, subject)) if step.more is not None else {}
    shown = more.pop("people_shown", None)
    return logged_form_page(
        request,
        step.template or place.template,
        form,
        about=record,
        shown={} if shown is None else {"people_shown": shown},
        heading=heading,
        button=step.button,
        read=step.read,
        **{place.name: record},
        intro=_say(step.intro, subject),
        warning=step.warning,
        back_url=step.back,
        **more,
    )
