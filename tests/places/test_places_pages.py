"""The places pages: adding a place (with the duplicate check), editing it, merging
duplicates, its history; a home's household and a withheld address on every page that
shows a place's address; 404s; pinned query counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.access.models import AgencyKind, Role, Scope
from locus.audit.models import AccessEvent, ChangeEvent
from locus.people.services import allocation_create
from locus.places.models import Context, ContextKind, ContextMerge
from locus.places.services import context_create, context_merge, context_update
from tests.factories import (
    START,
    World,
    client_for,
    make_context,
    make_incident,
    make_person,
    make_worker,
    nothing_written,
)

pytestmark = pytest.mark.django_db

ADD = "/contexts/add/"


def _post(client: Client, url: str, **data: Any) -> Any:
    return client.post(url, data)


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_place_added_by_postcode_is_put_on_its_point(world: World) -> None:
    response = _post(
        client_for(world.social_worker),
        ADD,
        kind="open_space",
        name="Hackney Downs",
        postcode="e5 0ar",
    )
    place = Context.objects.get(name="Hackney Downs")
    assert response.status_code == 302
    assert response["Location"] == reverse("context", args=[place.pk])
    assert (place.postcode, place.latitude) == ("E5 0AR", 51.557103)


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        ({"name": "A place", "postcode": "E5 0AR"}, "kind", "Choose what kind of place it is"),
        ({"kind": "retail", "postcode": "E5 0AR"}, "name", "Enter the place&#x27;s name"),
        (
            {"kind": "retail", "name": "Shop"},
            "postcode",
            "Enter a postcode, or a map point (latitude and longitude)",
        ),
        (
            {"kind": "retail", "name": "Shop", "postcode": "ZZ9 9ZZ"},
            "postcode",
            "ZZ9 9ZZ is not in the postcode directory: check it, or give a map point",
        ),
        (
            {"kind": "retail", "name": "Shop", "latitude": "north", "longitude": "-0.05"},
            "latitude",
            "Enter the latitude as a number, like 51.5452",
        ),
        ({"kind": "online", "name": "Chat"}, "platform", "Enter the platform"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_written(
    world: World, data: dict[str, str], field_id: str, message: str
) -> None:
    with nothing_written(Context):
        response = _post(client_for(world.social_worker), ADD, **data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'href="#id_{field_id}"' in page  # the error summary links to the field


def test_similar_places_are_shown_before_adding_and_confirming_adds_it(world: World) -> None:
    client = client_for(world.social_worker)
    data = {"kind": "open_space", "name": "Millfields Park", "postcode": "E5 0AR"}
    with nothing_written(Context):
        page = _post(client, ADD, **data).content.decode()
    assert "This place may already be recorded" in page
    assert reverse("context", args=[world.park.pk]) in page
    response = _post(client, ADD, **data, confirm_new="on")
    assert response.status_code == 302
    assert Context.objects.filter(name="Millfields Park").count() == 2


def test_a_place_within_100_metres_is_shown_as_similar(world: World) -> None:
    context_update(actor=world.admin, context=world.park, postcode="E5 0AR")
    page = _post(
        client_for(world.social_worker),
        ADD,
        kind="retail",
        name="Kiosk",
        latitude="51.5575",
        longitude="-0.0445",
    ).content.decode()
    assert reverse("context", args=[world.park.pk]) in page


def test_the_duplicate_check_never_shows_a_home_the_worker_may_not_see(world: World) -> None:
    # other_social_worker does not see world.home (csc_child is Team A's).
    context_update(actor=world.social_worker, context=world.home, postcode="E5 0AR")
    client = client_for(world.other_social_worker)
    page = _post(
        client, ADD, kind="home", name="Flat 3, Example House", postcode="E5 0AR"
    ).content.decode()
    assert reverse("context", args=[world.home.pk]) not in page
    assert "may already be recorded" not in page


def test_a_withheld_home_is_not_matched_by_distance_for_those_outside_its_team(
    world: World,
) -> None:
    home = context_create(
        actor=world.police_analyst,
        kind="home",
        name="Family home of P.C.",
        postcode="E5 0AR",
        address_withheld=True,
    )
    # The police analyst's colleague sees it (recorded by the agency) but is not of the team.
    colleague = make_worker(
        world.system, team=_other_police_team(world), role=Role.ANALYST, scope="agency"
    )
    page = _post(
        client_for(colleague), ADD, kind="retail", name="Kiosk", postcode="E5 0AR"
    ).content.decode()
    assert reverse("context", args=[home.pk]) not in page


def _other_police_team(world: World) -> Any:
    from tests.factories import make_team

    return make_team(world.system, agency=world.police, name="Response")


# --- A home: household, withheld address ---------------------------------------------------


def _withheld_home(world: World) -> Context:
    context_update(
        actor=world.social_worker,
        context=world.home,
        name="Family home of C.C.",
        address="Flat 3, Example House, London",
        postcode="E5 0AR",
        tenure="temporary",
        adult_care_needs=True,
        adult_care_needs_note="Needs help with the stairs",
        address_withheld=True,
    )
    world.home.refresh_from_db()
    return world.home


def _sees_home_not_address(world: World) -> Any:
    """A police officer who sees the home through a police incident there (their row has the
    home address), outside the team holding its resident."""
    make_incident(
        world.system,
        context=world.home,
        reporting_agency=world.police,
        involvements=[(world.police_child, "harmed")],
    )
    return make_worker(world.system, team=world.police_team, scope=Scope.AGENCY)


def test_a_withheld_address_is_hidden_on_every_page_that_shows_one(world: World) -> None:
    home = _withheld_home(world)
    outsider = _sees_home_not_address(world)
    client = client_for(outsider)
    pages = [
        reverse("context", args=[home.pk]),
        reverse("contexts") + "?kind=home",
        reverse("place-history", args=[home.pk]),
    ]
    for url in pages:
        page = _page(client, url)
        assert "Family home of C.C." in page, url
        for secret in ("E5 0AR", "Example House", "51.557", "-0.044"):
            assert secret not in page, (url, secret)
    # Nor is it found by its postcode.
    assert "Family home" not in _page(client, reverse("contexts") + "?q=E5+0AR")
    # The holding team sees it.
    holder = _page(client_for(world.teammate), reverse("context", args=[home.pk]))
    assert "E5 0AR" in holder and "Example House" in holder
    assert "Address withheld from others" in holder


def test_a_withheld_homes_edit_page_is_not_found_outside_the_holding_team(world: World) -> None:
    home = _withheld_home(world)
    url = reverse("place-edit", args=[home.pk])
    assert client_for(world.admin).get(url).status_code == 404
    assert client_for(world.social_worker).get(url).status_code == 200


def test_the_household_shows_only_residents_the_viewer_sees(world: World) -> None:
    sibling = make_person(world.system, given_name="Sol", family_name="Sibling", home=world.home)
    allocation_create(
        actor=world.system, person=sibling, worker=world.other_social_worker, start=START
    )
    context_update(
        actor=world.social_worker,
        context=world.home,
        tenure="social_rented",
        housing_provider=world.partner,
        adult_care_needs=True,
        adult_care_needs_note="Needs help with the stairs",
    )
    page = _page(client_for(world.social_worker), reverse("context", args=[world.home.pk]))
    assert world.csc_child.full_name in page
    # A resident held by another team is not named, nor shown by initials or counted.
    assert "Sibling" not in page and "Sol" not in page
    assert "not shared with you" not in page
    assert "Social rented" in page and world.partner.name in page
    assert "Needs help with the stairs" in page
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert event.detail["people_shown"] == [world.csc_child.pk]


def test_a_housing_provider_sees_nothing_of_the_homes_it_provides(world: World) -> None:
    housing = _housing_agency_worker(world)
    context_update(
        actor=world.social_worker, context=world.home, housing_provider=housing.team.agency
    )
    client = client_for(housing)
    assert client.get(reverse("context", args=[world.home.pk])).status_code == 404
    assert world.home.name not in _page(client, reverse("contexts"))


def _housing_agency_worker(world: World) -> Any:
    from tests.factories import make_agency, make_team

    agency = make_agency(world.system, kind=AgencyKind.PARTNER, name="Rowan Housing")
    return make_worker(
        world.system,
        team=make_team(world.system, agency=agency),
        role=Role.PRACTITIONER,
        scope="agency",
    )


# --- Edit, merge, history --------------------------------------------------------------------


def test_editing_a_place_saves_and_shows_its_history(world: World) -> None:
    client = client_for(world.social_worker)
    url = reverse("place-edit", args=[world.park.pk])
    assert "Edit Millfields Park" in _page(client, url)
    response = _post(
        client, url, name="Millfields Park", description="Floodlit after 6pm", postcode="E5 0AR"
    )
    assert response.status_code == 302
    history = _page(client, reverse("place-history", args=[world.park.pk]))
    assert "Floodlit after 6pm" in history and "E5 0AR" in history
    # The read names each change listed, by its row in the trail, latest first.
    changes = ChangeEvent.objects.filter(record_type="places.context", record_id=world.park.pk)
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert read.detail["changes_shown"] == [e.pk for e in changes.order_by("-at", "-id")]
    assert len(read.detail["changes_shown"]) >= 2  # recorded, then edited


def test_only_managers_and_the_data_team_open_the_merge_page(world: World) -> None:
    url = reverse("place-merge", args=[world.park.pk])
    for name in ("social_worker", "police_analyst", "auditor", "partner_worker"):
        assert client_for(world.persona(name)).get(url).status_code == 404, name
    assert client_for(world.team_manager).get(url).status_code == 200
    assert client_for(world.admin).get(url).status_code == 200


def test_a_restricted_place_one_may_not_see_is_not_found_on_any_page(world: World) -> None:
    client = client_for(world.other_social_worker)
    for name in ("context", "place-edit", "place-merge", "place-history"):
        assert client.get(reverse(name, args=[world.home.pk])).status_code == 404, name


def test_merging_from_the_page_moves_the_place_and_its_old_address_leads_to_the_kept_one(
    world: World,
) -> None:
    duplicate = make_context(world.system, name="Millfields Park (north)")
    make_incident(
        world.system,
        context=duplicate,
        reporting_agency=world.csc,
        involvements=[(world.csc_child, "harmed")],
    )
    client = client_for(world.team_manager)
    url = reverse("place-merge", args=[duplicate.pk])
    form = _page(client, url)
    assert f'value="{world.park.pk}"' in form  # offered as a similar place
    with nothing_written(ContextMerge):
        refused = _post(client, url, kept=str(world.park.pk), reason="")
    assert "Say why these are the same place" in refused.content.decode()
    response = _post(client, url, kept=str(world.park.pk), reason="Same park, two names")
    assert response["Location"] == reverse("context", args=[world.park.pk])
    old = client.get(reverse("context", args=[duplicate.pk]))
    assert old["Location"] == reverse("context", args=[world.park.pk])
    history = _page(client, reverse("place-history", args=[world.park.pk]))
    assert "Millfields Park (north) was merged into this place" in history
    assert "Same park, two names" in history


def test_a_merged_place_whose_kept_place_one_may_not_see_says_so_and_names_nothing(
    world: World,
) -> None:
    # Two records of a home: the police recorded one, Team A the other.
    police_home = make_context(world.police_analyst, kind="home", name="Home of P.C.")
    kept = make_context(world.admin, kind="home", name="Home of P.C. (kept)")
    context_merge(actor=world.admin, duplicate=police_home, kept=kept, reason="Same flat")
    page = _page(client_for(world.police_analyst), reverse("context", args=[police_home.pk]))
    assert "has been merged into another place, which you cannot see" in page
    assert "(kept)" not in page


# --- Query counts -------------------------------------------------------------------------

# A page that logs its read adds its chain head, read locked and moved on (2).
PAGE_QUERIES = {
    "place-add": 7,
    "place-edit": 15,
    "place-merge": 12,
    "place-history": 14,
    # One more for the timeline's cases, ratings included (its incidents replace the list);
    # two more for the place's visits and the day's hotspots (read from the cache).
    "context": 22,
}


def _url(world: World, name: str) -> str:
    return reverse(name) if name == "place-add" else reverse(name, args=[world.home.pk])


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
def test_the_places_pages_query_counts_are_pinned(world: World, name: str) -> None:
    client = client_for(world.admin if name == "place-merge" else world.social_worker)
    url = _url(world, name)
    client.get(url)  # warm per-process caches
    before = _count(client, url)
    # More residents, more changes, more places: the same number of queries.
    for i in range(3):
        make_person(world.system, given_name=f"Res{i}", family_name="Ident", home=world.home)
        context_update(actor=world.social_worker, context=world.home, description=f"v{i}")
        make_context(world.system, kind="home", name=f"Flat {i}, Example House")
    assert (before, _count(client, url)) == (PAGE_QUERIES[name],) * 2


def test_a_context_is_kind_route_in_the_list_filter(world: World) -> None:
    make_context(world.social_worker, kind=ContextKind.ROUTE, name="Towpath", description="A-B")
    page = _page(client_for(world.social_worker), reverse("contexts") + "?kind=route")
    assert "Towpath" in page and "Route" in page


def test_a_withheld_address_is_hidden_in_a_persons_address_history(world: World) -> None:
    from locus.people.services import address_record

    person_url = reverse("person", args=[world.csc_child.pk])
    # A social worker of another CSC team sees the child at agency scope, home address
    # included, but is not of the team holding the case.
    outsider = client_for(
        make_worker(world.system, team=world.csc_team_b, role=Role.PRACTITIONER, scope="agency")
    )
    # Recorded before address history was kept (the child's home), then a move.
    assert "Example House" in _page(outsider, person_url)
    _withheld_home(world)
    page = _page(outsider, person_url)
    assert "Example House" not in page and "E5 0AR" not in page
    assert "Withheld: only the team holding the case sees it" in page
    period = address_record(
        actor=world.social_worker,
        person=world.csc_child,
        address="7 Lea Bridge Road",
        postcode="E5 0AR",
        start=START,
    )
    context_update(
        actor=world.social_worker,
        context=period.home,
        name="Family home of C.C. (new)",
        address_withheld=True,
    )
    page = _page(outsider, person_url)
    assert "Lea Bridge Road" not in page and "E5 0AR" not in page
    assert "Withheld: only the team holding the case sees it" in page
    holder_page = _page(client_for(world.social_worker), person_url)
    assert "7 Lea Bridge Road" in holder_page and "E5 0AR" in holder_page


def test_the_admin_site_neither_lists_nor_opens_a_withheld_home(world: World) -> None:
    home = _withheld_home(world)
    client = client_for(world.admin)
    listing = _page(client, "/admin/places/context/")
    assert "Millfields Park" in listing and "Family home of C.C." not in listing
    assert client.get(f"/admin/places/context/{home.pk}/change/").status_code in (302, 404)


def test_every_tick_box_on_the_add_page_is_drawn_as_a_govuk_checkbox(world: World) -> None:
    # A tick box without the class is drawn as a bare browser box over its label.
    page = client_for(world.social_worker).get(reverse("place-add")).content.decode()
    boxes = re.findall(r"<input[^>]*type=\"checkbox\"[^>]*>", page)
    assert any('name="address_withheld"' in box for box in boxes)
    assert all("govuk-checkboxes__input" in box for box in boxes), boxes


def test_the_audit_trail_does_not_give_a_withheld_homes_address_to_an_administrator(
    world: World,
) -> None:
    """A withheld home's address is for its holding team alone, administrators included: the
    IT administrator reading the trail's changes to the home (on its page, in its CSV, or in
    the admin site's change records) reads that its address, postcode and points changed,
    never what to (before: every value of the change, the address among them, was shown)."""
    home = _withheld_home(world)
    client = client_for(world.admin)
    search = f"?show=changes&record_type=places.context&record_id={home.pk}"
    trail = _page(client, reverse("audit") + search)
    assert "Family home of C.C." in trail and "Not shared with your role" in trail
    export = b"".join(client.get(reverse("audit-export") + search).streaming_content).decode()
    changes = ChangeEvent.objects.filter(record_type="places.context", record_id=str(home.pk))
    admin_pages = [
        _page(client, "/admin/audit/changeevent/?record_type__exact=places.context"),
        *(_page(client, f"/admin/audit/changeevent/{c.pk}/change/") for c in changes),
    ]
    for page in (trail, export, *admin_pages):
        for secret in ("E5 0AR", "Example House", "51.557", "-0.044"):
            assert secret not in page, secret
    # The holding team's own page still shows it, and the change is still on the record.
    assert "Example House" in str(changes.latest("id").after)
