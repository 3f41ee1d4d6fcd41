"""Protecting a vulnerable home: the household's consent, protective actions tasked to named
partners, and the home's case followed to closure with "No longer used for abuse"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.access import outreach as rules
from locus.access.models import Role
from locus.audit.models import AccessEvent
from locus.casework import services as casework
from locus.casework.models import (
    ClosureOutcome,
    ContextCase,
    PlanAction,
    Protective,
)
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import today
from locus.outreach import selectors, services
from locus.outreach.models import Consent, HomeConsent
from locus.places.services import context_create
from tests.casework.helpers import (
    add_action,
    assess,
    conference_of,
    finish_actions,
    hold,
    refer,
    refreshed,
    request_closure,
    schedule,
    screen,
)
from tests.factories import World, changes_for, client_for, make_worker, nothing_written


def consent(world: World, **fields: Any) -> HomeConsent:
    values: dict[str, Any] = {
        "actor": world.social_worker,
        "home": world.home,
        "consent": Consent.REFUSED,
        "on": today(),
        "reason": "The tenant fears the group will blame her; the landlord's work goes ahead.",
    }
    values.update(fields)
    return services.home_consent_record(**values)


def home_case(world: World) -> ContextCase:
    """social_worker refers Ciara's home, where peer-on-peer abuse happened; the case is
    assessed and a plan agreed at a conference."""
    referral = refer(
        world,
        actor=world.social_worker,
        context=world.home,
        summary="Young people gather at the flat while the tenant is out; a girl was assaulted.",
    )
    case = assess(world, screen(world, referral).case)
    hold(world, schedule(world, conference_of(case)))
    return refreshed(case)


PROTECTIVE = [
    (Protective.LIGHTING, "Lighting on the stairwell and walkway", "J. Reyes, housing officer"),
    (Protective.CCTV, "CCTV covering the block's entrance", "J. Reyes, housing officer"),
    (Protective.SCHOOLS_OFFICER, "Schools officer sees the group at school", "PC A. Khan"),
    (Protective.YOUTH_SERVICE, "Detached youth work with the group", "M. Obi, youth worker"),
    (Protective.POLICING, "Patrols past the block on weekday evenings", "Sgt L. Price"),
]


# --- Consent ---------------------------------------------------------------------------------


def test_a_refusal_is_recorded_with_its_reason_and_kept_as_history(world: World) -> None:
    consent(world, consent=Consent.GIVEN, reason="", on=today() - dt.timedelta(days=30))
    refused = consent(world)
    view = selectors.home_protection(world.social_worker, world.home)
    assert view.consent == refused and len(view.consents) == 2
    assert changes_for(refused)[0].after["consent"] == "refused"


@pytest.mark.parametrize("answer", [Consent.REFUSED, Consent.NOT_SOUGHT])
def test_a_refusal_or_consent_not_sought_needs_a_reason(world: World, answer: str) -> None:
    with nothing_written(HomeConsent), pytest.raises(ValidationFailed) as refused:
        consent(world, consent=answer, reason="")
    assert "reason" in refused.value.errors


@pytest.mark.parametrize("name", ["yjs_worker", "other_social_worker", "auditor", "admin"])
def test_only_who_sees_the_home_and_holds_it_records_consent(world: World, name: str) -> None:
    with nothing_written(HomeConsent), pytest.raises(NotPermitted):
        consent(world, actor=world.persona(name))


def test_a_partner_who_recorded_a_home_does_not_record_the_household_s_consent(
    world: World,
) -> None:
    """A housing officer (a partner organisation's) who recorded a home sees it, but whether
    the household agrees to protective work is the casework's to seek and record: the form
    is not offered nor found, and the service refuses."""
    housing = make_worker(
        world.system, team=world.partner_team, role=Role.PRACTITIONER, username="housing"
    )
    home = context_create(actor=housing, kind="home", name="Flat 3, Rowan House")
    assert rules.sees_household(housing, home)  # the premise: the recorder sees it
    assert not rules.can_record_consent(housing, home)
    with nothing_written(HomeConsent), pytest.raises(NotPermitted):
        consent(world, actor=housing, home=home)
    client = client_for(housing)
    page = client.get(f"/outreach/homes/{home.pk}/")
    assert page.status_code == 200 and f"/outreach/homes/{home.pk}/consent/" not in page.text
    # She is told whose it is to record, rather than left without the link.
    assert "sought and recorded by the casework team that holds the home" in page.text
    with nothing_written(HomeConsent):
        answer = client.post(
            f"/outreach/homes/{home.pk}/consent/", {"consent": "given", "on": "2026-01-05"}
        )
    assert answer.status_code == 404


def test_consent_is_not_recorded_on_a_public_place(world: World) -> None:
    with nothing_written(HomeConsent), pytest.raises(NotPermitted):
        consent(world, home=world.park)


@pytest.mark.parametrize("name", ["yjs_worker", "other_social_worker", "auditor", "partner_worker"])
def test_the_home_page_is_not_found_for_who_may_not_see_the_home(world: World, name: str) -> None:
    consent(world)
    page = client_for(world.persona(name)).get(f"/outreach/homes/{world.home.pk}/")
    assert page.status_code == 404


def test_the_home_page_shows_the_consent_to_who_sees_the_home(world: World) -> None:
    consent(world)
    page = client_for(world.social_worker).get(f"/outreach/homes/{world.home.pk}/")
    assert page.status_code == 200
    assert "Refused on" in page.text and "the landlord" in page.text
    assert "Record the household's consent" in page.text
    assert "sought and recorded by the casework team" not in page.text
    park = client_for(world.social_worker).get(f"/outreach/homes/{world.park.pk}/")
    assert park.status_code == 404  # a public place has no household
    # The home's own page leads there; a public place's page does not.
    link = f'href="/outreach/homes/{world.home.pk}/"'
    assert link in client_for(world.social_worker).get(f"/contexts/{world.home.pk}/").text
    assert (
        "/outreach/homes/"
        not in client_for(world.social_worker).get(f"/contexts/{world.park.pk}/").text
    )


def test_the_home_page_logs_the_cases_it_lists(world: World) -> None:
    """The page lists the home's context cases, each a link: its read keeps which, by id,
    with the consents and actions it shows."""
    case = home_case(world)
    before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    page = client_for(world.social_worker).get(f"/outreach/homes/{world.home.pk}/")
    assert f'href="/context-cases/{case.pk}/"' in page.text
    read = AccessEvent.objects.filter(id__gt=before).latest("id")
    assert read.detail["page"] == "protecting the home"
    assert read.detail["cases"] == [case.pk]


# --- Protective actions ------------------------------------------------------------------------


def test_an_action_of_an_unknown_protective_kind_is_refused(world: World) -> None:
    case = home_case(world)
    with pytest.raises(ValidationFailed) as refused:
        add_action(world, case.plan, protective="moat")
    assert "protective" in refused.value.errors


def test_a_vulnerable_home_is_protected_and_its_case_closes_no_longer_used_for_abuse(
    world: World,
) -> None:
    consent(world)
    case = home_case(world)
    casework.goal_add(
        actor=world.social_worker,
        plan=case.plan,
        statement="The flat is no longer a place where young people are harmed",
        measure="Gatherings and incidents at the flat reported by the tenant and the police",
    )
    for kind, description, owner in PROTECTIVE:
        add_action(
            world,
            case.plan,
            description=description,
            agency=world.partner,
            owner=None,
            owner_name=owner,
            protective=kind,
        )
    casework.plan_submit(actor=world.social_worker, plan=case.plan, manager=world.team_manager)
    casework.plan_approve(actor=world.team_manager, plan=case.plan)
    lighting = PlanAction.objects.get(protective=Protective.LIGHTING)
    casework.action_update(
        actor=world.social_worker,
        action=lighting,
        status="in_progress",
        note="Housing provider ordered the lights",
    )
    view = selectors.home_protection(world.social_worker, world.home)
    assert {a.protective for a in view.actions} == {k for k, _, _ in PROTECTIVE}
    finish_actions(world, case)
    case = request_closure(
        world,
        refreshed(case),
        outcome=ClosureOutcome.NO_LONGER_USED,
        reason="No gatherings at the flat for three months; the group meets at the youth club.",
    )
    # Nobody signs off their own closure, and the IT administrator never does.
    for actor in (world.social_worker, world.admin, world.teammate):
        with pytest.raises(NotPermitted):
            casework.closure_approve(actor=actor, case=case)
    closed = casework.closure_approve(actor=world.team_manager, case=refreshed(case))
    assert (closed.status, closed.closure_outcome) == ("closed", "no_longer_used")
    assert all(a.completed_on for a in PlanAction.objects.filter(plan__case=case))
    page = client_for(world.social_worker).get(f"/outreach/homes/{world.home.pk}/")
    assert "No longer used for abuse" in page.text and "CCTV" in page.text
    plan_page = client_for(world.social_worker).get(f"/context-cases/{case.pk}/plan/")
    assert "Protecting this home" in plan_page.text and ">Lighting</strong>" in plan_page.text


def test_a_manager_cannot_ask_themselves_to_close(world: World) -> None:
    case = home_case(world)
    finish_actions(world, case)
    with pytest.raises(ValidationFailed) as refused:
        request_closure(
            world,
            case,
            actor=world.team_manager,
            manager=world.team_manager,
            outcome=ClosureOutcome.NO_LONGER_USED,
        )
    assert "manager" in refused.value.errors


def test_a_partner_sees_only_its_own_protective_actions(world: World) -> None:
    case = home_case(world)
    add_action(world, case.plan, protective=Protective.CCTV)  # the partner's
    add_action(
        world,
        case.plan,
        agency=world.police,
        owner=None,
        owner_name="Sgt L. Price",
        protective=Protective.POLICING,
    )
    view = selectors.home_protection(world.partner_worker, world.home)
    assert [a.protective for a in view.actions] == [Protective.CCTV]
    assert view.hidden_actions == 1


def test_the_consent_form_is_a_logged_read_of_the_home(world: World) -> None:
    """The form names the protected home: each time it is drawn, an invalid post's page
    too, the read is logged against the home."""
    url = f"/outreach/homes/{world.home.pk}/consent/"
    client = client_for(world.social_worker)
    for draw in (lambda: client.get(url), lambda: client.post(url, {"consent": "given"})):
        before = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        page = draw()
        assert page.status_code == 200 and world.home.name in page.text
        read = AccessEvent.objects.filter(id__gt=before).get()
        assert read.actor == world.social_worker
        assert read.record_id == str(world.home.pk)
        assert read.detail["page"] == "record the household's consent"
