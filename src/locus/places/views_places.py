"""Adding, editing and merging places, and a place's history.

Each page reads through selectors and writes through one service; a place the worker may
not see (a home, a group) answers 404, as does a refusal (``NotPermitted``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render

from locus.access import lookups
from locus.access import places as access_places
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.pages import created, logged_page, posted, submitted
from locus.common.services import permitted
from locus.places import selectors, services
from locus.places.forms_places import MergeForm, PlaceAddForm, PlaceEditForm, place_initial
from locus.places.models import Context


def _form_page(request: AuthedRequest, form: GovukForm, **context: Any) -> HttpResponse:
    return render(request, "places/form.html", {"form": form, **context})


def _shown_places(request: AuthedRequest, places: list[Context], page: str) -> None:
    # A home's name may be a family's address: a page listing places logs which it showed.
    record_access(
        actor=request.user,
        record_type="places.context",
        action=AccessAction.SEARCH,
        detail={"page": page, "shown": [str(c.pk) for c in places]},
    )


def place_add(request: AuthedRequest) -> HttpResponse:
    permitted(access_places.can_add_place, request.user)
    form = PlaceAddForm(posted(request), agencies=selectors.housing_providers())
    similar: list[Context] = []
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["confirm_new"]:
        similar = selectors.similar_to_new_place(viewer=request.user, fields=form.cleaned_data)
        _shown_places(request, similar, "place-add")

    def add() -> Context:
        return services.context_create(actor=request.user, **form.service_values())

    # A place like others already recorded is added only once the worker says it is new.
    place = None if similar else created(request, form, add, "Place added")
    if place is not None:
        return redirect("context", context_id=place.pk)
    # The places like it, each home's address shown only to who may see it.
    shown = selectors.with_address_shown(viewer=request.user, contexts=similar)
    words = {"heading": "Add a place", "button": "Add the place", "back": "/contexts/"}
    return _form_page(request, form, similar=shown, **words)


def place_edit(request: AuthedRequest, context_id: int) -> HttpResponse:
    context = lookups.access_context(request.user, context_id)
    permitted(access_places.can_edit_place, request.user, context)
    form = PlaceEditForm(
        posted(request),
        initial=place_initial(context),
        context=context,
        agencies=selectors.housing_providers(),
        may_withhold=access_places.can_withhold_address(request.user, context),
    )
    if submitted(
        request,
        form,
        lambda: services.context_update(
            actor=request.user, context=context, **form.service_values()
        ),
        "Place updated",
    ):
        return redirect("context", context_id=context.pk)
    # The form shows all the place records (a home's address and household): each showing
    # is a read of it, as its page is.
    record_access(actor=request.user, obj=context, detail={"page": "place-edit"})
    return _form_page(
        request,
        form,
        heading=f"Edit {context.name}",
        button="Save the changes",
        back=f"/contexts/{context.pk}/",
        place=context,
    )


def place_merge(request: AuthedRequest, context_id: int) -> HttpResponse:
    duplicate = lookups.access_context(request.user, context_id)
    permitted(access_places.can_merge_places, request.user, duplicate, duplicate)
    q = (request.GET.get("q") or "").strip()[:100]
    candidates = selectors.merge_candidates(viewer=request.user, duplicate=duplicate, q=q)
    _shown_places(request, candidates, "place-merge")
    form = MergeForm(posted(request), candidates=candidates)
    kept: list[Context] = []

    def merge() -> None:
        kept.append(form.chosen())
        services.context_merge(
            actor=request.user,
            duplicate=duplicate,
            kept=kept[0],
            reason=form.cleaned_data["reason"],
        )

    if submitted(request, form, merge, f"{duplicate.name} merged"):
        return redirect("context", context_id=kept[0].pk)
    return _form_page(
        request,
        form,
        heading=f"Merge {duplicate.name} into another place",
        intro="Everything recorded at this place (incidents, pupils, residents, cases, notes, "
        "documents) moves to the place kept. This place's page then leads there.",
        button="Merge the places",
        warning=True,
        back=f"/contexts/{duplicate.pk}/",
        place=duplicate,
        search=q,
    )


def place_history(request: AuthedRequest, context_id: int) -> HttpResponse:
    context = lookups.access_context(request.user, context_id, merged=True)
    rows = selectors.place_history(viewer=request.user, context=context)
    merges = selectors.merges_of(viewer=request.user, context=context)
    # The read names the changes listed (their rows in the trail), the merges, and each other
    # place the merges name (one the viewer may not see is "a place you cannot see").
    shown = {
        "changes_shown": [row.event_id for row in rows],
        "merges_shown": [row.merge.pk for row in merges],
        "places_shown": [row.named for row in merges if row.named is not None],
    }
    page = {"context": context, "rows": rows, "merges": merges}
    detail = {"page": "place-history", **shown}
    return logged_page(request, "places/history.html", about=context, detail=detail, context=page)
