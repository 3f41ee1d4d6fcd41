"""A context case's pages name in their read's trail entry, by id, every record they list:
the case page its assessment, conferences, plan, sign-offs and threshold revisions; the
assessment page its findings, their evidence and its sign-offs; the conference page who
attended and its decisions; the plan page its goals and the actions' updates. Before, the
case page named only its children and referrals, the plan page its children, actions and
reviews, the assessment and conference pages none of these; a referral names the contexts
it is about, the other referrals about them and their open cases (before: its children only)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.casework import services
from locus.casework.models import ContextCase
from tests.casework.helpers import active_case, level, open_case, refer, refreshed
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db


def _read(world: World, name: str, case: ContextCase) -> dict[str, Any]:
    page = client_for(world.social_worker).get(reverse(name, args=[case.pk]))
    assert page.status_code == 200
    return AccessEvent.objects.filter(actor=world.social_worker).latest("id").detail


def _case(world: World) -> ContextCase:
    case = active_case(world)
    services.threshold_revise(
        actor=world.social_worker, case=case, level=level("Complex"), reason="More incidents"
    )
    return refreshed(case)


def test_the_case_page_names_its_assessment_conferences_plan_and_sign_offs(
    world: World,
) -> None:
    case = _case(world)
    read = _read(world, "context-case", case)
    assert read["assessments_shown"] == [case.assessment.pk]
    assert read["conferences_shown"] == [c.pk for c in case.conferences.all()]
    assert read["conferences_shown"]
    assert read["plans_shown"] == [case.plan.pk]
    # The assessment's, the plan's (and the screening's) sign-offs, in the page's order.
    assert sorted(read["approvals_shown"]) == sorted(a.pk for a in case.approvals.all())
    assert len(read["approvals_shown"]) >= 2
    assert read["revisions_shown"] == [r.pk for r in case.threshold_revisions.all()]
    assert read["revisions_shown"]


def test_the_assessment_page_names_its_findings_and_their_evidence(world: World) -> None:
    case = open_case(world)
    assessment = case.assessment
    services.assessment_start(actor=world.social_worker, assessment=assessment)
    finding = assessment.findings.all()[0]
    evidence = services.evidence_add(
        actor=world.social_worker,
        assessment=assessment,
        domain_key=finding.key,
        text="Seen on the car park camera",
        source="professional",
    )
    read = _read(world, "context-assessment", case)
    assert read["findings_shown"] == [f.pk for f in assessment.findings.all()]
    assert read["findings_shown"]
    assert read["evidence_shown"] == [evidence.pk]


def test_the_assessment_page_names_its_sign_offs(world: World) -> None:
    signed = _case(world)
    read = _read(world, "context-assessment", signed)
    assert read["approvals_shown"] == [a.pk for a in signed.approvals.filter(subject="assessment")]
    assert read["approvals_shown"]


def test_the_conference_page_names_who_attended_and_its_decisions(world: World) -> None:
    case = _case(world)
    conference = case.conferences.get()
    read = _read(world, "context-conference", case)
    assert sorted(read["attendees_shown"]) == sorted(a.pk for a in conference.attendees.all())
    assert read["attendees_shown"]
    assert read["decisions_shown"] == [d.pk for d in conference.decisions.all()]
    assert read["decisions_shown"]


def test_the_plan_page_names_its_goals_and_the_actions_updates(world: World) -> None:
    case = _case(world)
    action = case.plan.actions.get()
    services.action_update(
        actor=world.social_worker, action=action, status="in_progress", note="Patrols began"
    )
    update = action.updates.latest("id")  # the service returns the action
    read = _read(world, "context-plan", case)
    assert read["goals_shown"] == [g.pk for g in case.plan.goals.all()]
    assert read["goals_shown"]
    assert update.pk in read["updates_shown"]


def test_the_referral_page_names_its_contexts_and_the_other_referrals(world: World) -> None:
    first, second = refer(world), refer(world)
    page = client_for(world.teammate).get(reverse("context-referral", args=[second.pk]))
    assert f"Referral {first.pk}" in page.content.decode()
    read = AccessEvent.objects.filter(actor=world.teammate).latest("id")
    assert (read.record_type, read.record_id) == ("casework.referral", str(second.pk))
    assert read.detail["places_shown"] == [world.shopping_centre.pk]
    assert read.detail["referrals_shown"] == [first.pk]
    assert read.detail["cases_shown"] == []
