"""A context case's papers are about the case's children: their titles, descriptions and file
names may name them as the case's assessment and conferences may. Every audit event of such a
paper names them, so the trail's search by a child finds it and a purge of the child blanks
what the event said."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from locus.audit.models import AccessEvent, ChangeEvent
from locus.casework.models import ContextCase
from locus.documents.models import Document
from locus.documents.services import document_remove, document_replace
from locus.incidents.models import InvolvementRole
from locus.people.models import Person
from locus.retention import purge
from tests.casework.helpers import refer, screen
from tests.documents.helpers import attach, upload
from tests.factories import World, changes_for, client_for, make_incident
from tests.frozen_clock import FrozenClock
from tests.retention.conftest import leaver
from tests.retention.test_purge import SEVEN_YEARS

pytestmark = pytest.mark.django_db


def _group_case(world: World) -> ContextCase:
    """The Millfields group's case: Ciara and Yusuf are its current members."""
    case = screen(world, refer(world, actor=world.social_worker, context=world.group)).case
    assert case is not None
    return case


def _people(event: Any) -> set[int]:
    return {int(pk) for pk in event.people.strip(",").split(",") if pk}


def test_a_case_s_paper_is_audited_as_about_the_case_s_children(world: World) -> None:
    case = _group_case(world)
    paper = attach(world.social_worker, case, title="Ciara Cscchild and the group: notes")
    document_replace(actor=world.social_worker, document=paper, file=upload("v2.pdf"))
    document_remove(actor=world.social_worker, document=paper, reason="Filed on the wrong case")
    members = {world.csc_child.pk, world.yjs_child.pk}
    events = [*changes_for(paper), *(e for v in paper.versions.all() for e in changes_for(v))]
    assert len(events) == 4  # the upload, its version, the new version, the removal
    for event in events:
        assert members <= _people(event)
    assert world.police_child.pk not in _people(events[0])  # not linked to the group


def test_reading_a_case_s_papers_is_logged_as_about_the_case_s_children(world: World) -> None:
    case = _group_case(world)
    paper = attach(world.social_worker, case, title="Ciara Cscchild and the group: notes")
    client = client_for(world.social_worker)
    members = {world.csc_child.pk, world.yjs_child.pk}
    for url in (
        reverse("documents", args=["case", case.pk]),
        reverse("document", args=[paper.pk]),
        reverse("document-download", args=[paper.versions.get().pk]),
    ):
        assert client.get(url).status_code == 200
        read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
        assert members <= _people(read), url


def test_a_search_of_the_trail_by_a_member_finds_the_paper(world: World) -> None:
    case = _group_case(world)
    paper = attach(world.social_worker, case, title="Ciara Cscchild and the group: notes")
    found = ChangeEvent.objects.filter(people__contains=f",{world.yjs_child.pk},")
    assert found.filter(record_type="documents.document", record_id=str(paper.pk)).exists()


def test_a_purge_of_a_child_blanks_what_the_trail_said_of_a_case_s_paper_naming_them(
    frozen_clock: FrozenClock, world: World
) -> None:
    """The paper itself stays with the case, which its own retention rule ends: the purge of
    one child linked to a park does not take the park's papers."""
    child = leaver(world.system, given_name="Quentin", family_name="Xylo")
    make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.police,
        involvements=[(child, InvolvementRole.HARMED)],
    )
    case = screen(world, refer(world, actor=world.social_worker, context=world.park)).case
    assert case is not None
    paper = attach(
        world.social_worker, case, title="Quentin Xylo at the park", file=upload("xylo.pdf")
    )
    events = [*changes_for(paper), *changes_for(paper.versions.get())]
    assert "Xylo" in repr([e.after for e in events])
    frozen_clock.advance(days=SEVEN_YEARS)

    purge.purge(actor=world.admin)

    assert not Person.objects.filter(pk=child.pk).exists()
    for event in events:
        event.refresh_from_db()
        assert event.redacted_at is not None and "Xylo" not in repr([event.before, event.after])
    assert Document.objects.get(pk=paper.pk).title == "Quentin Xylo at the park"
