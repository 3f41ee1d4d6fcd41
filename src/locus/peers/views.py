from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from locus.access import lookups, policies
from locus.audit.services import record_access
from locus.common.errors import ValidationFailed
from locus.common.http import AuthedRequest
from locus.common.services import permitted
from locus.incidents.selectors import involvement_views
from locus.peers import selectors
from locus.peers.forms import (
    PeerAddForm,
    PeerChangeForm,
    PeerEndForm,
    PeerMapFilterForm,
    PurposeForm,
)
from locus.peers.models import Association, Nature
from locus.peers.services import (
    association_end,
    association_record,
    association_revise,
    peer_map_purpose_record,
)
from locus.people.models import Person


def group_page(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = lookups.access_group(request.user, group_id)
    record_access(actor=request.user, obj=group)
    detail = selectors.group_detail(viewer=request.user, group=group)
    group_map = selectors.group_map(viewer=request.user, detail=detail)
    return render(
        request,
        "peers/group.html",
        {
            "d": detail,
            "group": group,
            "map": group_map,
            "map_elements": {"layout": "fcose", **group_map.elements()},
            "involvements": involvement_views(viewer=request.user, incidents=detail.incidents),
            "can_edit": policies.can_edit_context(request.user, group),
        },
    )


# --- The capture form ----------------------------------------------------------------------


def peers_list(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A young person's peer relationships, current and ended."""
    person = lookups.access_person(request.user, person_id)
    record_access(actor=request.user, obj=person, detail={"page": "peers"})
    return render(
        request,
        "peers/list.html",
        {
            "person": person,
            "d": selectors.peer_relationships(viewer=request.user, person=person),
            "can_record": policies.can_record_about_person(request.user, person),
        },
    )


def _recordable(request: AuthedRequest, person_id: int) -> Person:
    person = lookups.access_person(request.user, person_id)
    permitted(policies.can_record_about_person, request.user, person)
    return person


def _relationship(person: Person, association_id: int) -> Association:
    association = selectors.relationship_of(person=person, association_id=association_id)
    if association is None:
        raise Http404("Not found")
    return association


def _try(form: Any, write: Any) -> bool:
    """Run a service write; on refusal put its messages on the form's fields."""
    try:
        write()
    except ValidationFailed as error:
        form.add_domain_errors(error)
        return False
    return True


def peer_add(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Record a peer of this young person (the peer group information capture form)."""
    person = _recordable(request, person_id)
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()[:100]
    candidates = selectors.peer_candidates(viewer=request.user, person=person, q=q)
    contexts = selectors.context_choices(viewer=request.user, person=person)
    if request.method == "POST":
        form = PeerAddForm(request.POST, candidates=candidates, contexts=contexts)
        if form.is_valid() and _try(
            form,
            lambda: association_record(actor=request.user, person=person, **form.service_values()),
        ):
            messages.success(request, "Peer recorded")
            return redirect("person-peers", person_id=person.pk)
    else:
        record_access(actor=request.user, obj=person, detail={"page": "peer-add"})
        initial = {"other": candidates[0].pk} if len(candidates) == 1 else {}
        form = PeerAddForm(initial=initial, candidates=candidates, contexts=contexts)
    return render(
        request,
        "peers/add.html",
        {"person": person, "form": form, "q": q, "searched": bool(q), "found": len(candidates)},
    )


def peer_change(request: AuthedRequest, person_id: int, association_id: int) -> HttpResponse:
    """Change a relationship from a date: the old record is ended, never overwritten."""
    person = _recordable(request, person_id)
    association = _relationship(person, association_id)
    reverse_side = association.person_id != person.pk
    peer = association.person if reverse_side else association.other
    if peer is not None:
        # Re-recording names the peer: only for a peer the worker may see.
        permitted(policies.can_name_people, request.user, [peer])
    contexts = selectors.context_choices(viewer=request.user, person=person)
    if request.method == "POST":
        form = PeerChangeForm(request.POST, contexts=contexts)
        if form.is_valid() and _try(
            form,
            lambda: association_revise(
                actor=request.user,
                association=association,
                person=person,
                changed_on=form.cleaned_data["valid_from"],
                **form.relationship_values(),
            ),
        ):
            messages.success(request, "Change recorded: the earlier record is kept in history")
            return redirect("person-peers", person_id=person.pk)
    else:
        record_access(
            actor=request.user,
            obj=person,
            detail={"page": "peer-change", "association": association.pk},
        )
        form = PeerChangeForm(
            initial=PeerChangeForm.initial_for(association, reverse=reverse_side), contexts=contexts
        )
    return render(
        request,
        "peers/change.html",
        {
            "person": person,
            "form": form,
            "association": association,
            "peer_label": peer.full_name if peer is not None else association.other_label,
            "unknown_peer": peer is None,
        },
    )


def peer_end(request: AuthedRequest, person_id: int, association_id: int) -> HttpResponse:
    """Say a relationship has ended: it stays on record with its end date."""
    person = _recordable(request, person_id)
    association = _relationship(person, association_id)
    peer = association.person if association.person_id != person.pk else association.other
    if peer is None:
        peer_label = association.other_label
    elif policies.can_view_person(request.user, peer):
        peer_label = peer.full_name
    else:
        peer_label = f"{peer.initials} (not in your scope)"
    if request.method == "POST":
        form = PeerEndForm(request.POST)
        if form.is_valid() and _try(
            form,
            lambda: association_end(
                actor=request.user,
                association=association,
                valid_until=form.cleaned_data["valid_until"],
            ),
        ):
            messages.success(request, "Relationship ended: it stays on record")
            return redirect("person-peers", person_id=person.pk)
    else:
        record_access(
            actor=request.user,
            obj=person,
            detail={"page": "peer-end", "association": association.pk},
        )
        form = PeerEndForm()
    return render(
        request,
        "peers/end.html",
        {"person": person, "form": form, "association": association, "peer_label": peer_label},
    )


# --- The peer map --------------------------------------------------------------------------


def _map_page(
    request: AuthedRequest, person: Person, purpose_form: PurposeForm | None = None
) -> HttpResponse:
    form = PeerMapFilterForm(request.GET or None)
    as_at, natures = form.choices()
    pmap = selectors.peer_map(viewer=request.user, person=person, as_at=as_at, natures=natures)
    # One read, of the child's record, naming who was shown by name and why.
    record_access(
        actor=request.user,
        obj=person,
        purpose=pmap.naming.audit_purpose,
        detail={
            "page": "peer-map",
            "as_at": as_at.isoformat(),
            "natures": natures,
            "named": pmap.named_ids,
        },
    )
    if not form.is_bound:
        form = PeerMapFilterForm(initial={"nature": list(Nature.values), "as_at": as_at})
    if purpose_form is None and not pmap.naming.names_shown:
        purpose_form = PurposeForm()
    return render(
        request,
        "peers/map.html",
        {
            "person": person,
            "m": pmap,
            "form": form,
            "purpose_form": purpose_form,
            "elements": {"layout": "concentric", **pmap.elements()},
            "query": request.GET.urlencode(),
        },
    )


def peer_map_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    return _map_page(request, person)


@require_POST
def peer_map_purpose(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Record why names are needed (safety planning, or a linked case already open)."""
    person = lookups.access_person(request.user, person_id)
    form = PurposeForm(request.POST)
    if form.is_valid() and _try(
        form,
        lambda: peer_map_purpose_record(
            actor=request.user,
            person=person,
            purpose=form.cleaned_data["purpose"],
            reason=form.cleaned_data["reason"],
        ),
    ):
        messages.success(request, "Purpose recorded: peers you can see are now named")
        # Back to the map with the filters the worker had set, and nothing else.
        filters = QueryDict(request.POST.get("query", ""), mutable=True)
        kept = QueryDict(mutable=True)
        kept.setlist("nature", filters.getlist("nature"))
        kept.setlist("as_at", filters.getlist("as_at")[:1])
        url = reverse("peer-map", args=[person.pk])
        return redirect(f"{url}?{kept.urlencode()}" if kept else url)
    return _map_page(request, person, purpose_form=form)
