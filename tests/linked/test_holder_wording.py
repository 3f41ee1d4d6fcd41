"""The linked cases pages say who holds a child they do not name in the holder rule's words
(``access.naming.holder_text``): the worker, the allocation's team and its agency, so the
worker knows whom to ask, as every other page says it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import World, client_for
from tests.linked.test_hidden_child_refs import links_on
from tests.linked.test_linked_pages import linked, page

pytestmark = pytest.mark.django_db
__all__ = ["linked"]

HOLDER = "Test yjs_worker, YJS Casework, Youth Justice Service"


def test_the_review_of_a_hidden_child_s_link_names_her_holder_by_the_rule(linked: World) -> None:
    sw = client_for(linked.social_worker)
    html = sw.get(reverse("linked")).content.decode()
    # The hidden child's link carries a reference, not her id (digits alone); a reference may
    # itself start with a digit, so the whole value is read.
    href = next(
        h
        for h in links_on(html, "linked-review")
        if not re.search(r"other=([^&]+)", h)[1].isdigit()  # type: ignore[index]
    )
    review = sw.get(href).content.decode()
    assert f"a child not shared with you, held by {HOLDER}." in review


def test_the_offer_of_emergency_access_names_the_holder_by_the_rule(linked: World) -> None:
    html = page(linked.social_worker).content.decode()
    (offer,) = re.findall(r'href="/access/break-glass/ask/[^"]+">([^<]+)</a>', html)
    assert offer.endswith(f"held by {HOLDER}")
