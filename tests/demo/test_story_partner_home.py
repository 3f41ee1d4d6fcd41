"""The demo's home recorded by the housing association, with its household's consent, as the
housing officer sees it: the consent and its history, no way to record it, and no child."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.models import Worker
from locus.demo.casework import add_demo_context_cases
from locus.demo.generator import Summary
from locus.demo.steps.outreach import add_demo_outreach
from locus.places.models import Context
from tests.factories import client_for

pytestmark = pytest.mark.django_db


def test_the_housing_officer_sees_the_consent_to_work_at_the_home_they_recorded(
    borough: Summary,
) -> None:
    add_demo_context_cases()
    add_demo_outreach()
    housing = Worker.objects.get(username="housing.officer")
    home = Context.objects.get(name="Flat 3, Linnet House", merge__isnull=True)
    assert home.kind == "home" and home.recorded_by == housing
    assert home.housing_provider == housing.team.agency
    (resident,) = home.residents.all()  # the child's move, merged into the association's home
    consents = list(home.consents.order_by("-on"))
    assert [c.consent for c in consents] == ["given", "refused"]
    assert {c.recorded_by.username for c in consents} == {"social.worker"}
    page = client_for(housing).get(reverse("protected-home", args=[home.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Given" in text and "Refused" in text
    assert reverse("home-consent", args=[home.pk]) not in text  # a partner does not record it
    assert resident.family_name not in text  # nor sees the child
    worker = client_for(Worker.objects.get(username="social.worker"))
    assert (
        reverse("home-consent", args=[home.pk])
        in worker.get(reverse("protected-home", args=[home.pk])).content.decode()
    )
