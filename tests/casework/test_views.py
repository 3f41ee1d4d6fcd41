"""Pages: forms that name their errors and write nothing, logged reads, flat query counts, CSP."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from locus.audit.models import AccessAction, AccessEvent
from locus.casework import services
from locus.casework.models import AssessmentTemplate, ContextCase, Referral
from locus.common.services import today
from locus.profiles.services import profile_item_add
from tests.casework.helpers import (
    CASEWORK_MODELS,
    active_case,
    add_action,
    assessed_case,
    conference_of,
    finish_actions,
    hold,
    level,
    open_case,
    planned_case,
    refer,
    refer_child,
    refreshed,
    request_closure,
    review,
    schedule,
    screen,
)
from tests.factories import World, client_for, nothing_written
from tests.mapping.test_views import errors_of, url
from tests.panels.helpers import act, held
from tests.sharing.helpers import BASIS_POST

pytestmark = pytest.mark.django_db


# --- Referrals -------------------------------------------------------------------------------


def test_the_referral_form_starts_from_the_context_s_page(world: World) -> None:
    html = (
        client_for(world.partner_worker)
        .get(url("context-referral-new") + f"?context={world.shopping_centre.pk}")
        .content.decode()
    )
    assert re.search(rf'<option value="{world.shopping_centre.pk}" selected>', html)
    assert re.search(r'value="context" checked', html)
    assert "Referring agency" not in html  # a partner refers for itself


def test_referring_through_the_form(world: World) -> None:
    response = client_for(world.partner_worker).post(
        url("context-referral-new"),
        {
            "about": "context",
            "context": world.shopping_centre.pk,
            "summary": "Older males approach young people by the food court",
            "received_on": today().strftime("%d/%m/%Y"),
            **BASIS_POST,
        },
        follow=True,
    )
    referral = Referral.objects.get()
    assert response.redirect_chain[-1][0] == url("context-referral", referral.pk)
    assert "Referral recorded: a decision is due by" in response.content.decode()
    assert referral.referring_agency == world.partner


def test_a_bad_referral_names_its_fields_and_writes_nothing(world: World) -> None:
    client = client_for(world.partner_worker)
    with nothing_written(*CASEWORK_MODELS):
        response = client.post(
            url("context-referral-new"),
            {"about": "context", "summary": "", "received_on": "31/02/2026", **BASIS_POST},
        )
    assert response.status_code == 200
    assert errors_of(response.content.decode()) == [
        "Say what is happening",
        "Enter the date received as a date, like 27/03/2026",
    ]
    with nothing_written(*CASEWORK_MODELS):
        response = client.post(
            url("context-referral-new"),
            {"about": "context", "summary": "Something", "received_on": "01/01/2026", **BASIS_POST},
        )
    assert "Choose the context the referral is about" in errors_of(response.content.decode())


def test_the_screening_page_shows_other_referrals_naming_the_context(world: World) -> None:
    earlier = refer(
        world,
        actor=world.social_worker,
        about="child",
        children=[world.csc_child],
        other_contexts=[world.shopping_centre],
        summary="Ciara is approached at the centre",
    )
    referral = refer(world)
    html = client_for(world.social_worker).get(url("context-referral", referral.pk)).content
    assert f'href="{url("context-referral", earlier.pk)}"'.encode() in html
    assert b"Ciara is approached at the centre" in html
    assert b"Record the decision" in html
    # The referrer sees its referral, but does not screen it.
    partner_html = client_for(world.partner_worker).get(url("context-referral", referral.pk))
    assert b"Record the decision" not in partner_html.content


def test_a_referrer_is_told_of_an_open_case_only_if_they_may_open_it(world: World) -> None:
    """A partner organisation opens only the context cases it is part of: its referral's page
    does not tell it that the centre already has a case, who leads it, nor link to it (its
    referral is not yet part of it). The screener, who opens the case, is still told. Before,
    the partner's page named the case's lead and linked to the case."""
    first = refer(world, actor=world.social_worker)
    case = screen(world, first).case
    assert case is not None
    referral = refer(world)
    told = "already has an open context case"
    partner = client_for(world.partner_worker).get(url("context-referral", referral.pk))
    html = partner.content.decode()
    assert told not in html and url("context-case", case.pk) not in html
    screener = client_for(world.social_worker).get(url("context-referral", referral.pk))
    assert told in screener.content.decode()


def test_screening_through_the_form_opens_the_case(world: World) -> None:
    referral = refer(world)
    response = client_for(world.social_worker).post(
        url("context-referral", referral.pk),
        {
            "level": level("Level 2").pk,
            "decision": "assessment",
            "context": world.shopping_centre.pk,
            "lead": world.social_worker.pk,
            "reason": "Repeated concerns",
        },
    )
    case = ContextCase.objects.get()
    assert response.status_code == 302 and response["Location"] == url("context-case", case.pk)


def test_bad_screening_is_named_and_writes_nothing(world: World) -> None:
    referral = refer(world)
    with nothing_written(*CASEWORK_MODELS):
        response = client_for(world.social_worker).post(url("context-referral", referral.pk), {})
    assert errors_of(response.content.decode()) == [
        "Choose the threshold level",
        "Choose the decision",
        "Give the reason for the decision",
    ]


# --- Assessment ------------------------------------------------------------------------------


def test_the_assessment_form_is_built_from_the_template_data(world: World) -> None:
    template = AssessmentTemplate.objects.get(kind="location")
    template.domains = [
        *template.domains,
        {"key": "night_time", "title": "The night-time economy", "prompt": "After 8pm."},
    ]
    template.save()
    case = open_case(world)
    services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    html = client_for(world.social_worker).get(url("context-assessment", case.pk)).content
    assert b"Strengths: The night-time economy" in html
    assert b"Rating: Guardianship" in html
    assert b"After 8pm." in html


def test_saving_and_submitting_through_the_form(world: World) -> None:
    case = open_case(world)
    assessment = services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    data: dict[str, Any] = {
        "capacity_analysis": "Willing guardians",
        "recommendation": "conference",
        "manager": world.team_manager.pk,
        "then": "submit",
    }
    for f in assessment.findings.all():
        data.update({f"{f.key}-strengths": "Staff", f"{f.key}-rating": "green"})
    client = client_for(world.social_worker)
    response = client.post(url("context-assessment", case.pk), data)
    assert response.status_code == 302
    assert refreshed(case).assessment.status == "submitted"


def test_submitting_an_unfinished_assessment_names_each_domain(world: World) -> None:
    case = open_case(world)
    services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    response = client_for(world.social_worker).post(
        url("context-assessment", case.pk), {"then": "submit"}
    )
    errors = [unescape(e) for e in errors_of(response.content.decode())]
    assert "Rate guardianship red, amber or green" in errors
    assert "Write the analysis of the context's capacity to safeguard" in errors
    assert refreshed(case).assessment.status == "in_progress"
    # The summary links to the first radio of the rating it names.
    html = response.content.decode()
    assert 'href="#id_guardianship-rating"' in html and 'id="id_guardianship-rating"' in html


def test_a_move_the_state_does_not_allow_is_explained(world: World) -> None:
    case = assessed_case(world)
    with nothing_written(*CASEWORK_MODELS):
        response = client_for(world.social_worker).post(
            url("context-assessment-start", case.pk), {"assessor": world.social_worker.pk}
        )
    assert "This assessment is approved: you cannot start it again" in errors_of(
        response.content.decode()
    )


# --- Conference ------------------------------------------------------------------------------


def _record(world: World, case: ContextCase, minutes: str, **extra: str) -> Any:
    data = {
        f"worker_{world.social_worker.pk}": "attended",
        "partners": "Pat Jones, Mare Street Residents' Association, Chair",
        "minutes": minutes,
        "plan_agreed": "yes",
        **BASIS_POST,
        **extra,
    }
    return client_for(world.social_worker).post(url("context-conference-record", case.pk), data)


def test_minutes_naming_a_child_are_held_back_with_a_warning(world: World) -> None:
    refer_child(world, world.shopping_centre)
    case = assessed_case(world)
    schedule(world, conference_of(case))
    with nothing_written(*CASEWORK_MODELS):
        response = _record(world, case, "Ciara Cscchild was there.")
    html = response.content.decode()
    assert "The minutes name a child linked to this context (Ciara Cscchild)" in html
    assert 'name="names_confirmed"' in html
    response = _record(world, case, "Ciara Cscchild was there.", names_confirmed="on")
    assert response.status_code == 302
    page = client_for(world.social_worker).get(url("context-conference", case.pk)).content
    assert b"The recorder confirmed the names must stay" in page
    assert b"Pat Jones" in page


# --- Plan and my work ------------------------------------------------------------------------


def test_adding_and_updating_an_action_through_the_forms(world: World) -> None:
    case = active_case(world)
    client = client_for(world.social_worker)
    due = (today() + dt.timedelta(days=14)).strftime("%d/%m/%Y")
    response = client.post(
        url("context-action-add", case.pk),
        {
            "description": "Brighter lighting",
            "agency": world.partner.pk,
            "owner_name": "Centre manager",
            "due_on": due,
        },
    )
    assert response.status_code == 302
    action = case.plan.actions.get(description="Brighter lighting")
    response = client_for(world.partner_worker).post(
        url("context-action-update", case.pk, action.pk),
        {"status": "done", "note": "New lights fitted"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


def test_my_work_lists_what_is_due_and_overdue(world: World) -> None:
    refer(world, received_on=today() - dt.timedelta(days=10))
    case = active_case(world)
    html = client_for(world.social_worker).get(url("my-work")).content.decode()
    assert "Decide on a referral" in html and "Overdue" in html
    assert "Review the plan" in html
    partner = client_for(world.partner_worker).get(url("my-work")).content.decode()
    assert "Action: Security patrol of the car park" in partner
    assert "Decide on a referral" not in partner
    team = client_for(world.team_manager).get(url("my-work") + "?who=team").content.decode()
    assert "Review the plan" in team
    assert case.pk


def test_reads_are_logged(world: World) -> None:
    case = active_case(world)
    client = client_for(world.social_worker)
    for name in ("context-case", "context-plan", "context-assessment", "context-conference"):
        client.get(url(name, case.pk))
    events = AccessEvent.objects.filter(actor=world.social_worker, action=AccessAction.VIEW)
    assert {e.record_type for e in events} >= {
        "casework.contextcase",
        "casework.contextplan",
        "casework.contextassessment",
        "casework.contextconference",
    }
    client.get(url("my-work"))
    assert AccessEvent.objects.filter(
        actor=world.social_worker, action=AccessAction.SEARCH, detail__via="my work"
    ).exists()


def _last_read(worker: Any) -> dict[str, Any]:
    return AccessEvent.objects.filter(actor=worker).latest("id").detail


def test_the_case_page_logs_the_referrals_it_lists(world: World) -> None:
    case = open_case(world)
    page = client_for(world.social_worker).get(url("context-case", case.pk))
    assert f"Referral {case.referrals.get().pk}" in page.content.decode()
    assert _last_read(world.social_worker)["referrals_shown"] == [case.referrals.get().pk]


def test_the_plan_page_logs_the_actions_and_reviews_it_lists(world: World) -> None:
    case = active_case(world)
    add_action(world, case.plan, goal=case.plan.goals.get())
    made = review(world, case)
    client_for(world.social_worker).get(url("context-plan", case.pk))
    read = _last_read(world.social_worker)
    assert sorted(read["actions_shown"]) == sorted(a.pk for a in case.plan.actions.all())
    assert len(read["actions_shown"]) == 2
    # The review recorded, and the next one it set.
    assert made.pk in read["reviews_shown"]
    assert sorted(read["reviews_shown"]) == sorted(r.pk for r in case.plan.reviews.all())


def test_the_conference_page_logs_the_children_its_warning_names(world: World) -> None:
    refer_child(world, world.shopping_centre)  # Ciara is linked to the centre
    case = assessed_case(world)
    minutes = "Ciara Cscchild was there."
    hold(world, schedule(world, conference_of(case)), minutes=minutes, names_confirmed=True)
    page = client_for(world.social_worker).get(url("context-conference", case.pk))
    assert "(Ciara Cscchild)" in page.content.decode()
    assert _last_read(world.social_worker)["people_shown"] == [world.csc_child.pk]


def test_the_link_a_child_form_logs_the_children_it_lists(world: World) -> None:
    refer_child(world, world.shopping_centre)
    case = planned_case(world)
    page = client_for(world.social_worker).get(url("context-plan-child", case.pk))
    assert world.csc_child.full_name in page.content.decode()
    assert world.csc_child.pk in _last_read(world.social_worker)["people_shown"]


@pytest.mark.parametrize("peer", [False, True], ids=["interest", "protective-peer"])
def test_the_add_action_form_logs_whom_the_strengths_it_offers_name(
    world: World, peer: bool
) -> None:
    """The children whose strengths it offers, and a protective peer a strength names."""
    case = planned_case(world)
    services.plan_child_add(
        actor=world.social_worker, plan=case.plan, person=world.csc_child, episode=None
    )
    kind = {"kind": "protective_peer", "peer": world.team_child} if peer else {"kind": "interest"}
    profile_item_add(
        actor=world.social_worker,
        person=world.csc_child,
        text="Plays football on Saturdays",
        recorded_on=today() - dt.timedelta(days=3),
        **kind,
    )
    page = client_for(world.social_worker).get(url("context-action-add", case.pk))
    html = page.content.decode()
    assert "Plays football" in html and world.csc_child.full_name in html
    named = [world.csc_child, world.team_child] if peer else [world.csc_child]
    assert world.team_child.full_name in html or not peer
    assert _last_read(world.social_worker)["people_shown"] == sorted(p.pk for p in named)


def test_a_referral_redrawn_after_an_invalid_screening_logs_the_read(world: World) -> None:
    referral = refer_child(world, world.shopping_centre)  # names Ciara
    page = client_for(world.teammate).post(url("context-referral", referral.pk), {})
    assert page.status_code == 200 and world.csc_child.full_name in page.content.decode()
    read = AccessEvent.objects.filter(actor=world.teammate).latest("id")
    assert (read.record_type, read.record_id) == ("casework.referral", str(referral.pk))
    assert read.detail["people_shown"] == [world.csc_child.pk]


def test_an_assessment_redrawn_after_an_invalid_post_logs_the_read(world: World) -> None:
    case = open_case(world)
    services.assessment_start(actor=world.social_worker, assessment=case.assessment)
    before = AccessEvent.objects.filter(actor=world.social_worker).count()
    page = client_for(world.social_worker).post(
        url("context-assessment", case.pk), {"then": "submit"}
    )
    assert page.status_code == 200  # redrawn with what it needs
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert AccessEvent.objects.filter(actor=world.social_worker).count() == before + 1
    assert (read.record_type, read.record_id) == (
        "casework.contextassessment",
        str(case.assessment.pk),
    )


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["context-case", "context-plan"])
def test_page_query_count_does_not_grow_with_the_plan(world: World, page: str) -> None:
    case = active_case(world)
    services.plan_child_add(actor=world.social_worker, plan=case.plan, person=world.csc_child)
    client = client_for(world.social_worker)
    before = _queries(client, url(page, case.pk))
    for n in range(5):
        add_action(world, refreshed(case).plan, description=f"Action {n}")
    services.plan_child_add(actor=world.social_worker, plan=case.plan, person=world.team_child)
    assert _queries(client, url(page, case.pk)) == before


def test_my_work_query_count_does_not_grow_with_the_work(world: World) -> None:
    active_case(world)
    client = client_for(world.team_manager)

    def panel_with_two_actions() -> None:
        meeting = held(world)
        act(world, meeting.items.get(kind="harmed"))
        act(world, meeting.items.get(kind="location"), owner=world.team_manager)

    # One panel first: whether an action's words may be shown is read once for them all.
    panel_with_two_actions()
    before = _queries(client, url("my-work") + "?who=team")
    refer(world)
    refer(world, actor=world.school_dsl, context=world.school)
    for context in (world.park, world.school):
        referral = Referral.objects.filter(context=context).first() or refer(
            world, actor=world.social_worker, context=context
        )
        screen(world, referral)
    # HSB meetings' and MACE panels' actions and reviews are one query each, however many.
    for _ in range(2):
        panel_with_two_actions()
    assert _queries(client, url("my-work") + "?who=team") == before
    assert client.get(url("my-work") + "?who=team").content.decode().count("Panel action") == 6


PAGES = [
    "context-case",
    "context-assessment",
    "context-conference",
    "context-plan",
    "context-review",
    "context-action-add",
    "context-goal-add",
    "context-plan-child",
    "context-closure",
]


@pytest.mark.parametrize("name", PAGES)
def test_pages_have_no_inline_script_or_style_and_post_with_csrf(world: World, name: str) -> None:
    case = active_case(world)
    response = client_for(world.social_worker).get(url(name, case.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "<style" not in html
    for form in re.findall(r'<form method="post".*?</form>', html, re.S):
        assert "csrfmiddlewaretoken" in form


def test_the_lists_status_filters_keep_the_status_chosen(world: World) -> None:
    """The cases list offers "Open" (its default) before "Any"; the referrals list does not."""
    client = client_for(world.social_worker)
    cases = client.get(url("context-cases")).content.decode()
    assert re.search(r'<option value="open" selected>Open</option>\s*<option value="">Any', cases)
    chosen = client.get(url("context-cases") + "?status=plan").content.decode()
    assert '<option value="plan" selected>' in chosen
    assert '<option value="open">Open</option>' in chosen
    referrals = client.get(url("context-referrals") + "?status=new").content.decode()
    assert '<option value="open"' not in referrals
    assert '<option value="">Any</option>' in referrals
    assert '<option value="new" selected>' in referrals


def test_the_referral_form_sends_or_goes_back_to_the_referrals(world: World) -> None:
    html = client_for(world.social_worker).get(url("context-referral-new")).content.decode()
    start = html.index('<form method="post" novalidate>')
    form = html[start : html.index("</form>", start)]
    assert "csrfmiddlewaretoken" in form
    assert 'name="summary"' in form
    assert ">Send the referral</button>" in form
    assert (
        f'<a class="govuk-link" href="{url("context-referrals")}">Back without saving</a>' in form
    )


def test_the_plan_offers_no_addition_while_a_closure_waits(world: World) -> None:
    """The service refuses a goal, an action or a child while a manager decides on closing
    the case: the plan's page says why and offers none of them."""
    case = active_case(world)
    finish_actions(world, case)
    client = client_for(world.social_worker)
    adds = [
        url(name, case.pk)
        for name in ("context-goal-add", "context-action-add", "context-plan-child")
    ]
    before = client.get(url("context-plan", case.pk)).content.decode()
    assert all(link in before for link in adds)
    request_closure(world, refreshed(case))
    page = client.get(url("context-plan", case.pk)).content.decode()
    assert "A manager is deciding on closing this case" in page
    assert not any(link in page for link in adds)
