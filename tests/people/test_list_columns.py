"""A list of people leaves out a column the viewer's role never sees: a school's safeguarding
lead's people list has no "LA child ID" column reading "Not shared with your role" on every
row, and neither has their download. A column the role sees stays, whoever is on the page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from locus.access.fields import WITHHELD
from locus.exports.specs import SPECS
from locus.people.models import Allocation
from tests.exports.conftest import download
from tests.factories import START, World, client_for

pytestmark = pytest.mark.django_db


def _headings(html: str) -> list[str]:
    """The first table's column headings, as the page writes them."""
    head = re.split(r'<thead class="govuk-table__head"[^>]*>', html, maxsplit=1)[1]
    head = head.split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head)]


def _first_row_cells(html: str) -> int:
    body = re.split(r'<tbody class="govuk-table__body"[^>]*>', html, maxsplit=1)[1]
    body = body.split("</tr>", 1)[0]
    return body.count('<td class="govuk-table__cell')


@pytest.mark.parametrize(
    ("persona", "headings"),
    [
        (
            "social_worker",
            ["Name", "Date of birth", "LA child ID", "Open statuses", "Allocated to"],
        ),
        ("school_dsl", ["Name", "Date of birth", "Open statuses", "Allocated to"]),
        ("police_analyst", ["Name", "Date of birth", "Allocated to"]),
    ],
)
def test_the_people_list_has_only_the_columns_the_role_sees(
    world: World, persona: str, headings: list[str]
) -> None:
    html = client_for(world.persona(persona)).get(reverse("people")).content.decode()
    assert _headings(html) == headings
    assert _first_row_cells(html) == len(headings)  # each row as many cells as headings
    if persona != "social_worker":
        assert WITHHELD not in html  # no column of withheld words down the page


@pytest.mark.parametrize("persona", ["social_worker", "school_dsl", "police_analyst"])
def test_no_people_match_spans_the_columns_the_role_sees(world: World, persona: str) -> None:
    """A search that finds nobody says so in a row as wide as the table: a police analyst's
    list has three columns, and the row spanned five (wider than the table)."""
    page = client_for(world.persona(persona)).get(reverse("people"), {"q": "Zzyzx"})
    html = page.content.decode()
    assert "No people match." in html
    assert f'colspan="{len(_headings(html))}">No people match.' in html


def test_the_caseload_has_only_the_columns_the_role_sees(world: World) -> None:
    """A partner's worker (a shopping centre's security lead) sees a child's name and age:
    their caseload on the home page has neither a date of birth nor a status column.

    A partner's staff are no longer given a child, but an allocation made before that rule
    stays until it is ended: it is written here as such a record, past the service."""
    Allocation.objects.create(
        person=world.pupil, worker=world.partner_worker, team=world.partner_team, start=START
    )
    html = client_for(world.partner_worker).get(reverse("dashboard")).content.decode()
    assert _headings(html) == ["Name"]
    assert _first_row_cells(html) == 1 and WITHHELD not in html
    own = client_for(world.social_worker).get(reverse("dashboard")).content.decode()
    assert _headings(own) == ["Name", "Date of birth", "Open statuses"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_download_leaves_out_the_same_columns(world: World, fmt: str) -> None:
    rows = download(client_for(world.school_dsl), "people", fmt)
    assert "LA child ID" not in rows[0] and "Open statuses" in rows[0]
    assert rows[1:] and all(len(r) == len(rows[0]) for r in rows[1:])
    assert not any(WITHHELD in str(cell) for row in rows for cell in row)
    assert rows[0] == list(SPECS["people"].columns_for(world.school_dsl))
    full = download(client_for(world.social_worker), "people", fmt)
    assert full[0] == list(SPECS["people"].columns)  # a role that sees every field: all
