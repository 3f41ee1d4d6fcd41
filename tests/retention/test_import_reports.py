"""The purge of a person takes their identifiers and date of birth out of every import run's
reports (its check and apply reports, and its audit events), keeping the counts and the lines
about everyone else."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from locus.audit.models import AccessEvent, ChangeEvent
from locus.audit.verify import verify
from locus.interchange import services
from locus.interchange.models import ImportRun
from locus.interchange.reports import REMOVED, scrub_report
from locus.people.models import Person
from locus.retention import purge
from tests.factories import World
from tests.frozen_clock import FrozenClock

HEADER = "LAchildID,UPN,GivenName,FamilyName,KnownAs,PersonBirthDate,Sex,Ethnicity,PersonKind\n"
LA_ID, UPN = "IMP-7301", "K204900000001"
OTHER_ID = "IMP-7302"  # a row refused for giving the child's UPN: nobody Locus holds
SEVEN_YEARS = 7 * 366


def imported(world: World, rows: str) -> ImportRun:
    upload = SimpleUploadedFile("people.csv", (HEADER + rows).encode())
    run = services.run_create(actor=world.admin, kind="people", upload=upload)
    run = services.run_check(actor=world.admin, run=run)
    return services.run_confirm(actor=world.admin, run=run, valid_only=True)


def run_text(run: ImportRun) -> str:
    run.refresh_from_db()
    events = [
        *ChangeEvent.objects.filter(
            record_type="interchange.importrun", record_id=str(run.pk)
        ).values_list("before", "after"),
        *AccessEvent.objects.filter(
            record_type="interchange.importrun", record_id=str(run.pk)
        ).values_list("detail", flat=True),
    ]
    return json.dumps([run.check_report, run.apply_report]) + repr(events)


def test_a_purge_takes_the_person_out_of_the_import_reports_and_keeps_the_rest(
    frozen_clock: FrozenClock, world: World
) -> None:
    imported(world, f"{LA_ID},{UPN},Ottoline,Quarrender,,2009-06-01,2,WBRI,\n")
    child = Person.objects.get(la_child_id=LA_ID)
    # A later file: the child's LA child ID with another date of birth (a line naming the
    # child, with both dates), and another child's row refused for giving the child's UPN
    # (a line about that child, which does not quote the UPN).
    later = imported(
        world,
        f"{LA_ID},,Ottoline,Quarrender,,2009-07-02,2,WBRI,\n"
        f"{OTHER_ID},{UPN},Ptolemy,Quarrender,,2010-03-04,1,WBRI,\n",
    )
    before = run_text(later)
    assert LA_ID in before and "01/06/2009" in before and OTHER_ID in before
    counts = (later.check_report["counts"], later.apply_report["counts"])
    totals = (later.check_report["problems_total"], later.apply_report["problems_total"])
    assert child.pk in later.check_report["people"]
    frozen_clock.advance(days=SEVEN_YEARS)

    purge.purge(actor=world.admin)

    assert not Person.objects.filter(pk=child.pk).exists()
    after = run_text(later)
    for held in (LA_ID, UPN, "01/06/2009", "2009-06-01"):
        assert held not in after, held
    # The counts, the totals and the other rows' lines stay.
    assert (later.check_report["counts"], later.apply_report["counts"]) == counts
    assert (later.check_report["problems_total"], later.apply_report["problems_total"]) == totals
    assert OTHER_ID in json.dumps(later.check_report)
    assert OTHER_ID in json.dumps(later.apply_report)
    assert "[removed under the retention rules]" in json.dumps(later.check_report)
    assert child.pk not in later.check_report["people"]
    said = ChangeEvent.objects.filter(
        record_type="interchange.importrun", record_id=str(later.pk)
    ).latest("id")
    assert set(said.after) == {"purged_under", "purge_run"}
    # The run's events blanked by record: the chain's verifier holds them to the purge.
    assert verify().ok, verify().problems


def test_a_line_naming_the_person_by_upn_or_date_loses_them_and_others_lines_stay(
    world: World,
) -> None:
    child = world.csc_child
    Person.objects.filter(pk=child.pk).update(
        upn=UPN, la_child_id=LA_ID, date_of_birth=dt.date(2009, 6, 1)
    )
    child.refresh_from_db()
    line = {"where": "line 4", "field": "UPN", "rule": "duplicate", "about": None}
    report = {
        "counts": {"person": {"rejected": 2}},
        "problems": [
            {**line, "message": f"UPN {UPN} is also on line 2 (born 2009-06-01)", "record": ""},
            {**line, "where": "line 5", "message": "Born 2009-06-01", "record": OTHER_ID},
        ],
        "problems_total": 2,
        "details": {"first": [f"{LA_ID} at line 2"]},
        "people": [child.pk, 99],
    }
    scrubbed = scrub_report(report, child)
    text = json.dumps(scrubbed)
    assert UPN not in text and LA_ID not in text
    # Only the line naming them loses the date: another child may share the birthday.
    assert scrubbed["problems"][0]["message"] == (
        f"UPN {REMOVED} is also on line 2 (born {REMOVED})"
    )
    assert scrubbed["problems"][1] == report["problems"][1]
    assert scrubbed["people"] == [99] and scrubbed["counts"] == report["counts"]
