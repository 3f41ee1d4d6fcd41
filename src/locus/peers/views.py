from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from locus.access import exports, lookups, naming, policies, scopes
from locus.access import groups as access_groups
from locus.access import places as access_places
from locus.access.models import Worker
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.casework.selectors import context_cases_for
from locus.common import clock
from locus.common.downloads import as_attachment
from locus.common.forms import GovukForm
from locus.common.http import AuthedRequest
from locus.common.ids import parse_ids
from locus.common.pages import (
    logged_form_step,
    people_offered,
    posted,
    search_term,
    submitted,
)
from locus.common.services import permitted
from locus.incidents.views import audited_with_incidents
from locus.peers import maps, selectors
from locus.peers.drawing import drawing
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
from locus.web.refs import people_in

EMERGENCY_PNG = (
    "This map names a child you see only through emergency access or a meeting's share, and "
    "an image would keep their name after it ends: print the map or download it as an SVG "
    "file, which show them by their initials."
)
# A group seen only through a child opened in an emergency: a print would keep it after.
EMERGENCY_GROUP_PRINT = (
    "You see this peer group only through a child you see through emergency access, and a "
    "printed map would keep the group after it ends. The group's members and the "
    "relationships among them are on the group's page while the access lasts."
)


def _png_refused(viewer: Worker, named: list[int]) -> HttpResponse | None:
    """A PNG is made by the browser from the page, which names whom emergency access opened,
    or a meeting shared, while it lasts; the image would keep them after (RULES: no export
    carries them). Refused then, saying why and what serves instead: the map's print and its
    SVG file (a child's or a group's), which show them by initials."""
    if set(named) - exports.still_seen(viewer, named, shared=False):
        return _refused(EMERGENCY_PNG)
    return None


def _refused(why: str) -> HttpResponse:
    """An export refused for emergency access, saying ``why`` (409: the worker may open
    what it is of, but not take it out of Locus while the access lasts)."""
    return HttpResponse(why, status=409, content_type="text/plain; charset=utf-8")


@require_POST
def group_map_export(request: AuthedRequest, group_id: int) -> HttpResponse:
    """The group's map as a PNG: logged, with the members named on it, before it is made;
    refused if it names a child seen only through emergency access."""
    group = lookups.access_group(request.user, group_id)
    detail = selectors.group_detail(viewer=request.user, group=group)
    named = maps.group_map(viewer=request.user, detail=detail).named_ids
    if refused := _png_refused(request.user, named):
        return refused
    record_access(
        actor=request.user,
        obj=group,
        action=AccessAction.EXPORT,
        detail={"page": "group-map png", "named": named},
    )
    return HttpResponse(status=204)


def _expanded(request: AuthedRequest) -> int | None:
    """The sub-group of a large group's map opened (``?expand=N``, no script needed)."""
    expand = request.GET.get("expand", "")
    return int(expand) if expand.isdigit() else None


def group_page(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = lookups.access_group(request.user, group_id)
    detail = selectors.group_detail(viewer=request.user, group=group)
    # A large group is drawn by sub-group; ?expand=N opens sub-group N.
    group_map = maps.group_map(viewer=request.user, detail=detail, expand=_expanded(request))
    # The page names the members the viewer sees and the people in the group's incidents,
    # and lists the memberships, places, incidents and context cases it shows.
    cases = context_cases_for(request.user, group)
    involvements = audited_with_incidents(
        request.user,
        group,
        detail.incidents,
        named={m.membership.person_id for m in detail.members if m.visible},
        shown={**detail.shown(), "cases_shown": [c.pk for c in cases]},
    )
    return render(
        request,
        "peers/group.html",
        {
            "d": detail,
            "group": group,
            "map": group_map,
            "map_elements": {"layout": "preset", "edge_labels": True, **group_map.elements()},
            "map_drawing": drawing(group_map),
            # Seen only through emergency access, the group's map is not printed (it would
            # outlast the emergency): the page says so instead of offering the print.
            "print_url": (
                f"{reverse('group-map-print', args=[group.pk])}?{request.GET.urlencode()}"
                if lookups.sees_group_lastingly(request.user, group)
                else ""
            ),
            "involvements": involvements,
            "can_edit": access_places.can_edit_place(request.user, group),
            # Merge, split and create are for casework staff (access/groups.py).
            "can_regroup": access_groups.can_create_group(request.user),
            # A peer group is a context: the Level 2 cases about it (one query).
            "context_cases": cases,
        },
    )


def group_map_print(request: AuthedRequest, group_id: int) -> HttpResponse:
    """The group's map for a strategy meeting, as a child's map is printed
    (:func:`_printed`): read under lasting sight, so a member seen only through emergency
    access is a person not shared with the viewer, and a group seen only through one is not
    printed at all (409, saying why); logged as an export naming the members on it."""
    group = lookups.access_group(request.user, group_id)
    as_file = _as_file(request)
    if not lookups.sees_group_lastingly(request.user, group):
        return _refused(EMERGENCY_GROUP_PRINT)
    with scopes.lasting_sight_only():
        detail = selectors.group_detail(viewer=request.user, group=group)
        group_map = maps.group_map(viewer=request.user, detail=detail, expand=_expanded(request))
    record_access(
        actor=request.user,
        obj=group,
        action=AccessAction.EXPORT,
        detail={
            "page": "group-map svg" if as_file else "group-map print",
            "named": group_map.named_ids,
        },
    )
    return _printed(
        request,
        group_map,
        title=f"Map of the peer group {group.name}",
        about="Current members and the relationships among them as they stand today.",
        filename="peer-group-map.svg",
        group=group,
    )


def cluster_map_page(request: AuthedRequest) -> HttpResponse:
    """A borough cluster's people as a map (``?person=`` as the cluster page gives them):
    only those the viewer may see are on it, and the read is logged naming them."""
    expand = request.GET.get("expand", "")
    # The page's query carries the children it does not name by a reference of this
    # session (web.refs.group_ref), read back here; its own links carry it on as given.
    given = request.GET.getlist("person")[:CLUSTER_LIMIT]
    person_ids = parse_ids(people_in(request, given), limit=CLUSTER_LIMIT)
    cmap = maps.cluster_map(
        viewer=request.user,
        person_ids=person_ids,
        expand=int(expand) if expand.isdigit() else None,
        query=urlencode([("person", value) for value in given]),
    )
    record_access(
        actor=request.user,
        record_type="people.person",
        detail={"page": "cluster-map", "named": cmap.named_ids},
        people=cmap.named_ids,
    )
    return render(
        request,
        "peers/cluster_map.html",
        {
            "map": cmap,
            "map_elements": {"layout": "preset", **cmap.elements()},
            "map_drawing": drawing(cmap),
        },
    )


# The most people one cluster map draws: a borough cluster is split well below this.
CLUSTER_LIMIT = 500


# --- The capture form ----------------------------------------------------------------------


def peers_list(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A young person's peer relationships, current and ended."""
    person = lookups.access_person(request.user, person_id)
    peers = selectors.peer_relationships(viewer=request.user, person=person)
    record_access(actor=request.user, obj=person, detail={"page": "peers", **peers.shown()})
    return render(
        request,
        "peers/list.html",
        {
            "person": person,
            "d": peers,
            "can_record": policies.can_record_about_person(request.user, person),
        },
    )


def _relationship(person: Person, association_id: int) -> Association:
    association = selectors.relationship_of(person=person, association_id=association_id)
    if association is None:
        raise Http404("Not found")
    return association


def peer_add(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Record a peer of this young person (the peer group information capture form)."""
    person = lookups.access_person_to_record(request.user, person_id)
    q = search_term(request)
    candidates = selectors.peer_candidates(viewer=request.user, person=person, q=q)
    contexts = selectors.context_choices(viewer=request.user, person=person)
    initial = {"other": candidates[0].pk} if len(candidates) == 1 else {}
    form = PeerAddForm(posted(request), initial=initial, candidates=candidates, contexts=contexts)
    return logged_form_step(
        request,
        person,
        form,
        lambda: association_record(actor=request.user, person=person, **form.service_values()),
        "Peer recorded",
        after="person-peers",
        read="peer-add",
        # The search names the children it found: the read is about them too.
        shown=people_offered(q, candidates),
        template="peers/add.html",
        heading="Record a peer",
        button="Record peer",
        q=q,
        searched=bool(q),
        found=len(candidates),
    )


def _changeable(
    request: AuthedRequest, person_id: int, association_id: int
) -> tuple[Person, Association, Person | None]:
    """The child, one of their relationships the worker may change or end (404 otherwise),
    and the peer on its other side (None for a peer described, not known to Locus): one
    record serves both children, so the child may be either its person or its other."""
    person = lookups.access_person_to_record(request.user, person_id)
    association = _relationship(person, association_id)
    permitted(policies.can_change_association, request.user, association)
    peer = association.person if association.person_id != person.pk else association.other
    return person, association, peer


def _association_step(
    request: AuthedRequest,
    person: Person,
    association: Association,
    form: GovukForm,
    run: Callable[[], object],
    success: str,
    **page: Any,
) -> HttpResponse:
    """A form step on one of the child's relationships: ``run`` for a valid POST, then back
    to their peers; otherwise the form with the relationship on it, each read logged with
    the relationship (``page``: the read's name, template, heading, button...)."""
    return logged_form_step(
        request,
        person,
        form,
        run,
        success,
        after="person-peers",
        shown={"association": association.pk},
        association=association,
        **page,
    )


def peer_change(request: AuthedRequest, person_id: int, association_id: int) -> HttpResponse:
    """Change a relationship from a date: the old record is ended, never overwritten."""
    person, association, peer = _changeable(request, person_id, association_id)
    reverse_side = association.person_id != person.pk
    if peer is not None:
        # Re-recording names the peer: only for a peer the worker may see.
        permitted(policies.can_name_people, request.user, [peer])
    contexts = selectors.context_choices(
        viewer=request.user,
        person=person,
        keep=selectors.context_ids(association),
    )
    initial = PeerChangeForm.initial_for(association, reverse=reverse_side)
    form = PeerChangeForm(posted(request), initial=initial, contexts=contexts)
    return _association_step(
        request,
        person,
        association,
        form,
        lambda: association_revise(
            actor=request.user,
            association=association,
            person=person,
            changed_on=form.cleaned_data["valid_from"],
            reason=form.cleaned_data["reason"],
            **form.relationship_values(),
        ),
        "Change recorded: the earlier record is kept in history",
        read="peer-change",
        template="peers/change.html",
        heading="Change the relationship",
        button="Record the change",
        peer_label=peer.full_name if peer is not None else association.other_label,
        unknown_peer=peer is None,
    )


def peer_end(request: AuthedRequest, person_id: int, association_id: int) -> HttpResponse:
    """Say a relationship has ended: it stays on record with its end date."""
    person, association, peer = _changeable(request, person_id, association_id)
    if peer is None:
        peer_label = association.other_label
    else:
        seen = policies.can_view_person(request.user, peer)
        peer_label = naming.person_label(peer, visible=seen, child=False)
    form = PeerEndForm(posted(request))
    return _association_step(
        request,
        person,
        association,
        form,
        # The form's answers are the end date and the reason, as the service takes them.
        lambda: association_end(actor=request.user, association=association, **form.cleaned_data),
        "Relationship ended: it stays on record",
        read="peer-end",
        template="peers/end.html",
        heading="End the relationship",
        button="End the relationship",
        peer_label=peer_label,
    )


# --- The peer map --------------------------------------------------------------------------


def _steps(query: QueryDict) -> int:
    """One step out by default; the second step only when asked for (``steps=2``)."""
    return 2 if query.get("steps") == "2" else 1


def _with_steps(query: QueryDict, steps: int) -> str:
    changed = query.copy()
    changed["steps"] = str(steps)
    return changed.urlencode()


def _read_map(
    request: AuthedRequest, person: Person, *, lasting: bool = False
) -> tuple[PeerMapFilterForm, maps.PeerMap]:
    """The child's peer map for the query's filters, and the filter form (``lasting``: for a
    print, naming no peer seen only through a forum share)."""
    filters = request.GET.copy()
    filters.pop("steps", None)
    form = PeerMapFilterForm(filters or None)
    as_at, natures = form.choices()
    pmap = maps.peer_map(
        viewer=request.user,
        person=person,
        as_at=as_at,
        natures=natures,
        steps=_steps(request.GET),
        lasting=lasting,
    )
    return form, pmap


def _logged(
    request: AuthedRequest, person: Person, pmap: maps.PeerMap, *, page: str, action: AccessAction
) -> None:
    """One read of the child's record naming who was shown by name and why (the page, or
    the image exported from it)."""
    record_access(
        actor=request.user,
        obj=person,
        action=action,
        purpose=pmap.naming.audit_purpose,
        detail={
            "page": page,
            "as_at": pmap.as_at.isoformat(),
            "natures": pmap.natures,
            "steps": pmap.steps,
            "named": pmap.named_ids,
        },
    )


def _logged_map(
    request: AuthedRequest,
    person: Person,
    *,
    page: str,
    action: AccessAction = AccessAction.VIEW,
    lasting: bool = False,
) -> tuple[PeerMapFilterForm, maps.PeerMap]:
    """The child's peer map for the query's filters, read and logged (:func:`_logged`)."""
    form, pmap = _read_map(request, person, lasting=lasting)
    _logged(request, person, pmap, page=page, action=action)
    return form, pmap


def _map_page(
    request: AuthedRequest, person: Person, purpose_form: PurposeForm | None = None
) -> HttpResponse:
    form, pmap = _logged_map(request, person, page="peer-map")
    if not form.is_bound:
        form = PeerMapFilterForm(initial={"nature": list(Nature.values), "as_at": pmap.as_at})
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
            "elements": {"layout": "preset", **pmap.elements()},
            "drawing": drawing(pmap),
            "query": request.GET.urlencode(),
            "other_steps_query": _with_steps(request.GET, 3 - pmap.steps),
        },
    )


def peer_map_page(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = lookups.access_person(request.user, person_id)
    return _map_page(request, person)


@require_POST
def peer_map_export(request: AuthedRequest, person_id: int) -> HttpResponse:
    """The map drawn as a PNG leaves Locus: the browser makes the image only once this has
    logged the export, with the peers named on it (the same filters as the page); refused if
    it names a child seen only through emergency access."""
    person = lookups.access_person(request.user, person_id)
    _, pmap = _read_map(request, person)
    if refused := _png_refused(request.user, pmap.named_ids):
        return refused
    _logged(request, person, pmap, page="peer-map png", action=AccessAction.EXPORT)
    return HttpResponse(status=204)


def peer_map_print(request: AuthedRequest, person_id: int) -> HttpResponse:
    """The child's map for a meeting pack (:func:`_printed`), logged as an export naming who
    was on it."""
    person = lookups.access_person(request.user, person_id)
    as_file = _as_file(request)
    # Printed or saved, the map outlasts emergency access and a meeting's share: it names only
    # whom the worker sees lastingly, and the child printed (whom an emergency may have
    # opened: RULES.md).
    with scopes.lasting_sight_only(printing=person.pk):
        _, pmap = _logged_map(
            request,
            person,
            page="peer-map svg" if as_file else "peer-map print",
            action=AccessAction.EXPORT,
            lasting=True,
        )
    centre = pmap.nodes[0].label
    return _printed(
        request,
        pmap,
        title=f"Peer map of {centre}",
        about=f"As at {pmap.as_at:%-d %B %Y}, "
        f"{'one step' if pmap.steps == 1 else 'two steps'} out.",
        filename=f"peer-map-{person.initials}.svg",
        person=person,
    )


def _as_file(request: AuthedRequest) -> bool:
    return request.GET.get("format") == "svg"


def _printed(
    request: AuthedRequest,
    data: maps.MapData,
    *,
    title: str,
    about: str,
    filename: str,
    **page: Any,
) -> HttpResponse:
    """A map for a meeting pack (a child's, a peer group's), read by the caller under
    lasting sight and logged: drawn by the server with what the viewer may see, headed by
    ``title``, ``about`` (what is on it), the date and who printed it, and a warning; the
    print page (``page``: the ``person`` or ``group`` whose map it is) or, with
    ``format=svg``, the drawing alone as the file ``filename``."""
    as_file = _as_file(request)
    printed = timezone.localtime(clock.now())
    header = [
        title,
        f"{about} Printed {printed:%-d %B %Y %H:%M} by {request.user}.",
        PRINT_WARNING,
    ]
    context = {
        "m": data,
        "drawing": drawing(data, header=header if as_file else None),
        "header": header,
        "label": title,
        "query": request.GET.urlencode(),
        "print_path": request.path,
        "svg_query": _with_format(request.GET),
        **page,
    }
    if as_file:
        response = render(request, "peers/map.svg", context, content_type="image/svg+xml")
        # An SVG may carry script: it is a download only, whatever the name says.
        return as_attachment(response, filename)
    return render(request, "peers/map_print.html", context)


PRINT_WARNING = (
    "Recorded relationships only, as the viewer may see them: not a measure of risk "
    "to or from any child."
)


def _with_format(query: QueryDict) -> str:
    changed = query.copy()
    changed["format"] = "svg"
    return changed.urlencode()


@require_POST
def peer_map_purpose(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Record why names are needed (safety planning, or a linked case already open)."""
    person = lookups.access_person(request.user, person_id)
    form = PurposeForm(request.POST)

    def record() -> None:
        peer_map_purpose_record(
            actor=request.user,
            person=person,
            purpose=form.cleaned_data["purpose"],
            reason=form.cleaned_data["reason"],
        )

    if submitted(request, form, record, "Purpose recorded: peers you can see are now named"):
        return redirect(_map_url(person, request.POST.get("query", "")))
    return _map_page(request, person, purpose_form=form)


def _map_url(person: Person, query: str) -> str:
    """The map, with the filters the worker had set (and nothing else from the query)."""
    given = QueryDict(query)
    kept = QueryDict(mutable=True)
    for name, values in (("nature", given.getlist("nature")), ("as_at", given.getlist("as_at"))):
        if values:
            kept.setlist(name, values if name == "nature" else values[:1])
    url = reverse("peer-map", args=[person.pk])
    return f"{url}?{kept.urlencode()}" if kept else url
