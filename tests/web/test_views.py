"""Pages: what each persona sees, what is logged, and that query counts stay flat."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.audit.models import AccessAction, AccessEvent
from locus.incidents.models import InvolvementRole
from locus.peers.models import GroupRole
from locus.peers.services import association_record, membership_add
from locus.people.models import LegalStatus
from locus.people.services import allocation_create, episode_start
from tests.factories import START, World, client_for, make_context, make_incident, make_person

pytestmark = pytest.mark.django_db


def grow(world: World, n: int = 6, start: int = 0) -> None:
    """Add n more children to the social worker's caseload, each with statuses,
    associations, group memberships and incidents: the data a page must not
    make more queries for."""
    system = world.system
    previous = world.csc_child
    for i in range(start, start + n):
        child = make_person(system, given_name=f"Grow{i}", family_name="Child")
        allocation_create(actor=system, person=child, worker=world.social_worker, start=START)
        episode_start(
            actor=system,
            person=child,
            status=LegalStatus.CHILD_IN_NEED,
            start=START,
            agency=world.csc,
        )
        place = make_context(system, name=f"Grow place {i}")
        association_record(
            actor=system,
            person=world.csc_child,
            other=child,
            relationship="friend",
            nature="unclear",
            source="school",
            confidence="low",
            valid_from=START,
            contexts=[place],
        )
        association_record(
            actor=system,
            person=child,
            other_label=f"Unknown peer {i}",
            relationship="associate",
            nature="risk",
            source="police",
            confidence="medium",
            valid_from=START,
        )
        membership_add(
            actor=system,
            person=child,
            group=world.group,
            role=GroupRole.PERIPHERAL,
            since=START,
            source="professional",
            confidence="low",
        )
        for ctx in (world.park, world.home, place):
            incident = make_incident(
                system,
                context=ctx,
                reporting_agency=world.police,
                involvements=[
                    (child, InvolvementRole.HARMED),
                    (previous, InvolvementRole.HARMING),
                    (world.other_child, InvolvementRole.PRESENT),
                ],
            )
            world.extra.setdefault("incident", incident)
        previous = child


PAGES: dict[str, Callable[[World], str]] = {
    "dashboard": lambda w: reverse("dashboard"),
    "people": lambda w: reverse("people"),
    "people search": lambda w: reverse("people") + "?q=Grow&status=CIN&age_from=10&age_to=18",
    "person": lambda w: reverse("person", args=[w.csc_child.pk]),
    "person edit": lambda w: reverse("person-edit", args=[w.csc_child.pk]),
    "contexts": lambda w: reverse("contexts"),
    "context": lambda w: reverse("context", args=[w.park.pk]),
    "home": lambda w: reverse("context", args=[w.home.pk]),
    "group": lambda w: reverse("group", args=[w.group.pk]),
    "incidents": lambda w: reverse("incidents"),
    "incident": lambda w: reverse("incident", args=[w.extra["incident"].pk]),
}


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_query_count_does_not_grow_with_the_data(world: World, page: str) -> None:
    # The social worker sees the group and home through their own child.
    # One of everything first, so that prefetches skipped on empty lists do not count as growth.
    grow(world, 1)
    client = client_for(world.social_worker)
    url = PAGES[page](world)
    client.get(url)  # warm per-process caches (content types, sessions)
    before = count_queries(client, url)
    grow(world, 6, start=1)
    after = count_queries(client, url)
    assert after == before, f"{page}: {before} queries before, {after} after adding data"


def test_audit_trail_query_count_does_not_grow(world: World) -> None:
    # One kind of record, so the page holds the same kinds before and after: the
    # describer makes one query per kind of record on the page (tests/audit pins that).
    client = client_for(world.auditor)
    url = reverse("audit") + "?show=changes&record_type=people.person"
    before = count_queries(client, url)
    grow(world, 3, start=1)
    assert count_queries(client, url) == before


@pytest.mark.parametrize(
    ("url_name", "attr", "record_type"),
    [
        ("person", "csc_child", "people.person"),
        ("context", "park", "places.context"),
        ("group", "group", "places.context"),
        ("incident", "csc_incident", "incidents.incident"),
    ],
)
def test_opening_a_record_page_is_logged(
    world: World, url_name: str, attr: str, record_type: str
) -> None:
    viewer = world.social_worker if url_name != "incident" else world.other_social_worker
    record = getattr(world, attr)
    client_for(viewer).get(reverse(url_name, args=[record.pk]))
    event = AccessEvent.objects.get(actor=viewer, record_type=record_type, record_id=str(record.pk))
    assert event.action == AccessAction.VIEW


def test_a_record_the_viewer_may_not_see_is_not_found_and_says_nothing(world: World) -> None:
    client = client_for(world.police_analyst)
    forbidden = client.get(reverse("person", args=[world.csc_child.pk]))
    missing = client.get(reverse("person", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404
    # Identical but for the per-response CSRF token in the sign-out form.
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", forbidden.content) == token.sub(b"", missing.content)
    assert world.csc_child.family_name.encode() not in forbidden.content


def test_person_page_shows_details_history_associations_incidents_and_contexts(
    world: World,
) -> None:
    grow(world, 1)
    page = client_for(world.social_worker).get(reverse("person", args=[world.csc_child.pk]))
    html = page.content.decode()
    assert "Ciara Cscchild" in html
    assert "Child in need (s.17)" in html
    assert "Grow0 Child" in html  # an associate on the worker's own caseload is named
    assert "Unclear" in html and "School, low confidence" in html  # nature and provenance
    assert "Harming" in html  # her role in the incidents the growth added
    assert "Millfields group" in html and "Flat 3, Example House" in html


def test_associate_outside_scope_is_shown_by_initials_only(world: World) -> None:
    association_record(
        actor=world.system,
        person=world.csc_child,
        other=world.other_child,
        relationship="friend",
        nature="risk",
        source="school",
        confidence="high",
        valid_from=START,
    )
    html = (
        client_for(world.social_worker)
        .get(reverse("person", args=[world.csc_child.pk]))
        .content.decode()
    )
    assert "OO (a person not shared with you)" in html
    assert "Otherchild" not in html


def test_group_page_names_only_members_in_scope(world: World) -> None:
    html = (
        client_for(world.social_worker)
        .get(reverse("group", args=[world.group.pk]))
        .content.decode()
    )
    assert "Ciara Cscchild" in html
    assert "Yjschild" not in html and "YY" in html


def test_incident_names_only_people_in_scope(world: World) -> None:
    html = (
        client_for(world.police_analyst)
        .get(reverse("incident", args=[world.police_incident.pk]))
        .content.decode()
    )
    assert "Paddy Policechild" in html
    html = (
        client_for(world.other_social_worker)
        .get(reverse("incident", args=[world.csc_incident.pk]))
        .content.decode()
    )
    assert "Olu Otherchild" in html


def test_people_search_filters_and_logs_the_search(world: World) -> None:
    client = client_for(world.admin)
    html = client.get(reverse("people") + "?q=Yusuf").content.decode()
    assert "Yusuf Yjschild" in html and "Ciara Cscchild" not in html
    html = client.get(reverse("people") + "?status=YJS").content.decode()
    assert "Yusuf Yjschild" in html and "Ciara Cscchild" not in html
    assert AccessEvent.objects.filter(actor=world.admin, action=AccessAction.SEARCH).count() == 2


def test_people_search_with_a_backwards_age_range_says_which_field(world: World) -> None:
    html = (
        client_for(world.admin).get(reverse("people") + "?age_from=15&age_to=12").content.decode()
    )
    assert "There is a problem" in html
    assert "Age to must be the same as or more than age from" in html
    # The message is tied to the box it is about, so a screen reader reads it with the box.
    assert 'id="id_age_to-error"' in html and 'aria-describedby="id_age_to-error"' in html


def test_audit_trail_is_for_auditors_and_administrators_only(world: World) -> None:
    assert client_for(world.social_worker).get(reverse("audit")).status_code == 404
    assert client_for(world.auditor).get(reverse("audit")).status_code == 200
    assert client_for(world.admin).get(reverse("audit") + "?show=changes").status_code == 200


def test_auditor_sees_no_case_records(world: World) -> None:
    client = client_for(world.auditor)
    assert client.get(reverse("person", args=[world.csc_child.pk])).status_code == 404
    assert "Ciara" not in client.get(reverse("people")).content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(reverse("person", args=[world.csc_child.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_out_needs_a_post(world: World) -> None:
    client = client_for(world.social_worker)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_pages_carry_a_strict_content_security_policy_and_are_not_cached(world: World) -> None:
    response = client_for(world.social_worker).get(reverse("dashboard"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"


def test_names_are_escaped(world: World) -> None:
    child = make_person(world.system, given_name="<script>alert(1)</script>", family_name="Xss")
    allocation_create(actor=world.system, person=child, worker=world.social_worker, start=START)
    html = client_for(world.social_worker).get(reverse("person", args=[child.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_incidents_filter_by_kind_and_dates(world: World) -> None:
    client = client_for(world.admin)
    occurred = world.police_incident.occurred_at.date()
    html = client.get(reverse("incidents") + "?kind=peer_physical").content.decode()
    assert "2 incidents you can see" in html
    html = client.get(reverse("incidents") + "?kind=robbery").content.decode()
    assert "0 incidents you can see" in html
    day = occurred.strftime("%d/%m/%Y")
    html = client.get(reverse("incidents") + f"?since={day}&until={day}").content.decode()
    assert "2 incidents you can see" in html
    after = (occurred + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    html = client.get(reverse("incidents") + f"?since={after}").content.decode()
    assert "0 incidents you can see" in html


def test_incidents_filter_with_dates_backwards_names_the_field(world: World) -> None:
    html = (
        client_for(world.admin)
        .get(reverse("incidents") + "?since=10/03/2026&until=01/03/2026")
        .content.decode()
    )
    assert "There is a problem" in html
    assert 'href="#id_until"' in html
    assert "The to date must be the same as or after the from date" in html
    html = client_for(world.admin).get(reverse("incidents") + "?since=31/02/2026").content.decode()
    assert "Enter the from date as a date, like 31/03/2026" in html


def test_manager_home_page_counts_the_teams_cases_and_links_to_them(world: World) -> None:
    client = client_for(world.team_manager)
    html = client.get(reverse("dashboard")).content.decode()
    # csc_child (social_worker) and team_child (teammate) are held by the manager's team.
    assert "holds 2 cases" in html
    html = client.get(reverse("people") + "?team=on").content.decode()
    assert "Ciara Cscchild" in html and "Tariq Teamchild" in html
    assert "Olu Otherchild" not in html
    assert (
        "See your team"
        not in client_for(world.social_worker).get(reverse("dashboard")).content.decode()
    )


def test_contexts_list_counts_every_incident_at_a_public_place_but_only_visible_ones_at_a_home(
    world: World,
) -> None:
    make_incident(
        world.system,
        context=world.home,
        reporting_agency=world.police,
        involvements=[(world.police_child, InvolvementRole.HARMED)],
    )
    page = client_for(world.social_worker).get(reverse("contexts")).context["page"]
    counts = {c.name: c.incident_count for c in page}
    assert counts["Millfields Park"] == 2  # both park incidents, though she sees neither
    assert counts["Flat 3, Example House"] == 0  # the police incident at the home is hidden
    admin_page = client_for(world.admin).get(reverse("contexts")).context["page"]
    assert {c.name: c.incident_count for c in admin_page}["Flat 3, Example House"] == 1


def _details(person: Any, **changes: str) -> dict[str, str]:
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "known_as": person.known_as,
        "date_of_birth": person.date_of_birth.strftime("%d/%m/%Y"),
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "la_child_id": person.la_child_id or "",
        "upn": person.upn or "",
        "nhs_number": person.nhs_number or "",
    }
    data.update(changes)
    return data


def test_case_holder_changes_a_childs_details_and_the_change_is_audited(world: World) -> None:
    from locus.audit.models import ChangeEvent

    child = world.csc_child
    client = client_for(world.social_worker)
    assert client.get(reverse("person-edit", args=[child.pk])).status_code == 200
    response = client.post(
        reverse("person-edit", args=[child.pk]), _details(child, known_as="CeeCee")
    )
    assert response.status_code == 302
    assert "Details saved" in client.get(response["Location"]).content.decode()
    child.refresh_from_db()
    assert child.known_as == "CeeCee"
    event = ChangeEvent.objects.filter(record_type="people.person", record_id=str(child.pk)).first()
    assert event is not None and event.after == {"known_as": "CeeCee"}


def test_bad_details_are_refused_field_by_field_and_nothing_is_saved(world: World) -> None:
    child = world.csc_child
    response = client_for(world.social_worker).post(
        reverse("person-edit", args=[child.pk]),
        _details(child, upn="A12345", date_of_birth="31/02/2012", ethnicity="XXXX", given_name=""),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert 'href="#id_date_of_birth"' in html and "like 27/03/2012" in html
    assert "Select a valid choice" in html  # the unknown ethnicity code
    # Problems the service finds show on their fields too, once the form parses.
    response = client_for(world.social_worker).post(
        reverse("person-edit", args=[child.pk]), _details(child, upn="A12345", given_name="")
    )
    html = response.content.decode()
    assert 'href="#id_upn"' in html and "A UPN is 13 characters" in html
    assert 'href="#id_given_name"' in html and "Enter a first name" in html
    child.refresh_from_db()
    assert child.given_name == "Ciara" and child.upn is None


@pytest.mark.parametrize("persona", ["police_analyst", "teammate", "school_dsl", "auditor"])
def test_only_the_case_holder_their_manager_or_an_admin_may_open_the_edit_page(
    world: World, persona: str
) -> None:
    child = world.csc_child
    client = client_for(world.persona(persona))
    assert client.get(reverse("person-edit", args=[child.pk])).status_code == 404
    assert client.post(reverse("person-edit", args=[child.pk]), _details(child)).status_code == 404
    assert "Change details" not in client.get(reverse("person", args=[child.pk])).content.decode()
    for allowed in ("social_worker", "team_manager", "admin"):
        page = client_for(world.persona(allowed)).get(reverse("person", args=[child.pk]))
        assert "Change details" in page.content.decode()
