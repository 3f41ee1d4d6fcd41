"""In a real browser, the data team's walk-through on a small demo borough: the administrator
uploads last year's CIN census return that ``locus demo`` writes, reads the dry run's counts
and a problem, imports the valid records and sees the census on a child's page; downloads a
list as CSV; makes an API token and reads the people list through the API with it."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, demo_borough, sign_in
from tests.sharing.helpers import choose_basis, soon_posted


@dataclass
class Borough:
    returns: Any  # locus.demo.returns.DemoReturns
    featured_id: str
    featured_name: str


@pytest.fixture
def borough(transactional_db: Any, settings: Any, tmp_path: Path) -> Borough:
    from locus.common import clock
    from locus.demo.returns import write_demo_returns

    demo_borough(settings, tmp_path)
    made = write_demo_returns(tmp_path / "returns", seed=5, today=clock.today())
    name, _, rest = made.featured.partition(" (LA child ID ")
    return Borough(returns=made, featured_id=rest.rstrip(")"), featured_name=name)


def test_the_data_team_imports_last_years_return_exports_a_list_and_calls_the_api(
    page: Any, live_server: Any, borough: Borough, tmp_path: Path
) -> None:
    returns = borough.returns
    base = live_server.url
    sign_in(page, base, "admin", "/")
    with page.expect_navigation():
        page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", name="Imports", exact=True)).to_be_visible()

    # Upload the census return: the dry run counts the children and lists the problems.
    with page.expect_navigation():
        page.get_by_role("link", name="Upload a file").click()
    page.get_by_label("Kind of file").select_option("cin")
    page.get_by_label("File", exact=True).set_input_files(str(returns.cin))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name=f"Import of {returns.cin.name}")).to_be_visible()
    expect(page.get_by_role("heading", name="What the import would do")).to_be_visible()
    unchanged = len(returns.matched) - len(returns.corrected)
    # Created, updated, unchanged, rejected.
    counts = f"Children {len(returns.new)} {len(returns.corrected)} {unchanged} 2"
    expect(page.get_by_role("row", name=counts, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Problems (")).to_be_visible()
    expect(page.get_by_role("row", name="AssessmentFactors")).to_contain_text("11Z")
    assert axe_violations(page) == []

    page.get_by_label("Import the valid records and write the rejects to a file").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="What changed")).to_be_visible()
    expect(page.locator("#run-state")).to_have_text("Imported")

    # The child's page now holds their census record: the administrator sees the episode;
    # its factors are for those who may see a status's detail (the child's social worker).
    with page.expect_navigation():
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.get_by_label("Name, LA child ID or UPN").fill(borough.featured_id)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    with page.expect_navigation():
        page.get_by_role("link", name=borough.featured_name).first.click()
    expect(page.get_by_role("heading", name="Children in need (census)")).to_be_visible()
    census = page.get_by_role("region", name="Children in need episodes")
    expect(census.get_by_role("row")).to_have_count(2)  # the heading row and one episode
    expect(census).to_contain_text("Not shared with your role")
    assert axe_violations(page) == []

    # A list as CSV, from the people list's own link.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    with page.expect_navigation():
        page.get_by_role("link", name="CSV file").click()
    choose_basis(page, "Check the return's children came in")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.reader(saved.open(encoding="utf-8-sig")))
    assert rows[0][:2] == ["Locus ID", "Name"]
    assert borough.featured_name in {row[1] for row in rows[1:]}
    # The new children came in with the return, named by their LA child ID.
    assert f"Child {returns.new[0]}" in {row[1] for row in rows[1:]}

    # An API token, and the people list through the API with it.
    with page.expect_navigation():
        page.get_by_role("link", name="API tokens", exact=True).click()
    page.get_by_label("Name").fill("Data team checks")
    page.get_by_label("Expiry date").fill(soon_posted())
    choose_basis(page, "Check the imported children through the API")
    with page.expect_navigation():
        page.get_by_role("button", name="Make token").click()
    secret = page.locator("#api-token-secret").inner_text()
    answer = page.request.get(
        f"{base}/api/v1/people?limit=5", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200
    body = answer.json()
    assert body["limit"] == 5 and len(body["results"]) == 5
    assert body["count"] == len(rows) - 1  # the same people as the list downloaded
    refused = page.request.get(f"{base}/api/v1/people?limit=5")
    assert refused.status == 401

    # The child's social worker sees the assessment's factors, extra-familial harm flagged.
    page.context.clear_cookies()
    sign_in(page, base, "social.worker", "/")
    with page.expect_navigation():
        page.get_by_role("link", name=borough.featured_name).first.click()
    census = page.get_by_role("region", name="Children in need episodes")
    expect(census).to_contain_text("Extra-familial harm")
    expect(census).to_contain_text("(outside the family)")
