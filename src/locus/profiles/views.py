"""Pages of the aspirational profile: the profile with its history, and add, change, end.

The young person's page shows the current profile beside the risks (the include
``profiles/_person_profile.html``); these pages hold the history and the forms.
Every page reads the child's record, so every page view is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render

from locus.access import lookups
from locus.audit.services import record_access
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.modelkit import choice_values
from locus.common.pages import logged_form_step, people_offered, posted, search_term
from locus.common.services import today
from locus.peers.selectors import context_choices, peer_candidates
from locus.people.models import Person, PersonKind
from locus.profiles import selectors, services
from locus.profiles.forms import ProfileChangeForm, ProfileEndForm, ProfileItemForm
from locus.profiles.models import ProfileItem, ProfileKind


def profile_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    profile = selectors.profile_for(request.user, person)
    # The page names protective peers (other children) in full: the read is about them too
    # (``peers_shown``). It names each item and the places they name too.
    record_access(actor=request.user, obj=person, detail={"page": "profile", **profile.shown()})
    return render(request, "profiles/page.html", {"person": person, "profile": profile})


def _item(person: Person, item_id: int) -> ProfileItem:
    item = selectors.item_of(person, item_id)
    if item is None:
        raise Http404("Not found")
    item.person = person
    return item


def item_add(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Add a strength; ``?kind=`` chooses the kind, ``?q=`` finds a peer by name."""
    viewer = request.user
    person = lookups.access_person_to_record(request.user, person_id)
    q = search_term(request)
    found = [
        p
        for p in peer_candidates(viewer=viewer, person=person, q=q)
        if p.kind == PersonKind.YOUNG_PERSON
    ]
    peers = selectors.peer_choices(viewer=viewer, person=person, keep=[p.pk for p in found])
    kind = request.GET.get("kind", "")
    initial = {
        "kind": kind if kind in choice_values(ProfileKind) else "",
        "recorded_on": today(),
        "peer": str(found[0].pk) if len(found) == 1 else "",
    }
    form = ProfileItemForm(
        posted(request),
        initial=initial,
        peers=peers,
        places=context_choices(viewer=viewer, person=person),
    )
    return logged_form_step(
        request,
        person,
        form,
        lambda: services.profile_item_add(actor=viewer, person=person, **form.values()),
        "Added to the profile",
        after="person-profile",
        template="profiles/form.html",
        read="profile-add",
        # The peer picker names the child's associates and the search's finds: the read is
        # about them too.
        shown=people_offered(q, peers),
        heading="Add to the profile",
        button="Add to the profile",
        searchable=True,
        q=q,
        searched=bool(q),
        found=len(found),
    )


def _item_step(request: AuthedRequest, person_id: int, item_id: int) -> tuple[Person, ProfileItem]:
    person = lookups.access_person_to_record(request.user, person_id)
    return person, _item(person, item_id)


def _item_form(
    request: AuthedRequest,
    person: Person,
    item: ProfileItem,
    form: GovukForm,
    write: Callable[[], object],
    page: str,
    *,
    done: str,
    **texts: Any,
) -> HttpResponse:
    """A form about one item, shown with the item's row; a read of it is logged as ``page``,
    with the protective peer the row names (if any) among the people it showed."""
    row = selectors.profile_row(request.user, item)
    shown: dict[str, Any] = {"item": item.pk}
    if row.peers_named:
        shown["people_shown"] = row.peers_named
    return logged_form_step(
        request,
        person,
        form,
        write,
        done,
        after="person-profile",
        template="profiles/form.html",
        read=page,
        shown=shown,
        row=row,
        **texts,
    )


def item_change(request: AuthedRequest, person_id: int, item_id: int) -> HttpResponse:
    """New words from a date: the old item ends that day and stays in the history."""
    person, item = _item_step(request, person_id, item_id)
    initial = {
        "text": item.text,
        "own_words": "yes" if item.own_words else "no",
        "changed_on": today(),
    }
    form = ProfileChangeForm(posted(request), initial=initial)
    return _item_form(
        request,
        person,
        item,
        form,
        lambda: services.profile_item_change(
            actor=request.user,
            item=item,
            changed_on=form.cleaned_data["changed_on"],
            **form.words(),
        ),
        "profile-change",
        done="Change recorded: the earlier words are kept in the history",
        heading=f"Change a {item.kind_singular}",
        button="Save the change",
        intro="The earlier words stay in the profile's history, with the date they changed.",
    )


def item_end(request: AuthedRequest, person_id: int, item_id: int) -> HttpResponse:
    person, item = _item_step(request, person_id, item_id)
    form = ProfileEndForm(posted(request), initial={"ended_on": today()})
    # The form's answers are the end date and the reason, as the service takes them.
    return _item_form(
        request,
        person,
        item,
        form,
        lambda: services.profile_item_end(actor=request.user, item=item, **form.cleaned_data),
        "profile-end",
        done="Ended: it stays in the profile's history",
        heading=f"End a {item.kind_singular}",
        button="End it",
        intro="It stays in the profile's history with the date it ended. Nothing is deleted.",
    )
