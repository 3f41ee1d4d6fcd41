"""Managed-move pages: sight per persona, the form's errors, the displacement page and its
logged read, the include for the child's page, strict CSP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string

from locus.common.services import today
from locus.moves.models import ManagedMove
from locus.moves.selectors import moves_for
from tests.factories import World, client_for, nothing_written
from tests.moves.helpers import MOVE_DAY, incident_on, move, new_school
from tests.panels.helpers import set_up
from tests.profiles.pages import assert_strict_page, errors_of, last_read, url

pytestmark = pytest.mark.django_db

# Who sees the pupil's moves (V) and may record one (R).
# fmt: off
PAGE_ROW = {
    "school_dsl": "R", "admin": "R", "social_worker": "-", "team_manager": "-",
    "yjs_worker": "-", "police_analyst": "-", "partner_worker": "-", "auditor": "-",
}
# fmt: on


@pytest.mark.parametrize(("persona", "cell"), sorted(PAGE_ROW.items()))
def test_move_pages_per_persona(world: World, persona: str, cell: str) -> None:
    recorded = move(world)
    client = client_for(world.persona(persona))
    for name, args in (("person-moves", []), ("person-move", [recorded.pk])):
        response = client.get(url(name, world.pupil.pk, *args))
        assert response.status_code == (200 if cell != "-" else 404), name
    response = client.get(url("person-move-add", world.pupil.pk))
    assert response.status_code == (200 if cell == "R" else 404)


def _form(**data: str) -> dict[str, str]:
    return {
        "from_school": "",
        "to_school": "",
        "moved_on": MOVE_DAY.strftime("%d/%m/%Y"),
        "reason": "Harassed two girls in her class online",
        "panel_decision": "Move agreed for a trial of six weeks",
        "decided_by": "In-year fair access panel",
        **data,
    }


def test_recording_a_move_through_the_form(world: World) -> None:
    client = client_for(world.school_dsl)
    page = client.get(url("person-move-add", world.pupil.pk)).content.decode()
    assert f'value="{world.school.pk}" selected' in page  # her school now
    response = client.post(
        url("person-move-add", world.pupil.pk),
        _form(from_school=str(world.school.pk), to_school=str(new_school(world).pk)),
    )
    recorded = ManagedMove.objects.get()
    assert response["Location"] == url("person-move", world.pupil.pk, recorded.pk)


def test_the_form_names_its_problems_and_writes_nothing(world: World) -> None:
    client = client_for(world.school_dsl)
    tomorrow = (today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    with nothing_written(ManagedMove):
        response = client.post(
            url("person-move-add", world.pupil.pk),
            _form(
                from_school=str(world.school.pk), to_school=str(world.school.pk), moved_on=tomorrow
            ),
        )
    assert errors_of(response.content.decode()) == [
        "The new school must be a different school from the old one",
        "The date of the move must not be in the future",
    ]
    with nothing_written(ManagedMove):
        response = client.post(url("person-move-add", world.pupil.pk), _form(to_school="x"))
    assert errors_of(response.content.decode()) == [
        "Choose the school the child moved from",
        "Choose the school the child moved to",
    ]


def test_the_form_redrawn_after_an_invalid_post_logs_the_read(world: World) -> None:
    """The redrawn form shows the child's record again (their name, their school now): the
    read is logged, as its first drawing is."""
    client = client_for(world.social_worker)
    response = client.post(url("person-move-add", world.csc_child.pk), {})
    assert response.status_code == 200
    assert world.csc_child.full_name in response.content.decode()
    read = last_read(world.social_worker)
    assert read.record_id == str(world.csc_child.pk) and read.detail["page"] == "move-add"
    assert f",{world.csc_child.pk}," in read.people


def test_the_form_logs_the_panels_it_offers_to_cite(world: World) -> None:
    """The form lists, by title, the panels its viewer sees for the move to cite: its read
    keeps their ids with the child's."""
    panel = set_up(world)
    page = client_for(world.admin).get(url("person-move-add", world.pupil.pk))
    assert panel.title in page.content.decode()
    read = last_read(world.admin)
    assert read.detail["page"] == "move-add" and read.detail["panels_shown"] == [panel.pk]


def test_the_displacement_page_shows_where_and_logs_what_it_showed(world: World) -> None:
    before = incident_on(world, -40, world.school, "harming")
    after = incident_on(world, 12, new_school(world), "harming")
    recorded = move(world)
    client = client_for(world.school_dsl)
    html = client.get(url("person-move", world.pupil.pk, recorded.pk)).content.decode()
    assert "Did the harm move with Priya?" in html
    assert "40 days before" in html and "12 days after" in html
    assert "The window after the move is not over yet" in html
    event = last_read(world.school_dsl)
    assert event.record_id == str(world.pupil.pk)
    assert event.detail == {
        "page": "displacement",
        "move": recorded.pk,
        "months": 6,
        "incidents_shown": [before.pk, after.pk],
        "revisions_shown": [],
    }
    html = client.get(url("person-move", world.pupil.pk, recorded.pk) + "?months=1").content
    assert "40 days before" not in html.decode()
    assert last_read(world.school_dsl).detail["months"] == 1


def test_the_moves_page_logs_the_moves_it_shows(world: World) -> None:
    """Every page logs the records it shows: the list of a child's managed moves too,
    newest first as listed; an empty list logs an empty one."""
    client = client_for(world.school_dsl)
    client.get(url("person-moves", world.pupil.pk))
    assert last_read(world.school_dsl).detail == {"page": "moves", "moves_shown": []}
    latest = move(world)
    earlier = move(world, moved_on=MOVE_DAY - dt.timedelta(days=30))
    page = client.get(url("person-moves", world.pupil.pk))
    assert page.status_code == 200
    event = last_read(world.school_dsl)
    assert event.record_id == str(world.pupil.pk)
    assert event.detail == {"page": "moves", "moves_shown": [latest.pk, earlier.pk]}


def test_the_page_says_nothing_of_another_agency_s_restricted_intelligence(
    world: World,
) -> None:
    shown = incident_on(world, 12, new_school(world), "harming")
    incident_on(
        world, 20, new_school(world), "harming", reporting_agency=world.police, restricted=True
    )
    recorded = move(world)
    client = client_for(world.school_dsl)
    html = client.get(url("person-move", world.pupil.pk, recorded.pk)).content.decode()
    assert "After the move (1 incident)" in html
    assert "not listed" not in html and "may not see" not in html
    assert last_read(world.school_dsl).detail["incidents_shown"] == [shown.pk]


def test_a_move_of_another_child_is_not_found(world: World) -> None:
    recorded = move(world)
    other = client_for(world.admin).get(url("person-move", world.csc_child.pk, recorded.pk))
    assert other.status_code == 404


@pytest.mark.parametrize("name", ["person-moves", "person-move-add", "person-move"])
def test_pages_are_strict(world: World, name: str) -> None:
    recorded = move(world)
    args = [recorded.pk] if name == "person-move" else []
    html = client_for(world.school_dsl).get(url(name, world.pupil.pk, *args)).content.decode()
    assert_strict_page(html)


def test_the_include_for_the_child_s_page(world: World) -> None:
    move(world)
    html = render_to_string(
        "moves/_person_moves.html",
        {"moves": moves_for(world.school_dsl, world.pupil), "person": world.pupil},
    )
    assert "Millfields Academy" in html and "Hackney Downs School" in html
    assert "Incidents before and after" in html
    empty = render_to_string("moves/_person_moves.html", {"moves": [], "person": world.csc_child})
    assert "No managed moves recorded." in empty
