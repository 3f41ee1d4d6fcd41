"""A mapping meeting's papers follow its minutes: they may name children as minutes do.

The organisers, the worker who recorded the minutes and invitees who confirmed they
attended read them; an invitee who has not confirmed reads only what they added, and a
manager of an invitee's team, who may open the meeting, reads none (404 by id)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.documents import documents_visible_to
from locus.access.models import Role, Worker
from locus.documents.services import document_remove, document_replace
from locus.mapping.models import Meeting
from locus.mapping.services import attendance_confirm
from tests.documents.helpers import attach, upload
from tests.factories import World, changes_for, client_for, make_worker, move_worker
from tests.mapping.helpers import hold, propose, schedule

pytestmark = pytest.mark.django_db


def _held(world: World) -> Meeting:
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    return hold(world, meeting, confirmed=False)  # marked present, nobody confirmed yet


def _opens(worker: Worker, document_id: int) -> bool:
    status = client_for(worker).get(reverse("document", args=[document_id])).status_code
    assert status in (200, 404)
    listed = documents_visible_to(worker).filter(pk=document_id).exists()
    assert listed is (status == 200)
    return listed


def test_an_invitee_reads_the_meeting_s_papers_once_they_confirm_they_attended(
    world: World,
) -> None:
    meeting = _held(world)
    paper = attach(world.social_worker, meeting, title="Millfields mapping notes")
    assert not _opens(world.police_analyst, paper.pk)
    papers = reverse("documents", args=["meeting", meeting.pk])
    listing = client_for(world.police_analyst).get(papers)
    assert listing.status_code == 200  # she may open the meeting: its list, without the paper
    assert "Millfields mapping notes" not in listing.content.decode()
    attendance_confirm(actor=world.police_analyst, meeting=meeting)
    assert _opens(world.police_analyst, paper.pk)


def test_an_invitee_reads_the_paper_they_added_before_confirming(world: World) -> None:
    meeting = _held(world)
    own = attach(world.police_analyst, meeting, title="Police briefing")
    assert _opens(world.police_analyst, own.pk)
    assert _opens(world.social_worker, own.pk)  # the proposer reads every paper


def test_a_manager_of_an_invitee_s_team_reads_no_paper(world: World) -> None:
    manager = make_worker(world.system, team=world.yjs_team, role=Role.MANAGER)
    meeting = _held(world)
    attendance_confirm(actor=world.yjs_worker, meeting=meeting)
    paper = attach(world.social_worker, meeting)
    assert client_for(manager).get(reverse("meeting", args=[meeting.pk])).status_code == 200
    assert not _opens(manager, paper.pk)
    assert _opens(world.yjs_worker, paper.pk)
    assert _opens(world.team_manager, paper.pk)  # manages the proposer's team: an organiser


def test_a_meeting_s_paper_is_audited_as_about_the_meeting_s_children(world: World) -> None:
    """Its title, description and file name may name them as the minutes do: the trail's
    search by a child finds the paper's upload and removal, and a purge of the child blanks
    them, as it does the meeting's own events."""
    meeting = _held(world)
    paper = attach(world.social_worker, meeting, title="Millfields mapping notes")
    document_remove(actor=world.social_worker, document=paper, reason="Wrong meeting")
    children = {world.csc_child.pk, world.yjs_child.pk}
    events = [*changes_for(paper), *changes_for(paper.versions.get())]
    assert len(events) == 3
    for event in events:
        assert children <= {int(pk) for pk in event.people.strip(",").split(",") if pk}


def test_a_manager_of_an_invitee_s_team_is_not_offered_the_meeting_s_papers(
    world: World,
) -> None:
    """He opens the meeting but reads none of its papers and files none: its list, which
    would be empty whatever it held, is "not found", and the meeting's page says who the
    papers go to instead of linking to it."""
    manager = make_worker(world.system, team=world.yjs_team, role=Role.MANAGER)
    meeting = _held(world)
    attach(world.social_worker, meeting, title="Millfields mapping notes")
    client = client_for(manager)
    papers = reverse("documents", args=["meeting", meeting.pk])
    assert client.get(papers).status_code == 404
    assert client.get(reverse("document-add", args=["meeting", meeting.pk])).status_code == 404
    page = client.get(reverse("meeting", args=[meeting.pk])).content.decode()
    assert papers not in page
    assert "The meeting's papers are not shared with you" in page
    assert "they go only to its organisers" in page
    # The organisers and the invitees keep the link.
    for worker in (world.social_worker, world.team_manager, world.police_analyst):
        assert (
            papers in client_for(worker).get(reverse("meeting", args=[meeting.pk])).content.decode()
        )


def test_an_invitee_who_has_not_confirmed_is_told_why_the_list_holds_only_her_papers(
    world: World,
) -> None:
    meeting = _held(world)
    attach(world.social_worker, meeting, title="Millfields mapping notes")
    papers = reverse("documents", args=["meeting", meeting.pk])
    told = "Only the papers you added are listed"
    listing = client_for(world.police_analyst).get(papers).content.decode()
    assert told in listing and "Millfields mapping notes" not in listing
    assert told not in client_for(world.social_worker).get(papers).content.decode()
    attendance_confirm(actor=world.police_analyst, meeting=meeting)
    listing = client_for(world.police_analyst).get(papers).content.decode()
    assert told not in listing and "Millfields mapping notes" in listing


def test_an_invitee_before_the_meeting_is_told_to_confirm_once_it_is_held(world: World) -> None:
    """Before the meeting there are no minutes to record her as attending: she is told she
    confirms once it has been held, and the empty list says it holds only her papers."""
    meeting = schedule(world, propose(world, invitees=[world.police_analyst]))
    attach(world.social_worker, meeting, title="Millfields mapping notes")
    papers = reverse("documents", args=["meeting", meeting.pk])
    listing = client_for(world.police_analyst).get(papers).content.decode()
    assert "Once the meeting has been held, confirm on its page that you attended" in listing
    assert "If the minutes record you" not in listing
    assert "No papers you added." in listing and "No documents." not in listing
    held = client_for(world.police_analyst).get(
        reverse("documents", args=["meeting", hold(world, meeting, confirmed=False).pk])
    )
    assert "If the minutes record you as attending" in held.content.decode()


def test_a_worker_who_moves_agency_reads_not_even_the_paper_she_added(world: World) -> None:
    """Her own paper follows her invitation as the minutes do: moved to another agency she
    reads the meeting's papers no more (``scopes.carried_invitations``), her own included,
    since her old team's manager, who organises the meeting, may file a new version of it
    that names that agency's children."""
    meeting = _held(world)
    own = attach(world.social_worker, meeting, title="Proposer's briefing")
    move_worker(world.social_worker, world.partner_team)
    newer = document_replace(actor=world.team_manager, document=own, file=upload())
    assert not _opens(world.social_worker, own.pk)
    download = reverse("document-download", args=[newer.pk])
    assert client_for(world.social_worker).get(download).status_code == 404
    assert _opens(world.team_manager, own.pk)  # an organiser all along
    # Moved back, her invitation carries again, and so does what she added.
    move_worker(world.social_worker, world.csc_team_b)
    assert _opens(world.social_worker, own.pk)
