"""Case note and chronology pages: who may open them, the form's messages, naming by sight,
corrections shown with their history, the chronology's filters, paging and printed copy,
every read logged with what it showed, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from locus.audit.models import AccessAction, AccessEvent
from locus.incidents.models import InvolvementRole
from locus.notes.models import CaseNote
from locus.notes.services import note_correct, note_mark_in_error
from tests.casework.test_team_opens_home_case import no_home_address  # noqa: F401 (a fixture)
from tests.factories import START, World, client_for, make_incident, nothing_written
from tests.notes.helpers import write
from tests.profiles.pages import assert_strict_page, errors_of, last_read, url

pytestmark = pytest.mark.django_db


def _get(client: Client, name: str, *args: Any, query: str = "") -> Any:
    return client.get(url(name, *args) + (f"?{query}" if query else ""))


def test_a_childs_page_links_to_the_chronology(world: World) -> None:
    page = client_for(world.social_worker).get(url("person", world.csc_child.pk))
    assert url("chronology", "person", world.csc_child.pk) in page.content.decode()


def test_a_childs_page_says_near_its_top_where_notes_and_documents_are(world: World) -> None:
    """The notes and documents sections sit low on a long page; the links at the top must
    lead to sections that exist."""
    html = client_for(world.social_worker).get(url("person", world.csc_child.pk)).content.decode()
    contents = html.index('aria-label="On this page"')
    assert contents < html.index("<h2")
    nav = html[contents : html.index("</nav>", contents)]
    sections = re.findall(r'href="#([a-z-]+)"', nav)
    assert {"legal-status", "associations", "incidents", "case-notes", "documents"} <= set(sections)
    for section in sections:
        assert f'id="{section}"' in html, section


def test_the_case_page_offers_notes_to_its_team_not_to_a_partner(world: World) -> None:
    from tests.casework.helpers import open_case

    case = open_case(world)
    link = url("chronology", "case", case.pk)
    own = client_for(world.social_worker).get(url("context-case", case.pk)).content.decode()
    assert link in own
    partner = client_for(world.partner_worker)
    assert link not in partner.get(url("context-case", case.pk)).content.decode()
    assert partner.get(link).status_code == 404
    client = client_for(world.social_worker)
    response = client.post(
        url("note-add", "case", case.pk), _form(kind="meeting", summary="Walked the site")
    )
    note = CaseNote.objects.get(case=case)
    assert response["Location"] == url("note", note.pk)
    page = client.get(link).content.decode()
    assert "Walked the site" in page and "Referral received" in page
    printed = client.get(url("chronology-print", "case", case.pk)).content.decode()
    assert f"{case.context.name}: context case" in printed
    assert partner.get(url("note", note.pk)).status_code == 404


# Who opens a child's chronology and notes (V), and may also write one (W).
# fmt: off
CHILD_ROW = {
    "social_worker": "W", "teammate": "W", "team_manager": "W", "admin": "W",
    "other_social_worker": "-", "yjs_worker": "-", "police_analyst": "-", "school_dsl": "-",
    "partner_worker": "-", "auditor": "-",
}
# fmt: on


@pytest.mark.parametrize(("persona", "cell"), sorted(CHILD_ROW.items()))
def test_child_note_pages_per_persona(world: World, persona: str, cell: str) -> None:
    note = write(world.social_worker, world.csc_child)
    client = client_for(world.persona(persona))
    child = world.csc_child.pk
    for name, args in (
        ("chronology", ["person", child]),
        ("chronology-print", ["person", child]),
        ("note", [note.pk]),
    ):
        assert _get(client, name, *args).status_code == (404 if cell == "-" else 200), name
    assert _get(client, "note-add", "person", child).status_code == (200 if cell == "W" else 404)


def test_an_unknown_subject_kind_is_not_found(world: World) -> None:
    client = client_for(world.admin)
    assert client.get(f"/notes/place/{world.park.pk}/").status_code == 404
    assert _get(client, "chronology", "group", world.park.pk).status_code == 404  # not a group


def _form(**data: Any) -> dict[str, Any]:
    return {
        "kind": "home_visit",
        "contact_on": "11/09/2025",
        "contact_at": "16:30",
        "present": "Her mother",
        "summary": "Home visit after the missing episode",
        "text": "Seen alone. She said she stayed at a friend's flat.",
        **data,
    }


def test_writing_a_note_naming_children_through_the_form(world: World) -> None:
    client = client_for(world.social_worker)
    page = _get(client, "note-add", "person", world.csc_child.pk).content.decode()
    assert_strict_page(page)
    assert "Ciara Cscchild" in page and "Tariq Teamchild" in page  # her, and the team's child
    assert "Paddy Policechild" not in page
    response = client.post(
        url("note-add", "person", world.csc_child.pk),
        _form(
            children=[str(world.csc_child.pk), str(world.team_child.pk)],
            present_workers=[str(world.teammate.pk)],
        ),
    )
    note = CaseNote.objects.get()
    assert response.status_code == 302 and response["Location"] == url("note", note.pk)
    assert note.contact_at == dt.time(16, 30)
    assert set(note.children.all()) == {world.csc_child, world.team_child}
    page = client.get(url("note", note.pk)).content.decode()
    assert "Tariq Teamchild" in page and "teammate" in page and "16:30" in page


def test_a_child_the_author_may_not_see_is_refused_on_the_field(world: World) -> None:
    client = client_for(world.social_worker)
    with nothing_written(CaseNote):
        response = client.post(
            url("note-add", "person", world.csc_child.pk),
            _form(children=[str(world.police_child.pk)]),
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert errors_of(page) == ["You may name only children you can see: choose from the list"]
    assert 'href="#id_children"' in page
    assert "Paddy" not in page


def test_bad_input_names_each_field_and_writes_nothing(world: World) -> None:
    client = client_for(world.social_worker)
    with nothing_written(CaseNote):
        response = client.post(
            url("note-add", "person", world.csc_child.pk),
            _form(kind="other", contact_on="31/02/2025", contact_at="25:99", summary="", text=""),
        )
    page = response.content.decode()
    assert "<title>Error: " in page
    assert errors_of(page) == [
        "Enter the date of the contact as a date, like 27/03/2026",
        "Enter the time of the contact like 14:30",
        "Enter a summary",
        "Enter the note",
    ]
    with nothing_written(CaseNote):
        response = client.post(url("note-add", "person", world.csc_child.pk), _form(kind="other"))
    assert errors_of(response.content.decode()) == ["Say what kind of contact it was"]


def test_a_reader_who_may_not_see_a_named_child_gets_initials(world: World) -> None:
    note = write(world.social_worker, world.group, children=[world.csc_child, world.team_child])
    page = client_for(world.yjs_worker).get(url("note", note.pk)).content.decode()
    assert "Ciara" not in page and "Tariq" not in page
    assert "CC (a child not shared with you)" in page and "TT (a child not shared with you)" in page
    read = last_read(world.yjs_worker)
    assert read.record_type == "notes.casenote" and read.detail["people_shown"] == []
    mine = client_for(world.social_worker).get(url("note", note.pk)).content.decode()
    assert "Ciara Cscchild" in mine
    assert last_read(world.social_worker).detail["people_shown"] == sorted(
        [world.csc_child.pk, world.team_child.pk]
    )


def test_a_correction_shows_with_the_old_wording(world: World) -> None:
    note = write(world.social_worker, world.csc_child, summary="Visit to Ciara")
    client = client_for(world.team_manager)
    page = _get(client, "note-correct", note.pk).content.decode()
    assert 'value="Visit to Ciara"' in page
    response = client.post(
        url("note-correct", note.pk),
        {
            **_form(summary="Home visit to Ciara"),
            "reason": "The summary did not say where",
        },
    )
    assert response.status_code == 302
    page = client.get(url("note", note.pk)).content.decode()
    assert "Home visit to Ciara" in page
    assert "by Test team_manager, reason: The summary did not say where" in page
    assert "Visit to Ciara" in page  # the old wording, kept
    response = client.post(url("note-correct", note.pk), {**_form(), "reason": ""})
    assert "Say why the note is corrected" in errors_of(response.content.decode())


def test_entered_in_error_is_struck_and_still_readable(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    client = client_for(world.social_worker)
    response = client.post(url("note-in-error", note.pk), {"reason": ""})
    assert errors_of(response.content.decode()) == ["Say why the note was entered in error"]
    client.post(url("note-in-error", note.pk), {"reason": "Written on the wrong child"})
    page = client_for(world.teammate).get(url("note", note.pk)).content.decode()
    assert "Entered in error" in page and "Written on the wrong child" in page
    assert "locus-struck" in page and note.text.split(".")[0] in page
    assert "Correct the note" not in page
    chronology = client.get(url("chronology", "person", world.csc_child.pk)).content.decode()
    assert "Entered in error" in chronology


def _events(world: World, n: int) -> None:
    for i in range(n):
        day = START + dt.timedelta(days=2 * i + 1)
        write(world.social_worker, world.csc_child, contact_on=day, summary=f"Visit number {i}")
        make_incident(
            world.system,
            context=world.park,
            reporting_agency=world.csc,
            involvements=[(world.csc_child, InvolvementRole.HARMED)],
            occurred_at=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC),
        )


def _count(client: Client, address: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Each source of the chronology is one or two queries, whatever its length; the rest is the
# page's frame (session, worker, menu) and the audit row (with its chain head, read locked and
# moved on: three).
@pytest.mark.parametrize(("name", "pinned"), [("chronology", 24), ("chronology-print", 23)])
def test_chronology_query_count_is_pinned(world: World, name: str, pinned: int) -> None:
    _events(world, 1)
    note = write(world.social_worker, world.csc_child)
    note_correct(actor=world.social_worker, note=note, reason="Typo", summary="Visit, corrected")
    client = client_for(world.social_worker)
    address = url(name, "person", world.csc_child.pk)
    client.get(address)
    before = _count(client, address)
    _events(world, 8)
    assert _count(client, address) == before == pinned


def test_note_page_query_count_is_pinned(world: World) -> None:
    note = write(world.social_worker, world.csc_child, children=[world.csc_child])
    client = client_for(world.social_worker)
    client.get(url("note", note.pk))
    before = _count(client, url("note", note.pk))
    note_correct(actor=world.social_worker, note=note, reason="Typo", summary="Corrected once")
    note_correct(actor=world.social_worker, note=note, reason="Typo", summary="Corrected twice")
    assert _count(client, url("note", note.pk)) == before == 16  # the log's chain head: 2


def test_the_chronology_merges_in_date_order_filters_and_pages(world: World) -> None:
    _events(world, 15)  # 30 events, and the allocation and the status
    client = client_for(world.social_worker)
    page = _get(client, "chronology", "person", world.csc_child.pk).content.decode()
    assert_strict_page(page)
    assert "32 events" in page and "Page 1 of 2" in page
    assert page.index("Allocated to Test social_worker") < page.index("Visit number 0")
    assert page.index("Visit number 0") < page.index("Visit number 1")
    read = last_read(world.social_worker)
    assert read.detail["page"] == "chronology"
    assert (
        len(read.detail["events_shown"]["note"]) + len(read.detail["events_shown"]["incident"])
        == 23
    )
    only_notes = _get(
        client, "chronology", "person", world.csc_child.pk, query="kinds=note&order=newest"
    ).content.decode()
    assert "15 events" in only_notes and "Incident</td>" not in only_notes
    assert only_notes.index("Visit number 14") < only_notes.index("Visit number 13")
    period = _get(
        client,
        "chronology",
        "person",
        world.csc_child.pk,
        query="kinds=note&start=05/09/2025&end=10/09/2025",
    ).content.decode()
    assert "3 events" in period  # the notes of the 6th, 8th and 10th
    bad = _get(
        client, "chronology", "person", world.csc_child.pk, query="start=10/09/2025&end=01/09/2025"
    ).content.decode()
    assert errors_of(bad) == ["The last date must be on or after the first date"]


def test_the_printed_chronology_says_whose_what_and_who_printed_it(world: World) -> None:
    _events(world, 3)
    client = client_for(world.social_worker)
    page = _get(
        client,
        "chronology-print",
        "person",
        world.csc_child.pk,
        query="kinds=note&start=01/09/2025",
    ).content.decode()
    assert "Ciara Cscchild" in page and "Case notes; from 1 September 2025 to today" in page
    assert "Printed by" in page and "Test social_worker, Contextual Safeguarding Team A" in page
    assert "3 events" in page
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("at", "id")
    assert event.action == AccessAction.EXPORT and event.detail["page"] == "chronology-print"
    assert len(event.detail["events_shown"]["note"]) == 3


def test_a_groups_chronology_names_only_members_the_reader_sees(world: World) -> None:
    write(world.social_worker, world.group, kind="observation", summary="Seen at the park")
    page = client_for(world.yjs_worker).get(url("chronology", "group", world.group.pk))
    html = page.content.decode()
    assert "Yusuf Yjschild joined" in html and "CC (a person not shared with you) joined" in html
    assert "Ciara" not in html and "Seen at the park" in html
    assert last_read(world.yjs_worker).detail["people_shown"] == [world.yjs_child.pk]


def test_the_notes_pages_are_mistake_proof_for_struck_notes(world: World) -> None:
    note = write(world.social_worker, world.csc_child)
    note_mark_in_error(actor=world.social_worker, note=note, reason="Duplicate")
    response = client_for(world.social_worker).post(
        url("note-correct", note.pk), {**_form(summary="Late fix"), "reason": "Fix"}
    )
    assert "This note was entered in error: it cannot be corrected" in errors_of(
        response.content.decode()
    )


def test_note_form_query_count_is_pinned(world: World) -> None:
    client = client_for(world.social_worker)
    address = url("note-add", "person", world.csc_child.pk)
    client.get(address)
    before = _count(client, address)
    for _ in range(3):
        write(world.social_worker, world.csc_child, children=[world.team_child])
    assert _count(client, address) == before == 18  # the log's chain head: 2


def test_a_forum_share_opens_no_notes(world: World) -> None:
    """A child shared at a meeting shows the shared fields; the notes are the record."""
    from tests.mapping.helpers import hold, propose, schedule

    note = write(world.social_worker, world.csc_child)
    meeting = propose(world, invitees=[world.police_analyst])
    hold(world, schedule(world, meeting))
    client = client_for(world.police_analyst)
    assert client.get(url("person", world.csc_child.pk)).status_code == 200  # the share
    assert _get(client, "chronology", "person", world.csc_child.pk).status_code == 404
    assert _get(client, "note", note.pk).status_code == 404
    assert _get(client, "note-add", "person", world.csc_child.pk).status_code == 404


def test_each_note_form_offers_a_way_back_without_saving(world: World) -> None:
    """Writing, correcting or striking out a note can be left without saving, back to where
    the worker came from, as on every other form page."""
    note = write(world.social_worker, world.csc_child)
    client = client_for(world.social_worker)
    back = 'href="{}">Back without saving</a>'
    for page, leads_to in (
        (
            url("note-add", "person", world.csc_child.pk),
            url("chronology", "person", world.csc_child.pk),
        ),
        (url("note-correct", note.pk), url("note", note.pk)),
        (url("note-in-error", note.pk), url("note", note.pk)),
    ):
        assert back.format(leads_to) in client.get(page).content.decode(), page


@pytest.mark.usefixtures("no_home_address")
def test_a_home_case_s_notes_and_chronology_do_not_name_the_home(world: World) -> None:
    """The case's team manager, whose role has no home address, opens a home's case as "A
    home: ...": its chronology, a note on it and the note form, and the chronology of a child
    on its plan (who does not live there) named the home, a family's address."""
    from locus.access import naming
    from locus.casework import services
    from tests.casework.helpers import assess, conference_of, schedule
    from tests.casework.test_team_opens_home_case import HOME_NAME, home_case

    case = assess(world, home_case(world))
    schedule(world, conference_of(case))  # on the chronologies of the case and the child
    plan = services.plan_draft(actor=world.social_worker, case=case)
    services.plan_child_add(actor=world.social_worker, plan=plan, person=world.csc_child)
    note = write(world.social_worker, case)
    client = client_for(world.team_manager)
    for name, args in (
        ("chronology", ["case", case.pk]),
        ("note-add", ["case", case.pk]),
        ("note", [note.pk]),
        ("chronology", ["person", world.csc_child.pk]),
    ):
        response = _get(client, name, *args)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert HOME_NAME not in html, (name, args)
        assert naming.PLACE_WITHHELD in html, (name, args)


def test_a_note_form_drawn_again_after_an_invalid_post_is_a_logged_read(world: World) -> None:
    """A refused post draws the form again, with the children it offers to name (adding) or
    the note's subject (correcting, striking out): each drawing is a read, logged as the
    first one is, whether or not the form was first opened."""
    note = write(world.social_worker, world.csc_child)
    client = client_for(world.social_worker)
    for name, args, page, data in (
        ("note-add", ["person", world.csc_child.pk], "note-add", {"kind": "other"}),
        ("note-correct", [note.pk], "note-correct", {**_form(), "reason": ""}),
        ("note-in-error", [note.pk], "note-in-error", {"reason": ""}),
    ):
        before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.post(url(name, *args), data)
        assert response.status_code == 200 and errors_of(response.content.decode())
        read = AccessEvent.objects.filter(id__gt=before).get()
        assert read.actor == world.social_worker and read.detail["page"] == page
        if name == "note-add":
            assert world.csc_child.pk in read.detail["people_shown"]
