"""What a worker typed into a search, in the audit trail: the auditor reads it (asking why
someone searched is their job), and so does the worker who typed it; the IT administrator,
who reads no casework, reads which fields were searched and "Search text not shared with
your role", on the trail's page, in its CSV and spreadsheet, and in the admin site."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from locus.access.models import Worker
from locus.audit.describe import describe
from locus.audit.exported import Tally, export_logged
from locus.audit.models import AccessAction, AccessEvent
from locus.audit.services import record_access
from locus.places.services import context_update
from tests.exports.conftest import download
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

POSTCODE = "E5 0AR"
SEARCH_TEXT_WITHHELD = "Search text not shared with your role"
WITHHELD_SAID = "search text not shared with your role"
WITHHELD_HOME: dict[str, Any] = {
    "name": "Family home of C.C.",
    "address": "Flat 3, Example House, London",
    "postcode": POSTCODE,
    "address_withheld": True,
}
READS = {"show": "reads", "record_type": "places.context"}


def _page(client: Client, url: str, params: dict[str, str] | None = None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200, url
    return response.content.decode()


def _searched_for_a_withheld_home(world: World) -> AccessEvent:
    """The holding team's worker withholds the family's address, then finds the home on the
    places list by its postcode: the search's read record."""
    context_update(actor=world.social_worker, context=world.home, **WITHHELD_HOME)
    _page(client_for(world.social_worker), reverse("contexts"), {"q": POSTCODE})
    event = AccessEvent.objects.filter(record_type="places.context", detail__q=POSTCODE).get()
    assert str(world.home.pk) in event.detail["shown"]
    return event


def _search(actor: Worker, record_type: str, **detail: Any) -> AccessEvent:
    return record_access(
        actor=actor, record_type=record_type, action=AccessAction.SEARCH, detail=detail
    )


def _said(event: AccessEvent, viewer: Worker) -> str:
    (row,) = describe([event], viewer=viewer)
    return row.description


def _everywhere(client: Client, event: AccessEvent) -> dict[str, str]:
    """The search as the client's worker reads it on every page and export of the trail."""
    return {
        "trail": _page(client, reverse("audit"), READS),
        "csv": b"".join(
            client.get(reverse("audit-export"), READS).streaming_content  # type: ignore[attr-defined]
        ).decode(),
        "xlsx": repr(download(client, "audit", "xlsx", **READS)),
        "admin list": _page(client, "/admin/audit/accessevent/"),
        "admin record": _page(client, f"/admin/audit/accessevent/{event.pk}/change/"),
    }


def test_the_administrator_never_reads_the_postcode_a_worker_searched_by(world: World) -> None:
    """The IT administrator, from whom the home's address is withheld, read its postcode in
    the trail's record of the holding team's search (before: "details: q E5 0AR, ...")."""
    event = _searched_for_a_withheld_home(world)
    pages = _everywhere(client_for(world.admin), event)
    assert [where for where, page in pages.items() if POSTCODE in page] == []
    said = "Searched contexts: 1 shown (what was searched for; search text not shared"
    assert said in pages["trail"]
    assert "search text not shared with your role" in pages["csv"]
    assert SEARCH_TEXT_WITHHELD in pages["admin record"]


def test_the_auditor_reads_what_was_searched_for(world: World) -> None:
    """Before: the auditor read "details: q", never what was typed."""
    event = _searched_for_a_withheld_home(world)
    auditor = client_for(world.auditor)
    trail = _page(auditor, reverse("audit"), READS)
    assert f"Searched contexts: 1 shown (searched for {POSTCODE})" in trail
    assert "search text is not shared" not in trail
    csv = b"".join(
        auditor.get(reverse("audit-export"), READS).streaming_content  # type: ignore[attr-defined]
    ).decode()
    assert f"details: q {POSTCODE}" in csv
    assert f"details: q {POSTCODE}" in repr(download(auditor, "audit", "xlsx", **READS))
    # The record itself keeps what was typed.
    event.refresh_from_db()
    assert event.detail["q"] == POSTCODE


def test_a_childs_name_typed_into_the_people_search_is_the_auditors_to_read(
    world: World,
) -> None:
    _page(client_for(world.social_worker), reverse("people"), {"q": "Ciara"})
    rows = {
        name: describe(
            [AccessEvent.objects.filter(detail__q="Ciara").get()], viewer=getattr(world, name)
        )[0].description
        for name in ("auditor", "admin")
    }
    assert "q Ciara" in rows["auditor"]
    assert "Ciara" not in rows["admin"] and "search text not shared" in rows["admin"]


def test_a_worker_reads_their_own_search_text(world: World) -> None:
    """An administrator reads what they typed themselves, not what another worker did."""
    own = _search(world.admin, "people.person", q="Smith", people_shown=[])
    assert _said(own, world.admin) == "Searched people: 0 shown (details: q Smith)"


def test_the_admin_site_keeps_ids_counts_and_answers_and_withholds_every_typed_text(
    world: World,
) -> None:
    from locus.access.trail import detail_as_read

    detail: dict[str, Any] = {
        "q": "Ciara",
        "nhs_number": "9434765919",
        "shown": ["12", "13"],
        "people_shown": [12, 13],
        "searched": [{"name": "Ciara", "born": "2012-04-01"}],
        "filters": {"q": "E5 0AR", "page": "2"},
        "results": 2,
        "granted": True,
        "kind": "",
    }
    assert detail_as_read(detail, world.admin, world.social_worker.pk) == {
        "q": SEARCH_TEXT_WITHHELD,
        "nhs_number": SEARCH_TEXT_WITHHELD,
        "shown": ["12", "13"],
        "people_shown": [12, 13],
        "searched": [{"name": SEARCH_TEXT_WITHHELD, "born": SEARCH_TEXT_WITHHELD}],
        "filters": {"q": SEARCH_TEXT_WITHHELD, "page": SEARCH_TEXT_WITHHELD},
        "results": 2,
        "granted": True,
        "kind": "",
    }
    assert detail_as_read(detail, world.auditor, world.social_worker.pk) == detail
    assert detail_as_read(detail, world.social_worker, world.social_worker.pk) == detail


def test_a_count_or_an_answer_is_no_search_text_and_is_said_to_the_administrator(
    world: World,
) -> None:
    event = _search(world.social_worker, "linked.case", q="Ciara", unnamed=2, named=[])
    assert _said(event, world.admin) == (
        f"Searched linked cases: 0 shown (details: q, unnamed 2; {WITHHELD_SAID})"
    )
    assert _said(event, world.auditor) == (
        "Searched linked cases: 0 shown (details: q Ciara, unnamed 2)"
    )


def _exported_people(world: World) -> AccessEvent:
    """A worker's export of the people list, searched by a child's name, as a CSV file."""
    tally = Tally()
    tally.count("12", [12])
    return export_logged(
        actor=world.social_worker,
        record_type="people.person",
        what="people",
        params={"q": "Ciara"},
        fmt="csv",
        tally=tally,
    )


def test_the_administrator_reads_the_export_and_its_format_but_not_what_was_searched(
    world: World,
) -> None:
    """Which list was exported, and as which file, the system chose from a fixed list: the
    administrator reads them. Before: "details: export, format, rows 1; search text not
    shared", as if the worker had typed "csv". What the worker typed stays withheld."""
    event = _exported_people(world)
    assert _said(event, world.admin) == (
        "Exported people: 1 shown (details: export people, format csv, rows 1)"
    )
    read = client_for(world.admin).get(f"/admin/audit/accessevent/{event.pk}/change/")
    page = read.content.decode()
    assert "csv" in page and "Ciara" not in page and SEARCH_TEXT_WITHHELD in page
    from locus.access.trail import detail_as_read

    shown = detail_as_read(event.detail, world.admin, world.social_worker.pk)
    assert shown["export"] == "people" and shown["format"] == "csv"
    assert shown["filters"] == {"q": SEARCH_TEXT_WITHHELD}


def test_a_kind_from_the_list_is_read_and_anything_else_under_its_name_is_not(
    world: World,
) -> None:
    """The people list logs its filters as the address gave them: a kind from the list's own
    choices is read, words put in its place by hand are withheld like a search."""
    chosen = _search(world.social_worker, "people.person", q="Ciara", kind="young_person")
    assert _said(chosen, world.admin) == (
        f"Searched people (details: kind young_person, q; {WITHHELD_SAID})"
    )
    by_hand = _search(world.social_worker, "people.person", kind="Ciara Smith", status="open")
    assert _said(by_hand, world.admin) == (
        f"Searched people (details: kind, status open; {WITHHELD_SAID})"
    )
