"""A child the linked cases page does not name is carried by a reference only the worker's
session can use, never her id: marking the link reviewed and proposing a meeting about her
work as before, and the page publishes no handle on a child outside the worker's sight
(RULES.md, linked cases and break-glass)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from locus.access.selectors import visible_person_ids
from locus.linked.models import LinkReview
from locus.mapping.models import Meeting
from locus.sharing.vocab import POLICE_DISCLOSURE
from tests.factories import World, client_for
from tests.linked.test_linked_pages import linked
from tests.sharing.helpers import basis_post

pytestmark = pytest.mark.django_db
__all__ = ["linked"]


def links_on(html: str, name: str) -> list[str]:
    """The hrefs of the page's links to ``name``'s url, unescaped."""
    found = re.findall(rf'href="({re.escape(reverse(name))}\?[^"]+)"', html)
    return [href.replace("&amp;", "&") for href in found]


def values_of(html: str, name: str) -> set[str]:
    """The values a form posts as ``name`` (hidden fields and tick boxes)."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return {re.search(r'value="([^"]*)"', i)[1] for i in inputs}  # type: ignore[index]


def test_a_hidden_child_s_link_is_reviewed_by_a_reference_not_her_id(linked: World) -> None:
    w = linked
    sw = client_for(w.social_worker)
    assert visible_person_ids(w.social_worker, [w.yjs_child.pk]) == set()
    html = sw.get(reverse("linked")).content.decode()
    assert "A child not shared with you" in html and "Mark reviewed" in html
    assert f"other={w.yjs_child.pk}" not in html.replace("&amp;", "&")
    # The named children's links keep their ids; the hidden child's carries a reference.
    others = [re.search(r"other=([^&]+)", href)[1] for href in links_on(html, "linked-review")]  # type: ignore[index]
    hidden = [other for other in others if not other.isdigit()]
    assert len(hidden) == 1 and str(w.team_child.pk) in others
    href = next(h for h in links_on(html, "linked-review") if hidden[0] in h)
    form = sw.get(href).content.decode()
    assert "a child not shared with you" in form
    assert values_of(form, "other") == {hidden[0]}
    posted: dict[str, Any] = {
        "worker": w.social_worker.pk,
        "window": 30,
        "child": w.csc_child.pk,
        "other": hidden[0],
        "outcome": "known",
    }
    assert sw.post(reverse("linked-review"), posted).status_code == 302
    assert LinkReview.objects.filter(child=w.csc_child, other=w.yjs_child).exists()
    # The reference means nothing in another session: it is no handle on the child.
    assert client_for(w.social_worker).get(href).status_code == 404


def test_the_review_page_reached_by_id_does_not_repeat_a_hidden_child_s_id(
    linked: World,
) -> None:
    w = linked
    query = {"worker": w.social_worker.pk, "child": w.csc_child.pk, "other": w.yjs_child.pk}
    response = client_for(w.social_worker).get(reverse("linked-review"), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "a child not shared with you" in html
    assert str(w.yjs_child.pk) not in values_of(html, "other")


def test_a_meeting_is_proposed_about_a_hidden_child_by_the_same_reference(
    linked: World,
) -> None:
    w = linked
    sw = client_for(w.social_worker)
    html = sw.get(reverse("linked")).content.decode()
    (href,) = links_on(html, "meeting-propose")
    people = re.findall(r"person=([^&]+)", href)
    assert people[0] == str(w.csc_child.pk) and str(w.yjs_child.pk) not in people
    page = sw.get(href).content.decode()
    assert (
        "A child not shared with you, held by Test yjs_worker, YJS Casework, Youth Justice Service"
        in page
    )
    boxes = values_of(page, "children")
    assert str(w.yjs_child.pk) not in boxes and str(w.csc_child.pk) in boxes
    proposal = {
        "children": sorted(boxes),
        "title": "Mapping",
        "purpose": "Map the group",
        **basis_post(POLICE_DISCLOSURE),
    }
    assert sw.post(href, proposal).status_code == 302
    meeting = Meeting.objects.get()
    assert w.yjs_child.pk in set(meeting.children.values_list("person_id", flat=True))
    # In another session the reference stands for nobody: the child is not offered.
    elsewhere = client_for(w.social_worker).get(href).content.decode()
    assert "A child not shared with you, held by Test yjs_worker" not in elsewhere


def test_a_borough_cluster_carries_the_children_it_does_not_name_by_one_reference(
    linked: World,
) -> None:
    """The borough page's "See the cluster as a map" and "Propose a meeting" links name the
    children the page names by id and the rest by one reference of the session, which the
    map and the proposal read back; in another session it stands for nobody."""
    w = linked
    manager = client_for(w.team_manager)
    html = manager.get(reverse("linked-borough")).content.decode()
    assert html.count("A child not shared with you") == 1
    hrefs = {name: links_on(html, name) for name in ("cluster-map", "meeting-propose")}
    for name, (href,) in hrefs.items():
        values = parse_qs(urlsplit(href).query)["person"]
        assert str(w.yjs_child.pk) not in values, name
        assert {str(w.csc_child.pk), str(w.team_child.pk)} < set(values), name
        assert len([v for v in values if not v.isdigit()]) == 1, name

    cluster_map = manager.get(hrefs["cluster-map"][0]).content.decode()
    assert "1 child in this cluster is not yours to see" in cluster_map
    proposal = manager.get(hrefs["meeting-propose"][0]).content.decode()
    offered = values_of(proposal, "children")
    assert str(w.yjs_child.pk) not in offered and len(offered) == 3

    elsewhere = client_for(w.team_manager).get(hrefs["cluster-map"][0]).content.decode()
    assert "not yours to see" not in elsewhere
