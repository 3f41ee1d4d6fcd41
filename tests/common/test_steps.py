"""Form steps described as data (``common/steps.py``): each casework and mapping step is
reached by its url name, and the runner checks the permission before it reads anything
the form needs, logs each read of the page, and runs the service only on a valid post."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.casework import urls as casework_urls
from locus.casework import views as casework
from locus.common.errors import NotPermitted
from locus.common.forms import GovukForm
from locus.common.steps import Place, Step, confirm, take
from locus.mapping import urls as mapping_urls
from locus.mapping import views as mapping
from tests.factories import World


@pytest.mark.parametrize(
    ("urls", "steps", "view"),
    [
        (casework_urls, casework.STEPS, casework.case_step),
        (mapping_urls, mapping.STEPS, mapping.meeting_step),
    ],
)
def test_each_step_is_bound_to_its_url_name(urls: Any, steps: dict[str, Step], view: Any) -> None:
    bound = {p.name: p.default_args.get("step") for p in urls.urlpatterns if p.callback is view}
    assert bound == {name: name for name in steps}


def _request(world: World, method: str = "get", data: dict[str, str] | None = None) -> Any:
    request = getattr(RequestFactory(), method)("/", data or {})
    request.user = world.social_worker
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _step(**fields: Any) -> Step:
    values: dict[str, Any] = {
        "heading": "Heading",
        "button": "Go",
        "done": "Done",
        "form": confirm,
        "run": lambda actor, subject, form: None,
        "allowed": lambda worker, subject: True,
    }
    return Step(**{**values, **fields})


def _place(world: World, **fields: Any) -> Place:
    values: dict[str, Any] = {
        # Any record of the audit trail will do as the record a step hangs off.
        "find": lambda viewer, pk: world.social_worker,
        "home": "context-case",
        "name": "case",
        "template": "common/form_page.html",
    }
    return Place(**{**values, **fields})


def test_what_a_step_prepares_is_read_only_once_it_is_allowed(world: World) -> None:
    read: list[Any] = []
    step = _step(allowed=lambda worker, subject: False, prepare=read.append)
    with pytest.raises(NotPermitted):
        take(_request(world), _place(world), step, 1)
    assert read == []


def test_a_valid_post_runs_the_service_on_what_was_prepared_and_goes_on(world: World) -> None:
    ran: list[Any] = []
    step = _step(
        prepare=lambda subject: ("prepared", subject.pk),
        run=lambda actor, subject, form: ran.append(subject),
        after="context-plan",
    )
    response = take(_request(world, "post"), _place(world), step, 1)
    assert ran == [("prepared", world.social_worker.pk)]
    assert response.status_code == 302
    assert response["Location"] == reverse("context-plan", args=[world.social_worker.pk])


class _Required(GovukForm):
    text = forms.CharField()


def test_an_invalid_post_draws_the_form_again_and_logs_that_read_too(world: World) -> None:
    # Every read is audited: the form drawn again shows the record again, so it is logged.
    ran: list[Any] = []
    step = _step(
        form=lambda request, subject: _Required(request.POST),
        run=lambda actor, subject, form: ran.append(form),
    )
    before = AccessEvent.objects.count()
    response = take(_request(world, "post"), _place(world), step, 1)
    assert response.status_code == 200
    assert ran == []
    assert AccessEvent.objects.count() - before == 1
