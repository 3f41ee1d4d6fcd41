"""Every persona x every endpoint: the API returns what the matching page's selector gives
that persona, field by field, and answers a record they may not see exactly as a missing
one (404, same body)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from locus.access import context_cases as case_rules
from locus.access import lookups, scopes
from locus.access.fields import PersonField
from locus.audit.models import AccessEvent
from locus.casework import services as casework
from locus.casework.models import ContextCase
from locus.casework.selectors import cases_for
from locus.common.errors import NotPermitted
from locus.incidents.models import InvolvementRole
from locus.incidents.selectors import incidents_for, involvement_views
from locus.linked import selectors as linked
from locus.peers.selectors import peer_relationships
from locus.people import selectors as people
from locus.people.models import Person
from locus.places import selectors as places
from locus.places.models import Context, ContextKind
from tests.api.conftest import ApiClient, api_as
from tests.casework.helpers import active_case, open_case
from tests.factories import World, client_for, make_association, make_incident
from tests.mapping.helpers import held_meeting

pytestmark = pytest.mark.django_db

PERSONAS = [
    "social_worker",
    "teammate",
    "team_manager",
    "other_social_worker",
    "yjs_worker",
    "police_analyst",
    "school_dsl",
    "partner_worker",
    "auditor",
    "admin",
]
MISSING = 987_654_321
SHOWN_FIELDS = {
    PersonField.DATE_OF_BIRTH: "date_of_birth",
    PersonField.UPN: "upn",
    PersonField.NHS_NUMBER: "nhs_number",
    PersonField.LA_CHILD_ID: "la_child_id",
    PersonField.SEX: "sex",
    PersonField.ETHNICITY: "ethnicity",
}


@pytest.fixture
def borough(world: World) -> World:
    """The world, with what makes the rules bite: a peer the social worker may not see, a
    peer not yet known, a context case, and a meeting that shared two children."""
    system = world.system
    make_association(system, person=world.csc_child, other=world.other_child, nature="risk")
    make_association(system, person=world.csc_child, other=world.team_child)
    make_association(system, person=world.csc_child)
    # Linked cases: Ciara (social_worker's) and Olu (another team's) in one incident.
    make_incident(
        system,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[
            (world.csc_child, InvolvementRole.HARMED),
            (world.other_child, InvolvementRole.HARMING),
        ],
    )
    open_case(world)
    held_meeting(world)
    return world


def sees(find: Any, *args: Any, **kwargs: Any) -> bool:
    try:
        find(*args, **kwargs)
    except (Http404, NotPermitted):
        return False
    return True


def not_found_alike(api: ApiClient, path: str, missing: str) -> None:
    """``path`` answers 404 with exactly the body of a record that is not there."""
    response, absent = api.get(path), api.get(missing)
    assert response.status_code == absent.status_code == 404
    assert (
        response.json()
        == absent.json()
        == {"error": {"code": "not_found", "message": "Not found", "field": None}}
    )


def check_person(row: dict[str, Any], person: Person) -> None:
    """One person as the API gave them, against the fields the selectors give the viewer."""
    fields = people.visible_fields(person)
    assert row["id"] == person.pk
    assert row["name"] == (person.full_name if PersonField.NAME in fields else person.initials)
    withheld = {f for f in PersonField.values if f != PersonField.LEGAL_STATUS_DETAIL} - fields
    assert set(row["withheld"]) == withheld
    for field, key in SHOWN_FIELDS.items():
        if field in fields:
            value = getattr(person, key)
            assert row[key] == (value.isoformat() if hasattr(value, "isoformat") else value)
        else:
            assert row[key] is None
    if PersonField.LEGAL_STATUS not in fields:
        assert row["legal_statuses"] is None
    if PersonField.HOME_ADDRESS not in fields or person.home is None:
        assert row["home"] is None
    else:
        assert row["home"]["id"] == person.home_id


@pytest.mark.parametrize("persona", PERSONAS)
def test_people_list_and_detail(borough: World, persona: str) -> None:
    viewer = borough.persona(persona)
    api = api_as(viewer)
    if scopes.sees_case_records(viewer):
        listed = people.people_list(viewer=viewer, filters=people.PeopleFilter())
        expected = people.with_fields(viewer, listed, seen=True)
        got = api.ok("/people", limit=100)
        assert got["count"] == len(expected)
        assert [r["id"] for r in got["results"]] == [p.pk for p in expected]
        for row, person in zip(got["results"], expected, strict=True):
            check_person(row, person)
    else:  # as the people page: not found, rather than an empty list (an auditor)
        assert api.get("/people").status_code == 404
    for person in Person.objects.all():
        path = f"/people/{person.pk}"
        if sees(lookups.access_person, viewer, person.pk, shared=True):
            seen = lookups.access_person(viewer, person.pk, shared=True)
            (seen,) = people.with_fields(viewer, [seen], seen=True)
            check_person(api.ok(path), seen)
        else:
            not_found_alike(api, path, f"/people/{MISSING}")


@pytest.mark.parametrize("persona", PERSONAS)
def test_associations_and_peer_maps(borough: World, persona: str) -> None:
    viewer = borough.persona(persona)
    api = api_as(viewer)
    for person in Person.objects.all():
        base = f"/people/{person.pk}"
        if not sees(lookups.access_person, viewer, person.pk):
            # A child seen only through a meeting's share: her peers and map are not shared.
            not_found_alike(api, f"{base}/associations", f"/people/{MISSING}/associations")
            not_found_alike(api, f"{base}/peer-map", f"/people/{MISSING}/peer-map")
            continue
        found = peer_relationships(viewer=viewer, person=person)
        rows = [*found.current, *found.past]
        got = api.ok(f"{base}/associations", limit=100)["results"]
        assert [r["id"] for r in got] == [r.association.pk for r in rows]
        for out, row in zip(got, rows, strict=True):
            assert out["peer"]["label"] == row.label
            assert out["peer"]["visible"] is row.visible
            # A peer the viewer may not see: initials, and no id to ask about them by.
            assert out["peer"]["id"] == (row.peer.pk if row.visible and row.peer else None)
            assert api.ok(f"{base}/associations/{row.association.pk}") == out
        not_found_alike(api, f"{base}/associations/{MISSING}", f"{base}/associations/{MISSING}")
        pmap = api.ok(f"{base}/peer-map")
        assert pmap["person"] == person.pk
        # Nodes are numbered afresh: no database id for anyone on the map.
        assert all(n["id"].startswith("n") for n in pmap["nodes"])


def test_a_peer_out_of_scope_shows_by_initials_only(borough: World) -> None:
    api = api_as(borough.social_worker)
    got = api.ok(f"/people/{borough.csc_child.pk}/associations")["results"]
    other = next(r for r in got if r["peer"]["label"].startswith("OO"))
    assert other["peer"] == {
        "id": None,
        "label": "OO (a person not shared with you)",
        "visible": False,
    }
    assert other["open_to_social_care"] is None
    body = str(api.ok(f"/people/{borough.csc_child.pk}/peer-map"))
    assert "Otherchild" not in body and str(borough.other_child.pk) not in [
        n["id"] for n in api.ok(f"/people/{borough.csc_child.pk}/peer-map")["nodes"]
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_contexts_and_groups(borough: World, persona: str) -> None:
    viewer = borough.persona(persona)
    api = api_as(viewer)
    expected = list(places.contexts_list(viewer=viewer))
    places.with_address_shown(viewer=viewer, contexts=expected)
    got = api.ok("/contexts", limit=100)["results"]
    assert [c["id"] for c in got] == [c.pk for c in expected]
    for out, context in zip(got, expected, strict=True):
        shown = context.address_shown  # type: ignore[attr-defined]
        assert out["postcode"] == (context.postcode if shown else None)
    groups = [c.pk for c in expected if c.kind == ContextKind.PEER_GROUP]
    assert [g["id"] for g in api.ok("/groups")["results"]] == groups
    for context in Context.objects.all():
        path = f"/contexts/{context.pk}"
        if sees(lookups.access_context, viewer, context.pk):
            detail = places.context_detail(viewer=viewer, context=context, all_people=True)
            out = api.ok(path)
            assert [p["id"] for p in out["people"]] == [p.pk for p in detail.people]
        else:
            not_found_alike(api, path, f"/contexts/{MISSING}")
        path = f"/groups/{context.pk}"
        if sees(lookups.access_group, viewer, context.pk):
            visible = scopes.people_visible_to(viewer, shared=False)
            out = api.ok(path)
            for member in out["members"]:
                if member["visible"]:
                    assert visible.filter(pk=member["id"]).exists()
                else:
                    assert member["id"] is None and "not shared with you" in member["label"]
        else:
            not_found_alike(api, path, f"/groups/{MISSING}")


@pytest.mark.parametrize("persona", PERSONAS)
def test_incidents(borough: World, persona: str) -> None:
    viewer = borough.persona(persona)
    api = api_as(viewer)
    expected = list(incidents_for(viewer=viewer))
    got = api.ok("/incidents", limit=100)["results"]
    assert [i["id"] for i in got] == [i.pk for i in expected]
    views = involvement_views(viewer=viewer, incidents=expected)
    for out, incident in zip(got, expected, strict=True):
        named = [v.person_id if v.name else None for v in views[incident.pk]]
        assert [v["person"]["id"] for v in out["involved"]] == named
        assert api.ok(f"/incidents/{incident.pk}") == out
    for incident in (borough.police_incident, borough.csc_incident):
        if incident.pk not in {i.pk for i in expected}:
            not_found_alike(api, f"/incidents/{incident.pk}", f"/incidents/{MISSING}")


@pytest.mark.parametrize("persona", PERSONAS)
def test_context_cases(borough: World, persona: str) -> None:
    viewer = borough.persona(persona)
    api = api_as(viewer)
    expected = list(cases_for(viewer=viewer, status="open"))
    got = api.ok("/context-cases")["results"]
    assert [c["id"] for c in got] == [c.pk for c in expected]
    for case in ContextCase.objects.all():
        path = f"/context-cases/{case.pk}"
        if sees(case_rules.access_case, viewer, case.pk):
            out = api.ok(path)
            if persona == "partner_worker":
                # A partner sees the case, not the children, referrals or the assessment.
                assert out["children"] == [] and out["assessment_shown"] is False
        else:
            not_found_alike(api, path, f"/context-cases/{MISSING}")


def test_a_partner_is_told_of_no_child_a_plan_affects_on_the_page_or_the_api(
    world: World,
) -> None:
    """The centre's security holds an action on the plan, so it sees the case; one child on
    the plan it sees in its own right (an incident it reported), one it does not. Neither
    the page nor the API names either child or says how many there are."""
    make_incident(
        world.system,
        context=world.shopping_centre,
        reporting_agency=world.partner,
        involvements=[(world.csc_child, InvolvementRole.HARMED)],
    )
    case = active_case(world)
    for child in (world.csc_child, world.team_child):
        casework.plan_child_add(actor=world.social_worker, plan=case.plan, person=child)
    page = client_for(world.partner_worker).get(f"/context-cases/{case.pk}/plan/")
    assert page.status_code == 200
    assert b"Ciara" not in page.content and b"not shared with you" not in page.content
    out = api_as(world.partner_worker).ok(f"/context-cases/{case.pk}")
    assert (out["children"], out["children_not_shown"]) == ([], 0)
    # The social worker who linked them sees both, on the page and through the API.
    mine = api_as(world.social_worker).ok(f"/context-cases/{case.pk}")
    assert len(mine["children"]) + mine["children_not_shown"] == 2


@pytest.mark.parametrize("persona", PERSONAS)
def test_linked_cases(borough: World, persona: str) -> None:
    viewer = borough.persona(persona)
    api = api_as(viewer)
    response = api.get("/linked-cases")
    if not scopes.sees_case_records(viewer):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    team = viewer.team_id
    result = linked.linked_cases(
        viewer=viewer,
        focus=linked.caseload_seen_by(viewer, viewer),
        exclude_holders=[viewer.pk],
        review_team=team,
        ahead=True,
    )
    strong = list(result.strong[0:25])  # a page of links, as the endpoint reads them
    linked.fill_cases(result, strong)
    got = response.json()["results"]
    assert [(r["child"]["id"], r["other"]["id"]) for r in got] == [
        (c.child.pk, c.other.pk if c.other else None) for c in strong
    ]
    for link in got:
        if not link["other"]["visible"]:
            # Who holds the case, never who the child is (nor an id to ask about her by).
            assert link["other"] == {
                "id": None,
                "label": "A child not shared with you",
                "visible": False,
            }
    if persona == "social_worker":
        # Olu (another team's, unseen) and Tariq (her team's, seen) are linked to Ciara.
        assert sorted(r["other"]["visible"] for r in got) == [False, True]


def test_a_child_seen_only_through_a_share_shows_what_was_shared(borough: World) -> None:
    """yjs_worker sat on the meeting Ciara's holder brought her to: the fields shared (name,
    age, legal status), nothing else, and none of the rest of her record."""
    api = api_as(borough.yjs_worker)
    child = borough.csc_child.pk
    got = api.ok(f"/people/{child}")
    assert got["shared_only"] is True and got["name"] == borough.csc_child.full_name
    assert got["date_of_birth"] is None and "date_of_birth" in got["withheld"]
    assert got["home"] is None and "home_address" in got["withheld"]
    event = AccessEvent.objects.filter(actor=borough.yjs_worker).latest("id")
    assert event.detail["page"] == "shared at a meeting" and event.detail["meetings"]
    not_found_alike(api, f"/people/{child}/associations", f"/people/{MISSING}/associations")
    not_found_alike(api, f"/people/{child}/peer-map", f"/people/{MISSING}/peer-map")


LIST_PAGES = {
    "/people": "/people/",
    "/contexts": "/contexts/",
    "/groups": "/contexts/?kind=peer_group",
    "/incidents": "/incidents/",
    "/context-cases": "/context-cases/",
    "/linked-cases": "/linked/",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_list_is_refused_exactly_where_its_page_is(world: World, persona: str) -> None:
    viewer = world.persona(persona)
    api, page = api_as(viewer), client_for(viewer)
    for api_path, page_path in LIST_PAGES.items():
        assert api.get(api_path).status_code == page.get(page_path).status_code, api_path
