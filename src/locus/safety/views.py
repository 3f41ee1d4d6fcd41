"""Pages of safety mapping: a child's maps and weightings (their history), recording a
session, marking a place, amending a mark, re-weighting the contexts; and the area picture.

Every page finds the child with ``lookups.access_person`` first (404 for a child the
viewer may not see), reads through ``selectors`` and logs the read with the ids shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from locus.access import lookups
from locus.access import safety as rules
from locus.audit.services import record_access
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pages import logged_form_step, posted
from locus.common.services import permitted
from locus.people.models import Person
from locus.safety import selectors, services
from locus.safety.disclosure import THRESHOLD
from locus.safety.forms import AmendForm, MarkForm, SessionForm, WeightingForm
from locus.safety.models import MapSession


def _recorder(request: AuthedRequest, person_id: int) -> Person:
    """The child, for a worker who may record their safety map (404 otherwise)."""
    return lookups.access_person_to_record(request.user, person_id, rule=rules.can_record_safety)


def _form_page(
    request: AuthedRequest,
    person: Person,
    form: GovukForm,
    write: Callable[[], Any],
    success: str,
    *,
    heading: str,
    button: str,
    shown: dict[str, Any] | None = None,
    back: MapSession | None = None,
    then: Callable[[Any], HttpResponse] | None = None,
) -> HttpResponse:
    """A safety form about the child: ``write`` run for a valid POST, then on to ``then`` (from
    what it wrote) or back where the form came from; else the form again, its read logged.

    ``back`` is the session the form belongs to; without one it came from the safety maps."""

    def came_from(_: Any) -> HttpResponse:
        if back is not None:
            return redirect("person-safety-session", person_id=person.pk, session_id=back.pk)
        return redirect("person-safety", person_id=person.pk)

    return logged_form_step(
        request,
        person,
        form,
        write,
        success,
        after=then or came_from,
        template="safety/form.html",
        shown=shown,
        heading=heading,
        button=button,
        back=back,
    )


def history_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    h = selectors.history(request.user, person)
    record_access(actor=request.user, obj=person, detail={"page": "safety maps", **h.shown()})
    return render(
        request,
        "safety/history.html",
        {
            "person": person,
            "h": h,
            "can_record": selectors.can_record(request.user, person),
            "can_view_area": rules.can_view_area(request.user),
        },
    )


def session_add(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _recorder(request, person_id)
    form = SessionForm(posted(request))
    return _form_page(
        request,
        person,
        form,
        lambda: services.session_record(actor=request.user, person=person, **form.cleaned_data),
        "Safety mapping session recorded: now mark the places the child talks about",
        heading="Record a safety mapping session",
        button="Record the session",
        then=lambda session: redirect(
            "person-safety-session", person_id=person.pk, session_id=session.pk
        ),
    )


def session_page(request: AuthedRequest, person_id: int, session_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    view = selectors.session_view(request.user, person, session_id)
    if view is None:
        raise Http404("Not found")
    record_access(actor=request.user, obj=person, detail={"page": "safety map", **view.shown()})
    can_record = selectors.can_record(request.user, person)
    amendable = {
        m.mark.pk for m in view.marks if can_record and rules.amends_as(request.user, m.mark)
    }
    return render(
        request,
        "safety/session.html",
        {"person": person, "s": view, "can_record": can_record, "amendable": amendable},
    )


def mark_add(request: AuthedRequest, person_id: int, session_id: int) -> HttpResponse:
    person = _recorder(request, person_id)
    view = selectors.session_view(request.user, person, session_id)
    if view is None:
        raise Http404("Not found")
    form = MarkForm(posted(request), places=selectors.place_choices(request.user, person))
    return _form_page(
        request,
        person,
        form,
        lambda: services.mark_place(actor=request.user, session=view.session, **form.values()),
        "Place marked",
        shown={"session": view.session.pk},
        heading="Mark a place on the safety map",
        button="Mark the place",
        back=view.session,
    )


def mark_amend(request: AuthedRequest, person_id: int, mark_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    view = selectors.mark_of(request.user, person, mark_id)
    if view is None:
        raise Http404("Not found")
    permitted(rules.can_amend_mark, request.user, view.mark)
    form = AmendForm(posted(request), initial=AmendForm.initial_for(view.mark))
    return _form_page(
        request,
        person,
        form,
        lambda: services.mark_amend(actor=request.user, mark=view.mark, **form.values()),
        "Mark amended",
        shown={"safety_mark": view.mark.pk},
        heading=f"Amend the mark on {view.place}",
        button="Amend the mark",
        back=view.mark.session,
    )


def weighting_add(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _recorder(request, person_id)
    form = WeightingForm(posted(request), places=selectors.place_choices(request.user, person))
    return _form_page(
        request,
        person,
        form,
        lambda: services.weighting_record(actor=request.user, person=person, **form.values()),
        "Context weighting recorded",
        heading="Weight the contexts in the child's life",
        button="Record the weighting",
    )


def area_page(request: AuthedRequest) -> HttpResponse:
    """The area picture: counts only, suppressed; for those ``can_view_area`` allows."""
    permitted(rules.can_view_area, request.user)
    rows = selectors.area_picture(request.user)
    record_access(
        actor=request.user,
        record_type="safety.area",
        detail={
            "page": "safety area picture",
            "contexts_shown": sorted({r.context_id for r in rows if r.context_id is not None}),
            "sectors_shown": sorted({r.place for r in rows if r.context_id is None}),
        },
    )
    return render(
        request,
        "safety/area.html",
        {"rows": rows, "threshold": THRESHOLD, "months": selectors.AREA_MONTHS},
    )
