"""The pseudonymised extract: stable pseudonyms per key, unrelated across keys, dates of birth
to the month, postcodes to the sector, no name anywhere; for analysts and administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.access import scopes
from locus.access.fields import WITHHELD
from locus.audit.models import AccessAction, AccessEvent, ChangeEvent
from locus.exports.analysis import Pseudonyms, postcode_sector
from locus.exports.models import PseudonymKey
from locus.incidents.models import InvolvementRole
from locus.people.models import Person
from locus.places.models import Context, ContextKind
from tests.exports.conftest import read_xlsx
from tests.factories import World, client_for, make_context, make_incident, make_person

KEY_A = "a key for the first analysis"
KEY_B = "another key, unrelated to it"


def _extract(world: World, who: str = "admin", **form: str) -> dict[str, list[list[Any]]]:
    response = client_for(world.persona(who)).post("/exports/analysis/", form)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return read_xlsx(response.content)


@pytest.fixture
def housed(world: World) -> Person:
    home = make_context(
        world.system, kind=ContextKind.HOME, name="12 Sample Road", postcode="E8 1AB"
    )
    return make_person(
        world.system,
        given_name="Hana",
        family_name="Housed",
        date_of_birth=dt.date(2012, 7, 23),
        home=home,
    )


def test_pseudonyms_are_stable_per_key_and_unrelated_across_keys(world: World) -> None:
    first, again, other = (_extract(world, key=k) for k in (KEY_A, KEY_A, KEY_B))
    people = [r[0] for r in first["People"][1:]]
    assert people == [r[0] for r in again["People"][1:]]
    assert not set(people) & {r[0] for r in other["People"][1:]}
    assert len(set(people)) == Person.objects.count()
    # The same person has the same pseudonym wherever they appear in one extract.
    police_child = Pseudonyms(KEY_A).of("person", world.police_child.pk)
    assert police_child in people
    assert police_child in {r[1] for r in first["Involvements"][1:]}


def test_no_sheet_is_in_locus_id_order_each_is_in_pseudonym_order(world: World) -> None:
    """Without the key a pseudonym cannot be turned back into a Locus id: nor can its row.
    Written in id order, the n-th row of People would be the n-th person recorded, and the
    row number would undo every pseudonym. (Review 28c.)"""
    extract = _extract(world, key=KEY_A)
    names = Pseudonyms(KEY_A)
    ids = sorted(Person.objects.values_list("id", flat=True))
    people = [r[0] for r in extract["People"][1:]]
    assert sorted(people) == sorted(names.of("person", pk) for pk in ids)
    assert people != [names.of("person", pk) for pk in ids]  # not in the order of the ids
    for title, rows in extract.items():
        assert rows[1:] == sorted(rows[1:], key=lambda r: [str(c) for c in r]), title


def test_dates_of_birth_to_the_month_postcodes_to_the_sector(world: World, housed: Person) -> None:
    book = _extract(world, key=KEY_A)
    names = Pseudonyms(KEY_A)
    (row,) = [r for r in book["People"] if r[0] == names.of("person", housed.pk)]
    assert row[2] == "2012-07"
    # Where a child lives is not in an analyst's (nor an administrator's) row of the field
    # table: withheld, not linked to the home.
    assert row[5] == row[6] == WITHHELD
    (home,) = [r for r in book["Contexts"] if r[0] == names.of("context", housed.home_id)]
    assert home[2] == "E8 1"
    cells = [str(c) for rows in book.values() for r in rows for c in r]
    assert not any("2012-07-23" in c or "E8 1AB" in c or "1AB" in c for c in cells)


def test_no_name_anywhere_in_the_file(world: World, housed: Person) -> None:
    book = _extract(world, key=KEY_A)
    cells = " ".join(str(c) for rows in book.values() for r in rows for c in r)
    for p in Person.objects.all():
        # (A family name alone may be a word of the file: "Adult" of "Adult of concern".)
        assert p.given_name not in cells and p.full_name not in cells
    for c in Context.objects.all():
        assert c.name not in cells


def test_postcode_sector() -> None:
    assert postcode_sector("E8 1AB") == "E8 1"
    assert postcode_sector("sw1a2aa") == "SW1A 2"
    assert postcode_sector("N1") == "N1"
    assert postcode_sector("") == ""
    with pytest.raises(ValueError, match="postcode"):
        postcode_sector(None)  # type: ignore[arg-type]


def test_a_key_too_short_is_refused(world: World) -> None:
    response = client_for(world.admin).post("/exports/analysis/", {"key": "short"})
    assert response.status_code == 200 and "at least 16 characters" in response.content.decode()
    with pytest.raises(ValueError, match="key"):
        Pseudonyms("short")


def test_a_stored_named_key_gives_the_same_pseudonyms_each_time(world: World) -> None:
    client = client_for(world.admin)
    assert client.post("/exports/analysis/keys/new/", {"name": "Quarterly"}).status_code == 302
    stored = PseudonymKey.objects.get(name="Quarterly")
    first = _extract(world, key_name="Quarterly")
    again = _extract(world, key_name="Quarterly")
    assert first["People"] == again["People"]
    assert first["People"][1][0] in {
        Pseudonyms(stored.secret).of("person", p.pk) for p in Person.objects.all()
    }
    # The secret is in no audit row.
    assert not any(stored.secret in str(e.after) for e in ChangeEvent.objects.all())


def test_an_analyst_gets_only_whom_they_see_and_the_extract_is_audited_with_counts(
    world: World,
) -> None:
    book = _extract(world, "police_analyst", key=KEY_A)
    names = Pseudonyms(KEY_A)
    people = {r[0] for r in book["People"][1:]}
    assert names.of("person", world.police_child.pk) in people
    assert names.of("person", world.csc_child.pk) not in people
    event = AccessEvent.objects.get(action=AccessAction.EXPORT, record_type="exports.analysis")
    assert event.actor_id == world.police_analyst.pk
    assert event.detail["people"] == len(people)
    assert event.detail["incidents"] == len(book["Incidents"]) - 1
    assert KEY_A not in str(event.detail)


@pytest.mark.parametrize("persona", ["social_worker", "team_manager", "auditor", "school_dsl"])
def test_only_analysts_and_administrators_may_take_it(world: World, persona: str) -> None:
    client = client_for(world.persona(persona))
    assert client.get("/exports/analysis/").status_code == 404
    assert client.post("/exports/analysis/", {"key": KEY_A}).status_code == 404
    assert client.post("/exports/analysis/keys/new/", {"name": "x"}).status_code == 404


def test_an_analyst_may_not_store_a_key(world: World) -> None:
    client = client_for(world.police_analyst)
    assert client.post("/exports/analysis/keys/new/", {"name": "Mine"}).status_code == 404
    assert not PseudonymKey.objects.exists()


@pytest.mark.parametrize("who", ["police_analyst", "admin"])
def test_an_incident_at_a_home_does_not_say_which_home(world: World, who: str) -> None:
    """Neither an analyst's nor an administrator's row of the field table has the home
    address, so the People sheet withholds where a child lives: the Incidents sheet must not
    give it back through an incident at the home (the Involvements sheet names the children
    in it, and the home's pseudonym would say which children share a home, across every
    extract made with the key). The incident says it was at a place withheld, as every
    page says "a home"; an incident elsewhere keeps its place."""
    viewer = world.persona(who)
    at_home = make_incident(
        world.system,
        context=world.home,
        involvements=[(world.pupil, InvolvementRole.HARMED)],
        reporting_agency=world.police,
    )
    in_park = make_incident(
        world.system,
        context=world.park,
        involvements=[(world.pupil, InvolvementRole.HARMED)],
        reporting_agency=world.police,
    )
    seen = scopes.incidents_visible_to(viewer)
    assert seen.filter(pk=at_home.pk).exists() and seen.filter(pk=in_park.pk).exists()
    book = _extract(world, who, key=KEY_A)
    names = Pseudonyms(KEY_A)
    rows = {r[0]: r for r in book["Incidents"][1:]}
    home = names.of("context", world.home.pk)
    assert home not in rows[names.of("incident", at_home.pk)]
    assert rows[names.of("incident", at_home.pk)][3] == WITHHELD
    assert rows[names.of("incident", in_park.pk)][3] == names.of("context", world.park.pk)
