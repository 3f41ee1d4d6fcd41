"""Each list's download holds exactly the rows its page's selector gives the same worker,
names people only as the page may, is safe to open in a spreadsheet, and is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.access.models import Worker
from locus.audit.models import AccessAction, AccessEvent
from locus.casework.selectors import cases_for
from locus.common.spreadsheet import FORMULA_STARTS
from locus.exports import writers
from locus.exports.specs import SPECS
from locus.incidents.models import InvolvementRole
from locus.incidents.selectors import incidents_for
from locus.linked import selectors as linked
from locus.people.models import PersonKind
from locus.people.selectors import PeopleFilter, caseload_for, people_list
from locus.places.models import ContextKind
from locus.places.selectors import contexts_list
from tests.casework.helpers import open_case
from tests.exports.conftest import download
from tests.factories import (
    World,
    client_for,
    make_association,
    make_context,
    make_incident,
    make_person,
)
from tests.sharing.helpers import SHARE_POST


def _linked_ids(viewer: Worker) -> list[str]:
    focus = linked.caseload_seen_by(viewer, viewer)
    result = linked.linked_cases(viewer=viewer, focus=focus, exclude_holders=[viewer.pk])
    return [str(c.child.pk) for c in result.links]


# The page's own selector, for the same viewer and no filter: the ids of its rows, in order.
PAGE_ROWS: dict[str, Callable[[Worker], list[Any]]] = {
    "people": lambda v: list(people_list(viewer=v, filters=PeopleFilter())),
    "caseload": lambda v: list(caseload_for(viewer=v)),
    "incidents": lambda v: list(incidents_for(viewer=v)),
    "contexts": lambda v: list(contexts_list(viewer=v)),
    "groups": lambda v: list(contexts_list(viewer=v, kind=ContextKind.PEER_GROUP)),
    "context-cases": lambda v: list(cases_for(viewer=v, status="open")),
}
PERSONAS = ("social_worker", "police_analyst", "team_manager", "school_dsl")


@pytest.fixture
def busy(world: World) -> World:
    """The world with a context case open and the social worker's child associated with
    children other workers hold (one of another agency, whom she may not see): linked cases."""
    open_case(world)
    make_incident(
        world.system,
        context=world.shopping_centre,
        reporting_agency=world.csc,
        involvements=[
            (world.csc_child, InvolvementRole.HARMED),
            (world.police_child, InvolvementRole.HARMING),
        ],
    )
    for other in (world.yjs_child, world.team_child, world.police_child):
        make_association(world.system, person=world.csc_child, other=other)
    return world


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", [*PAGE_ROWS, "linked"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_download_holds_exactly_the_rows_the_page_shows(
    busy: World, persona: str, key: str, fmt: str
) -> None:
    viewer = busy.persona(persona)
    rows = download(client_for(viewer), key, fmt)
    assert rows[0] == list(SPECS[key].columns_for(viewer))
    if key == "linked":
        expected = _linked_ids(viewer)
    else:
        expected = [str(r.pk) for r in PAGE_ROWS[key](viewer)]
    assert [r[0] for r in rows[1:]] == expected
    if persona == "social_worker":  # a list with rows, so the comparison means something
        assert expected


def test_a_linked_child_the_worker_may_not_see_is_not_named(busy: World) -> None:
    rows = download(client_for(busy.social_worker), "linked")
    linked = {r[2] for r in rows[1:]}
    assert "A child not shared with you" in linked  # the youth justice service's child
    assert not any("Yjschild" in cell for row in rows for cell in row)
    # Who holds the case is said instead: the page's words for whom to ask.
    assert any(r[2] == "A child not shared with you" and "YJS Casework" in r[3] for r in rows[1:])


def test_the_lists_differ_by_worker_and_nobody_gets_another_teams_child(world: World) -> None:
    mine = download(client_for(world.social_worker), "people")
    names = {r[1] for r in mine[1:]}
    assert "Ciara Cscchild" in names
    assert "Olu Otherchild" not in names  # another CSC team's child
    # Another team's worker sees their own child and not mine.
    theirs = {r[1] for r in download(client_for(world.other_social_worker), "people")[1:]}
    assert "Olu Otherchild" in theirs and "Ciara Cscchild" not in theirs
    # The incident only the other team may see is in no row of mine.
    incidents = download(client_for(world.social_worker), "incidents")
    assert str(world.csc_incident.pk) not in [r[0] for r in incidents[1:]]
    assert not any("Otherchild" in cell for row in incidents for cell in row)


def test_a_caseload_download_is_the_workers_own(world: World) -> None:
    rows = download(client_for(world.social_worker), "caseload")
    assert [r[1] for r in rows[1:]] == ["Ciara Cscchild"]
    assert download(client_for(world.police_analyst), "caseload")[1:] == []


def test_a_person_the_viewer_may_not_see_is_written_as_the_incidents_page_shows_them(
    world: World,
) -> None:
    """The page shows the role and "not shared with you", not even initials: so does the file."""
    incident = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.csc,
        involvements=[
            (world.csc_child, InvolvementRole.HARMED),
            (world.other_child, InvolvementRole.HARMING),
        ],
    )
    rows = download(client_for(world.social_worker), "incidents")
    (row,) = [r for r in rows if r[0] == str(incident.pk)]
    who = row[4]
    assert "Harmed: Ciara Cscchild" in who
    assert "Harming: A person not shared with you" in who
    assert "OO" not in who and "Olu" not in who and "Otherchild" not in who
    page = client_for(world.social_worker).get("/incidents/").content.decode()
    assert "Olu" not in page and "OO (" not in page


def test_filters_are_the_pages_filters(world: World) -> None:
    rows = download(client_for(world.admin), "contexts", kind=ContextKind.SCHOOL)
    assert [r[1] for r in rows[1:]] == ["Millfields Academy"]
    rows = download(client_for(world.admin), "people", q="Pupil")
    assert [r[1] for r in rows[1:]] == ["Priya Pupil"]


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(world: World) -> None:
    make_context(world.system, kind=ContextKind.OPEN_SPACE, name='=HYPERLINK("x") Park')
    make_context(world.system, kind=ContextKind.OPEN_SPACE, name="+1 Corner")
    for fmt in ("csv", "xlsx"):
        names = [r[1] for r in download(client_for(world.admin), "contexts", fmt)[1:]]
        assert '\'=HYPERLINK("x") Park' in names
        assert "'+1 Corner" in names
        assert not any(n.startswith(FORMULA_STARTS) for n in names)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert writers.safe_cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert writers.safe_cell(f"a{start}b") == f"a{start}b"
    assert writers.safe_cell(-3) == -3  # a number is a number, not a formula


def test_the_download_is_audited_as_an_export_with_every_row(world: World) -> None:
    before = AccessEvent.objects.count()
    rows = download(client_for(world.social_worker), "people", "xlsx", mine="on")
    (event,) = AccessEvent.objects.order_by("id")[before:]
    assert event.action == AccessAction.EXPORT
    assert event.actor_id == world.social_worker.pk
    assert event.record_type == "people.person"
    assert event.detail["shown"] == [r[0] for r in rows[1:]] == [str(world.csc_child.pk)]
    assert event.detail["filters"] == {"mine": "on"}
    assert event.detail["format"] == "xlsx"
    # An auditor's search by person finds the export.
    assert f",{world.csc_child.pk}," in event.people


@pytest.mark.parametrize(
    ("persona", "key"),
    [
        ("auditor", "people"),
        ("auditor", "incidents"),
        ("social_worker", "audit"),
        ("social_worker", "no-such-list"),
    ],
)
def test_a_list_the_worker_may_not_open_is_not_found(world: World, persona: str, key: str) -> None:
    response = client_for(world.persona(persona)).get(f"/exports/{key}/", {"format": "csv"})
    assert response.status_code == 404
    assert not AccessEvent.objects.filter(action=AccessAction.EXPORT).exists()


def test_an_unknown_format_is_not_found(world: World) -> None:
    response = client_for(world.admin).get("/exports/people/", {"format": "pdf"})
    assert response.status_code == 404


def test_the_auditor_downloads_the_trail(world: World) -> None:
    client_for(world.social_worker).get("/people/")
    rows = download(client_for(world.auditor), "audit", "csv", worker="social_worker")
    assert rows[0][:3] == ["Time", "Worker", "Action"]
    assert len(rows) > 1 and all("social_worker" in r[1] for r in rows[1:])


def test_a_manager_downloads_a_team_members_linked_cases_and_a_worker_not(world: World) -> None:
    teammate = world.teammate
    url = f"/exports/linked/?format=csv&worker={teammate.pk}"
    ok = client_for(world.team_manager).post(url, SHARE_POST)
    assert ok.status_code == 200
    refused = client_for(world.social_worker).post(url, SHARE_POST)
    assert refused.status_code == 404


def test_each_list_page_offers_the_download(world: World) -> None:
    client = client_for(world.team_manager)
    for page, key in [
        ("/people/", "people"),
        ("/incidents/", "incidents"),
        ("/contexts/", "contexts"),
        ("/contexts/?kind=peer_group", "groups"),
        ("/context-cases/", "context-cases"),
    ]:
        html = client.get(page).content.decode()
        assert f'href="/exports/{key}/?' in html, page
    sw = client_for(world.social_worker)  # a worker with a caseload (an empty one has no list)
    assert 'href="/exports/caseload/?' in sw.get("/").content.decode()
    assert 'href="/exports/linked/?' in sw.get("/linked/").content.decode()
    html = client_for(world.auditor).get("/audit/").content.decode()
    assert 'href="/exports/audit/?' in html


@pytest.mark.parametrize("key", ["people", "incidents", "contexts"])
def test_a_downloads_queries_do_not_grow_with_its_rows(world: World, key: str) -> None:
    client = client_for(world.admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as run:
            download(client, key)
        return len(run)

    before = queries()
    for n in range(12):
        child = make_person(world.system, given_name="Extra", family_name=f"Child{n}")
        place = make_context(world.system, name=f"Extra place {n}")
        make_incident(
            world.system,
            context=place,
            reporting_agency=world.csc,
            involvements=[(child, InvolvementRole.HARMED)],
        )
    assert queries() == before


def test_the_linked_list_and_its_page_log_every_associate_in_common_they_name(
    world: World,
) -> None:
    """The social worker's child and a team child know the same adult: the file and the page
    name the adult as an associate in common, so both reads are found by the auditor's search
    for that adult (and the caseload's children, whom the page names too)."""
    associate = make_person(
        world.social_worker,
        given_name="Zara",
        family_name="Associate",
        kind=PersonKind.ADULT_OF_CONCERN,
    )
    make_association(world.system, person=world.csc_child, other=associate)
    make_association(world.system, person=world.team_child, other=associate)
    worker = client_for(world.social_worker)
    rows = download(worker, "linked")
    assert any("Zara Associate" in r[7] for r in rows[1:]), rows
    exported = AccessEvent.objects.filter(
        action=AccessAction.EXPORT, actor=world.social_worker, record_type="linked.case"
    ).latest("id")
    assert associate.pk in exported.detail["people_shown"]
    assert f",{associate.pk}," in exported.people
    page = worker.get("/linked/", {"show": "weak"})  # one associate in common is weaker
    assert b"Zara Associate" in page.content
    read = AccessEvent.objects.filter(
        action=AccessAction.SEARCH, actor=world.social_worker, record_type="linked.case"
    ).latest("id")
    assert read.detail["associates"] == [associate.pk]
    assert f",{associate.pk}," in read.people and f",{world.csc_child.pk}," in read.people
