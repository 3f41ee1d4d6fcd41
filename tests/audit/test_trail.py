"""The audit trail page: who may read it, its search, its CSV export, and that
reading or exporting it is itself logged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from locus.access.models import Scope
from locus.access.services import break_glass_request
from locus.audit.models import AccessAction, AccessEvent, ChangeEvent
from locus.audit.services import record_access
from locus.common import clock
from locus.common.spreadsheet import safe_text as safe_cell
from locus.subjectaccess.gather import gather
from tests.factories import World, client_for, make_association, make_person, make_worker

pytestmark = pytest.mark.django_db

TRAIL = reverse("audit")
EXPORT = reverse("audit-export")


def page(client: Client, **query: Any) -> str:
    response = client.get(TRAIL, query)
    assert response.status_code == 200
    return response.content.decode()


def rows_of(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)).strip() for r in body.split("</tr>")[:-1]
    ]


def export(client: Client, **query: Any) -> list[list[str]]:
    response = client.get(EXPORT, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


# --- how it reads ----------------------------------------------------------------------------


def test_one_download_line_and_a_purpose_column_only_where_a_row_has_one(world: World) -> None:
    """The page offered two download lines, and a Purpose column most pages leave empty:
    one line now offers the CSV and the spreadsheet, and Purpose shows only on a page of
    reads where one was given (an emergency access, a recorded need to name peers)."""
    client = client_for(world.auditor)
    record_access(actor=world.social_worker, obj=world.csc_child)
    html = page(client)
    assert html.count("Download") == 1
    assert "Download these results as CSV" in html and "as an XLSX spreadsheet" in html
    assert ">Purpose</th>" not in html
    assert ">Fields</th>" in page(client, show="changes")
    record_access(actor=world.social_worker, obj=world.csc_child, purpose="Missing tonight")
    html = page(client)
    assert ">Purpose</th>" in html and "Missing tonight" in html


def test_a_reads_details_are_said_in_words_on_the_page_and_kept_as_logged_in_the_download(
    world: World,
) -> None:
    """The auditor read "details: items 7, team False, via my work", "shown strong,
    summarised 1882, unnamed 9" and "window 13w": the page now says each in words (a key
    it has no words for reads as the key in words); the CSV keeps what was logged. My work and
    the home page read as the page opened, not "Searched ...: 0 shown" (a count of the people
    they named)."""
    details = [
        {"via": "my work", "team": False, "items": 7},
        {"shown": "strong", "summarised": 1882, "unnamed": 9},
        {"window": "13w", "odd_new_key": "x"},
        {"page": "home", "items": 3, "cases_shown": [4, 5]},
    ]
    for detail in details:
        record_access(actor=world.social_worker, record_type="linked.case", detail=detail)
    rows = " ".join(rows_of(page(client_for(world.auditor), worker=world.social_worker.username)))
    for said in (
        "Opened My work (7 items shown, team view: no)",
        "(showing links on strong evidence, 1882 summarised, 9 not named)",
        "(odd new key: x, period: last 13 weeks)",
        "Opened the home page (3 items shown)",
    ):
        assert said in rows
    for raw in ("details:", "team False", "window 13w", "unnamed 9"):
        assert raw not in rows
    downloaded = " ".join(" ".join(line) for line in export(client_for(world.auditor)))
    assert "team False" in downloaded and "window 13w" in downloaded


# --- who may read it -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    [
        "social_worker",
        "team_manager",
        "yjs_worker",
        "police_analyst",
        "school_dsl",
        "partner_worker",
    ],
)
def test_only_auditors_and_administrators_read_or_export_the_trail(
    world: World, persona: str
) -> None:
    client = client_for(world.persona(persona))
    assert client.get(TRAIL).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert not AccessEvent.objects.filter(record_type="audit.trail").exists()


@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_reading_the_trail_is_logged_with_its_filters(world: World, persona: str) -> None:
    viewer = world.persona(persona)
    page(client_for(viewer), person=world.csc_child.pk, show="changes")
    event = AccessEvent.objects.get(actor=viewer, record_type="audit.trail")
    assert event.action == AccessAction.VIEW
    assert event.detail["show"] == "changes"
    assert event.detail["filters"] == {"person": str(world.csc_child.pk)}


def test_reading_the_trail_is_logged_with_the_children_its_rows_name(world: World) -> None:
    """The page names children to an administrator (by id to an auditor): its read is logged
    with the rows it showed and the people they name, as its CSV download is, so an auditor
    searching the trail for a child, and the child's subject access package, find who read
    the trail's rows about them (it was logged with its filters only)."""
    child = world.csc_child
    seen = record_access(actor=world.social_worker, obj=child)
    record_access(actor=world.social_worker, obj=world.park)
    assert child.full_name in page(client_for(world.admin), worker="social_worker")
    event = AccessEvent.objects.filter(actor=world.admin, record_type="audit.trail").latest("id")
    assert event.detail["people_shown"] == [child.pk]
    assert str(seen.pk) in event.detail["shown"] and len(event.detail["shown"]) == 2
    assert event.detail["filters"] == {"worker": "social_worker"}
    found = rows_of(page(client_for(world.auditor), person=child.pk, worker="admin"))
    assert any("Read the audit trail" in row for row in found), found
    access = next(s for s in gather(child).sections if s.key == "access")
    assert f"audit.accessevent:{event.pk}" in [item.key for item in access.items]


# --- search --------------------------------------------------------------------------------


def test_search_by_person_finds_every_read_and_change_about_them(world: World) -> None:
    child = world.csc_child
    near = make_person(world.system, given_name="Near", family_name="Id")
    record_access(actor=world.social_worker, obj=child)
    record_access(
        actor=world.team_manager,
        record_type="people.person",
        action=AccessAction.SEARCH,
        detail={"shown": [str(world.team_child.pk), str(child.pk)]},
    )
    record_access(actor=world.yjs_worker, obj=world.group, detail={"people_shown": [child.pk]})
    # Ids that merely contain the child's id are not the child.
    record_access(
        actor=world.police_analyst,
        record_type="people.person",
        action=AccessAction.SEARCH,
        detail={"shown": [int(f"{child.pk}0"), int(f"1{child.pk}"), near.pk]},
    )
    make_association(world.system, person=world.yjs_child, other=child)
    record_access(
        actor=world.other_social_worker,
        record_type="linked.case",
        action=AccessAction.SEARCH,
        detail={"person": world.other_child.pk, "named": [child.pk], "unnamed": 2},
    )

    client = client_for(world.auditor)
    reads = rows_of(page(client, person=child.pk))
    assert len(reads) == 4
    assert [r.split(" (")[1].split(")")[0] for r in reads] == [
        "other_social_worker",
        "yjs_worker",
        "team_manager",
        "social_worker",
    ]
    assert "Searched linked cases: 1 shown (2 not named)" in reads[0]
    assert "Read the record of a peer group" in reads[1] and "1 shown" in reads[1]
    assert "Searched people: 2 shown" in reads[2]

    changes = rows_of(page(client, person=child.pk, show="changes"))
    said = " | ".join(changes)
    assert f"Recorded the association of person #{world.yjs_child.pk}" in said  # as the other
    assert f"Recorded the record of person #{child.pk}" in said
    assert f"Recorded the allocation of person #{child.pk}" in said
    assert "Ciara" not in said and "Ciara" not in " ".join(reads)


def test_search_by_worker_record_and_date(world: World) -> None:
    old = record_access(actor=world.social_worker, obj=world.csc_child)
    old.at = clock.now() - dt.timedelta(days=40)
    old.save()
    record_access(actor=world.social_worker, obj=world.park)
    record_access(actor=world.yjs_worker, obj=world.yjs_child)
    client = client_for(world.auditor)

    by_worker = rows_of(page(client, worker="social_worker"))
    assert len(by_worker) == 2
    assert all("(social_worker)" in r for r in by_worker)

    by_record = rows_of(page(client, record_type="places.context", record_id=world.park.pk))
    assert len(by_record) == 1 and "Millfields Park" in by_record[0]

    since = (clock.today() - dt.timedelta(days=7)).strftime("%d/%m/%Y")
    recent = rows_of(page(client, worker="social_worker", date_from=since))
    assert len(recent) == 1 and "Millfields Park" in recent[0]
    day = timezone.localtime(old.at).date()
    then = rows_of(page(client, date_from=day.isoformat(), date_to=day.strftime("%d/%m/%Y")))
    assert len(then) == 1 and f"person #{world.csc_child.pk}" in then[0]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"person": "²"}, "Person ID must be a number, like 1234"),
        ({"person": "99999999999999999999"}, "Person ID must be a number, like 1234"),
        ({"record_type": "people.person", "record_id": "-3"}, "Record ID must be a number"),
        ({"record_id": "12"}, "Choose the record type of the record ID"),
        ({"record_type": "nonsense.thing"}, "Select a valid choice"),
        ({"worker": "nobody_here"}, "Worker&#x27;s username: no worker has this username"),
        ({"date_from": "31/02/2026"}, "From must be a real date, like 27/3/2026"),
        ({"date_from": "2/3/2026", "date_to": "1/3/2026"}, "To must be the same as or after from"),
    ],
)
def test_bad_search_input_names_the_field_never_a_server_error(
    world: World, query: dict[str, str], message: str
) -> None:
    record_access(actor=world.social_worker, obj=world.park)
    html = page(client_for(world.auditor), **query)
    assert "There is a problem" in html
    assert message in html
    assert "Correct the search to see the trail" in html
    response = client_for(world.auditor).get(EXPORT, query)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_the_trail_is_paginated_keeping_the_search(world: World) -> None:
    for _ in range(55):
        record_access(actor=world.social_worker, obj=world.park)
    client = client_for(world.auditor)
    html = page(client, worker="social_worker")
    assert len(rows_of(html)) == 50
    assert "worker=social_worker&amp;page=2" in html
    second = client.get(TRAIL, {"worker": "social_worker", "page": 2}).content.decode()
    assert len(rows_of(second)) == 5


# Session and worker (2), the count, the trail's own log (its chain head read locked and
# moved on, and the row: 3), the page of events, the records of its one kind, and the
# session's idle-timeout refresh (savepoint, update, release).
TRAIL_QUERIES = 11


@pytest.mark.parametrize("record_type", ["places.context", "people.person"])
def test_the_trail_page_query_count_is_pinned(world: World, record_type: str) -> None:
    """Flat in the number of rows, whether or not its rows name people (whom it logs)."""
    client = client_for(world.auditor)
    query = {"record_type": record_type}
    client.get(TRAIL, query)
    for n in (1, 60):
        for _ in range(n):
            record_access(actor=world.social_worker, obj=world.park)
            record_access(actor=world.social_worker, obj=world.home)
            record_access(actor=world.social_worker, obj=make_person(world.system))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(TRAIL, query).status_code == 200
        assert len(ctx.captured_queries) == TRAIL_QUERIES


# --- CSV -----------------------------------------------------------------------------------


def test_the_csv_holds_the_filtered_trail_in_the_same_words(world: World) -> None:
    record_access(actor=world.social_worker, obj=world.csc_child, detail={"page": "peers"})
    record_access(actor=world.social_worker, obj=world.park)
    record_access(actor=world.yjs_worker, obj=world.csc_child)
    lines = export(client_for(world.auditor), worker="social_worker")
    assert lines[0] == ["Time", "Worker", "Action", "Record", "Description", "Fields changed"]
    body = lines[1:]
    assert [line[2:5] for line in body] == [
        ["Read", "record of Millfields Park", "Read the record of Millfields Park"],
        [
            "Read",
            f"record of person #{world.csc_child.pk}",
            f"Read the record of person #{world.csc_child.pk} (peers page)",
        ],
    ]
    assert all(line[1] == "Test social_worker (social_worker)" for line in body)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", body[0][0])


def test_the_csv_of_changes_lists_the_fields_changed(world: World) -> None:
    lines = export(client_for(world.admin), show="changes", person=world.csc_child.pk)
    person = next(line for line in lines if line[3] == "record of Ciara Cscchild")
    assert person[2] == "Recorded"
    assert "given name" in person[5] and "date of birth" in person[5]


def test_exporting_is_itself_logged_and_reads_plainly(world: World) -> None:
    for _ in range(3):
        record_access(actor=world.social_worker, obj=world.park)
    client = client_for(world.auditor)
    lines = export(client, worker="social_worker", record_type="places.context")
    assert len(lines) == 4
    event = AccessEvent.objects.get(actor=world.auditor, action=AccessAction.EXPORT)
    assert event.detail["rows"] == 3
    newest = rows_of(page(client_for(world.admin), worker="auditor"))
    assert (
        newest[0].count(
            "Exported 3 rows of the audit trail with filters show reads, worker social_worker, "
            "record type places.context"
        )
        == 1
    )


def test_the_csv_download_is_logged_with_the_children_it_names(world: World) -> None:
    """The trail's CSV names children to an administrator: its read is logged with them, as
    /exports/audit/ logs it, so an auditor searching the trail for a child, and the child's
    subject access package, find the download (it was logged with filters and a count only)."""
    child = world.csc_child
    record_access(actor=world.social_worker, obj=child)
    response = client_for(world.admin).get(EXPORT, {"person": child.pk})
    assert child.full_name in b"".join(response.streaming_content).decode()
    event = AccessEvent.objects.filter(actor=world.admin, action=AccessAction.EXPORT).latest("id")
    assert event.record_type == "audit.trail"
    assert child.pk in event.detail["people_shown"], event.detail
    assert f",{child.pk}," in event.people  # the trail's search by person finds the download


def test_the_csv_guards_against_formula_injection(world: World) -> None:
    names = {"sly": ('=HYPERLINK("http://x")', "Sly"), "at": ("", "@SUM(A1)")}
    for username, (first, last) in names.items():
        worker = make_worker(world.system, team=world.csc_team_a, role="practitioner")
        worker.username, worker.first_name, worker.last_name = username, first, last
        worker.save()
        record_access(actor=worker, obj=world.park)
    cells = [cell for line in export(client_for(world.auditor))[1:] for cell in line]
    assert '\'=HYPERLINK("http://x") Sly (sly)' in cells
    assert "'@SUM(A1) (at)" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_is_kept_as_text(start: str) -> None:
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"
    assert safe_cell(f"a{start}1") == f"a{start}1"


# --- the menu --------------------------------------------------------------------------------

CASEWORK_MENU = [
    "Home",
    "People",
    "Contexts",
    "Incidents",
    "Linked cases",
    "Meetings",
    "Panels",
    "Context cases",
    "Visits",
    "My work",
]
MENUS = {
    "auditor": ["Home", "Audit trail", "Sharing register", "Retention"],
    "admin": [
        *CASEWORK_MENU,
        "Audit trail",
        "Sharing register",
        "Imports",
        "Retention",
        "Live API tokens",
        "Subject access",
    ],
    "social_worker": [*CASEWORK_MENU, "Sharing register"],
}


def menu(html: str) -> list[tuple[str, str]]:
    nav = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    return re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>([^<]+)</a>', nav
    )


@pytest.mark.parametrize(
    "persona",
    [
        "auditor",
        "admin",
        "social_worker",
        "team_manager",
        "yjs_worker",
        "police_analyst",
        "school_dsl",
    ],
)
def test_each_persona_s_menu_holds_only_pages_they_can_open(world: World, persona: str) -> None:
    client = client_for(world.persona(persona))
    links = menu(client.get(reverse("dashboard")).content.decode())
    if persona in MENUS:
        assert [label for _, label in links] == MENUS[persona]
    for href, label in links:
        assert client.get(href).status_code == 200, f"{persona}: {label} ({href})"


# --- what the person search rests on ---------------------------------------------------------


def test_bulk_created_records_are_found_by_the_people_they_name(world: World) -> None:
    from locus.audit.services import record_creations
    from locus.people.models import Allocation

    allocation = Allocation.objects.filter(person=world.yjs_child).get()
    record_creations(actor=world.system, objs=[allocation])
    event = ChangeEvent.objects.filter(record_type="people.allocation").order_by("id").last()
    assert event is not None and event.people == f",{world.yjs_child.pk},"


def test_events_written_before_the_people_column_are_filled_in(world: World) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("locus.audit.migrations.0003_backfill_event_people")
    child = world.csc_child
    association = make_association(world.system, person=world.yjs_child, other=child)
    read = record_access(
        actor=world.team_manager,
        record_type="people.person",
        action=AccessAction.SEARCH,
        detail={"shown": [str(child.pk)]},
    )
    AccessEvent.objects.update(people="")
    ChangeEvent.objects.update(people="")
    migration.backfill(apps, None)
    read.refresh_from_db()
    assert read.people == f",{child.pk},"
    change = ChangeEvent.objects.get(record_type="peers.association", record_id=str(association.pk))
    assert change.people == f",{world.yjs_child.pk},{child.pk},"


# --- emergency access requests ---------------------------------------------------------------


def test_an_emergency_access_request_reads_plainly_and_is_found_by_the_person_asked_for(
    world: World,
) -> None:
    """An auditor looking into who asked for emergency sight of a child finds each request by
    the person asked for, granted or not (an id that is nobody's is refused), in words: the
    person asked for and the answer, never the trail's internal name for a request."""
    worker = make_worker(world.system, team=world.csc_team_a, scope=Scope.AGENCY)
    child = world.police_child
    reason = "Police called out of hours: this child is missing tonight and at risk"
    for asked in (child.pk, 999_999):
        break_glass_request(actor=worker, person_id=asked, category="missing_child", reason=reason)
    client = client_for(world.auditor)
    granted = " | ".join(rows_of(page(client, person=child.pk)))
    assert f"Asked for emergency access to person #{child.pk}: granted" in granted
    assert "breakglassrequest" not in granted
    refused = rows_of(page(client, person=999_999))
    assert len(refused) == 1
    assert "Asked for emergency access to person #999999: refused" in refused[0]
    # The reason is given once, with its category: was, a granted request's purpose said it
    # twice ("Break-glass (Missing child): <reason>; Missing child: <reason>").
    purposes = [
        event.purpose
        for event in AccessEvent.objects.filter(record_type="access.breakglassrequest")
    ]
    assert sorted(purposes) == sorted(
        [f"Break-glass (Missing child): {reason}", f"Missing child: {reason}"]
    )
