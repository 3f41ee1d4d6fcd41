"""Who sees a meeting and who runs it, persona by persona; what the pages say to each."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from locus.access import meetings as policies
from tests.factories import World, client_for
from tests.mapping.helpers import propose

pytestmark = pytest.mark.django_db

# A meeting proposed by social_worker about csc_child and yjs_child, with the police
# analyst added. Cells: O organiser (sees and runs it), V sees it, - does not.
# fmt: off
MEETING_ROW = {
    "social_worker": "O",        # proposer
    "teammate": "-",             # same team, but neither invited nor a manager
    "team_manager": "O",         # manages the proposer's team
    "other_social_worker": "-",
    "yjs_worker": "V",           # holds yjs_child: invited
    "police_analyst": "V",       # added by the proposer
    "school_dsl": "-",
    "partner_worker": "-",
    "auditor": "-",              # reads the audit trail, not meetings
    "admin": "O",
}
# fmt: on


@pytest.mark.parametrize(("persona", "cell"), sorted(MEETING_ROW.items()))
def test_meeting_sight_and_organising_per_persona(world: World, persona: str, cell: str) -> None:
    meeting = propose(world, invitees=[world.police_analyst])
    worker = world.persona(persona)
    visible = policies.meetings_visible_to(worker).filter(pk=meeting.pk).exists()
    assert visible == (cell in "OV")
    assert policies.is_organiser(worker, meeting) == (cell == "O")
    response = client_for(worker).get(reverse("meeting", args=[meeting.pk]))
    assert response.status_code == (200 if cell in "OV" else 404)
    if cell == "-":
        with pytest.raises(Http404):
            policies.access_meeting(worker, meeting.pk)


def test_the_manager_of_an_invitee_s_team_sees_the_meeting(world: World) -> None:
    from tests.factories import make_worker

    yjs_manager = make_worker(world.system, team=world.yjs_team, role="manager", scope="team")
    meeting = propose(world)
    assert policies.access_meeting(yjs_manager, meeting.pk) == meeting
    assert not policies.is_organiser(yjs_manager, meeting)


@pytest.mark.parametrize("bad_id", ["abc", "", None, "1.5", -1, 10**12])
def test_access_meeting_answers_404_to_ids_that_are_not_ids(world: World, bad_id: object) -> None:
    with pytest.raises(Http404):
        policies.access_meeting(world.admin, bad_id)


def test_a_hidden_child_is_described_by_who_holds_the_case(world: World) -> None:
    meeting = propose(world)
    html = client_for(world.social_worker).get(reverse("meeting", args=[meeting.pk])).content
    text = html.decode()
    assert "Ciara Cscchild" in text  # her own case
    assert (
        "A child not shared with you, held by Test yjs_worker, YJS Casework, Youth Justice Service"
        in text
    )
    assert "Yusuf" not in text and "Yjschild" not in text
    # The youth justice worker, in turn, does not learn the social worker's child's name.
    text = client_for(world.yjs_worker).get(reverse("meeting", args=[meeting.pk])).content.decode()
    assert "Cscchild" not in text and "Ciara" not in text
    assert "Yusuf Yjschild" in text
    # An added invitee from another agency sees neither name.
    police = propose(world, invitees=[world.police_analyst])
    text = client_for(world.police_analyst).get(reverse("meeting", args=[police.pk])).content
    assert b"Cscchild" not in text and b"Yjschild" not in text


def test_a_hidden_peer_group_is_not_named(world: World) -> None:
    meeting = propose(
        world, invitees=[world.police_analyst], title="Mapping", purpose="Agree who does what"
    )
    html = client_for(world.police_analyst).get(reverse("meeting", args=[meeting.pk])).content
    assert b"Millfields group" not in html
    assert b"A peer group you cannot see" in html
    listing = client_for(world.police_analyst).get(reverse("meetings")).content
    assert b"Millfields group" not in listing
