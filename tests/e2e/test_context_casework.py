"""A context case in a real browser, from a partner's referral about a shopping centre to the
first review of its plan and its closure, with an accessibility check on each page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from locus.access.services import worker_set_password
from locus.casework.reference import ensure_reference_data
from locus.casework.services import referral_record
from locus.common import clock
from locus.common.services import today
from locus.sharing.vocab import SAFEGUARDING
from tests.e2e.conftest import PASSWORD, axe_violations, sign_in
from tests.factories import World, build_world
from tests.sharing.helpers import choose_basis


@pytest.fixture
def world(transactional_db: Any) -> World:
    ensure_reference_data()
    built = build_world()
    for name in ("partner_worker", "social_worker", "team_manager"):
        worker_set_password(actor=built.admin, worker=built.persona(name), password=PASSWORD)
    # An earlier referral about one of her children names the centre: Ciara is a child
    # linked to the context, whom the conference must not discuss by name.
    referral_record(
        actor=built.social_worker,
        about="child",
        summary="Ciara says older boys wait for her at the centre after school.",
        received_on=today() - dt.timedelta(days=20),
        children=[built.csc_child],
        other_contexts=[built.shopping_centre],
        basis=SAFEGUARDING,
    )
    return built


def switch_to(page: Any, base: str, username: str, path: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, username, path)


def alert(page: Any) -> str:
    # Wait for the message before reading it: the page may still be loading.
    message = page.get_by_role("alert").first
    expect(message).to_be_visible()
    return str(message.inner_text())


def checked(page: Any) -> None:
    assert axe_violations(page) == []


DOMAINS = (
    "Young people's strengths and needs",
    "Guardianship",
    "Resources, physical environment and policy",
)


def ask_to_close(page: Any) -> None:
    """The closure form: the outcome, each domain re-rated, the goal's outcome, the manager."""
    page.get_by_label("Stepped down to Level 1 work", exact=False).check()
    page.get_by_label("Why can the case close?").fill("Universal partners carry it on.")
    for domain in DOMAINS:
        page.get_by_role("group", name=f"Rating now: {domain}").get_by_label("Green").check()
    page.get_by_role("group", name="Outcome: Young people are safe").get_by_label(
        "Improving"
    ).check()
    page.get_by_label("Manager to sign off the closure").select_option(
        label="Test team_manager, Contextual Safeguarding Team A"
    )
    page.get_by_role("button", name="Ask to close").click()


def test_a_shopping_centre_from_referral_to_closure(
    page: Any, live_server: Any, world: World
) -> None:
    base = live_server.url
    centre = world.shopping_centre

    # 1. The centre's security team refers it.
    sign_in(page, base, "partner_worker", f"/context-cases/referrals/new/?context={centre.pk}")
    assert page.get_by_label("A context", exact=True).is_checked()
    checked(page)
    page.get_by_label("What is happening?").fill(
        "Groups of older males approach young people by the food court after school."
    )
    choose_basis(page)
    page.get_by_role("button", name="Send the referral").click()
    assert "Referral recorded: a decision is due by" in alert(page)
    checked(page)

    # 2. The front door screens it, seeing the earlier referral that named the centre.
    switch_to(page, base, "social_worker", "/context-cases/referrals/")
    checked(page)
    page.get_by_role("link", name="Mare Street Centre").first.click()
    others = page.get_by_role("table", name="Other referrals naming a context")
    expect(others).to_contain_text("Ciara says older boys")
    page.get_by_role("button", name="Record the decision").click()
    assert "Choose the threshold level" in alert(page)
    checked(page)
    page.get_by_label("Level 2: context assessment", exact=False).check()
    page.get_by_label("Level 2: assess the context", exact=True).check()
    # The lead is chosen, never assumed to be the screener.
    page.get_by_label("Lead worker for the context case").select_option(
        label="Test social_worker, Contextual Safeguarding Team A"
    )
    page.get_by_label("Reason for the decision").fill("Two referrals about the same place.")
    page.get_by_role("button", name="Record the decision").click()
    assert "Decision recorded" in alert(page)
    checked(page)

    # 3. The assessment: the form is the template's triangle for a location.
    page.get_by_role("link", name="Start the assessment").click()
    checked(page)
    page.get_by_role("button", name="Start the assessment").click()
    assert "Assessment started" in alert(page)
    for domain in DOMAINS:
        page.get_by_label(f"Strengths: {domain}").fill("Staff know the young people")
        page.get_by_label(f"Concerns: {domain}").fill("Nobody covers the car park")
        page.get_by_role("group", name=f"Rating: {domain}").get_by_label("Amber").check()
    page.get_by_label("Analysis: the context's capacity to safeguard").fill(
        "Willing guardians; the car park after 6pm is the gap."
    )
    page.get_by_label("Hold a context conference", exact=False).check()
    # Submitted to a named manager, whose My work it lands in.
    page.get_by_label("Manager to sign it off", exact=False).select_option(
        label="Test team_manager, Contextual Safeguarding Team A"
    )
    checked(page)
    page.get_by_role("button", name="Save and submit for approval").click()
    assert "Assessment submitted for approval" in alert(page)

    # 4. The manager she named signs it off, from their My work.
    case_path = page.url.removeprefix(base)
    switch_to(page, base, "team_manager", "/my-work/")
    page.get_by_role("link", name="Sign off the assessment").click()
    page.get_by_label("Approve the assessment").check()
    checked(page)
    page.get_by_role("button", name="Save decision").click()
    assert "Assessment signed off" in alert(page)
    expect(page.get_by_text("Hold a context conference by")).to_be_visible()

    # 5. The conference: scheduled, held just now (not before the assessment was approved),
    # minutes without children's names.
    switch_to(page, base, "social_worker", case_path)
    page.get_by_role("link", name="Schedule the conference").click()
    held = timezone.localtime(clock.now())
    page.get_by_label("Date").fill(held.strftime("%d/%m/%Y"))
    page.get_by_label("Time").fill(held.strftime("%H:%M"))
    page.get_by_label("Where").fill("Hackney Service Centre, room 2")
    # An independent chair: not the lead, the assessor, or their manager.
    page.get_by_label("Chair").select_option(label="Test other_social_worker, Assessment Team B")
    checked(page)
    page.get_by_role("button", name="Save").click()
    assert "Conference scheduled" in alert(page)
    page.get_by_role("link", name="Record the conference").click()
    for name in ("Test social_worker", "Test team_manager", "Test partner_worker"):
        page.get_by_role("group", name=f"{name},").get_by_label("Attended").check()
    page.get_by_label("Partners and others who attended").fill(
        "Pat Jones, Mare Street Residents' Association, Chair"
    )
    page.get_by_label("Minutes", exact=True).fill("Ciara Cscchild was seen in the car park.")
    page.get_by_label("Yes").check()
    choose_basis(page)
    page.get_by_role("button", name="Record the conference").click()
    assert "The minutes name a child linked to this context (Ciara Cscchild)" in alert(page)
    checked(page)
    page.get_by_label("Minutes", exact=True).fill(
        "The assessment was presented. The centre will extend patrols to the car park."
    )
    page.get_by_role("button", name="Record the conference").click()
    assert "Conference recorded" in alert(page)
    expect(page.get_by_role("table", name="Who attended")).to_contain_text("Pat Jones")
    checked(page)

    # 6. The plan: a goal, and an action for the centre's security.
    page.get_by_role("link", name="The context safeguarding plan").click()
    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Goal", exact=True).fill("Young people are safe in the car park")
    page.get_by_label("How it will be measured").fill("Incidents reported at the centre")
    checked(page)
    page.get_by_role("button", name="Add goal").click()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What will be done").fill("Security patrol of the car park, 3pm to 7pm")
    page.get_by_label("Agency or partner delivering it").select_option(
        label="Mare Street Shopping Centre"
    )
    page.get_by_label("Owner", exact=True).select_option(label="Test partner_worker, Security")
    due = clock.today() + dt.timedelta(days=28)
    page.get_by_label("Due date").fill(due.strftime("%d/%m/%Y"))
    checked(page)
    page.get_by_role("button", name="Add action").click()
    assert "Action added" in alert(page)
    checked(page)

    # 7. She asks her manager to approve the plan; they do; the first review is scheduled.
    plan_path = page.url.removeprefix(base)
    page.get_by_role("link", name="Ask a manager to approve the plan").click()
    page.get_by_label("Manager to sign it off").select_option(
        label="Test team_manager, Contextual Safeguarding Team A"
    )
    checked(page)
    page.get_by_role("button", name="Send for approval").click()
    switch_to(page, base, "team_manager", plan_path)
    page.get_by_role("link", name="Sign off the plan").click()
    page.get_by_label("Approve the plan").check()
    page.get_by_role("button", name="Save decision").click()
    assert "Plan signed off" in alert(page)

    # 8. The review, on schedule.
    switch_to(page, base, "social_worker", plan_path)
    page.get_by_role("link", name="Review the plan").click()
    page.get_by_role("group", name="Progress: Young people are safe").get_by_label(
        "Improving"
    ).check()
    page.get_by_label("Summary").fill("Patrols began; one incident this month against five.")
    page.get_by_label("Continue the plan").check()
    checked(page)
    page.get_by_role("button", name="Record the review").click()
    assert "Review recorded" in alert(page)
    reviews = page.get_by_role("table", name="Reviews of the plan").inner_text()
    assert "Improving" in reviews and "Continue the plan" in reviews
    checked(page)

    # The partner sees the case it is part of, and its own action on the plan.
    switch_to(page, base, "partner_worker", "/my-work/")
    expect(page.get_by_role("main")).to_contain_text("Security patrol of the car park")
    checked(page)

    # 9. Closure: refused while the action is open; then, with the action done, every
    # domain re-rated and the goal's outcome, asked of the manager, who approves it.
    switch_to(page, base, "social_worker", case_path + "closure/")
    checked(page)
    ask_to_close(page)
    assert "1 action is still open" in alert(page)
    checked(page)
    page.goto(base + plan_path)
    page.get_by_role("link", name="Update this action").click()
    page.get_by_label("Done").check()
    page.get_by_label("What has happened").fill("Patrols ran all term.")
    page.get_by_role("button", name="Save update").click()
    page.goto(base + case_path + "closure/")
    ask_to_close(page)
    assert "Closure sent to the manager for approval" in alert(page)
    checked(page)
    switch_to(page, base, "team_manager", "/my-work/")
    page.get_by_role("link", name="Approve or refuse the closure").click()
    page.get_by_label("Approve the closure").check()
    page.get_by_role("button", name="Save decision").click()
    assert "Closure decided" in alert(page)
    expect(page.get_by_role("main")).to_contain_text("Re-rated: Guardianship")
    checked(page)
