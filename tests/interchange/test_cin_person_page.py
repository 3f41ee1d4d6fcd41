"""A child's CIN census records on their page: small, flagged, scoped like the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse

from locus.access.models import AgencyKind, Worker
from locus.interchange.cin import CinImporter
from locus.people.models import Person
from locus.people.services import allocation_create
from locus.statutory import codes
from tests.factories import START, client_for, make_agency, make_team, make_worker
from tests.interchange.cin_files import census, child, episode, write


def imported(admin: Worker, tmp_path: Path, *episodes: str) -> Person:
    text = census(child("PAGE1", episodes=episodes))
    assert CinImporter().apply(write(tmp_path, text), by=admin).ok
    return Person.objects.get(la_child_id="PAGE1")


def test_the_page_shows_the_episodes_and_flags_extra_familial_harm(
    admin: Worker, world: Any, tmp_path: Path
) -> None:
    person = imported(
        admin,
        tmp_path,
        episode("2023-06-01", factors=("11A", "3A"), cp="NEG", closure="2023-12-01"),
        episode("2024-01-15", factors=("1B",)),
    )
    allocation_create(actor=world.system, person=person, worker=world.social_worker, start=START)
    html = client_for(world.social_worker).get(reverse("person", args=[person.pk])).content.decode()
    section = html[html.index('id="children-in-need"') :]
    assert "15 Jan 2024" in section and "1 Jun 2023" in section
    assert "Schools" in section  # the referral source in words
    assert "11A: Child sexual exploitation (outside the family)" in section
    assert "3A: Domestic violence" in section and "3A: Domestic violence (outside" not in section
    assert section.count("Extra-familial harm") == 1  # the first episode only
    assert "CP plan: Neglect from 1 Aug 2023" in section
    assert "Case closed after assessment, no further action" in section


def test_other_workers_get_not_found(admin: Worker, world: Any, tmp_path: Path) -> None:
    person = imported(admin, tmp_path, episode())
    for worker in (world.social_worker, world.police_analyst, world.school_dsl):
        assert client_for(worker).get(reverse("person", args=[person.pk])).status_code == 404


def test_a_child_with_no_census_record_has_no_section(world: Any) -> None:
    html = client_for(world.social_worker).get(reverse("person", args=[world.csc_child.pk]))
    assert 'id="children-in-need"' not in html.content.decode()


def test_a_worker_whose_role_has_no_legal_status_is_not_told_the_child_was_in_need(
    admin: Worker, world: Any, tmp_path: Path
) -> None:
    """A youth worker holding the child's case sees the child but not their social care
    status: the page withholds the status without saying whether there is one, so it does not
    say either that the child has children in need census records (a section only then)."""
    person = imported(admin, tmp_path, episode("2024-01-15", factors=("1B",)))
    youth = make_agency(world.system, kind=AgencyKind.YOUTH_SERVICE, name="Youth Service")
    worker = make_worker(world.system, team=make_team(world.system, agency=youth))
    allocation_create(actor=world.system, person=person, worker=worker, start=START)
    response = client_for(worker).get(reverse("person", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="children-in-need"' not in html and "Children in need" not in html
    assert 'id="legal-status"' in html  # the status's own section, withheld as before


def test_every_extra_familial_factor_is_a_dfe_factor_with_words() -> None:
    factors = codes.code_lists()[codes.FACTOR]
    assert set(factors) >= codes.EXTRA_FAMILIAL
    assert codes.short_factor("24A") == "Child criminal exploitation"
    assert codes.short_factor("13A") == "Gangs"
    assert codes.label(codes.REFERRAL_SOURCE, "5D") == "LA services: early help"
    assert codes.label(codes.REFERRAL_SOURCE, "3A") == "Health services: general practitioner (GP)"
