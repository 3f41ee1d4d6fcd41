"""Emergency access (break-glass) shows a child, and what is reached through them, for four
hours, read-only (RULES.md, case notes: writing needs lasting sight of the subject). A peer
group or a context case seen only through a child opened in an emergency may be read while
it lasts, but a note written on it would stay on a record the worker has no lasting part in:
refused, as a note on the child is. Before, the group's and the case's note forms took it."""

from __future__ import annotations

import pytest

from locus.audit.models import AccessAction, AccessEvent
from locus.casework.models import ContextCase
from locus.common.errors import NotPermitted
from locus.notes.models import CaseNote
from locus.places.models import Context, ContextKind
from tests.casework.helpers import refer, screen
from tests.factories import (
    World,
    client_for,
    make_context,
    make_membership,
    nothing_written,
    open_in_emergency,
)
from tests.notes.helpers import write

pytestmark = pytest.mark.django_db


def _crew(world: World) -> Context:
    """A peer group of the police's child and the other team's child: the social worker sees
    neither."""
    crew = make_context(world.system, kind=ContextKind.PEER_GROUP, name="Eastway crew")
    make_membership(world.system, person=world.police_child, group=crew)
    make_membership(world.system, person=world.other_child, group=crew)
    return crew


def _case_on(world: World, crew: Context) -> ContextCase:
    """The other team's context case on the group."""
    other = world.other_social_worker
    referral = screen(world, refer(world, actor=other, context=crew), actor=other, lead=other)
    assert referral.case is not None
    return referral.case


def test_a_group_or_case_seen_only_in_an_emergency_takes_no_note(world: World) -> None:
    """The social worker opens the police's child in an emergency: she reads the notes on his
    peer group and on the other team's case about it while it lasts, but is offered no form,
    the form answers "not found" (as every refusal does), and the service refuses."""
    worker, crew = world.social_worker, _crew(world)
    case = _case_on(world, crew)
    client = client_for(worker)
    open_in_emergency(worker, world.police_child)
    for kind, subject in (("group", crew), ("case", case)):
        chronology = client.get(f"/notes/{kind}/{subject.pk}/")
        assert chronology.status_code == 200, kind
        assert f"/notes/{kind}/{subject.pk}/add/" not in chronology.content.decode(), kind
        assert client.get(f"/notes/{kind}/{subject.pk}/add/").status_code == 404, kind
        with nothing_written(CaseNote), pytest.raises(NotPermitted):
            write(worker, subject)


def test_a_note_written_with_lasting_sight_is_not_corrected_through_an_emergency(
    world: World,
) -> None:
    """A worker who wrote on the group while her child was in it, and now sees it only
    through a child opened in an emergency, no longer corrects nor strikes out the note, as
    an author who lost sight of a child does not."""
    worker, crew = world.social_worker, _crew(world)
    membership = make_membership(world.system, person=world.csc_child, group=crew)
    note = write(worker, crew)
    membership.delete()
    open_in_emergency(worker, world.police_child)
    client = client_for(worker)
    assert client.get(f"/notes/{note.pk}/").status_code == 200
    for page in ("correct", "in-error"):
        assert client.get(f"/notes/{note.pk}/{page}/").status_code == 404, page


def test_a_group_or_case_seen_only_in_an_emergency_has_no_printed_chronology(
    world: World,
) -> None:
    """A print outlasts the emergency (RULES.md, break-glass: nothing reached through the
    child is exported): the chronology of a group or case the social worker sees only through
    the child she opened is on her screen while it lasts, with no print offered and a word on
    why; the print is refused saying why (409), and no export is logged."""
    worker, crew = world.social_worker, _crew(world)
    case = _case_on(world, crew)
    client = client_for(worker)
    open_in_emergency(worker, world.police_child)
    for kind, subject in (("group", crew), ("case", case)):
        page = client.get(f"/notes/{kind}/{subject.pk}/").content.decode()
        assert f"/notes/{kind}/{subject.pk}/print/" not in page, kind
        assert "its chronology cannot be printed" in page, kind
        printed = client.get(f"/notes/{kind}/{subject.pk}/print/")
        assert printed.status_code == 409, kind
        body = printed.content.decode()
        assert "emergency access" in body and world.police_child.family_name not in body
    assert not AccessEvent.objects.filter(actor=worker, action=AccessAction.EXPORT).exists()


def test_a_printed_group_chronology_shows_a_member_seen_in_an_emergency_by_initials(
    world: World,
) -> None:
    """The social worker's group (her child is in it) has the youth justice child in it too:
    she opens him in an emergency, and the group's chronology names him while it lasts, but
    its print (and the logged export) shows him by initials, as it will once it ends."""
    worker, other = world.social_worker, world.yjs_child
    client = client_for(worker)
    open_in_emergency(worker, other)
    url = f"/notes/group/{world.group.pk}/"
    assert f"{other.given_name} {other.family_name} joined" in client.get(url).content.decode()
    printed = client.get(f"{url}print/").content.decode()
    assert f"{other.initials} (a person not shared with you) joined" in printed
    assert f"{other.given_name} {other.family_name} joined" not in printed
    event = AccessEvent.objects.filter(actor=worker, action=AccessAction.EXPORT).latest("id")
    assert event.detail["people_shown"] == [world.csc_child.pk], event.detail
