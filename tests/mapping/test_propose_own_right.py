"""A child seen only through a forum share cannot be put into a new meeting.

A share carries what the holders agreed to bring to one meeting; a worker who
sat on it and sees the child only so may not bring her to another (access/RULES.md,
"Forum share"). She is treated as any child the worker does not see: offered
only when the evidence links her to a child the worker sees in their own right.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from locus.access import scopes
from locus.common.errors import NotPermitted
from locus.mapping.models import Meeting, MeetingChild
from locus.mapping.services import meeting_propose
from locus.sharing.forms import basis_post
from locus.sharing.vocab import CHILDREN_IN_NEED, POLICE_DISCLOSURE
from tests.factories import World, client_for, nothing_written
from tests.mapping.helpers import MEETING_MODELS, associate, hold, propose, schedule

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def shared_with_other_social_worker(world: World) -> None:
    """``other_social_worker`` sat on a held meeting that shared ``csc_child`` with her."""
    osw = world.other_social_worker
    hold(world, schedule(world, propose(world, invitees=[osw])))
    assert scopes.people_visible_to(osw).filter(pk=world.csc_child.pk).exists()
    assert not scopes.people_visible_to(osw, shared=False).filter(pk=world.csc_child.pk).exists()


def test_the_service_refuses_a_child_the_proposer_sees_only_through_a_share(world: World) -> None:
    shared_with_other_social_worker(world)
    with nothing_written(*MEETING_MODELS), pytest.raises(NotPermitted):
        meeting_propose(
            actor=world.other_social_worker,
            children=[world.csc_child],
            purpose="Again",
            basis=CHILDREN_IN_NEED,
            invitees=[world.police_analyst],
        )


def test_the_proposer_still_brings_her_own_child(world: World) -> None:
    shared_with_other_social_worker(world)
    meeting = meeting_propose(
        actor=world.other_social_worker,
        children=[world.other_child],
        purpose="Map her friends",
        basis=CHILDREN_IN_NEED,
    )
    assert list(MeetingChild.objects.filter(meeting=meeting).values_list("person", flat=True)) == [
        world.other_child.pk
    ]


def test_the_page_drops_a_shared_child_like_a_missing_one(world: World) -> None:
    shared_with_other_social_worker(world)
    client = client_for(world.other_social_worker)
    shared = client.get(url("meeting-propose") + f"?person={world.csc_child.pk}").content
    missing = client.get(url("meeting-propose") + "?person=999999").content
    assert b"Cscchild" not in shared
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", shared) == token.sub(b"", missing)
    # Posting her id proposes nothing either.
    before = Meeting.objects.count()
    client.post(
        url("meeting-propose") + f"?person={world.csc_child.pk}",
        {
            "children": [str(world.csc_child.pk)],
            "title": "Again",
            "purpose": "Again",
            **basis_post(POLICE_DISCLOSURE),
        },
    )
    assert Meeting.objects.count() == before


def test_a_shared_child_linked_to_the_proposer_s_own_is_no_starting_point(world: World) -> None:
    """Linked to a child the proposer holds, she may be offered (as to anyone), but the page
    does not run the linked-case evidence from her as if she were the proposer's own."""
    shared_with_other_social_worker(world)
    associate(world, world.other_child, world.csc_child)
    query = f"?person={world.csc_child.pk}&person={world.other_child.pk}"
    html = client_for(world.other_social_worker).get(url("meeting-propose") + query)
    text = html.content.decode()
    assert "The child the proposal is about" not in text
    assert "Linked to the other children by the evidence" in text
