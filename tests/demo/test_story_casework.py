"""Demo context cases on a generated borough: every stage, through the services."""

from __future__ import annotations

import pytest

from locus.access import context_cases as policies
from locus.casework.models import Approval, ContextCase, PlanAction, Referral, SignOffRequest
from locus.common.services import today
from locus.demo.casework import add_demo_context_cases
from locus.demo.generator import Summary

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_context_case_at_every_stage(borough: Summary) -> None:
    cases = add_demo_context_cases()
    by_place = {c.context.name: ContextCase.objects.get(pk=c.pk) for c in cases}
    centre = by_place["Kingsgate Shopping Centre"]
    assert centre.status == "plan" and centre.plan.status == "active"
    assert centre.referrals.get().referring_agency.kind == "partner"
    overdue = PlanAction.objects.filter(plan=centre.plan, due_on__lt=today()).exclude(
        status__in=("done", "stopped")
    )
    assert overdue.count() >= 2
    # The lead's own overdue action shows in her "my work".
    assert overdue.filter(owner__username="social.worker").exists()
    assert centre.plan.reviews.get(status="due").due_on >= today()
    assert centre.plan.children.exists()
    assert centre.conferences.get().attendees.filter(name="Centre manager").exists()
    closed = by_place["Stairwell, Block C, Rowan Estate"]
    assert closed.status == "closed" and closed.closure_outcome == "improved"
    assert closed.closed_on < today()
    assert closed.approvals.filter(subject="closure", outcome="approved").exists()
    # The closure's evidence: every domain re-rated, the outcome against each goal.
    assert set(closed.closure_ratings) == set(
        closed.assessment.findings.values_list("key", flat=True)
    )
    assert set(closed.closure_goal_outcomes) == {str(g.pk) for g in closed.plan.goals.all()}
    # Every sign-off was asked of a named manager; one waits in team.manager's My work, the
    # others were given; none by an administrator.
    asked = SignOffRequest.objects.filter(case__in=cases)
    waiting = asked.get(decided_at__isnull=True)
    assert asked.count() == 7
    assert (waiting.manager.username, waiting.subject) == ("team.manager", "assessment")
    assert waiting.case.context.name == "Rowan Estate"
    for approval in Approval.objects.filter(case__in=cases):
        assert approval.by.role == "manager"
        assert asked.filter(case=approval.case, subject=approval.subject, manager=approval.by)
    # Leads and chairs under the rules: the lead is not the chair nor their manager.
    for case in cases:
        for conference in case.conferences.all():
            assert policies.can_chair(conference.chair, case)
    fields = by_place["Marsh Lane Fields"]
    assert fields.status == "assessment" and fields.assessment.status == "in_progress"
    assert fields.assessment.findings.exclude(rating="").count() == 2
    new = Referral.objects.get(status="new")
    assert new.context.name.startswith("Bus route H5")
    assert Referral.objects.filter(named_contexts__context=new.context).count() == 2
    # The stages took months: the cases were opened on different days, in the past.
    assert len({c.opened_on for c in by_place.values()}) == 5
    assert add_demo_context_cases() == []  # safe to run again
