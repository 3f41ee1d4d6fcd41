"""Pages: forms that name their errors, 404s, logged reads, flat query counts, strict CSP."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from locus.audit.models import AccessAction, AccessEvent
from locus.common import clock
from locus.common.services import today
from locus.mapping.models import (
    Intervention,
    Meeting,
    MeetingStatus,
)
from locus.peers.models import GroupRole
from locus.peers.services import membership_add
from locus.people.services import allocation_create
from locus.places.models import ContextKind
from locus.sharing.forms import basis_post
from locus.sharing.vocab import POLICE_DISCLOSURE
from tests.factories import (
    START,
    World,
    client_for,
    make_context,
    make_person,
    make_worker,
    nothing_written,
)
from tests.mapping.helpers import (
    MEETING_MODELS,
    add_intervention,
    associate,
    held_meeting,
    hold,
    propose,
    schedule,
)

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def errors_of(html: str) -> list[str]:
    """The error summary's messages, in order."""
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "no error summary"
    return [
        re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r"<li>(.*?)</li>", summary[1], re.S)
    ]


# --- Proposing --------------------------------------------------------------------------------


def test_the_proposal_form_is_filled_from_the_query(world: World) -> None:
    query = f"?person={world.csc_child.pk}&person={world.yjs_child.pk}&group={world.group.pk}"
    response = client_for(world.social_worker).get(url("meeting-propose") + query)
    html = response.content.decode()
    assert response.status_code == 200
    # Both are offered, neither ticked: the proposer chooses each child.
    # Read the children's boxes only: a group or another choice may share a child's id.
    boxes = re.findall(r'<input[^>]*name="children"[^>]*>', html)
    values = {re.search(r'value="([^"]+)"', box)[1] for box in boxes}  # type: ignore[index]
    # The child she may not see by a reference only her session can use, never his id.
    assert len(values) == 2 and str(world.csc_child.pk) in values
    assert str(world.yjs_child.pk) not in values
    assert boxes and not any(" checked" in box for box in boxes)
    assert (
        "A child not shared with you, held by Test yjs_worker, YJS Casework, Youth Justice Service"
        in html
    )
    # Grouped by who holds each case, with why each is offered.
    assert "Held by Test yjs_worker, YJS Casework, Youth Justice Service" in html
    assert "Why offered: The child the proposal is about" in html
    assert "Yjschild" not in html
    assert re.search(rf'value="{world.group.pk}" checked', html)
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("at")
    assert event.action == AccessAction.SEARCH and event.detail["via"] == "meeting proposal"


def test_a_child_the_proposer_may_not_name_is_dropped_like_a_missing_one(world: World) -> None:
    client = client_for(world.social_worker)
    forbidden = client.get(url("meeting-propose") + f"?person={world.other_child.pk}").content
    missing = client.get(url("meeting-propose") + "?person=999999").content
    assert b"Otherchild" not in forbidden and b"other_social_worker" not in forbidden
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", forbidden) == token.sub(b"", missing)


def test_without_a_query_the_form_offers_the_proposer_s_caseload(world: World) -> None:
    html = client_for(world.social_worker).get(url("meeting-propose")).content.decode()
    assert "Ciara Cscchild" in html and "Tariq" not in html


def _group_fieldset(html: str) -> str:
    found = re.search(r"Peer group to map \(optional\)</legend>(.*?)</fieldset>", html, re.S)
    assert found, "no peer group question"
    return found[1]


def test_a_long_list_of_peer_groups_folds_and_says_how_many(world: World) -> None:
    """A child in many groups: the proposer sees the form's next questions without scrolling
    past every group, and the fold says how many there are to choose from; a group already
    chosen (from the group's page) shows the list open."""
    client = client_for(world.social_worker)
    query = f"?person={world.csc_child.pk}"
    short = _group_fieldset(client.get(url("meeting-propose") + query).content.decode())
    assert "<details" not in short and "Millfields group" in short

    for n in range(12):
        membership_add(
            actor=world.system,
            person=world.csc_child,
            group=make_context(world.system, kind=ContextKind.PEER_GROUP, name=f"Group {n}"),
            role=GroupRole.CORE,
            since=START,
            source="professional",
            confidence="medium",
        )
    folded = _group_fieldset(client.get(url("meeting-propose") + query).content.decode())
    assert re.search(r"<details[^>]*>\s*<summary", folded)
    assert '<details class="govuk-details govuk-!-margin-bottom-0">' in folded  # closed
    assert "Show all 14 to choose from" in folded  # "No peer group" and the 13 groups
    assert "Group 11" in folded and 'value="" checked' in folded

    chosen = f"{query}&group={world.group.pk}"
    opened = _group_fieldset(client.get(url("meeting-propose") + chosen).content.decode())
    assert '<details class="govuk-details govuk-!-margin-bottom-0" open>' in opened


def proposal(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "children": [str(world.csc_child.pk), str(world.yjs_child.pk)],
        "group": str(world.group.pk),
        "title": "Millfields mapping",
        "purpose": "Map the group",
        **basis_post(POLICE_DISCLOSURE),
        "also_invite": str(world.school_dsl.pk),
        **overrides,
    }


def test_proposing_through_the_form(world: World) -> None:
    query = f"?person={world.csc_child.pk}&person={world.yjs_child.pk}"
    response = client_for(world.social_worker).post(url("meeting-propose") + query, proposal(world))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == url("meeting", meeting.pk)
    assert meeting.group == world.group and meeting.basis == POLICE_DISCLOSURE
    assert set(meeting.invitees.values_list("worker__username", flat=True)) == {
        "social_worker",
        "yjs_worker",
        "school_dsl",
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"children": []}, "Choose at least one child"),
        ({"purpose": ""}, "Say what the meeting is for"),
        ({"article6": ""}, "Choose the UK GDPR article 6 basis for sharing"),
        ({"duty": "other"}, "Say which duty or power"),
        ({"group": "999999"}, "Choose a peer group from the list"),
    ],
)
def test_a_bad_proposal_shows_its_errors_and_writes_nothing(
    world: World, overrides: dict[str, Any], message: str
) -> None:
    query = f"?person={world.csc_child.pk}&person={world.yjs_child.pk}"
    with nothing_written(*MEETING_MODELS):
        response = client_for(world.social_worker).post(
            url("meeting-propose") + query, proposal(world, **overrides)
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert errors_of(html) == [message]
    assert html.count(message) == 2  # in the summary and on its field
    assert "<title>Error: " in html


def test_the_error_summary_links_to_the_first_radio(world: World) -> None:
    query = f"?person={world.csc_child.pk}"
    html = (
        client_for(world.social_worker)
        .post(url("meeting-propose") + query, proposal(world, article6=""))
        .content.decode()
    )
    assert 'href="#id_article6"' in html and 'id="id_article6"' in html


def test_analysts_and_auditors_cannot_open_the_proposal_form(world: World) -> None:
    for persona in ("police_analyst", "auditor"):
        assert client_for(world.persona(persona)).get(url("meeting-propose")).status_code == 404


# --- Moving it on --------------------------------------------------------------------------------


def test_scheduling_through_the_form(world: World) -> None:
    meeting = propose(world)
    client = client_for(world.social_worker)
    bad = client.post(url("meeting-schedule", meeting.pk), {"when": "31/02/2026", "time": "25:00"})
    assert errors_of(bad.content.decode()) == [
        "Enter the date as a date, like 27/03/2026",
        "Enter the time like 14:30",
        "Say whether the meeting is in person or online",
    ]
    day = today() + dt.timedelta(days=7)
    response = client.post(
        url("meeting-schedule", meeting.pk),
        {"when": day.strftime("%d/%m/%Y"), "time": "14:30", "online": "in_person", "location": ""},
    )
    assert errors_of(response.content.decode()) == [
        "Enter where the meeting is, or say it is online"
    ]
    response = client.post(
        url("meeting-schedule", meeting.pk),
        {
            "when": day.strftime("%d/%m/%Y"),
            "time": "14:30",
            "online": "online",
            "location": "Teams",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.scheduled_for).strftime("%d/%m/%Y %H:%M") == (
        day.strftime("%d/%m/%Y") + " 14:30"
    )


def test_a_move_the_state_does_not_allow_is_explained_and_writes_nothing(world: World) -> None:
    meeting = held_meeting(world)
    day = today() + dt.timedelta(days=7)
    with nothing_written(*MEETING_MODELS):
        response = client_for(world.social_worker).post(
            url("meeting-schedule", meeting.pk),
            {"when": day.strftime("%d/%m/%Y"), "time": "10:00", "online": "online"},
        )
    assert response.status_code == 200
    assert errors_of(response.content.decode()) == [
        "This meeting has been held: it is too late to schedule it"
    ]


def test_recording_minutes_through_the_form(world: World) -> None:
    meeting = schedule(world, propose(world))
    client = client_for(world.yjs_worker)
    page = client.get(url("meeting-minutes", meeting.pk)).content.decode()
    assert "The group map" in page and "Ciara Cscchild" not in page  # not shared yet
    sw, yjs = world.social_worker.pk, world.yjs_worker.pk
    with nothing_written(*MEETING_MODELS):
        bad = client.post(url("meeting-minutes", meeting.pk), {f"attendance_{sw}": "attended"})
    assert errors_of(bad.content.decode()) == ["Say whether Test yjs_worker attended"]
    response = client.post(
        url("meeting-minutes", meeting.pk),
        {
            f"attendance_{sw}": "attended",
            f"attendance_{yjs}": "attended",
            "notes": "Good meeting",
            "decisions": "Map again in March\n\nSchool to join next time",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert [d.text for d in meeting.decisions.all()] == [
        "Map again in March",
        "School to join next time",
    ]
    html = client.get(url("meeting", meeting.pk)).content.decode()
    # The recorder marked social_worker present: that is reported, not her word, so
    # nothing about her child is shared until she confirms it herself.
    assert "Ciara Cscchild" not in html
    assert "Attended, not yet confirmed by them" in html
    assert 'id="group-map-data" type="application/json"' in html
    holder = client_for(world.social_worker)
    assert "Confirm that you attended" in holder.get(url("meeting", meeting.pk)).content.decode()
    confirmed = holder.post(url("meeting-confirm-attendance", meeting.pk))
    assert confirmed.status_code == 302
    html = client.get(url("meeting", meeting.pk)).content.decode()
    assert "Ciara Cscchild" in html  # shared with her once both confirmed


def test_adding_and_updating_an_intervention_through_the_forms(world: World) -> None:
    meeting = held_meeting(world)
    # The youth justice child's own worker agrees her work (an organiser sees her only
    # through the meeting's share: RULES.md).
    client = client_for(world.yjs_worker)
    due = (today() + dt.timedelta(days=14)).strftime("%d/%m/%Y")
    form = {
        "concerns": f"person:{world.yjs_child.pk}",
        "description": "Sports mentoring",
        "owner": str(world.yjs_worker.pk),
        "agency": "",
        "due_on": due,
        "status": "planned",
    }
    with nothing_written(*MEETING_MODELS):
        bad = client.post(url("intervention-add", meeting.pk), {**form, "description": ""})
    assert errors_of(bad.content.decode()) == ["Describe the intervention"]
    assert client.post(url("intervention-add", meeting.pk), form).status_code == 302
    item = Intervention.objects.get()
    assert (item.person, item.owner, item.agency) == (world.yjs_child, world.yjs_worker, world.yjs)
    group_form = {**form, "concerns": "group", "description": "Detached youth work"}
    assert client.post(url("intervention-add", meeting.pk), group_form).status_code == 302
    update = url("intervention-update", meeting.pk, item.pk)
    owner = client_for(world.yjs_worker)
    with nothing_written(*MEETING_MODELS):
        bad = owner.post(update, {"status": "in_progress", "note": ""})
    assert errors_of(bad.content.decode()) == ["Say what has happened"]
    assert owner.post(update, {"status": "in_progress", "note": "Started"}).status_code == 302
    html = owner.get(url("meeting", meeting.pk)).content.decode()
    assert "Sports mentoring" in html and "In progress" in html and "Started" in html
    assert client_for(world.teammate).get(update).status_code == 404


@pytest.mark.parametrize(
    "name", ["meeting-schedule", "meeting-invite", "meeting-cancel", "meeting-close"]
)
def test_organiser_pages_are_not_found_for_an_invitee(world: World, name: str) -> None:
    meeting = propose(world)
    assert client_for(world.yjs_worker).get(url(name, meeting.pk)).status_code == 404
    assert client_for(world.yjs_worker).post(url(name, meeting.pk), {}).status_code == 404


def test_inviting_and_cancelling_through_the_forms(world: World) -> None:
    meeting = propose(world)
    client = client_for(world.social_worker)
    page = client.get(url("meeting-invite", meeting.pk)).content.decode()
    assert f'value="{world.yjs_worker.pk}"' not in page  # already invited
    assert f'value="{world.auditor.pk}"' not in page  # cannot be invited
    response = client.post(url("meeting-invite", meeting.pk), {"worker": str(world.school_dsl.pk)})
    assert response.status_code == 302
    assert meeting.invitees.filter(worker=world.school_dsl).exists()
    with nothing_written(*MEETING_MODELS):
        bad = client.post(url("meeting-cancel", meeting.pk), {"reason": ""})
    assert errors_of(bad.content.decode()) == ["Say why the meeting is cancelled"]
    client.post(url("meeting-cancel", meeting.pk), {"reason": "Cases merged"})
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CANCELLED


def test_closing_and_adding_a_decision_through_the_forms(world: World) -> None:
    meeting = held_meeting(world)
    client = client_for(world.social_worker)
    response = client.post(url("meeting-decision", meeting.pk), {"text": "Review in May"})
    assert response.status_code == 302
    item = add_intervention(world, meeting)
    with nothing_written(*MEETING_MODELS):
        refused = client.post(url("meeting-close", meeting.pk), {})
    assert errors_of(refused.content.decode())[0].startswith("1 intervention is still planned")
    client_for(world.yjs_worker).post(
        url("intervention-update", meeting.pk, item.pk), {"status": "done", "note": "Done"}
    )
    assert client.post(url("meeting-close", meeting.pk), {}).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CLOSED


# --- Reads: logged, not found, constant queries ---------------------------------------------


def test_opening_a_meeting_is_logged_with_the_children_shown(world: World) -> None:
    meeting = propose(world)
    client_for(world.social_worker).get(url("meeting", meeting.pk))
    event = AccessEvent.objects.get(
        actor=world.social_worker, record_type="cocase.meeting", record_id=str(meeting.pk)
    )
    assert event.action == AccessAction.VIEW
    assert event.detail["people_shown"] == [world.csc_child.pk]
    client_for(world.social_worker).get(url("meetings"))
    listing = AccessEvent.objects.filter(record_type="cocase.meeting", record_id="").get()
    assert listing.action == AccessAction.SEARCH and listing.detail["shown"] == [str(meeting.pk)]


def test_the_intervention_form_logs_the_children_it_names(world: World) -> None:
    """Its "Who is it for?" choices name the meeting's children the viewer sees: the read
    says so, as the meeting's own page does."""
    meeting = held_meeting(world)
    page = client_for(world.social_worker).get(url("intervention-add", meeting.pk))
    assert world.csc_child.full_name in page.content.decode()
    event = AccessEvent.objects.filter(
        actor=world.social_worker, record_type="cocase.meeting", record_id=str(meeting.pk)
    ).latest("id")
    assert event.detail["page"] == "intervention"
    assert world.csc_child.pk in event.detail["people_shown"]


def test_a_meeting_the_viewer_may_not_see_is_not_found_and_says_nothing(world: World) -> None:
    meeting = propose(world)
    client = client_for(world.other_social_worker)
    forbidden = client.get(url("meeting", meeting.pk))
    missing = client.get(url("meeting", 999_999))
    assert forbidden.status_code == missing.status_code == 404
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", forbidden.content) == token.sub(b"", missing.content)


def grown_meeting(world: World, n: int, start: int = 0, *, held: bool = True) -> Meeting:
    """A meeting about csc_child, yjs_child and n more children (each held by a new worker,
    in the group, associated with csc_child), held, with an intervention for each child."""
    extra = []
    for i in range(start, start + n):
        worker = make_worker(world.system, team=world.yjs_team, username=f"grow{i}")
        child = make_person(world.system, given_name=f"Grow{i}")
        allocation_create(actor=world.system, person=child, worker=worker, start=START)
        membership_add(
            actor=world.system,
            person=child,
            group=world.group,
            role=GroupRole.PERIPHERAL,
            since=START,
            source="school",
            confidence="low",
        )
        associate(world, child, world.csc_child)
        extra.append((child, worker))
    children = [world.csc_child, world.yjs_child, *(child for child, _ in extra)]
    meeting = schedule(world, propose(world, children=children))
    if not held:
        return meeting
    hold(world, meeting)
    for child, worker in extra:  # each child's own worker agrees their work
        add_intervention(world, meeting, actor=worker, person=child, description=f"Work {child}")
    add_intervention(world, meeting, person=None, group=world.group)
    return meeting


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


PAGES = {
    "meeting": ("meeting", True),
    "minutes preview": ("meeting-minutes", False),
    "intervention form": ("intervention-add", True),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_query_count_does_not_grow_with_the_meeting(world: World, page: str) -> None:
    name, held = PAGES[page]
    small = grown_meeting(world, 1, held=held)
    big = grown_meeting(world, 6, start=1, held=held)
    client = client_for(world.social_worker)
    client.get(url(name, small.pk))  # warm per-process caches
    assert count_queries(client, url(name, big.pk)) == count_queries(client, url(name, small.pk))


def test_list_query_count_does_not_grow_with_the_meetings(world: World) -> None:
    grown_meeting(world, 1)
    client = client_for(world.social_worker)
    client.get(url("meetings"))
    before = count_queries(client, url("meetings"))
    grown_meeting(world, 3, start=1)
    for _ in range(4):
        schedule(world, propose(world))
    assert count_queries(client, url("meetings")) == before


# --- Markup --------------------------------------------------------------------------------------


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>")


@pytest.mark.parametrize(
    "name",
    [
        "meeting",
        "meetings",
        "meeting-propose",
        "meeting-minutes",
        "intervention-add",
        "meeting-decision",
        "meeting-close",
    ],
)
def test_pages_have_no_inline_script_or_style_and_post_with_csrf(world: World, name: str) -> None:
    meeting = held_meeting(world)
    upcoming = schedule(world, propose(world))
    args = {
        "meeting": [meeting.pk],
        "meetings": [],
        "meeting-propose": [],
        "meeting-minutes": [upcoming.pk],
        "intervention-add": [meeting.pk],
        "meeting-decision": [meeting.pk],
        "meeting-close": [meeting.pk],
    }[name]
    html = client_for(world.social_worker).get(url(name, *args)).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert " style=" not in html and "<style" not in html
    for form in re.findall(r'<form method="post".*?</form>', html, re.S):
        assert "csrfmiddlewaretoken" in form


def test_the_meeting_page_offers_only_the_moves_its_state_allows(world: World) -> None:
    client = client_for(world.social_worker)
    ahead = schedule(world, propose(world), when=clock.now() + dt.timedelta(days=3))
    html = client.get(url("meeting", ahead.pk)).content.decode()
    assert "Record minutes" not in html
    assert "You can record the minutes once the meeting has taken place." in html
    assert url("meeting-schedule", ahead.pk) in html and url("meeting-cancel", ahead.pk) in html
    held = held_meeting(world)
    add_intervention(world, held)
    html = client.get(url("meeting", held.pk)).content.decode()
    assert url("meeting-close", held.pk) not in html
    assert "(1 still open)" in html
    assert url("intervention-add", held.pk) in html
    assert url("meeting-schedule", held.pk) not in html
    # An invitee sees the meeting but none of the organisers' moves.
    html = client_for(world.yjs_worker).get(url("meeting", ahead.pk)).content.decode()
    assert url("meeting-schedule", ahead.pk) not in html
    assert url("meeting-cancel", ahead.pk) not in html
