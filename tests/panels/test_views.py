"""Panel pages: forms that name their errors and write nothing, 404s for items about people
the viewer may not see, logged reads, the moves each state offers, strict CSP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.audit.models import AccessAction, AccessEvent
from locus.common.services import today
from locus.panels.models import AgendaItem, PanelAction, PanelMeeting, PanelStatus
from tests.factories import World, client_for, nothing_written
from tests.panels.helpers import PANEL_MODELS, act, held, hold, item, set_up, with_agenda
from tests.profiles.helpers import add_item
from tests.profiles.pages import assert_strict_page, errors_of, last_read, url
from tests.sharing.helpers import BASIS_POST

pytestmark = pytest.mark.django_db


def _day(delta: int = 0) -> str:
    return (today() + dt.timedelta(days=delta)).strftime("%d/%m/%Y")


def test_setting_up_through_the_form(world: World) -> None:
    client = client_for(world.social_worker)
    assert client.get(url("panel-new")).status_code == 200
    response = client.post(
        url("panel-new"),
        {
            "kind": "hsb",
            "meets_on": _day(7),
            "chair": str(world.team_manager.pk),
            **BASIS_POST,
            "also": str(world.school_dsl.pk),
        },
    )
    meeting = PanelMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == url("panel", meeting.pk)
    assert meeting.kind == "hsb" and meeting.status == PanelStatus.SCHEDULED
    assert meeting.attendees.filter(worker=world.school_dsl).exists()


def test_the_set_up_form_names_its_problems_and_writes_nothing(world: World) -> None:
    data = {"meets_on": _day(7), "chair": str(world.team_manager.pk), **BASIS_POST}
    client = client_for(world.social_worker)
    with nothing_written(*PANEL_MODELS):
        response = client.post(url("panel-new"), data)
    assert errors_of(response.content.decode()) == ["Choose an HSB meeting or a MACE panel"]
    with nothing_written(*PANEL_MODELS):
        response = client.post(
            url("panel-new"), {**data, "kind": "mace", "review_on": _day(1), "duty": "other"}
        )
    assert errors_of(response.content.decode()) == [
        "Say which duty or power",
        "The review must be after the meeting",
    ]


def test_the_police_analyst_may_not_set_up_a_panel(world: World) -> None:
    assert client_for(world.police_analyst).get(url("panel-new")).status_code == 404


def test_the_list_shows_the_viewer_s_panels_and_logs_the_search(world: World) -> None:
    meeting = with_agenda(world)
    other = set_up(world, actor=world.yjs_worker, chair=world.yjs_worker, attendees=[])
    html = client_for(world.police_analyst).get(url("panels")).content.decode()
    assert meeting.title in html and url("panel", other.pk) not in html
    event = last_read(world.police_analyst)
    assert event.action == AccessAction.SEARCH and event.detail["shown"] == [str(meeting.pk)]
    html = client_for(world.police_analyst).get(url("panels") + "?status=held").content.decode()
    assert "No meetings." in html


def test_reading_the_panel_is_logged_with_the_people_shown(world: World) -> None:
    meeting = held(world)
    client_for(world.police_analyst).get(url("panel", meeting.pk))
    event = last_read(world.police_analyst)
    assert event.record_type == "panels.panelmeeting" and event.record_id == str(meeting.pk)
    assert sorted(event.detail["people_shown"]) == sorted([world.police_child.pk, world.adult.pk])
    assert event.detail["items_withheld"] == 1
    # The child she may not see is still disclosed, as held by the social worker: the trail's
    # search by that child finds this read.
    assert event.detail["held_by_only"] == [world.csc_child.pk]
    assert f",{world.csc_child.pk}," in event.people


def test_an_agenda_item_s_pages_log_the_young_person_they_name(world: World) -> None:
    meeting = held(world)
    harmed = item(meeting, "harmed")  # csc_child, named in each page's caption
    client = client_for(world.social_worker)
    for name in ("panel-item-discussion", "panel-item-decision", "panel-item-action"):
        page = client.get(url(name, meeting.pk, harmed.pk))
        assert page.status_code == 200 and world.csc_child.full_name in page.text
        event = last_read(world.social_worker)
        assert event.record_id == str(meeting.pk) and event.detail["item"] == harmed.pk
        assert event.detail["people_shown"] == [world.csc_child.pk]


def test_the_agenda_s_person_search_logs_whom_it_found(world: World) -> None:
    meeting = set_up(world)
    client = client_for(world.social_worker)
    page = client.get(url("panel-item", meeting.pk) + "?q=Cscchild")
    assert page.status_code == 200 and world.csc_child.full_name in page.text
    event = last_read(world.social_worker)
    assert event.record_id == str(meeting.pk)
    assert event.detail["people_shown"] == [world.csc_child.pk]
    assert event.detail["searched"] == [{"name": "Cscchild"}]
    # Without a name her caseload is offered, by name: logged as shown too.
    client.get(url("panel-item", meeting.pk))
    assert world.csc_child.pk in last_read(world.social_worker).detail["people_shown"]


def test_a_form_page_redrawn_after_an_invalid_post_logs_the_read(world: World) -> None:
    meeting = held(world)
    harmed = item(meeting, "harmed")
    action = act(world, item(meeting, "location"))
    client = client_for(world.social_worker)
    before = AccessEvent.objects.filter(actor=world.social_worker).count()
    page = client.post(url("panel-item-discussion", meeting.pk, harmed.pk), {"discussion": ""})
    assert page.status_code == 200 and world.csc_child.full_name in page.text  # redrawn
    event = last_read(world.social_worker)
    assert event.detail == {
        "page": "discussion",
        "item": harmed.pk,
        "people_shown": [world.csc_child.pk],
    }
    page = client.post(url("panel-action-update", meeting.pk, action.pk), {"status": ""})
    assert page.status_code == 200 and action.description in page.text  # redrawn
    assert last_read(world.social_worker).detail == {
        "page": "action update",
        "action": action.pk,
        "item": action.item_id,
    }
    assert AccessEvent.objects.filter(actor=world.social_worker).count() == before + 2


def test_the_action_update_page_logs_which_action_it_showed(world: World) -> None:
    """The page shows one action's words: its read names the action and its agenda item, so the
    trail says what was read, not only the meeting (for its owner too, who may not see the
    item's young person)."""
    meeting = held(world)
    action = act(world, item(meeting, "harmed"), owner=world.police_analyst)
    page = client_for(world.police_analyst).get(url("panel-action-update", meeting.pk, action.pk))
    assert page.status_code == 200 and action.description in page.text
    event = last_read(world.police_analyst)
    assert event.record_id == str(meeting.pk)
    assert (event.detail["action"], event.detail["item"]) == (action.pk, action.item_id)


def test_adding_to_the_agenda_through_the_form(world: World) -> None:
    meeting = set_up(world)
    client = client_for(world.social_worker)
    page = client.get(url("panel-item", meeting.pk) + "?kind=harmed").content.decode()
    assert "Ciara Cscchild" in page  # her caseload is offered
    response = client.post(
        url("panel-item", meeting.pk),
        {"kind": "harmed", "person": str(world.csc_child.pk), "reason": "Assaulted at school"},
    )
    assert response.status_code == 302
    assert meeting.items.get().person == world.csc_child
    found = client.get(url("panel-item", meeting.pk) + "?q=tariq").content.decode()
    assert "Tariq Teamchild" in found and "1 person matches" in found


def test_the_agenda_s_person_search_finds_a_young_person_by_the_name_they_go_by(
    world: World,
) -> None:
    """Searched by the name a young person is known as, the agenda's search finds them, as
    every other person search in Locus does."""
    world.csc_child.known_as = "Kiki"
    world.csc_child.save(update_fields=["known_as"])
    meeting = set_up(world)
    found = client_for(world.social_worker).get(url("panel-item", meeting.pk) + "?q=kiki")
    assert world.csc_child.full_name in found.text and "1 person matches" in found.text


def test_an_agenda_item_with_problems_is_named_and_nothing_written(world: World) -> None:
    meeting = set_up(world)
    with nothing_written(*PANEL_MODELS):
        response = client_for(world.social_worker).post(
            url("panel-item", meeting.pk), {"kind": "location", "reason": ""}
        )
    assert errors_of(response.content.decode()) == [
        "Choose the location",
        "Say why it is on the agenda",
    ]


def test_a_person_the_organiser_may_not_see_cannot_be_posted(world: World) -> None:
    meeting = set_up(world)
    with nothing_written(*PANEL_MODELS):
        response = client_for(world.social_worker).post(
            url("panel-item", meeting.pk),
            {"kind": "harmed", "person": str(world.other_child.pk), "reason": "x"},
        )
    assert errors_of(response.content.decode()) == ["Choose a person from the list"]


@pytest.mark.usefixtures("frozen_clock")  # today() is the same day throughout
def test_recording_the_meeting_as_held(world: World) -> None:
    meeting = with_agenda(world)
    chair = meeting.attendees.get(worker=world.team_manager)
    response = client_for(world.team_manager).post(
        url("panel-hold", meeting.pk),
        {"attended": [str(chair.pk)], "summary": "Went well", "review_on": _day(60)},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == PanelStatus.HELD and meeting.review_on == today() + dt.timedelta(60)


def test_a_meeting_set_for_later_says_why_it_cannot_be_held(world: World) -> None:
    meeting = set_up(world, meets_on=today() + dt.timedelta(days=2))
    chair = meeting.attendees.get(worker=world.team_manager)
    with nothing_written(*PANEL_MODELS):
        response = client_for(world.team_manager).post(
            url("panel-hold", meeting.pk),
            {"attended": [str(chair.pk)], "review_on": _day(60)},
        )
    (message,) = errors_of(response.content.decode())
    assert "record it as held once it has taken place" in message


def test_an_action_that_builds_on_the_profile(world: World) -> None:
    meeting = held(world)
    harmed = item(meeting, "harmed")
    talent = add_item(world.social_worker, world.csc_child, kind="talent", text="Football")
    client = client_for(world.social_worker)
    page = client.get(url("panel-item-action", meeting.pk, harmed.pk)).content.decode()
    assert "Ciara Cscchild. Talent: “Football”" in page
    response = client.post(
        url("panel-item-action", meeting.pk, harmed.pk),
        {
            "description": "Place her in the girls' football team",
            "owner": str(world.social_worker.pk),
            "due_on": _day(14),
            "status": "planned",
            "builds_on": [str(talent.pk)],
        },
    )
    assert response.status_code == 302
    action = PanelAction.objects.get()
    assert list(action.builds_on.all()) == [talent]
    html = client.get(url("panel", meeting.pk)).content.decode()
    assert "Builds on: Football" in html


def test_an_owner_who_may_not_see_the_young_person_reads_the_action_not_their_strengths(
    world: World,
) -> None:
    """An action's owner reads its own words whether or not they see the young person, but
    the strengths it builds on are the child's profile, a record shown only to those who see
    the child: the owner who does not is not told them (as a context plan's action shows)."""
    meeting = held(world)
    harmed = item(meeting, "harmed")  # csc_child: the police analyst may not see her
    talent = add_item(world.social_worker, world.csc_child, kind="talent", text="Football")
    act(world, harmed, owner=world.police_analyst, builds_on=[talent])
    page = client_for(world.police_analyst).get(url("panel", meeting.pk)).content.decode()
    assert "Safety plan with the young person" in page  # the owner reads its words
    assert "Football" not in page and "Builds on" not in page
    own = client_for(world.social_worker).get(url("panel", meeting.pk)).content.decode()
    assert "Builds on: Football" in own


def test_the_action_page_logs_the_protective_peer_a_strength_names(world: World) -> None:
    meeting = held(world)
    harmed = item(meeting, "harmed")
    peer = {"kind": "protective_peer", "peer": world.team_child}
    add_item(world.social_worker, world.csc_child, text="Walks her home", **peer)
    client = client_for(world.social_worker)
    page = client.get(url("panel-item-action", meeting.pk, harmed.pk)).content.decode()
    assert world.team_child.full_name in page
    read = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert read.detail["people_shown"] == sorted([world.csc_child.pk, world.team_child.pk])


def test_pages_about_an_item_the_viewer_may_not_see_are_not_found(world: World) -> None:
    meeting = held(world)
    harming = item(meeting, "harming")  # police_child: the social worker may not see him
    client = client_for(world.social_worker)
    for name in ("panel-item-discussion", "panel-item-action", "panel-item-decision"):
        assert client.get(url(name, meeting.pk, harming.pk)).status_code == 404
    assert client.get(url("panel-item-action", meeting.pk, 10**9)).status_code == 404


def test_an_attendee_records_a_decision_and_the_discussion(world: World) -> None:
    meeting = held(world)
    harming = item(meeting, "harming")
    client = client_for(world.police_analyst)
    client.post(url("panel-item-discussion", meeting.pk, harming.pk), {"discussion": "Seen"})
    client.post(url("panel-item-decision", meeting.pk, harming.pk), {"text": "Refer"})
    client.post(url("panel-decision", meeting.pk), {"text": "Meet again in June"})
    harming.refresh_from_db()
    assert harming.discussion == "Seen"
    assert list(meeting.decisions.values_list("item_id", "text")) == [
        (harming.pk, "Refer"),
        (None, "Meet again in June"),
    ]


def test_the_owner_updates_an_action_and_others_get_404(world: World) -> None:
    meeting = held(world)
    action = act(world, item(meeting, "location"))
    page = url("panel-action-update", meeting.pk, action.pk)
    assert client_for(world.police_analyst).get(page).status_code == 404
    response = client_for(world.social_worker).post(
        page, {"status": "in_progress", "note": "Spoke to the park warden"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert [(p.previous_status, p.status) for p in action.progress.all()] == [
        ("", "planned"),
        ("planned", "in_progress"),
    ]


def test_an_organiser_who_may_not_see_the_young_person_is_not_offered_their_action(
    world: World,
) -> None:
    chair = world.other_social_worker  # another team: does not see csc_child
    meeting = hold(world, with_agenda(world, chair=chair))
    action = act(world, item(meeting, "harmed"))  # about csc_child, owned by social_worker
    page = url("panel-action-update", meeting.pk, action.pk)
    assert page not in client_for(chair).get(url("panel", meeting.pk)).content.decode()
    with nothing_written(*PANEL_MODELS):
        response = client_for(chair).post(page, {"status": "stopped", "note": "Not needed"})
    assert response.status_code == 404
    assert client_for(chair).get(page).status_code == 404
    # Its owner is offered it; the chair is offered an action on the park, a place he sees.
    assert page in client_for(world.social_worker).get(url("panel", meeting.pk)).content.decode()
    park = act(world, item(meeting, "location"))
    park_page = url("panel-action-update", meeting.pk, park.pk)
    assert park_page in client_for(chair).get(url("panel", meeting.pk)).content.decode()
    assert client_for(chair).get(park_page).status_code == 200


def test_the_page_offers_only_the_moves_its_state_allows(world: World) -> None:
    client = client_for(world.social_worker)
    scheduled = client.get(url("panel", with_agenda(world).pk)).content.decode()
    assert "Record as held" in scheduled and "Add an action" not in scheduled
    assert "Close the meeting" not in scheduled
    meeting = held(world)
    page = client.get(url("panel", meeting.pk)).content.decode()
    assert "Record as held" not in page and "Add an action" in page
    assert "Close the meeting" in page  # no open actions
    act(world, item(meeting, "location"))
    assert "Close the meeting" not in client.get(url("panel", meeting.pk)).content.decode()
    police = client_for(world.police_analyst).get(url("panel", meeting.pk)).content.decode()
    assert "Add to the agenda" not in police  # an attendee, not an organiser


def _ids(world: World) -> dict[str, list[Any]]:
    meeting = held(world)
    harmed = item(meeting, "harmed")
    action = act(world, harmed)
    return {
        "panels": [],
        "panel-new": [],
        "panel": [meeting.pk],
        "panel-item": [meeting.pk],
        "panel-decision": [meeting.pk],
        "panel-close": [meeting.pk],
        "panel-item-discussion": [meeting.pk, harmed.pk],
        "panel-item-action": [meeting.pk, harmed.pk],
        "panel-item-decision": [meeting.pk, harmed.pk],
        "panel-action-update": [meeting.pk, action.pk],
    }


@pytest.mark.parametrize(
    "name",
    [
        "panels",
        "panel-new",
        "panel",
        "panel-item",
        "panel-decision",
        "panel-close",
        "panel-item-discussion",
        "panel-item-action",
        "panel-item-decision",
        "panel-action-update",
    ],
)
def test_pages_are_strict_and_log_their_reads(world: World, name: str) -> None:
    args = _ids(world)[name]
    response = client_for(world.social_worker).get(url(name, *args))
    assert response.status_code == 200
    assert_strict_page(response.content.decode())
    if args:
        assert last_read(world.social_worker).record_id == str(args[0])


def test_a_scheduled_meeting_s_hold_and_cancel_pages(world: World) -> None:
    meeting = with_agenda(world)
    client = client_for(world.social_worker)
    for name in ("panel-hold", "panel-cancel", "panel-attendee"):
        response = client.get(url(name, meeting.pk))
        assert response.status_code == 200
        assert_strict_page(response.content.decode())
    response = client.post(url("panel-cancel", meeting.pk), {"reason": "Chair is unwell"})
    assert response.status_code == 302
    assert PanelMeeting.objects.get(pk=meeting.pk).status == PanelStatus.CANCELLED
    assert AgendaItem.objects.filter(meeting=meeting).count() == 4  # kept, not deleted
