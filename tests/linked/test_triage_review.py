"""A caseload's linked cases a worker can triage: strongest evidence first, weaker evidence
counted by holding team and listed on request, pages, and a team's review of a link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locus.audit.models import ChangeEvent
from locus.common import clock
from locus.linked import selectors as linked_selectors
from locus.linked import views
from locus.linked.models import LinkReview
from locus.linked.selectors import linked_cases
from locus.people.services import allocation_create
from tests.factories import START, World, client_for, make_person, make_worker
from tests.linked.test_linked_pages import HARMED, HARMING, associate, incident, linked, page

pytestmark = pytest.mark.django_db
__all__ = ["linked"]  # the fixture, used by name


def rows(html: str) -> int:
    """Rows in the page's table bodies (not their heads)."""
    bodies = re.findall(r"<tbody.*?</tbody>", html, re.S)
    return sum(body.count("<tr ") for body in bodies)


def test_strong_evidence_comes_first_whoever_holds_the_case(linked: World) -> None:
    html = page(linked.social_worker).content.decode()
    # Yusuf's direct association that presents risk before Tariq's shared incident, though
    # "Children's Social Care" (Tariq's holder) sorts before "Youth Justice Service".
    risk = html.index("Directly associated: friend, presents risk")
    shared = html.index("Both involved in 1 incident at Mare Street Centre")
    assert risk < shared
    assert "Ordered by the kind and amount of evidence; this is not a measure of risk" in html
    # The evidence is worded; the tier named; no number is given to a child.
    assert "Directly associated, and the association presents risk</p>" in html
    assert not re.search(r"(score|rank)\s*:?\s*\d", html, re.I)


def test_weaker_evidence_is_counted_by_team_and_listed_on_request(linked: World) -> None:
    html = page(linked.social_worker).content.decode()
    assert rows(html) == 2  # Yusuf and Tariq; Olu (one associate in common) only counted
    assert "1 linked case rests only on one associate in common" in html
    assert "Contact Test other_social_worker" in html
    weak = page(linked.social_worker, show="weak").content.decode()
    assert rows(weak) == 1 and "One associate in common</p>" in weak


def test_a_team_s_weaker_links_name_the_workers_holding_most_and_count_the_rest(
    linked: World,
) -> None:
    """Seven workers in Olu's team each hold a child who knows the same adult as Ciara: the
    summary names five to contact, the one holding two first, and counts the other two."""
    team = linked.other_social_worker.team
    for n in range(7):
        worker = make_worker(linked.system, team=team, last_name=f"Holder{n}")
        held = 2 if n == 6 else 1
        for k in range(held):
            other = make_person(linked.system, given_name="Weak", family_name=f"Child{n}x{k}")
            allocation_create(actor=linked.system, person=other, worker=worker, start=START)
            associate(linked, other, linked.adult, nature="unclear")
    html = page(linked.social_worker).content.decode()
    contact = re.search(r"Contact (.*?)</span>", html, re.S)
    assert contact is not None
    named = re.findall(r"Test (\w+)", contact.group(1))
    assert len(named) == linked_selectors.CONTACTS_PER_TEAM
    assert named[0] == "Holder6"
    assert "and 3 other workers in the team" in contact.group(1)


def test_the_strong_links_are_paged(linked: World) -> None:
    for n in range(views.LINKS_PER_PAGE + 3):
        other = make_person(linked.system, given_name="Extra", family_name=f"Child{n}")
        allocation_create(actor=linked.system, person=other, worker=linked.yjs_worker, start=START)
        associate(linked, linked.csc_child, other)
    first = page(linked.social_worker).content.decode()
    assert rows(first) == views.LINKS_PER_PAGE
    second = page(linked.social_worker, page=2).content.decode()
    assert rows(second) == 5  # 3 extra + Yusuf + Tariq
    assert "Page 2 of 2" in second


def review(viewer, worker, child, other, **data):  # type: ignore[no-untyped-def]
    params = {"worker": worker.pk, "child": child.pk, "other": other.pk, "window": 30}
    return client_for(viewer).post(reverse("linked-review"), {**params, **data})


def test_a_reviewed_link_drops_to_the_foot_until_new_evidence(linked: World) -> None:
    w = linked
    response = review(w.social_worker, w.social_worker, w.csc_child, w.yjs_child, outcome="known")
    assert response.status_code == 302
    html = page(w.social_worker).content.decode()
    strong, foot = html.split('<h2 class="govuk-heading-m">Reviewed</h2>')
    assert "presents risk" not in strong.split("How links are ordered")[1].split("</details>")[1]
    assert "Known, already working together" in foot and "presents risk" in foot
    # Audited, with the two children's ids.
    event = ChangeEvent.objects.filter(record_type="linked.linkreview").latest("id")
    assert str(w.csc_child.pk) in event.people and str(w.yjs_child.pk) in event.people
    # A new incident both were involved in brings it back up, saying so.
    incident(w, w.park, [(w.csc_child, HARMED), (w.yjs_child, HARMING)], 5)
    html = page(w.social_worker).content.decode()
    strong, foot = html.split('<h2 class="govuk-heading-m">Reviewed</h2>')
    assert "New evidence since reviewed on" in strong and "presents risk" in strong
    assert "presents risk" not in foot


def test_a_review_keeps_the_evidence_it_rested_on(linked: World) -> None:
    w = linked
    review(w.social_worker, w.social_worker, w.csc_child, w.team_child, outcome="known")
    mark = LinkReview.objects.get()
    assert (mark.n_shared_incidents, mark.n_direct, mark.team_id) == (1, 0, w.csc_team_a.pk)
    assert mark.latest_evidence_on == clock.today() - dt.timedelta(days=100)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"outcome": "not_relevant"}, "reason", "Say why the link is not relevant"),
        ({"outcome": "contacted"}, "contacted_on", "Enter the date you contacted the holder"),
        (
            {"outcome": "contacted", "contacted_on": "01/01/2099"},
            "contacted_on",
            "must not be in the future",
        ),
        ({}, "outcome", "Choose what you found"),
    ],
)
def test_a_review_needs_its_reason_or_date(linked: World, data, field, message) -> None:  # type: ignore[no-untyped-def]
    w = linked
    response = review(w.social_worker, w.social_worker, w.csc_child, w.yjs_child, **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and f'href="#id_{field}"' in html
    assert not LinkReview.objects.exists()


def test_a_review_is_seen_by_the_team_and_by_no_other_team(linked: World) -> None:
    w = linked
    review(
        w.team_manager,  # a manager reviewing a team member's caseload, for that team
        w.social_worker,
        w.csc_child,
        w.yjs_child,
        outcome="contacted",
        contacted_on=clock.today().strftime("%d/%m/%Y"),
    )
    assert LinkReview.objects.get().team_id == w.csc_team_a.pk
    html = page(w.social_worker).content.decode()
    assert "Contacted the holder on" in html and "Test team_manager" in html
    assert "Contacted the holder" in page(w.teammate, person=w.csc_child.pk).content.decode()
    theirs = linked_cases(
        viewer=w.admin, focus=[w.csc_child], exclude_holders=[], review_team=w.csc_team_b.pk
    )
    assert all(c.review is None for c in theirs.links)


def test_only_a_link_on_the_worker_s_own_page_may_be_marked(linked: World) -> None:
    w = linked
    stranger = make_person(w.system, given_name="Not", family_name="Linked")
    allocation_create(actor=w.system, person=stranger, worker=w.yjs_worker, start=START)
    cases = [
        # A pair that is no link.
        (w.social_worker, w.social_worker, w.csc_child, stranger),
        # A probe of a child the worker may not see, and one not on the caseload.
        (w.social_worker, w.social_worker, w.yjs_child, w.csc_child),
        (w.social_worker, w.social_worker, w.team_child, w.csc_child),
        # Another worker's caseload: a teammate, another team, or a manager elsewhere.
        (w.teammate, w.social_worker, w.csc_child, w.yjs_child),
        (w.other_social_worker, w.social_worker, w.csc_child, w.yjs_child),
        # An administrator may look, but decides for no team.
        (w.admin, w.social_worker, w.csc_child, w.yjs_child),
    ]
    for viewer, holder, child, other in cases:
        assert review(viewer, holder, child, other, outcome="known").status_code == 404
        get = client_for(viewer).get(
            reverse("linked-review"), {"worker": holder.pk, "child": child.pk, "other": other.pk}
        )
        assert get.status_code == 404
    assert not LinkReview.objects.exists()
    assert review(w.social_worker, w.social_worker, w.csc_child, w.yjs_child).status_code == 200


def test_the_review_form_names_only_who_the_worker_may_see(linked: World) -> None:
    w = linked
    html = (
        client_for(w.social_worker)
        .get(
            reverse("linked-review"),
            {"worker": w.social_worker.pk, "child": w.csc_child.pk, "other": w.yjs_child.pk},
        )
        .content.decode()
    )
    assert "Yjschild" not in html and "a child not shared with you" in html
    assert "csrfmiddlewaretoken" in html


def test_the_proposal_says_why_each_child_is_offered(linked: World) -> None:
    w = linked
    # The same session follows the link: it carries the child she cannot see by a reference
    # only her session can use.
    client = client_for(w.social_worker)
    html = client.get(reverse("linked")).content.decode()
    propose = reverse("meeting-propose")
    href = re.search(rf'href="({re.escape(propose)}\?[^"]+)"', html)
    assert href
    text = client.get(href.group(1).replace("&amp;", "&")).content.decode()
    assert "Why offered: Directly associated, and the association presents risk" in text
    assert "Why offered: Involved in the same incident" in text
    assert " checked" not in text.split("Children the meeting is about")[1].split("</fieldset>")[0]


def test_reviews_cost_one_query_however_many_and_an_administrator_sees_none(
    linked: World,
) -> None:
    w = linked

    def count() -> int:
        client = client_for(w.social_worker)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("linked")).status_code == 200
        return len(ctx.captured_queries)

    review(w.social_worker, w.social_worker, w.csc_child, w.yjs_child, outcome="known")
    count()  # the first page has the borough's evidence loaded ahead (tests' tasks run at once)
    before = count()
    review(w.social_worker, w.social_worker, w.csc_child, w.team_child, outcome="known")
    review(w.social_worker, w.social_worker, w.csc_child, w.other_child, outcome="known")
    assert LinkReview.objects.count() == 3
    assert count() == before
    html = page(w.admin, worker=w.social_worker.pk).content.decode()
    assert "Known, already working together" not in html
