"""The demo's visit rotas: more than a page of visit plans, newest first, at four places,
some ended, none naming a persona."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.models import Worker
from locus.demo.accounts import DEMO_USERNAMES
from locus.demo.casework import add_demo_context_cases
from locus.demo.generator import Summary
from locus.demo.steps.outreach import add_demo_outreach
from locus.demo.steps.rotas import FORTNIGHT, ROTAS
from locus.outreach import selectors
from locus.outreach.models import VisitPlan
from locus.outreach.views import PLANS_PER_PAGE
from locus.places.models import Context
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_the_visit_plans_list_runs_to_a_second_page_newest_first(borough: Summary) -> None:
    add_demo_context_cases()
    add_demo_outreach()
    worker = Worker.objects.get(username="social.worker")
    plans = list(selectors.plans_for(worker))
    assert len(plans) > PLANS_PER_PAGE
    assert len({p.context_id for p in plans}) >= 4
    starts = [p.starts_on for p in plans]
    assert starts == sorted(starts, reverse=True) and len(set(starts)) > 4
    ended = VisitPlan.objects.filter(ended_at__isnull=False)
    assert ended.count() >= 4 and all(ended.values_list("ended_reason", flat=True))
    assert not VisitPlan.objects.filter(
        ended_at__isnull=True, workers__username__in=DEMO_USERNAMES - {"social.worker"}
    ).exists()
    client = client_for(worker)
    first = client.get(reverse("visit-plans")).content.decode()
    assert f"1 to {PLANS_PER_PAGE} shown" in first and "?page=2" in first
    second = client.get(reverse("visit-plans") + "?page=2")
    assert second.status_code == 200 and plans[-1].context.name in second.content.decode()


def test_a_fortnight_s_plans_at_a_place_ask_once_whether_the_manager_may_plan_them(
    borough: Summary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rotas' plans go through the services together, a fortnight at a place at a time:
    the right to plan visits is asked once for each, not once for each of the fifty plans."""
    from locus.access import outreach as rules

    add_demo_context_cases()
    asked: list[tuple[int, int]] = []
    rule = rules.can_plan_visits

    def counted(worker: Worker, context: Context) -> bool:
        asked.append((worker.pk, context.pk))
        return rule(worker, context)

    monkeypatch.setattr(rules, "can_plan_visits", counted)
    add_demo_outreach()
    fortnights = sum(len(range(rota.first, -1, -FORTNIGHT)) for rota in ROTAS)
    plans = VisitPlan.objects.count()
    # The Thursday visits at the shopping centre, and each fortnight at each place.
    assert plans > 2 * fortnights
    assert len(asked) == 1 + fortnights
