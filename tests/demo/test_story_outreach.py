"""The demo's protected home, followed to closure, and its visits to a shopping centre."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.casework.models import ContextCase, PlanAction
from locus.common.services import today
from locus.demo.casework import add_demo_context_cases
from locus.demo.generator import Summary
from locus.demo.steps.outreach import add_demo_outreach
from locus.outreach import selectors
from locus.outreach.models import VisitStatus

pytestmark = pytest.mark.django_db
WEEK = dt.timedelta(days=7)


def test_the_demo_home_goes_the_whole_way_and_the_centre_is_visited(borough: Summary) -> None:
    add_demo_context_cases()
    case, plan = add_demo_outreach()
    assert case is not None and plan is not None
    case = ContextCase.objects.get(pk=case.pk)
    assert case.context.kind == "home" and case.context.adult_care_needs
    assert (case.status, case.closure_outcome) == ("closed", "no_longer_used")
    assert case.closure_requested_by.username == "social.worker"
    closure = case.approvals.get(subject="closure")
    assert closure.by.username == "team.manager" and closure.by != case.closure_requested_by
    kinds = set(PlanAction.objects.filter(plan__case=case).values_list("protective", flat=True))
    assert {"lighting", "cctv", "schools_officer", "youth_service", "policing"} <= kinds
    actions = PlanAction.objects.filter(plan__case=case)
    assert all(a.status == "done" and a.updates.count() == 3 for a in actions)
    assert actions.filter(owner__isnull=True).exclude(owner_name="").exists()  # named partners
    assert case.context.consents.get().consent == "given"
    # The centre: visits recorded (one missed) and this week's due in the lead's My work.
    visits = list(plan.visits.all())
    assert len(visits) >= 4 and sum(v.status == VisitStatus.MISSED for v in visits) == 1
    # One visit on a day not planned, made, so the plan's page shows an unplanned one.
    (extra,) = [v for v in visits if v.unplanned]
    assert extra.status == VisitStatus.MADE and extra.on.weekday() != plan.weekday
    due = selectors.visits_due(case.closure_requested_by)
    assert {d.plan for d in due} == {plan}
    assert [d.on for d in due if d.on <= today()] == [max(v.on for v in visits) + WEEK]
    assert add_demo_outreach() == (None, None)  # safe to call again
