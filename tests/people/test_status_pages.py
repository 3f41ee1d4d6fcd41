"""A child's legal-status pages: open, change and end an episode from the child's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent
from locus.people.models import LegalStatus, LegalStatusEpisode
from locus.people.services import episode_end, episode_start
from tests.factories import START, World, client_for, nothing_written, page_queries
from tests.people.episodes import open_plan

pytestmark = pytest.mark.django_db

DAY = START + dt.timedelta(days=7)


def _cin(world: World) -> LegalStatusEpisode:
    return world.csc_child.episodes.get(status=LegalStatus.CHILD_IN_NEED)


def test_the_child_page_offers_open_change_and_end_to_the_case_holder(world: World) -> None:
    plan = open_plan(world)
    page = client_for(world.social_worker).get(reverse("person", args=[world.csc_child.pk]))
    html = page.content.decode()
    assert reverse("status-open", args=[world.csc_child.pk]) in html
    assert reverse("status-change", args=[world.csc_child.pk, plan.pk]) in html
    assert reverse("status-end", args=[world.csc_child.pk, plan.pk]) in html
    # A child in need episode has no detail to change: End only.
    assert reverse("status-end", args=[world.csc_child.pk, _cin(world).pk]) in html
    assert reverse("status-change", args=[world.csc_child.pk, _cin(world).pk]) not in html


def test_a_reader_who_may_not_change_the_record_is_offered_nothing(world: World) -> None:
    page = client_for(world.teammate).get(reverse("person", args=[world.csc_child.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "/status/" not in html


def _open_url(world: World) -> str:
    return reverse("status-open", args=[world.csc_child.pk])


def test_open_a_plan_with_its_category_held_by_the_workers_agency(world: World) -> None:
    client = client_for(world.social_worker)
    assert client.get(_open_url(world)).status_code == 200
    # A worker's posted agency is not theirs to choose: the episode is their agency's.
    posted = {"status": "CP", "cp_category": "EMO", "start": "05/01/2026", "agency": world.yjs.pk}
    response = client.post(_open_url(world), posted)
    assert response.status_code == 302
    plan = world.csc_child.episodes.get(status=LegalStatus.CHILD_PROTECTION)
    assert (plan.cp_category, plan.start, plan.agency) == ("EMO", dt.date(2026, 1, 5), world.csc)


# What is posted to open an episode, and the message the page shows for it.
OPEN_REFUSALS = [
    ({"status": "CP"}, "A child protection plan needs its category"),
    ({"status": "EH", "cp_category": "NEG"}, "Only a child protection plan has a category"),
    ({"status": "LAC"}, "A looked-after episode needs its legal status"),
    ({"status": "EH", "lac_legal_status": "C2"}, "Only a looked-after episode has a legal"),
    ({"status": "CIN"}, "Child in need (s.17) is already open for this person: end it first"),
    ({"status": ""}, "Choose the legal status"),
    ({"status": "EH", "start": "31/02/2026"}, "Enter the start date as a date"),
    # A mistyped year: the form reads 0025 as year 25.
    ({"status": "EH", "start": "05/01/0025"}, "The start date must be after 1900"),
]


@pytest.mark.parametrize(("posted", "field_message"), OPEN_REFUSALS)
def test_open_refuses_bad_input_on_the_field(
    world: World, posted: dict[str, str], field_message: str
) -> None:
    client = client_for(world.social_worker)
    with nothing_written(LegalStatusEpisode):
        response = client.post(_open_url(world), {"start": "05/01/2026", **posted})
    assert response.status_code == 200
    assert field_message in response.content.decode()


def test_an_administrator_chooses_the_holding_agency(world: World) -> None:
    client = client_for(world.admin)
    assert "Agency holding the episode" in client.get(_open_url(world)).content.decode()
    with nothing_written(LegalStatusEpisode):
        refused = client.post(_open_url(world), {"status": "YJS", "start": "05/01/2026"})
    assert "Choose the agency holding the episode" in refused.content.decode()
    posted = {"status": "YJS", "start": "05/01/2026", "agency": world.yjs.pk}
    assert client.post(_open_url(world), posted).status_code == 302
    assert world.csc_child.episodes.get(status="YJS").agency == world.yjs


def test_change_a_plans_category_then_end_it(world: World) -> None:
    plan = open_plan(world)
    client = client_for(world.team_manager)
    change = reverse("status-change", args=[world.csc_child.pk, plan.pk])
    page = client.get(change).content.decode()
    assert "Change the plan&#x27;s category" in page and "Neglect" in page
    assert "New legal status" not in page
    posted = {"cp_category": "MUL", "start": DAY.strftime("%d/%m/%Y"), "reason": "Conference"}
    assert client.post(change, posted).status_code == 302
    plan.refresh_from_db()
    assert (plan.end, plan.end_reason) == (DAY, "Conference")
    new = world.csc_child.episodes.current().get(status=LegalStatus.CHILD_PROTECTION)
    assert (new.cp_category, new.start) == ("MUL", DAY)
    # The ended plan no longer changes: its pages answer "not found" only for who may not
    # change it, so the change is refused on the page.
    with nothing_written(LegalStatusEpisode):
        again = client.post(change, posted)
    assert "This episode has already ended" in again.content.decode()

    end = reverse("status-end", args=[world.csc_child.pk, new.pk])
    with nothing_written(LegalStatusEpisode):
        no_reason = client.post(end, {"end": DAY.strftime("%d/%m/%Y"), "reason": ""})
    assert "Say why, for the record" in no_reason.content.decode()
    posted = {"end": DAY.strftime("%d/%m/%Y"), "reason": "Stepped down to child in need"}
    assert client.post(end, posted).status_code == 302
    new.refresh_from_db()
    assert (new.end, new.end_reason) == (DAY, "Stepped down to child in need")
    shown = client.get(reverse("person", args=[world.csc_child.pk])).content.decode()
    assert "Stepped down to child in need" in shown


def test_nothing_changes_on_a_child_in_need_episode(world: World) -> None:
    url = reverse("status-change", args=[world.csc_child.pk, _cin(world).pk])
    assert client_for(world.social_worker).get(url).status_code == 404


def test_each_page_is_logged_with_the_child_and_episode(world: World) -> None:
    client = client_for(world.social_worker)
    client.get(reverse("status-end", args=[world.csc_child.pk, _cin(world).pk]))
    event = AccessEvent.objects.latest("id")
    logged = [event.actor, event.record_type, event.record_id, event.detail]
    page = {"page": "End a legal status", "episode": _cin(world).pk}
    assert logged == [world.social_worker, "people.person", str(world.csc_child.pk), page]


def _person_page_queries(world: World) -> int:
    return page_queries(world.social_worker, reverse("person", args=[world.csc_child.pk]))


def test_the_child_page_query_count_does_not_grow_with_episodes_and_their_links(
    world: World,
) -> None:
    before = _person_page_queries(world)
    # One plan after another (a child is on one plan at a time), each ended the day it began.
    for days, category in enumerate(("NEG", "PHY", "EMO")):
        plan = open_plan(world, category, by=world.system, start=START + dt.timedelta(days))
        episode_end(actor=world.system, episode=plan, end=plan.start, reason="Changed")
    for status, agency in (("EH", world.csc), ("YJS", world.yjs)):
        episode_start(
            actor=world.system, person=world.csc_child, status=status, start=START, agency=agency
        )
    assert _person_page_queries(world) == before
