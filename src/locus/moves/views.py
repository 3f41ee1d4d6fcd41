"""Pages for managed moves: a child's moves, recording one, the displacement page, and
correcting a move or marking it entered in error."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from locus.access import lookups, policies
from locus.access import moves as rules
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pages import logged_form_step, logged_page, posted, submitted
from locus.moves import selectors, services
from locus.moves.forms import ManagedMoveForm, MoveCorrectionForm, MoveInErrorForm
from locus.moves.models import ManagedMove
from locus.people.models import Person

WINDOW_CHOICES = (3, 6, 12, 24)


def moves_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    moves = selectors.moves_for(request.user, person)
    return logged_page(
        request,
        "moves/list.html",
        about=person,
        detail={"page": "moves", "moves_shown": [row.move.pk for row in moves]},
        context={
            "person": person,
            "moves": moves,
            "can_record": policies.can_record_about_person(request.user, person),
        },
    )


def move_add(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Record a managed move: the page (the child's name, their current school) is a read
    of their record, logged each time it is drawn, after an invalid post too."""
    viewer = request.user
    person = lookups.access_person_to_record(viewer, person_id)
    schools, current, panels = selectors.move_choices(viewer, person)
    form = ManagedMoveForm(
        posted(request),
        initial={"from_school": str(current.school_id) if current else ""},
        schools=schools,
        panels=panels,
    )

    def run() -> ManagedMove:
        return services.managed_move_record(actor=viewer, person=person, **form.values())

    def opened(move: ManagedMove) -> HttpResponse:
        return redirect("person-move", person_id=person.pk, move_id=move.pk)

    return logged_form_step(
        request,
        person,
        form,
        run,
        "Managed move recorded",
        after=opened,
        template="moves/add.html",
        read="move-add",
        # The panels the form offers to cite, by title: meetings' records, read with the child's.
        shown={"panels_shown": [p.pk for p in panels]},
        heading="Record a managed move",
        button="Record the move",
    )


def _found(request: AuthedRequest, person_id: int, move_id: int) -> tuple[Person, ManagedMove]:
    """The child and their move, or 404: a child the viewer may not see, or not their move."""
    person = lookups.access_person(request.user, person_id)
    move = selectors.move_of(person, move_id)
    if move is None:
        raise Http404("Not found")
    return person, move


def displacement_page(request: AuthedRequest, person_id: int, move_id: int) -> HttpResponse:
    """The child's incidents before and after the move, and where: did harm move with them?"""
    person, move = _found(request, person_id, move_id)
    months = selectors.window_months(request.GET.get("months"))
    view = selectors.displacement(request.user, move, months)
    shown = [r.incident.pk for p in (view.before, view.after) for r in p.rows]
    revisions = selectors.revisions_of(move)
    return logged_page(
        request,
        "moves/displacement.html",
        about=person,
        detail={
            "page": "displacement",
            "move": move.pk,
            "months": months,
            "incidents_shown": shown,
            "revisions_shown": [r.pk for r in revisions],
        },
        context={
            "person": person,
            "move": move,
            "d": view,
            "windows": sorted({*WINDOW_CHOICES, months}),
            "panel_visible": selectors.panel_seen(request.user, move),
            "revisions": revisions,
            "can_correct": rules.can_correct_move(request.user, move),
        },
    )


def _change_page(
    request: AuthedRequest,
    person_id: int,
    move_id: int,
    page: str,
    step: Callable[[Person, ManagedMove], HttpResponse],
) -> HttpResponse:
    """A page that changes a move (``page``, its name in the trail): for a viewer who sees the
    move but may not change it, a plain refusal (403) saying who may, logged as a read of the
    child; otherwise ``step``."""
    person, move = _found(request, person_id, move_id)
    if not rules.can_correct_move(request.user, move):
        record_access(
            actor=request.user, obj=person, detail={"page": page, "move": move.pk, "refused": True}
        )
        context = {"person": person, "move": move}
        return render(request, "moves/refused.html", context, status=403)
    return step(person, move)


def _to_move(person: Person, move: ManagedMove) -> HttpResponse:
    return redirect("person-move", person_id=person.pk, move_id=move.pk)


def move_correct(request: AuthedRequest, person_id: int, move_id: int) -> HttpResponse:
    """Correct a move: its fields as they are now, and why; the old values are kept."""
    viewer = request.user

    def step(person: Person, move: ManagedMove) -> HttpResponse:
        schools, panels = selectors.correction_choices(viewer, move)
        form = MoveCorrectionForm(posted(request), move=move, schools=schools, panels=panels)

        def run() -> ManagedMove:
            return services.managed_move_correct(actor=viewer, move=move, **form.values())

        return logged_form_step(
            request,
            person,
            form,
            run,
            "Managed move corrected: the old values are kept",
            after=lambda done: _to_move(person, done),
            template="moves/correct.html",
            read="move-correct",
            shown={"move": move.pk, "panels_shown": [p.pk for p in panels]},
            heading="Correct the managed move",
            button="Save the correction",
            move=move,
        )

    return _change_page(request, person_id, move_id, "move-correct", step)


def move_in_error(request: AuthedRequest, person_id: int, move_id: int) -> HttpResponse:
    """Mark a move entered in error, with why: it stays, struck through."""
    viewer = request.user

    def step(person: Person, move: ManagedMove) -> HttpResponse:
        form = MoveInErrorForm(posted(request))

        def run() -> ManagedMove:
            why = form.cleaned_data["why"]
            return services.managed_move_mark_in_error(actor=viewer, move=move, why=why)

        if submitted(request, form, run, "Managed move marked entered in error"):
            return _to_move(person, move)
        record_access(actor=viewer, obj=person, detail={"page": "move-in-error", "move": move.pk})
        context = {"person": person, "move": move, "form": form}
        return render(request, "moves/in_error.html", context)

    return _change_page(request, person_id, move_id, "move-in-error", step)
