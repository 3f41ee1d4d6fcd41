"""A document is replaced or removed by its uploader or a manager of the team the uploader
was in when they uploaded it (``Document.uploader_team``), not the team they are in now.
Move the uploader to another team and the manager of the team they uploaded it in keeps
that, while the new team's manager, who had no part in that team's work (though, seeing the
child agency-wide, she may upload to the child herself), may not remove it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.documents import can_remove_document, can_replace_document
from locus.common.errors import NotPermitted
from locus.documents.services import document_remove
from tests.documents.helpers import attach
from tests.factories import World, client_for, make_manager, move_worker

pytestmark = pytest.mark.django_db


def test_a_document_stays_with_the_team_it_was_uploaded_in(world: World) -> None:
    child = world.csc_child
    document = attach(world.social_worker, child)
    assert document.uploader_team_id == world.csc_team_a.pk
    new_manager = make_manager(world.system, team=world.csc_team_b)
    assert not can_remove_document(new_manager, document, child)  # before: not her team's

    move_worker(world.social_worker, world.csc_team_b)  # as the admin site does
    document.refresh_from_db()

    assert not can_replace_document(new_manager, document, child)
    assert not can_remove_document(new_manager, document, child)
    with pytest.raises(NotPermitted):
        document_remove(actor=new_manager, document=document, reason="Not ours to keep")
    assert can_replace_document(world.team_manager, document, child)
    document_remove(actor=world.team_manager, document=document, reason="The wrong child")


def test_the_list_names_the_agency_it_was_uploaded_in(world: World) -> None:
    attach(world.social_worker, world.csc_child)
    move_worker(world.social_worker, world.yjs_team)

    page = client_for(world.team_manager).get(
        reverse("documents", args=["person", world.csc_child.pk])
    )

    row = page.content.decode().split("<tbody", 1)[1]
    assert "Children&#x27;s Social Care" in row
    assert "Youth Justice" not in row
