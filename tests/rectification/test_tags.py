"""The "accuracy disputed" tag on the pages that name a child outside their own record: a
context plan's children, a referral's children, and the page of a child seen only through a
meeting's share. Drawn beside a child the viewer sees and nobody else, and read once per
page, however many children it names."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.access.models import Worker
from locus.casework import services as casework
from locus.casework.models import PlanChild, ReferralChild
from locus.common import clock
from locus.people.models import Person
from locus.rectification.models import About
from tests.casework.helpers import active_case, refer
from tests.factories import World, client_for
from tests.mapping.helpers import hold, propose, schedule
from tests.rectification.test_disputes import record

pytestmark = pytest.mark.django_db

TAG = "Accuracy disputed"


def dispute(world: World, actor: Worker, person: Person) -> None:
    record(world, actor=actor, person=person, about=About.RECORD, account="That is not me.")


def page(viewer: Worker, url: str) -> tuple[str, int]:
    """The page's HTML, and how many of its queries read the disputes."""
    with CaptureQueriesContext(connection) as queries:
        response = client_for(viewer).get(url)
    assert response.status_code == 200
    reads = [q for q in queries.captured_queries if "rectification_dispute" in q["sql"]]
    return response.content.decode(), len(reads)


def section(html: str, heading: str) -> str:
    return html.partition(heading)[2].partition("<h2")[0]


def test_a_plan_tags_each_disputed_child_it_names_in_one_read(world: World) -> None:
    w = world
    case = active_case(w)
    casework.plan_child_add(actor=w.social_worker, plan=case.plan, person=w.csc_child)
    casework.plan_child_add(actor=w.social_worker, plan=case.plan, person=w.team_child)
    url = reverse("context-plan", args=[case.pk])
    html, reads = page(w.social_worker, url)
    assert TAG not in section(html, "Children the plan affects")
    assert reads == 1
    dispute(w, w.social_worker, w.csc_child)
    dispute(w, w.teammate, w.team_child)
    # A child the social worker may not see, linked to the plan and disputing too: counted,
    # never named, and never tagged.
    PlanChild.objects.create(
        plan=case.plan, person=w.yjs_child, added_by=w.yjs_worker, added_at=clock.now()
    )
    dispute(w, w.yjs_worker, w.yjs_child)
    html, reads = page(w.social_worker, url)
    children = section(html, "Children the plan affects")
    assert children.count(TAG) == 2
    assert TAG in children.partition("Ciara Cscchild")[2].partition("</li>")[0]
    assert TAG in children.partition("Tariq Teamchild")[2].partition("</li>")[0]
    assert "1 child not shared with you" in children
    assert reads == 1


def test_a_referral_tags_each_disputed_child_it_names_in_one_read(world: World) -> None:
    w = world
    referral = refer(
        w,
        actor=w.social_worker,
        about="child",
        children=[w.csc_child, w.team_child],
        other_contexts=[w.park],
    )
    ReferralChild.objects.create(referral=referral, person=w.yjs_child)
    for actor, child in (
        (w.social_worker, w.csc_child),
        (w.teammate, w.team_child),
        (w.yjs_worker, w.yjs_child),
    ):
        dispute(w, actor, child)
    html, reads = page(w.social_worker, reverse("context-referral", args=[referral.pk]))
    named = html.partition("Children named")[2].partition("</dd>")[0]
    assert named.count(TAG) == 2
    assert TAG in named.partition("Ciara Cscchild")[2].partition("<br>")[0]
    assert "1 child not shared with you" in named
    assert reads == 1


def test_a_child_seen_through_a_meeting_s_share_carries_the_banner_and_the_tag(
    world: World,
) -> None:
    w = world
    hold(w, schedule(w, propose(w, invitees=[w.police_analyst])))
    url = reverse("person", args=[w.csc_child.pk])
    html, reads = page(w.police_analyst, url)
    assert "Shared with you at a peer group mapping meeting" in html
    assert TAG not in html and reads == 1
    dispute(w, w.social_worker, w.csc_child)
    html, reads = page(w.police_analyst, url)
    main = html.partition('id="main-content"')[2]
    assert TAG in main.partition("</h1>")[0]
    assert "This person disputes the accuracy of their record" in main
    assert reads == 1
    # The share did not carry the account: the banner sends the viewer to the case holder,
    # not to a page that is "not found" for them.
    accuracy = reverse("accuracy", args=[w.csc_child.pk])
    assert accuracy not in main and "ask the case holder" in main
    assert client_for(w.police_analyst).get(accuracy).status_code == 404
    # The case holder's own page still leads to the account.
    own, _ = page(w.social_worker, url)
    assert accuracy in own


def test_a_worker_who_was_not_at_the_meeting_is_told_nothing(world: World) -> None:
    w = world
    hold(w, schedule(w, propose(w)))
    dispute(w, w.social_worker, w.csc_child)
    response = client_for(w.police_analyst).get(reverse("person", args=[w.csc_child.pk]))
    assert response.status_code == 404
    assert TAG not in response.content.decode()
