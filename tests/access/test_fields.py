"""The field table: what of a person each role and agency kind sees, everywhere it shows.

The table is the rule (``access/fields.py``); RULES.md prints it; every persona's view
of a child's page holds a field's value exactly when the table gives that field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.access import fields as field_rules
from locus.access import forum, naming, scopes
from locus.access.fields import (
    CASEWORK,
    FIELD_TABLE,
    WITHHELD,
    PersonField,
    fields_visible_to,
    fields_visible_to_many,
    rules_table,
)
from locus.access.models import AgencyKind, Role, Scope
from locus.common.services import today
from locus.incidents.models import InvolvementRole
from locus.people.models import CPCategory, Ethnicity, LegalStatus, Person, Sex
from locus.people.services import allocation_create, episode_start
from locus.places.models import ContextKind
from locus.places.services import enrolment_create
from tests.factories import (
    DOB,
    START,
    World,
    client_for,
    make_context,
    make_incident,
    make_person,
    make_worker,
    valid_nhs_number,
    valid_upn,
)

pytestmark = pytest.mark.django_db

RULES = Path(__file__).parents[2] / "src" / "locus" / "access" / "RULES.md"

# Each persona's row of the table, by its role and its agency's kind (the world's facts).
PERSONA_ROW: dict[str, tuple[str, str]] = {
    "social_worker": (CASEWORK, AgencyKind.CHILDRENS_SOCIAL_CARE),
    "other_social_worker": (CASEWORK, AgencyKind.CHILDRENS_SOCIAL_CARE),
    "team_manager": (CASEWORK, AgencyKind.CHILDRENS_SOCIAL_CARE),
    "yjs_worker": (CASEWORK, AgencyKind.YOUTH_JUSTICE),
    "police_analyst": (Role.ANALYST, AgencyKind.POLICE),
    "school_dsl": (CASEWORK, AgencyKind.EDUCATION),
    "admin": (Role.ADMINISTRATOR, field_rules.ANY_AGENCY),
    "system": (Role.ADMINISTRATOR, field_rules.ANY_AGENCY),
    "auditor": (Role.AUDITOR, field_rules.ANY_AGENCY),
}


def seen_by_everyone(world: World) -> Person:
    """A child every persona but the auditor sees in their own right, every field filled in."""
    system = world.system
    home = make_context(system, kind=ContextKind.HOME, name="Flat 9, Fieldtest Court")
    child = make_person(
        system,
        given_name="Zara",
        family_name="Fieldtest",
        date_of_birth=DOB,
        sex=Sex.FEMALE,
        ethnicity=Ethnicity.WROM,
        upn=valid_upn(),
        nhs_number=valid_nhs_number(),
        la_child_id="LAFIELD42",
        home=home,
    )
    for worker in (world.social_worker, world.other_social_worker, world.yjs_worker):
        allocation_create(actor=system, person=child, worker=worker, start=START)
    episode_start(
        actor=system,
        person=child,
        status=LegalStatus.CHILD_PROTECTION,
        cp_category=CPCategory.SEXUAL,
        start=START,
        agency=world.csc,
    )
    enrolment_create(actor=system, person=child, school=world.school, start=START)
    make_incident(
        system,
        context=world.park,
        reporting_agency=world.police,
        involvements=[(child, InvolvementRole.HARMED)],
    )
    return child


def shown_values(child: Person) -> dict[str, str]:
    """What each field looks like on the page (each string found nowhere else on it)."""
    return {
        PersonField.NAME: child.full_name,
        PersonField.AGE: f"{child.age_on(today())} years old",
        PersonField.DATE_OF_BIRTH: "14 March 2011",
        PersonField.SEX: "Female",
        PersonField.ETHNICITY: "Gypsy/Roma",
        PersonField.UPN: str(child.upn),
        PersonField.NHS_NUMBER: str(child.nhs_number),
        PersonField.LA_CHILD_ID: str(child.la_child_id),
        PersonField.HOME_ADDRESS: "Fieldtest Court",
        PersonField.LEGAL_STATUS: "Child protection plan",
        PersonField.LEGAL_STATUS_DETAIL: "Sexual abuse",
    }


# --- The table and RULES.md ----------------------------------------------------------------


def test_rules_md_prints_the_code_table() -> None:
    text = RULES.read_text()
    found = re.search(r"<!-- field-table:[^>]*-->\n(.*?)<!-- /field-table -->", text, re.S)
    assert found, "RULES.md has no field table"
    assert found.group(1) == rules_table()


def test_the_table_has_a_row_for_every_role_and_agency_kind() -> None:
    for kind in AgencyKind.values:
        for role in (CASEWORK, Role.ANALYST):
            assert (role, kind) in FIELD_TABLE
    assert FIELD_TABLE[(Role.AUDITOR, field_rules.ANY_AGENCY)] == frozenset()


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match=r"needs 11 Y or \. marks"):
        field_rules._parse("Y Y Y")


# --- The person page, persona by persona and field by field --------------------------------


@pytest.mark.parametrize("field", PersonField.values)
@pytest.mark.parametrize("persona", sorted(PERSONA_ROW))
def test_person_page_shows_a_field_exactly_when_the_table_says(
    world: World, persona: str, field: str
) -> None:
    child = seen_by_everyone(world)
    worker = world.persona(persona)
    response = client_for(worker).get(reverse("person", args=[child.pk]))
    expected = FIELD_TABLE[PERSONA_ROW[persona]]
    if persona == "auditor":
        assert response.status_code == 404
    else:
        assert response.status_code == 200
    html = response.content.decode()
    assert (shown_values(child)[field] in html) == (field in expected), (persona, field)
    if field not in expected and response.status_code == 200:
        assert WITHHELD in html


def test_police_analyst_and_school_dsl_see_what_the_issue_asked(world: World) -> None:
    # The finding: both saw the NHS number, ethnicity, home and social care status.
    child = seen_by_everyone(world)
    values = shown_values(child)
    police = client_for(world.police_analyst).get(reverse("person", args=[child.pk]))
    html = police.content.decode()
    for field in ("nhs_number", "ethnicity", "home_address", "legal_status", "upn"):
        assert values[field] not in html, field
    assert values["name"] in html and values["date_of_birth"] in html
    school = client_for(world.school_dsl).get(reverse("person", args=[child.pk])).content.decode()
    assert values["upn"] in school and values["legal_status"] in school
    for field in ("nhs_number", "legal_status_detail", "home_address"):
        assert values[field] not in school, field


# --- Forum shares: the role's fields that the share carried --------------------------------


def test_a_person_seen_only_through_a_share_shows_the_shared_fields_only(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = seen_by_everyone(world)
    stranger = make_person(world.system, given_name="Shared", family_name="Onlychild")
    # The share mechanism is access.forum's: stand in for it with a grant and its fields.
    monkeypatch.setattr(scopes, "SHARED_GRANTS", [lambda w: scopes.Q(id=stranger.pk)])
    carried = frozenset({PersonField.NAME, PersonField.AGE, PersonField.NHS_NUMBER})

    def shared(worker: Any, ids: Any) -> dict[int, frozenset[str]]:
        return {i: carried for i in ids if i == stranger.pk}

    monkeypatch.setattr(forum, "fields_shared_with", shared)
    police = world.police_analyst
    got = fields_visible_to_many(police, [stranger.pk, child.pk, world.other_child.pk])
    # The police analyst's row has no NHS number: a share cannot add what the role lacks.
    assert got[stranger.pk] == {PersonField.NAME, PersonField.AGE}
    assert got[child.pk] == FIELD_TABLE[(Role.ANALYST, AgencyKind.POLICE)]
    assert got[world.other_child.pk] == frozenset()
    social = fields_visible_to(world.social_worker, stranger)
    assert social == carried
    html = client_for(world.social_worker).get(reverse("person", args=[stranger.pk]))
    page = html.content.decode().split('id="main-content"', 1)[1]
    # The page of a shared child lists what was shared and nothing else of the record.
    assert "Shared with you" in page and "NHS number" in page
    assert "Date of birth" not in page and "Ethnicity" not in page


def test_a_share_without_the_name_shows_initials_on_the_person_page(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    stranger = make_person(world.system, given_name="Nameless", family_name="Sharedchild")
    monkeypatch.setattr(scopes, "SHARED_GRANTS", [lambda w: scopes.Q(id=stranger.pk)])
    monkeypatch.setattr(
        forum,
        "fields_shared_with",
        lambda worker, ids: {i: frozenset({PersonField.AGE}) for i in ids if i == stranger.pk},
    )
    response = client_for(world.social_worker).get(reverse("person", args=[stranger.pk]))
    html = response.content.decode()
    assert "Nameless" not in html and "Sharedchild" not in html
    assert '<h1 class="govuk-heading-l">NS' in html


def test_a_person_opened_by_another_grant_shows_the_roles_fields(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A grant that opens a record (break-glass, say) rather than sharing part of it: the
    # forum has nothing to say about the person, so the role's row applies.
    stranger = make_person(world.system, given_name="Opened", family_name="Bygrant")
    monkeypatch.setattr(scopes, "SHARED_GRANTS", [lambda w: scopes.Q(id=stranger.pk)])
    monkeypatch.setattr(forum, "fields_shared_with", lambda worker, ids: {})
    got = fields_visible_to(world.police_analyst, stranger)
    assert got == FIELD_TABLE[(Role.ANALYST, AgencyKind.POLICE)]


def test_fields_for_many_people_take_a_fixed_number_of_queries(world: World) -> None:
    people = [make_person(world.system, given_name=f"Many{i}") for i in range(5)]
    ids = [p.pk for p in people] + [world.csc_child.pk]
    worker = world.social_worker
    with CaptureQueriesContext(connection) as few:
        fields_visible_to_many(worker, ids[-2:])
    with CaptureQueriesContext(connection) as many:
        got = fields_visible_to_many(worker, ids)
    assert len(many.captured_queries) == len(few.captured_queries) <= 4
    assert got[world.csc_child.pk] == FIELD_TABLE[(CASEWORK, AgencyKind.CHILDRENS_SOCIAL_CARE)]
    assert all(got[p.pk] == frozenset() for p in people)


# --- Lists, search, the edit form ----------------------------------------------------------


def test_people_list_and_search_follow_the_table(world: World) -> None:
    child = seen_by_everyone(world)
    values = shown_values(child)
    police = client_for(world.police_analyst)
    html = police.get(reverse("people")).content.decode()
    assert values["name"] in html and values["date_of_birth"] in html
    # A column the role never sees is left out, not withheld on every row.
    assert values["la_child_id"] not in html and ">LA child ID</th>" not in html
    assert 'name="status"' not in html and "Name, LA child ID or UPN" not in html
    # Searching by an identifier the role may not see finds nobody, and a status filter
    # the role may not use is ignored rather than answered.
    assert values["name"] not in police.get(reverse("people"), {"q": child.upn}).content.decode()
    filtered = police.get(reverse("people"), {"status": "CP"}).content.decode()
    assert world.police_child.full_name in filtered
    social = client_for(world.social_worker)
    found = social.get(reverse("people"), {"q": child.upn}).content.decode()
    assert values["name"] in found and values["la_child_id"] in found


def test_the_edit_form_neither_shows_nor_changes_a_field_the_editor_may_not_see(
    world: World,
) -> None:
    child = seen_by_everyone(world)
    client = client_for(world.admin)
    html = client.get(reverse("person-edit", args=[child.pk])).content.decode()
    assert 'name="nhs_number"' in html and 'name="ethnicity"' not in html
    post = {
        "given_name": "Zara",
        "family_name": "Fieldtest",
        "date_of_birth": "14/03/2011",
        "sex": Sex.FEMALE,
        "ethnicity": Ethnicity.WBRI,
        "upn": child.upn,
        "nhs_number": child.nhs_number,
        "la_child_id": child.la_child_id,
    }
    assert client.post(reverse("person-edit", args=[child.pk]), post).status_code == 302
    child.refresh_from_db()
    assert child.ethnicity == Ethnicity.WROM


# --- The Django admin ----------------------------------------------------------------------


def _plain_administrator(world: World) -> Any:
    """An administrator who is not a superuser (staff given the admin, not the database)."""
    from locus.access.models import Worker

    worker = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="it_admin")
    Worker.objects.filter(pk=worker.pk).update(is_superuser=False)
    worker.refresh_from_db()
    return worker


@pytest.mark.parametrize("superuser", [False, True], ids=["plain", "superuser"])
def test_admin_shows_an_administrator_only_their_rows_fields(world: World, superuser: bool) -> None:
    """Django's superuser flag (every administrator at scope "all" carries it) widens
    nothing: the administrator's row has no ethnicity, home or child protection category."""
    child = seen_by_everyone(world)
    values = shown_values(child)
    admin = world.admin if superuser else _plain_administrator(world)
    assert admin.is_superuser == superuser
    client = client_for(admin)
    form = client.get(reverse("admin:people_person_change", args=[child.pk]))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="nhs_number"' in html and values["nhs_number"] in html
    assert 'name="ethnicity"' not in html and 'name="home"' not in html
    assert "field-home" not in html and "field-ethnicity" not in html
    assert child.ethnicity not in html and values["ethnicity"] not in html
    assert values["home_address"] not in html
    listing = client.get(reverse("admin:people_person_changelist")).content.decode()
    assert values["la_child_id"] in listing
    assert values["ethnicity"] not in listing and values["home_address"] not in listing
    episodes = client.get(reverse("admin:people_legalstatusepisode_changelist"))
    assert episodes.status_code == 200
    assert values["legal_status_detail"] not in episodes.content.decode()
    episode = child.episodes.get()
    detail = client.get(reverse("admin:people_legalstatusepisode_change", args=[episode.pk]))
    # Read only there (an episode decides who sees the child): shown, its withheld fields not.
    page = detail.content.decode()
    assert "field-status" in page
    assert "field-cp_category" not in page and values["legal_status_detail"] not in page


@pytest.mark.parametrize("superuser", [False, True], ids=["plain", "superuser"])
def test_admin_finds_no_child_by_a_field_its_row_lacks(world: World, superuser: bool) -> None:
    """Searching or filtering by a withheld field would tell it all the same: the list's
    address refuses such a filter (Django allows a filter on any of a model's own columns)."""
    child = seen_by_everyone(world)
    episode = child.episodes.get()
    client = client_for(world.admin if superuser else _plain_administrator(world))
    people = reverse("admin:people_person_changelist")
    # A field the row has is searched as before.
    found = client.get(people, {"q": child.la_child_id})
    assert found.status_code == 200 and child.family_name in found.content.decode()
    assert child.home is not None
    for lookup in (
        {"ethnicity": child.ethnicity},
        {"ethnicity__in": child.ethnicity},
        {"home": child.home.pk},
        {"home__isnull": "False"},
    ):
        response = client.get(people, lookup)
        assert response.status_code != 200 or child.family_name not in response.content.decode()
    episodes = reverse("admin:people_legalstatusepisode_changelist")
    response = client.get(episodes, {"cp_category": episode.cp_category})
    assert response.status_code != 200
    # Nor by the values of a child's changes in the trail.
    changed = reverse("admin:audit_changeevent_changelist")
    assert client.get(changed, {"record_type": "people.person"}).status_code == 200
    response = client.get(changed, {"after__ethnicity": child.ethnicity})
    assert response.status_code != 200


def test_admin_save_by_a_non_superuser_leaves_withheld_fields_alone(world: World) -> None:
    child = seen_by_everyone(world)
    client = client_for(_plain_administrator(world))
    url = reverse("admin:people_person_change", args=[child.pk])
    post = {
        "kind": child.kind,
        "given_name": "Zara",
        "family_name": "Fieldtest",
        "known_as": "",
        "date_of_birth": "2011-03-14",
        "sex": Sex.FEMALE,
        "la_child_id": child.la_child_id,
        "upn": child.upn,
        "nhs_number": child.nhs_number,
        "retain_until": "",
        "ethnicity": Ethnicity.WBRI,
        "home": "",
    }
    response = client.post(url, post)
    assert response.status_code == 302, response.content.decode()[:2000]
    child.refresh_from_db()
    assert child.ethnicity == Ethnicity.WROM and child.home is not None


@pytest.mark.parametrize("carried_name", [True, False])
def test_linked_cases_name_a_shared_child_only_when_the_share_carried_the_name(
    world: World, monkeypatch: pytest.MonkeyPatch, carried_name: bool
) -> None:
    from tests.factories import make_association

    make_association(world.system, person=world.csc_child, other=world.yjs_child, nature="risk")
    shared_child = world.yjs_child
    monkeypatch.setattr(scopes, "SHARED_GRANTS", [lambda w: scopes.Q(id=shared_child.pk)])
    carried = {PersonField.AGE} | ({PersonField.NAME} if carried_name else set())
    monkeypatch.setattr(
        forum,
        "fields_shared_with",
        lambda worker, ids: {i: frozenset(carried) for i in ids if i == shared_child.pk},
    )
    html = client_for(world.social_worker).get(reverse("linked")).content.decode()
    assert ("Yusuf Yjschild" in html) == carried_name
    assert ("A child not shared with you" in html) != carried_name


# --- Homes: a home context is an address ---------------------------------------------------


def test_a_role_without_the_home_address_does_not_reach_it_through_the_context_pages(
    world: World,
) -> None:
    from locus.people.services import person_update

    home = make_context(world.system, kind=ContextKind.HOME, name="Flat 7, Policechild Row")
    person_update(actor=world.system, person=world.police_child, home=home)
    police = client_for(world.police_analyst)
    assert police.get(reverse("context", args=[home.pk])).status_code == 404
    listing = police.get(reverse("contexts"), {"kind": ContextKind.HOME}).content.decode()
    assert "Policechild Row" not in listing
    # Nor through an incident there that police reported: the analyst sees the incident, and
    # that it happened at a home, never which (a police analyst works on patterns).
    incident = make_incident(
        world.system,
        context=home,
        reporting_agency=world.police,
        involvements=[(world.adult, InvolvementRole.HARMED)],
    )
    assert police.get(reverse("context", args=[home.pk])).status_code == 404
    page = police.get(reverse("incident", args=[incident.pk])).content.decode()
    assert "Policechild Row" not in page and naming.PLACE_WITHHELD in page
    # A police practitioner, whose row has the home address, reaches it through the incident.
    officer = make_worker(world.system, team=world.police_team, scope=Scope.AGENCY)
    page = client_for(officer).get(reverse("context", args=[home.pk])).content.decode()
    assert "Policechild Row" in page
    # The social care practitioner who may see homes still does, with who lives there.
    allocation_create(
        actor=world.system, person=world.police_child, worker=world.social_worker, start=START
    )
    social = client_for(world.social_worker).get(reverse("context", args=[home.pk]))
    assert world.police_child.full_name in social.content.decode()
