"""A form step on a child's record (``common/pages.py``): a valid post runs the service and
goes on, whatever the service returns; any other draw of the page logs the read of the
record it shows, an invalid post's page too (every read is audited). A page that reads a
record logs the read, then draws the page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from locus.audit.models import AccessAction, AccessEvent
from locus.common.forms import GovukForm
from locus.common.pages import logged_form_step, logged_page, posted
from tests.factories import World


class _Required(GovukForm):
    text = forms.CharField()


def _step(
    world: World,
    method: str,
    data: dict[str, str],
    ran: list[Any],
    after: Any = lambda made: HttpResponse(f"went on after {made}"),
) -> HttpResponse:
    request = getattr(RequestFactory(), method)("/", data)
    request.user = world.social_worker
    request.session = {}
    request._messages = FallbackStorage(request)
    return logged_form_step(
        request,
        world.csc_child,
        _Required(posted(request)),
        lambda: ran.append("ran"),  # a service that returns None
        "Done",
        after=after,
        template="profiles/form.html",
        shown={"item": 7},
        read="a-step",
        heading="Heading",
        button="Go",
    )


def _reads(world: World) -> list[dict[str, Any]]:
    events = AccessEvent.objects.filter(actor=world.social_worker, record_type="people.person")
    return [e.detail for e in events.order_by("id")]


def test_a_valid_post_runs_the_service_and_goes_on_even_when_it_returns_nothing(
    world: World,
) -> None:
    ran: list[Any] = []
    response = _step(world, "post", {"text": "words"}, ran)
    assert ran == ["ran"]
    assert response.content == b"went on after None"
    assert _reads(world) == []


def test_a_step_goes_on_to_the_persons_page_it_names(world: World) -> None:
    response = _step(world, "post", {"text": "words"}, [], after="person-profile")
    assert response.status_code == 302
    assert response["Location"] == reverse("person-profile", args=[world.csc_child.pk])


def test_the_form_page_logs_its_read_on_every_draw_an_invalid_post_too(world: World) -> None:
    ran: list[Any] = []
    shown = _step(world, "get", {}, ran)
    again = _step(world, "post", {"text": ""}, ran)
    assert ran == []
    assert shown.status_code == again.status_code == 200
    assert "Heading" in again.content.decode()
    assert _reads(world) == [{"page": "a-step", "item": 7}] * 2


def test_a_page_reading_a_record_logs_the_read_then_draws_the_page(world: World) -> None:
    """``logged_page``: one read of the record, with the page's detail (and a search's action
    when it is one), and the page drawn from its context."""
    request = RequestFactory().get("/")
    request.user = world.social_worker
    request.session = {}
    response = logged_page(
        request,
        "people/identifier_queries.html",
        about=world.csc_child,
        action=AccessAction.SEARCH,
        detail={"page": "a-page", "people_shown": [world.csc_child.pk]},
        context={"rows": []},
    )
    assert response.status_code == 200
    event = AccessEvent.objects.get(actor=world.social_worker, record_type="people.person")
    assert event.record_id == str(world.csc_child.pk)
    assert event.action == AccessAction.SEARCH
    assert event.detail == {"page": "a-page", "people_shown": [world.csc_child.pk]}
