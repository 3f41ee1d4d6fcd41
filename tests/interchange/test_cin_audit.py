"""The CIN import's audit trail, written from the values read (no model instance per row):
every record created or updated has its change row, with its id, its people and what it
holds, the same as a service creating the record one at a time would write."""

from __future__ import annotations

from pathlib import Path

import pytest

from locus.access.models import Worker
from locus.audit.models import ChangeEvent
from locus.audit.services import snapshot
from locus.interchange.cin import CinImporter
from locus.people.models import Person
from locus.statutory.models import (
    CensusChild,
    ChildProtectionPlan,
    CINAssessment,
    CINEpisode,
    CINPlan,
    Section47Enquiry,
)
from tests.interchange.cin_files import census, child, episode, write
from tests.interchange.conftest import DATA

pytestmark = pytest.mark.django_db

IMPORTER = CinImporter()
CREATED = (
    Person,
    CensusChild,
    CINEpisode,
    CINAssessment,
    CINPlan,
    Section47Enquiry,
    ChildProtectionPlan,
)


def person_of(record: object) -> int:
    return record.pk if isinstance(record, Person) else record.person_id  # type: ignore[attr-defined]


def test_every_created_record_has_one_change_row_holding_what_it_holds(admin: Worker) -> None:
    done = IMPORTER.apply(DATA / "cin-2022-corrected.xml", by=admin)
    assert done.ok and done.details["written"] is True
    child = Person.objects.get(la_child_id="DFEX0000001")
    for model in CREATED:
        mine = {"pk": child.pk} if model is Person else {"person": child}
        records = list(model._default_manager.filter(**mine))
        assert records, model  # the sample has one of each
        for record in records:
            (event,) = ChangeEvent.objects.filter(
                record_type=model._meta.label_lower, record_id=str(record.pk)
            )
            assert (event.action, event.actor) == ("create", admin)
            assert event.before == {}
            # What the trail says was written is what the database holds, field by field.
            assert event.after == snapshot(record)
            assert event.people == f",{person_of(record)},"


def test_records_added_to_a_child_locus_had_are_audited_too(admin: Worker, tmp_path: Path) -> None:
    first = census(child("LA1", episodes=(episode(),)), year=2023, reference="2023-12-31")
    IMPORTER.apply(write(tmp_path, first), by=admin)
    person = Person.objects.get(la_child_id="LA1")
    # A second episode, with a plan, in the next return.
    following = census(
        child("LA1", episodes=(episode(), episode("2024-02-01", plan=True, cp="NEG"))), year=2024
    )
    report = IMPORTER.apply(write(tmp_path, following), by=admin)
    assert report.as_dict()["counts"]["cin_episode"] == {"updated": 1, "created": 1}  # census_year
    new = CINEpisode.objects.get(person=person, referral_date="2024-02-01")
    for record in (new, new.plans.get(), new.cp_plans.get(), new.assessments.get()):
        event = ChangeEvent.objects.get(
            record_type=record._meta.label_lower, record_id=str(record.pk), action="create"
        )
        assert event.after == snapshot(record) and event.people == f",{person.pk},"


def test_a_failed_import_leaves_no_record_and_no_change_row(admin: Worker, tmp_path: Path) -> None:
    events = ChangeEvent.objects.count()
    text = census(child("LA1"), child("LA2", episodes=(episode(source="ZZ"),)))
    report = IMPORTER.apply(write(tmp_path, text), by=admin)
    assert report.details["written"] is False
    assert not Person.objects.filter(la_child_id__in=["LA1", "LA2"]).exists()
    assert ChangeEvent.objects.count() == events


def test_a_date_out_of_order_names_its_element_and_line(admin: Worker, tmp_path: Path) -> None:
    text = census(child("LA1"), child("LA2", episodes=(episode(closure="2023-05-01"),)))
    (problem,) = IMPORTER.check(write(tmp_path, text)).problems
    assert problem.where.startswith("/Message/Children/Child[2]/CINdetails/CINclosureDate (line ")
    assert (problem.field, problem.rule, problem.record) == ("CINclosureDate", "date order", "LA2")


def test_two_episodes_or_parts_starting_the_same_day_are_named(
    admin: Worker, tmp_path: Path
) -> None:
    one = episode()
    again = (
        "<Assessments><AssessmentActualStartDate>2023-06-02</AssessmentActualStartDate>"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>1B</AssessmentFactors>"
        "</FactorsIdentifiedAtAssessment></Assessments><Section47>"
    )
    two_assessments = one.replace("<Section47>", again, 1)
    text = census(child("LA1", episodes=(one, one)), child("LA2", episodes=(two_assessments,)))
    problems = IMPORTER.check(write(tmp_path, text)).problems
    messages = {(p.record, p.field, p.rule): p.message for p in problems}
    assert messages[("LA1", "CINreferralDate", "duplicate")].startswith(
        "Two CIN episodes start on 01/06/2023 (the first at line "
    )
    assert messages[("LA2", "AssessmentActualStartDate", "duplicate")].startswith(
        "Two Assessments of this episode start on 02/06/2023 (the first at line "
    )
