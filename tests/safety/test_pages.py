"""Safety-map pages: sight per persona, recording through the forms, the child's page, and
every read logged with the ids shown."""

from __future__ import annotations

import pytest

from locus.safety.models import MapSession, MarkedPlace
from locus.safety.services import mark_amend, weighting_record
from tests.factories import World, client_for, make_context, nothing_written
from tests.profiles.pages import assert_strict_page, errors_of, last_read, url
from tests.safety.helpers import days_ago, mark, session

pytestmark = pytest.mark.django_db

# Who reads the csc_child's safety maps (V) and records them (R).
# fmt: off
ROW = {
    "social_worker": "R", "teammate": "R", "team_manager": "R", "admin": "V",
    "other_social_worker": "-", "yjs_worker": "-", "police_analyst": "-", "school_dsl": "-",
    "partner_worker": "-", "auditor": "-",
}
# fmt: on


@pytest.mark.parametrize(("persona", "cell"), sorted(ROW.items()))
def test_pages_per_persona(world: World, persona: str, cell: str) -> None:
    s = session(world.social_worker, world.csc_child)
    m = mark(world.social_worker, s)
    client = client_for(world.persona(persona))
    child = world.csc_child.pk
    for name, args in (("person-safety", []), ("person-safety-session", [s.pk])):
        response = client.get(url(name, child, *args))
        assert response.status_code == (404 if cell == "-" else 200), name
        if cell != "-":
            assert "Older boys wait there" in response.content.decode()
    writes = [
        ("person-safety-session-add", []),
        ("person-safety-mark", [s.pk]),
        ("person-safety-weighting", []),
    ]
    for name, args in writes:
        assert client.get(url(name, child, *args)).status_code == (200 if cell == "R" else 404)
    amend = client.get(url("person-safety-amend", child, m.pk)).status_code
    assert amend == (200 if persona in ("social_worker", "team_manager") else 404)


def test_a_session_of_another_child_answers_not_found(world: World) -> None:
    s = session(world.teammate, world.team_child)
    client = client_for(world.social_worker)
    assert client.get(url("person-safety-session", world.csc_child.pk, s.pk)).status_code == 404
    assert client.get(url("person-safety-mark", world.csc_child.pk, s.pk)).status_code == 404


def test_recording_a_map_through_the_forms(world: World) -> None:
    client = client_for(world.social_worker)
    child = world.csc_child.pk
    response = client.post(
        url("person-safety-session-add", child),
        {"held_on": days_ago(1).strftime("%d/%m/%Y"), "present": "Ciara and her youth worker"},
    )
    s = MapSession.objects.get(person=world.csc_child)
    assert response.status_code == 302
    assert response["Location"] == url("person-safety-session", child, s.pk)
    with nothing_written(MarkedPlace):
        bad = client.post(url("person-safety-mark", child, s.pk), {"rating": "red", "why": "x"})
    assert errors_of(bad.content.decode()) == ["Choose a place from the list, or describe it"]
    client.post(
        url("person-safety-mark", child, s.pk),
        {"context": str(world.park.pk), "rating": "red", "why": "The older ones are there"},
    )
    page = client.get(url("person", child)).content.decode()
    assert "Latest safety map" in page and "The older ones are there" in page
    (m,) = MarkedPlace.objects.filter(session=s)
    assert last_read(world.social_worker).detail["safety_marks_shown"] == [m.pk]


def test_the_childs_page_shows_the_latest_map_and_weighting_only(world: World) -> None:
    old = session(world.social_worker, world.csc_child, held_on=days_ago(40))
    mark(world.social_worker, old, why="Said in the old session")
    new = session(world.social_worker, world.csc_child, held_on=days_ago(2))
    latest = mark(world.social_worker, new, "green", context=world.park, why="OK now")
    w = weighting_record(
        actor=world.social_worker,
        person=world.csc_child,
        decided_on=days_ago(1),
        items=[(world.park, "Where the group meets")],
    )
    page = client_for(world.team_manager).get(url("person", world.csc_child.pk)).content.decode()
    assert "OK now" in page and "Said in the old session" not in page
    assert "Where the group meets" in page
    detail = last_read(world.team_manager).detail
    assert (detail["safety_marks_shown"], detail["weighting_shown"]) == ([latest.pk], w.pk)
    history = client_for(world.team_manager).get(url("person-safety", world.csc_child.pk))
    assert "Said in the old session" in history.content.decode()
    assert_strict_page(history.content.decode())
    logged = last_read(world.team_manager).detail
    assert logged["sessions_shown"] == [new.pk, old.pk] and logged["weightings_shown"] == [w.pk]


def test_a_place_the_reader_may_not_see_is_not_named(world: World) -> None:
    """The admin sees the home; a teammate reading the map sees the child's own home too; a
    restricted home the reader does not see shows as "a place you cannot see"."""
    flat = make_context(world.system, kind="home", name="Flat 7, Secret Court")
    s = session(world.social_worker, world.csc_child)
    m = mark(world.social_worker, s)
    # A mark naming a home the reader does not see (the child has since moved, say).
    MarkedPlace.objects.filter(pk=m.pk).update(context=flat, description="")
    page = client_for(world.teammate).get(url("person-safety", world.csc_child.pk))
    text = page.content.decode()
    assert "Flat 7, Secret Court" not in text and "A place you cannot see" in text


def test_the_history_leads_a_manager_to_the_area_picture_and_a_practitioner_not(
    world: World,
) -> None:
    area = url("safety-area")
    for persona, offered in (("team_manager", True), ("social_worker", False)):
        page = client_for(world.persona(persona)).get(url("person-safety", world.csc_child.pk))
        assert (area in page.content.decode()) is offered


def test_amend_is_offered_only_to_whoever_may_amend(world: World) -> None:
    s = session(world.social_worker, world.csc_child)
    m = mark(world.social_worker, s)
    amend = url("person-safety-amend", world.csc_child.pk, m.pk)
    for persona, offered in (("social_worker", True), ("team_manager", True), ("teammate", False)):
        page = client_for(world.persona(persona)).get(
            url("person-safety-session", world.csc_child.pk, s.pk)
        )
        assert (amend in page.content.decode()) is offered, persona


def test_a_session_with_nothing_marked_yet_leaves_the_last_map_on_the_childs_page(
    world: World,
) -> None:
    mark(world.social_worker, session(world.social_worker, world.csc_child, held_on=days_ago(9)))
    session(world.social_worker, world.csc_child, held_on=days_ago(1))
    page = client_for(world.social_worker).get(url("person", world.csc_child.pk))
    assert "Older boys wait there" in page.content.decode()


def test_the_session_and_history_pages_log_the_amendments_and_places_they_list(
    world: World,
) -> None:
    """A mark names a place and keeps its amendments (the old words): the session's page, the
    history and the child's page name them too. Before, only the marks were named."""
    s = session(world.social_worker, world.csc_child)
    m = mark(world.social_worker, s, context=world.park, why="The older ones are there")
    mark_amend(actor=world.social_worker, mark=m, reason="Ciara corrected it", why="Only at night")
    (amendment,) = m.amendments.all()
    client = client_for(world.social_worker)
    for name, args in (("person-safety-session", [s.pk]), ("person-safety", [])):
        assert "Ciara corrected it" in client.get(url(name, world.csc_child.pk, *args)).text
        detail = last_read(world.social_worker).detail
        assert (detail["amendments_shown"], detail["places_shown"]) == (
            [amendment.pk],
            [world.park.pk],
        ), name
    client.get(url("person", world.csc_child.pk))
    assert world.park.pk in last_read(world.social_worker).detail["places_shown"]
