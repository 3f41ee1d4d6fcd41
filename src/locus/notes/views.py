"""Pages for case notes and chronologies: on a child, a context case or a peer group.

Each page looks up its record through ``access/notes.py`` first (404 for what the
worker may not see), reads through the selectors, and logs what it showed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render

from locus.access import notes as rules
from locus.access import scopes
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common import clock
from locus.common.forms import ListSearch
from locus.common.http import AuthedRequest
from locus.common.pages import created, logged_page, posted, submitted
from locus.common.pagination import paginate
from locus.common.services import permitted
from locus.notes import selectors, services
from locus.notes.forms import ChronologyFilterForm, CorrectionForm, InErrorForm, NoteForm
from locus.people.models import Person

PER_PAGE = 25


def _filters(request: AuthedRequest, kind: str) -> tuple[ChronologyFilterForm, selectors.Filters]:
    """The chronology's filters from the query; unfiltered while they have errors."""
    kinds = selectors.KINDS_FOR[kind]
    form = ChronologyFilterForm(
        request.GET or None, kinds=[(k, selectors.EVENT_LABELS[k]) for k in kinds]
    )
    filters = selectors.Filters(kinds=kinds)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            kinds=data["kinds"] or kinds,
            start=data["start"],
            end=data["end"],
            newest_first=data["order"] == "newest",
        )
    return form, filters


EMERGENCY_PRINT = (
    "You see this record only through a child you see through emergency access, and a "
    "printed chronology would keep it after the access ends. Its chronology is on its page "
    "while the access lasts."
)


def _chronology(request: AuthedRequest, kind: str, subject_id: int, *, printing: bool) -> Any:
    viewer = request.user
    subject = rules.access_subject(viewer, kind, subject_id)
    can_print = rules.can_print_chronology(viewer, subject)
    if printing and not can_print:
        return HttpResponse(EMERGENCY_PRINT, status=409, content_type="text/plain; charset=utf-8")
    form, filters = _filters(request, kind)
    if printing:
        # A print outlasts emergency access: it names only whom the worker sees lastingly,
        # and the child printed (whom an emergency may have opened: RULES.md).
        child = subject.pk if kind == "person" else None
        with scopes.lasting_sight_only(printing=child):
            chronology = selectors.chronology(viewer, subject, filters)
    else:
        chronology = selectors.chronology(viewer, subject, filters)
    context: dict[str, Any] = {
        "subject": subject,
        "kind": kind,
        "name": selectors.subject_name(viewer, subject),
        "subject_url": selectors.subject_url(subject),
        "form": form,
        "filters": filters,
        "filter_labels": [selectors.EVENT_LABELS[k] for k in chronology.kinds],
        "all_kinds": chronology.kinds == selectors.KINDS_FOR[kind],
        "can_print": can_print,
    }
    if printing:
        rows = chronology.events
        context.update(printed_by=viewer, printed_at=clock.now())
    else:
        page, params = paginate(request, chronology.events, PER_PAGE)
        rows = list(page.object_list)
        context.update(page=page, query=params["query"])
        context["can_write"] = rules.can_write_note_on(viewer, subject)
    record_access(
        actor=viewer,
        obj=subject,
        action=AccessAction.EXPORT if printing else AccessAction.VIEW,
        detail={
            "page": "chronology-print" if printing else "chronology",
            "kinds": chronology.kinds,
            "start": filters.start.isoformat() if filters.start else "",
            "end": filters.end.isoformat() if filters.end else "",
            "events_shown": chronology.shown_ids(rows),
            "people_shown": sorted(chronology.people_shown),
        },
    )
    context["rows"] = rows
    template = "notes/chronology_print.html" if printing else "notes/chronology.html"
    return render(request, template, context)


def chronology_page(request: AuthedRequest, kind: str, subject_id: int) -> HttpResponse:
    return _chronology(request, kind, subject_id, printing=False)


def chronology_print(request: AuthedRequest, kind: str, subject_id: int) -> HttpResponse:
    """The chronology as filtered, whole, for printing: who printed it and when is on the
    page, and the print is logged as an export."""
    return _chronology(request, kind, subject_id, printing=True)


def _searchable_name(person: Person) -> str:
    """What a search of the children a note may name looks in: their names."""
    return f"{person.full_name} {person.known_as}"


def note_add(request: AuthedRequest, kind: str, subject_id: int) -> HttpResponse:
    viewer = request.user
    subject = rules.access_subject(viewer, kind, subject_id)
    permitted(rules.can_write_note_on, viewer, subject)
    search = ListSearch(posted(request), "children", "children")
    children = search.among(selectors.namable_children(viewer, subject), _searchable_name)
    form = NoteForm(
        posted(request),
        children=children,
        search=search,
        workers=selectors.present_worker_choices(),
    )
    note = created(
        request,
        form,
        lambda: services.note_record(actor=viewer, subject=subject, **form.values()),
        "Case note recorded",
    )
    if note is not None:
        return redirect("note", note_id=note.pk)
    # Drawn (first, or again after an invalid post): a read of the subject and of the
    # children the form names, logged each time.
    return logged_page(
        request,
        "notes/add.html",
        about=subject,
        detail={
            "page": "note-add",
            **search.logged,
            "people_shown": [p.pk for p in children],
        },
        context={
            "subject": subject,
            "kind": kind,
            "name": selectors.subject_name(viewer, subject),
            "form": form,
        },
    )


def note_page(request: AuthedRequest, note_id: int) -> HttpResponse:
    viewer = request.user
    note = rules.access_note(viewer, note_id)
    view = selectors.note_view(viewer, note)
    record_access(
        actor=viewer,
        obj=note,
        detail={
            "page": "note",
            "people_shown": view.people_shown,
            "revisions_shown": [r.pk for r in view.revisions],
        },
    )
    subject = rules.subject_of(note)
    return render(
        request,
        "notes/note.html",
        {
            "v": view,
            "note": note,
            "subject": subject,
            "kind": selectors.subject_kind(subject),
            "name": selectors.subject_name(viewer, subject),
            "subject_url": selectors.subject_url(subject),
        },
    )


def note_correct(request: AuthedRequest, note_id: int) -> HttpResponse:
    viewer = request.user
    note = rules.access_note(viewer, note_id)
    permitted(rules.can_correct_note, viewer, note)
    form = CorrectionForm(posted(request), initial=CorrectionForm.initial_for(note))

    def run() -> None:
        services.note_correct(actor=viewer, note=note, **form.values())

    if submitted(request, form, run, "Case note corrected: the old wording is kept"):
        return redirect("note", note_id=note.pk)
    record_access(actor=viewer, obj=note, detail={"page": "note-correct"})
    return render(request, "notes/correct.html", {"note": note, "form": form})


def note_in_error(request: AuthedRequest, note_id: int) -> HttpResponse:
    viewer = request.user
    note = rules.access_note(viewer, note_id)
    permitted(rules.can_correct_note, viewer, note)
    form = InErrorForm(posted(request))

    def run() -> None:
        services.note_mark_in_error(actor=viewer, note=note, reason=form.cleaned_data["reason"])

    if submitted(request, form, run, "Case note marked entered in error"):
        return redirect("note", note_id=note.pk)
    record_access(actor=viewer, obj=note, detail={"page": "note-in-error"})
    return render(request, "notes/in_error.html", {"note": note, "form": form})
