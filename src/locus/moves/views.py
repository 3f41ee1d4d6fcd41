"""Pages for managed moves: a child's moves, recording one, and the displacement page."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from locus.access import lookups, policies
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pages import logged_form_step, posted
from locus.moves import selectors, services
from locus.moves.forms import ManagedMoveForm
from locus.moves.models import ManagedMove

WINDOW_CHOICES = (3, 6, 12, 24)


def moves_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    moves = selectors.moves_for(request.user, person)
    record_access(
        actor=request.user,
        obj=person,
        detail={"page": "moves", "moves_shown": [row.move.pk for row in moves]},
    )
    return render(
        request,
        "moves/list.html",
        {
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


def displacement_page(request: AuthedRequest, person_id: int, move_id: int) -> HttpResponse:
    """The child's incidents before and after the move, and where: did harm move with them?"""
    person = lookups.access_person(request.user, person_id)
    move = selectors.move_of(person, move_id)
    if move is None:
        raise Http404("Not found")
    months = selectors.window_months(request.GET.get("months"))
    view = selectors.displacement(request.user, move, months)
    shown = [r.incident.pk for p in (view.before, view.after) for r in p.rows]
    record_access(
        actor=request.user,
        obj=person,
        detail={
            "page": "displacement",
            "move": move.pk,
            "months": months,
            "incidents_shown": shown,
        },
    )
    windows = sorted({*WINDOW_CHOICES, months})
    panel_visible = selectors.panel_seen(request.user, move)
    return render(
        request,
        "moves/displacement.html",
        {
            "person": person,
            "move": move,
            "d": view,
            "windows": windows,
            "panel_visible": panel_visible,
        },
    )
