"""The API's read endpoints (docs/api.md). Each reads through the same lookup and selectors
as the page it mirrors, with the caller as viewer, and logs the read as that page does, with
the ids returned and ``"via": "api"``. An endpoint adds no rule of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router

from locus.access import context_cases as case_rules
from locus.access import forum, lookups, naming, scopes
from locus.access.fields import PersonField, is_shared_only
from locus.api import schemas as s
from locus.api.auth import caller, token_prefix
from locus.api.errors import ERRORS, BadQuery
from locus.api.selectors import with_homes, with_open_statuses
from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.casework.models import CaseStatus
from locus.casework.selectors import case_detail, cases_for
from locus.common.services import today
from locus.incidents.models import IncidentKind
from locus.incidents.selectors import (
    incident_for,
    incidents_for,
    involvement_views,
    shown_incidents,
)
from locus.linked import selectors as linked
from locus.linked.forms import MAX_WINDOW_DAYS, CaseloadLinksForm
from locus.peers import maps
from locus.peers.models import Nature
from locus.peers.selectors import PeerRow, group_detail, peer_relationships
from locus.people import selectors as people
from locus.people.models import LegalStatus, Person, PersonKind
from locus.places import selectors as places
from locus.places.models import Context, ContextKind
from locus.rectification.selectors import disputed_person_ids

router = Router()

MAX_LIMIT = 100
DEFAULT_LIMIT = 25
# Far past any list's end; a bound keeps the database's OFFSET within its integer.
MAX_OFFSET = 1_000_000
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
OFFSET = Query(0, ge=0, le=MAX_OFFSET)
NATURES = Query([], description="protective, risk, unclear (default: all)")
SINCE = Query(None, description="On or after this day (YYYY-MM-DD)")
UNTIL = Query(None, description="On or before this day (YYYY-MM-DD)")


# --- Paging and the audit ------------------------------------------------------------------


def _link(request: HttpRequest, offset: int | None) -> str | None:
    if offset is None:
        return None
    query = request.GET.copy()
    query["offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _page(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], limit: int, offset: int
) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``items`` and its counts and links."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    rows = list(items[offset : offset + limit])
    after = offset + limit if offset + limit < count else None
    before = max(offset - limit, 0) if offset > 0 else None
    return rows, {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": _link(request, after),
        "previous": _link(request, before),
    }


def _audit(request: HttpRequest, **kwargs: Any) -> None:
    """The page's own read record, marked as made through the API with which token."""
    detail = {**kwargs.pop("detail", {}), "via": "api", "token": token_prefix(request)}
    record_access(actor=caller(request), detail=detail, **kwargs)


def _searched(request: HttpRequest, record_type: str, detail: dict[str, Any]) -> None:
    """A list's read record: a search of ``record_type``, with what was asked and shown."""
    _audit(request, record_type=record_type, action=AccessAction.SEARCH, detail=detail)


def _text(value: str, field: str) -> str:
    """A search text as a page's form takes it: stripped, and no NUL character (which
    PostgreSQL cannot hold; Django's forms refuse it likewise)."""
    if "\x00" in value:
        raise BadQuery(field, f"{field} must not contain null characters")
    return value.strip()


def _choice(value: str, allowed: Sequence[str], field: str) -> str:
    if value and value not in allowed:
        raise BadQuery(field, f"{field} must be one of: {', '.join(allowed)}")
    return value


# --- Shapes --------------------------------------------------------------------------------


def _holder(allocation: Any) -> dict[str, Any]:
    team = allocation.team
    return {
        "worker": str(allocation.worker),
        "team": team.name if team else None,
        "agency": team.agency.name if team else None,
    }


def _person(person: Person, holders: Sequence[Any], disputed: set[int]) -> dict[str, Any]:
    """``person`` as ``people_tags.person_field`` shows them: each field only if visible;
    ``disputed``: the people among those answered whose record's accuracy they dispute."""
    f = people.visible_fields(person)

    def shown(field: str, value: Any) -> Any:
        return value if field in f else None

    statuses = [e.status for e in getattr(person, "open_episodes", [])]
    home = person.home if PersonField.HOME_ADDRESS in f else None
    kept = [p for p in PersonField.values if p != PersonField.LEGAL_STATUS_DETAIL]
    return {
        "id": person.pk,
        "kind": person.kind,
        "name": person.full_name if PersonField.NAME in f else person.initials,
        "age": shown(PersonField.AGE, person.age_on(today())),
        "date_of_birth": shown(PersonField.DATE_OF_BIRTH, person.date_of_birth),
        "sex": shown(PersonField.SEX, person.sex),
        "ethnicity": shown(PersonField.ETHNICITY, person.ethnicity),
        "upn": shown(PersonField.UPN, person.upn),
        "nhs_number": shown(PersonField.NHS_NUMBER, person.nhs_number),
        "la_child_id": shown(PersonField.LA_CHILD_ID, person.la_child_id),
        "home": {"id": home.pk, "name": home.name} if home is not None else None,
        "legal_statuses": shown(PersonField.LEGAL_STATUS, statuses),
        "withheld": [p for p in kept if p not in f],
        "shared_only": is_shared_only(f),
        "allocated_to": [_holder(a) for a in holders],
        "accuracy_disputed": person.pk in disputed,
    }


def _named(pk: int | None, label: str, visible: bool) -> dict[str, Any]:
    return {"id": pk if visible else None, "label": label, "visible": visible}


def _context(context: Context) -> dict[str, Any]:
    shown = getattr(context, "address_shown", False)
    agency = context.responsible_agency
    return {
        "id": context.pk,
        "kind": context.kind,
        "name": context.name,
        "address": context.address if shown else None,
        "postcode": context.postcode if shown else None,
        "responsible_agency": agency.name if agency else None,
        "incident_count": getattr(context, "incident_count", None),
    }


def _ref(obj: Any) -> dict[str, Any]:
    return {"id": obj.pk, "name": obj.name}


# --- People --------------------------------------------------------------------------------


@router.get("/people", response={200: s.PeoplePage, **ERRORS}, tags=["people"])
def people_list(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Name, or an identifier the caller sees"),
    kind: str = Query("", description="young_person or adult_of_concern"),
    status: str = Query("", description="An open legal status (ignored where not visible)"),
    age_from: int | None = Query(None, ge=0, le=120),
    age_to: int | None = Query(None, ge=0, le=120),
    mine: bool = False,
    team: bool = False,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> dict[str, Any]:
    """The people the caller sees, as the people page lists them; not found, as the page is,
    for a caller who sees no case records (an auditor)."""
    viewer = caller(request)
    if not scopes.sees_case_records(viewer):
        raise Http404
    _choice(kind, PersonKind.values, "kind")
    _choice(status, LegalStatus.values, "status")
    if age_from is not None and age_to is not None and age_from > age_to:
        raise BadQuery("age_to", "age_to must be the same as or more than age_from")
    filters = people.PeopleFilter(
        q=_text(q, "q"),
        kind=kind,
        status=status,
        age_from=age_from,
        age_to=age_to,
        mine=mine,
        team=team,
    )
    rows, meta = _page(request, people.people_list(viewer=viewer, filters=filters), limit, offset)
    rows = with_homes(people.with_fields(viewer, rows, seen=True))
    asked = people.asked_filters(request.GET)
    _audit(
        request,
        record_type="people.person",
        action=AccessAction.SEARCH if asked else AccessAction.VIEW,
        detail={**asked, "people_shown": [p.pk for p in rows]},
    )
    # open_allocations: prefetched by people_list, as the page lists who holds each case.
    disputed = disputed_person_ids(viewer, (p.pk for p in rows))
    return {
        **meta,
        "results": [_person(p, getattr(p, "open_allocations", []), disputed) for p in rows],
    }


@router.get("/people/{person_id}", response={200: s.PersonOut, **ERRORS}, tags=["people"])
def person_detail(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """One person, as their page shows them (a child seen only through a meeting's share:
    the fields shared, as the shared page shows)."""
    viewer = caller(request)
    person = lookups.access_person(viewer, person_id, shared=True)
    (person,) = people.with_fields(viewer, [person], seen=True)
    with_open_statuses(person)
    holders = people.current_holders(person)
    if is_shared_only(people.visible_fields(person)):
        meetings = [share.child.meeting_id for share in forum.shares_of(viewer, person.pk)]
        detail: dict[str, Any] = {"page": "shared at a meeting", "meetings": meetings}
    else:
        detail = {"holders_shown": [a.worker_id for a in holders]}
    _audit(request, obj=person, detail=detail)
    return _person(person, holders, disputed_person_ids(viewer, [person.pk]))


# --- Associations (a person's peer relationships) -------------------------------------------


def _association(row: PeerRow) -> dict[str, Any]:
    a = row.association
    return {
        "id": a.pk,
        "peer": _named(row.peer.pk if row.peer else None, row.label, row.visible),
        "relationship": a.relationship,
        "nature": a.nature,
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "current": a.valid_until is None,
        "peer_role": row.role,
        "places": [_ref(c) for c in row.places],
        "open_to_social_care": row.open_to.social_care if row.open_to else None,
        "open_to_youth_justice": row.open_to.youth_justice if row.open_to else None,
    }


def _relationships(request: HttpRequest, person_id: int) -> tuple[Person, list[PeerRow]]:
    person = lookups.access_person(caller(request), person_id)
    found = peer_relationships(viewer=caller(request), person=person)
    return person, [*found.current, *found.past]


def _audit_peers(request: HttpRequest, person: Person, rows: list[PeerRow]) -> None:
    named = sorted({r.peer.pk for r in rows if r.visible and r.peer})
    _audit(request, obj=person, detail={"page": "peers", "peers_shown": named})


@router.get(
    "/people/{person_id}/associations",
    response={200: s.AssociationsPage, **ERRORS},
    tags=["associations"],
)
def associations_list(
    request: HttpRequest, person_id: int, limit: int = LIMIT, offset: int = OFFSET
) -> dict[str, Any]:
    """A young person's peer relationships, current first, as their peers page lists them."""
    person, rows = _relationships(request, person_id)
    rows, meta = _page(request, rows, limit, offset)
    _audit_peers(request, person, rows)
    return {**meta, "results": [_association(r) for r in rows]}


@router.get(
    "/people/{person_id}/associations/{association_id}",
    response={200: s.AssociationOut, **ERRORS},
    tags=["associations"],
)
def association_detail(request: HttpRequest, person_id: int, association_id: int) -> Any:
    person, rows = _relationships(request, person_id)
    row = next((r for r in rows if r.association.pk == association_id), None)
    if row is None:
        raise Http404
    _audit_peers(request, person, [row])
    return _association(row)


# --- A person's peer map --------------------------------------------------------------------


@router.get("/people/{person_id}/peer-map", response={200: s.PeerMapOut, **ERRORS}, tags=["maps"])
def peer_map(
    request: HttpRequest,
    person_id: int,
    as_at: dt.date | None = None,
    nature: list[str] = NATURES,
    steps: int = Query(1, ge=1, le=2),
) -> dict[str, Any]:
    """The child's peer map as nodes and edges, as the map page draws it: peers the caller
    may not see by initials; nodes numbered afresh on each read. Until a worker allocated
    to the child records a purpose (on the map's page), peers show by initials."""
    viewer = caller(request)
    person = lookups.access_person(viewer, person_id)
    for n in nature:
        _choice(n, Nature.values, "nature")
    natures = list(dict.fromkeys(nature)) or list(Nature.values)
    if as_at is not None and as_at > today():  # as the map page's form refuses it
        raise BadQuery("as_at", "as_at must be today or in the past")
    day = as_at or today()
    pmap = maps.peer_map(viewer=viewer, person=person, as_at=day, natures=natures, steps=steps)
    _audit(
        request,
        obj=person,
        purpose=pmap.naming.audit_purpose,
        detail={
            "page": "peer-map",
            "as_at": day.isoformat(),
            "natures": natures,
            "steps": steps,
            "named": pmap.named_ids,
        },
    )
    elements = pmap.elements()
    nodes = [
        {**n["data"], "classes": n["classes"], "x": n["position"]["x"], "y": n["position"]["y"]}
        for n in elements["nodes"]
    ]
    edges = [{**e["data"], "classes": e["classes"]} for e in elements["edges"]]
    return {
        "person": person.pk,
        "as_at": day,
        "natures": natures,
        "steps": steps,
        "names_shown": pmap.naming.names_shown,
        "nodes": nodes,
        "edges": edges,
    }


# --- Contexts and groups --------------------------------------------------------------------


def _contexts(request: HttpRequest, q: str, kind: str, limit: int, offset: int) -> dict:
    viewer = caller(request)
    found = places.contexts_list(viewer=viewer, q=_text(q, "q"), kind=kind)
    rows, meta = _page(request, found, limit, offset)
    places.with_incident_counts(viewer=viewer, contexts=rows)
    places.with_address_shown(viewer=viewer, contexts=rows)
    _searched(request, "places.context", {"q": q, "kind": kind, "shown": [str(c.pk) for c in rows]})
    return {**meta, "results": [_context(c) for c in rows]}


@router.get("/contexts", response={200: s.ContextsPage, **ERRORS}, tags=["contexts"])
def contexts_list(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Name, or an address the caller sees"),
    kind: str = "",
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> dict[str, Any]:
    """The contexts (places, homes, groups, online spaces) the caller sees."""
    return _contexts(request, q, _choice(kind, ContextKind.values, "kind"), limit, offset)


@router.get(
    "/contexts/{context_id}", response={200: s.ContextDetailOut, **ERRORS}, tags=["contexts"]
)
def context_detail(request: HttpRequest, context_id: int) -> dict[str, Any]:
    viewer = caller(request)
    context = lookups.access_context(viewer, context_id)
    detail = places.context_detail(viewer=viewer, context=context, all_people=True)
    context.address_shown = detail.address_shown  # type: ignore[attr-defined]
    _audit(request, obj=context, detail={"people_shown": sorted(detail.named)})
    return {
        **_context(context),
        "description": context.description,
        "incidents_by_kind": [{"kind": k, "count": n} for k, n in detail.incidents_by_kind],
        "people": [_named(p.pk, p.full_name, True) for p in detail.people],
        "people_not_shown": detail.people_hidden,
    }


@router.get("/groups", response={200: s.ContextsPage, **ERRORS}, tags=["groups"])
def groups_list(
    request: HttpRequest,
    q: str = Query("", max_length=100),
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> dict[str, Any]:
    """The peer groups the caller sees (the contexts list, peer groups only)."""
    return _contexts(request, q, ContextKind.PEER_GROUP, limit, offset)


@router.get("/groups/{group_id}", response={200: s.GroupDetailOut, **ERRORS}, tags=["groups"])
def group_detail_read(request: HttpRequest, group_id: int) -> dict[str, Any]:
    """A peer group: members named where the caller sees them, its places and incidents."""
    viewer = caller(request)
    group = lookups.access_group(viewer, group_id)
    detail = group_detail(viewer=viewer, group=group)
    places.with_address_shown(viewer=viewer, contexts=[group])
    members = detail.members
    named = {m.membership.person_id for m in members if m.visible}
    _audit(
        request,
        obj=group,
        detail={
            "people_shown": sorted(named),
            "incidents_shown": [str(i.pk) for i in detail.incidents],
        },
    )
    return {
        **_context(group),
        "description": group.description,
        "members": [
            {
                **_named(m.membership.person_id, m.label, m.visible),
                # "A person" for every hidden member, as the group's page shows them.
                "label": m.label
                if m.visible
                else naming.unseen_label(m.membership.person, child=False),
                # Nothing of a hidden member's membership: counted, as on the page.
                "role": m.membership.role if m.visible else "",
                "since": m.membership.since if m.visible else None,
            }
            for m in members
        ],
        "former_members": detail.former_members,
        "places": [_ref(c) for c in detail.places],
        "incidents": [i.pk for i in detail.incidents],
    }


# --- Incidents ------------------------------------------------------------------------------


def _incident(incident: Any, involved: list[Any]) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "kind": incident.kind,
        "occurred_at": incident.occurred_at,
        # No place: a missing episode may have none ("Place not known" on the page), or it
        # is a home the caller may not see (place_withheld, as the page says).
        "context": _ref(incident.context) if incident.context is not None else None,
        "place_withheld": getattr(incident, "place_withheld", False),
        "reporting_agency": incident.reporting_agency.name,
        "summary": incident.summary,
        "restricted": incident.restricted,
        "involved": [
            {
                "role": v.role,
                "person": _named(v.person_id, v.name or naming.unseen_label(), v.name is not None),
            }
            for v in involved
        ],
    }


@router.get("/incidents", response={200: s.IncidentsPage, **ERRORS}, tags=["incidents"])
def incidents_list(
    request: HttpRequest,
    kind: str = "",
    since: dt.date | None = SINCE,
    until: dt.date | None = UNTIL,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> dict[str, Any]:
    """The incidents the caller sees, newest first, by kind and date range."""
    viewer = caller(request)
    _choice(kind, IncidentKind.values, "kind")
    if since and until and until < since:
        raise BadQuery("until", "until must be the same as or after since")
    found = incidents_for(viewer=viewer, kind=kind, since=since, until=until)
    rows, meta = _page(request, found, limit, offset)
    involvements = involvement_views(viewer=viewer, incidents=rows)
    _searched(request, "incidents.incident", shown_incidents(involvements))
    return {**meta, "results": [_incident(i, involvements[i.pk]) for i in rows]}


@router.get("/incidents/{incident_id}", response={200: s.IncidentOut, **ERRORS}, tags=["incidents"])
def incident_detail(request: HttpRequest, incident_id: int) -> dict[str, Any]:
    viewer = caller(request)
    incident = incident_for(viewer=viewer, incident_id=incident_id)
    involvements = involvement_views(viewer=viewer, incidents=[incident])
    _audit(
        request,
        obj=incident,
        detail={"people_shown": shown_incidents(involvements)["people_shown"]},
    )
    return _incident(incident, involvements[incident.pk])


# --- Context cases --------------------------------------------------------------------------


def _case(case: Any) -> dict[str, Any]:
    withheld = getattr(case, "place_withheld", False)  # marked by cases_visible_to
    return {
        "id": case.pk,
        # A home the caller opens the case of but may not be told of: PLACE_WITHHELD, no id.
        "context": {
            "id": None if withheld else case.context.pk,
            "name": case_rules.shown_place(case),
        },
        "status": case.status,
        "threshold_level": str(case.threshold_level),
        "lead": str(case.lead) if case.lead else None,
        "team": case.team.name,
        "opened_on": case.opened_on,
    }


@router.get("/context-cases", response={200: s.CasesPage, **ERRORS}, tags=["context cases"])
def cases_list(
    request: HttpRequest,
    status: str = Query("open", description="open (default), a status, or empty for all"),
    mine: bool = False,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> dict[str, Any]:
    """The context cases the caller sees, newest first."""
    _choice(status, ["open", *CaseStatus.values], "status")
    found = cases_for(viewer=caller(request), status=status, mine=mine)
    rows, meta = _page(request, found, limit, offset)
    shown = [str(c.pk) for c in rows]
    _searched(request, "casework.contextcase", {"status": status, "mine": mine, "shown": shown})
    return {**meta, "results": [_case(c) for c in rows]}


@router.get(
    "/context-cases/{case_id}", response={200: s.CaseDetailOut, **ERRORS}, tags=["context cases"]
)
def case_detail_read(request: HttpRequest, case_id: int) -> dict[str, Any]:
    """One context case as its page shows it: a partner organisation sees the case, its goals
    and its own actions, not the assessment, others' actions, referrals or any child."""
    viewer = caller(request)
    case = case_rules.access_case(viewer, case_id)
    d = case_detail(viewer=viewer, case=case)
    _audit(request, obj=case, detail={"people_shown": [c.person_id for c in d.children]})
    return {
        **_case(case),
        "referrals": [r.pk for r in d.referrals],
        "children": [_named(c.person_id, c.label, c.visible) for c in d.children],
        "children_not_shown": d.hidden_children,
        "goals": [{"id": g.pk, "statement": g.statement, "status": g.status} for g in d.goals],
        "actions": [
            {
                "id": r.action.pk,
                "description": r.action.description,
                "agency": r.action.agency.name,
                "due_on": r.action.due_on,
                "status": r.action.status,
            }
            for r in d.actions
        ],
        "assessment_shown": d.can_view_assessment and d.assessment is not None,
    }


# --- Linked cases (the caller's triage list) ------------------------------------------------

SHOWN = ("strong", "weak", "reviewed")


@router.get("/linked-cases", response={200: s.LinksPage, **ERRORS}, tags=["linked cases"])
def linked_cases(
    request: HttpRequest,
    person: int | None = Query(None, description="One child's links, instead of a caseload"),
    worker: int | None = Query(None, description="A team member's caseload (their manager)"),
    window: int | None = Query(None, ge=1, le=MAX_WINDOW_DAYS, description="Days apart that count"),
    show: str = Query("strong", description="strong (default), weak or reviewed"),
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> dict[str, Any]:
    """The caller's linked cases (or one child's), in the triage order of the linked cases
    page. A linked child the caller may not see has no id and no name: who holds the case."""
    viewer = caller(request)
    if not scopes.sees_case_records(viewer):
        raise Http404
    _choice(show, SHOWN, "show")
    # The page's own reading of the window (its default, its bounds).
    days = CaseloadLinksForm({"window": window} if window else None, viewer=viewer).window_days()
    child = holder = None
    if person is not None:
        child = lookups.access_person(viewer, person)
    else:
        holder = linked.caseload_holder(viewer, str(worker) if worker else None)
    result = linked.links_for(viewer, child=child, holder=holder, window_days=days)
    rows, meta = _page(request, getattr(result, show), limit, offset)
    linked.fill_cases(result, rows)
    _searched(
        request,
        "linked.case",
        {
            "window_days": days,
            "person": child.pk if child else None,
            "caseload_of": holder.pk if holder else None,
            "children": [p.pk for p in result.focus],
            "shown": show,
            "offset": offset,
            "named": sorted({c.other_id for c in rows if c.other is not None}),
            "unnamed": sum(1 for c in rows if c.other is None),
            "associates": sorted({p.pk for c in rows for p in c.evidence.associates}),
        },
    )
    return {
        **meta,
        "window_days": days,
        "show": show,
        "results": [
            {
                "child": _named(c.child.pk, c.child.full_name, True),
                "other": (
                    _named(c.other.pk, c.other.full_name, True)
                    if c.other is not None
                    else _named(None, naming.unseen_label(child=True), False)
                ),
                "held_by": [_holder(a) for a in c.holders],
                "tier": c.tier_words,
                "reasons": c.evidence.reasons,
                "places": c.evidence.places,
                "incidents": [i.pk for i in c.evidence.incidents],
                "associates": [_named(p.pk, p.full_name, True) for p in c.evidence.associates],
                "reviewed": c.reviewed,
            }
            for c in rows
        ],
    }
