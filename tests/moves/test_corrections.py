"""A managed move recorded wrongly can be put right: corrected (the old values kept, with who,
when and why) or marked entered in error with a reason (it stays, struck through wherever
moves are listed, and is no longer the child's move), by the worker who recorded it or a
confirmed manager of the team they recorded it in. Anyone else who sees the child reads the
move and is refused; anyone who does not see the child finds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.access import moves as rules
from locus.access.models import Role, Scope, Worker
from locus.audit.models import ChangeAction
from locus.common import clock
from locus.common.errors import InvalidTransition, NotPermitted, ValidationFailed
from locus.moves.models import ManagedMove, ManagedMoveRevision
from locus.moves.services import managed_move_correct, managed_move_mark_in_error
from tests.factories import World, client_for, last_change, make_worker, nothing_written
from tests.moves.helpers import MOVE_DAY, move, new_school
from tests.profiles.pages import errors_of, url

pytestmark = pytest.mark.django_db

WHY = "Recorded on the wrong pupil: the move was for her brother"


def school_worker(world: World, username: str, role: str = Role.PRACTITIONER) -> Worker:
    """Another of the school's staff, who sees the pupil as the DSL does."""
    return make_worker(
        world.system, team=world.school_team, role=role, scope=Scope.AGENCY, username=username
    )


def test_the_recorder_marks_a_move_entered_in_error_with_a_reason(world: World) -> None:
    recorded = move(world)
    with nothing_written(ManagedMove), pytest.raises(ValidationFailed) as caught:
        managed_move_mark_in_error(actor=world.school_dsl, move=recorded, why="  ")
    assert caught.value.errors["why"] == ["Say why the move was entered in error"]
    struck = managed_move_mark_in_error(actor=world.school_dsl, move=recorded, why=WHY)
    assert struck.in_error and struck.in_error_reason == WHY
    assert struck.in_error_by == world.school_dsl
    assert ManagedMove.objects.filter(pk=recorded.pk).exists()  # kept, never deleted
    change = last_change(struck)
    assert change.action == ChangeAction.UPDATE and change.after["in_error_reason"] == WHY
    with pytest.raises(ValidationFailed):
        managed_move_mark_in_error(actor=world.school_dsl, move=struck, why="Again")
    with pytest.raises(InvalidTransition):
        managed_move_correct(actor=world.school_dsl, move=struck, why=WHY, decided_by="Heads")


def test_a_correction_keeps_the_old_values_and_why(world: World) -> None:
    recorded = move(world)
    day = MOVE_DAY + dt.timedelta(days=7)
    corrected = managed_move_correct(
        actor=world.school_dsl, move=recorded, why="The trial began a week later", moved_on=day
    )
    assert ManagedMove.objects.get(pk=recorded.pk).moved_on == day == corrected.moved_on
    revision = ManagedMoveRevision.objects.get(move=recorded)
    assert revision.moved_on == MOVE_DAY and revision.corrected_by == world.school_dsl
    assert revision.correction_reason == "The trial began a week later"
    assert revision.from_school == world.school and revision.decided_by == recorded.decided_by
    change = last_change(corrected)
    assert change.before["moved_on"] == MOVE_DAY.isoformat()
    assert change.after["moved_on"] == day.isoformat()


def test_a_correction_needs_a_reason_and_a_change(world: World) -> None:
    recorded = move(world)
    with nothing_written(ManagedMove, ManagedMoveRevision), pytest.raises(ValidationFailed) as c:
        managed_move_correct(actor=world.school_dsl, move=recorded, why="", decided_by="Heads")
    assert c.value.errors["why"] == ["Say why the move is corrected"]
    with nothing_written(ManagedMove, ManagedMoveRevision), pytest.raises(ValidationFailed) as c:
        managed_move_correct(actor=world.school_dsl, move=recorded, why=WHY)
    assert "Nothing was changed" in c.value.errors["moved_on"][0]


def test_a_manager_of_the_recorders_team_corrects_it_once_confirmed(world: World) -> None:
    recorded = move(world)
    manager = school_worker(world, "school_manager", Role.MANAGER)
    assert rules.can_correct_move(manager, recorded)
    Worker.objects.filter(pk=manager.pk).update(access_awaiting_since=clock.now())
    manager.refresh_from_db()
    assert not rules.can_correct_move(manager, recorded)
    colleague = school_worker(world, "school_colleague")
    assert not rules.can_correct_move(colleague, recorded)
    with nothing_written(ManagedMove), pytest.raises(NotPermitted):
        managed_move_mark_in_error(actor=colleague, move=recorded, why=WHY)
    with nothing_written(ManagedMove, ManagedMoveRevision), pytest.raises(NotPermitted):
        managed_move_correct(actor=colleague, move=recorded, why=WHY, decided_by="Heads")


def test_the_manager_of_the_team_it_was_recorded_in_keeps_the_power(world: World) -> None:
    """The recorder moving team later moves neither the move nor who manages it."""
    recorded = move(world)
    manager = school_worker(world, "school_manager", Role.MANAGER)
    Worker.objects.filter(pk=world.school_dsl.pk).update(team=world.partner_team)
    assert ManagedMove.objects.get(pk=recorded.pk).recorded_in_team == world.school_team
    assert rules.can_correct_move(manager, ManagedMove.objects.get(pk=recorded.pk))


def test_pages_name_the_team_the_move_was_recorded_in_after_the_recorder_moves(
    world: World,
) -> None:
    """Who recorded a move is shown with the team and agency they recorded it in, not
    wherever they work now; the refusal names them, so the worker knows whom to ask."""
    recorded = move(world)
    Worker.objects.filter(pk=world.school_dsl.pk).update(team=world.partner_team)
    colleague = client_for(school_worker(world, "school_colleague"))
    school, partner = world.school_team, world.partner_team
    page = colleague.get(url("person-move", world.pupil.pk, recorded.pk)).content.decode()
    assert school.agency.name in page and partner.agency.name not in page
    refused = colleague.get(url("person-move-correct", world.pupil.pk, recorded.pk))
    said = refused.content.decode()
    assert f"{world.school_dsl}, {school.name} ({school.agency.name})" in said


def test_pages_refuse_who_sees_the_move_and_hide_it_from_who_does_not(world: World) -> None:
    recorded = move(world)
    colleague = client_for(school_worker(world, "school_colleague"))
    for name in ("person-move-correct", "person-move-in-error"):
        page = url(name, world.pupil.pk, recorded.pk)
        refused = colleague.get(page)
        assert refused.status_code == 403
        assert "Only the worker who recorded it, or a manager" in refused.content.decode()
        with nothing_written(ManagedMove):
            assert colleague.post(page, {"why": WHY}).status_code == 403
        assert client_for(world.social_worker).get(page).status_code == 404
    html = colleague.get(url("person-move", world.pupil.pk, recorded.pk)).content.decode()
    assert "Correct the move" not in html
    own = client_for(world.school_dsl)
    html = own.get(url("person-move", world.pupil.pk, recorded.pk)).content.decode()
    assert "Correct the move" in html and "Mark as entered in error" in html


def test_marking_in_error_through_the_page_strikes_it_through_where_listed(world: World) -> None:
    recorded = move(world)
    client = client_for(world.school_dsl)
    page = url("person-move-in-error", world.pupil.pk, recorded.pk)
    assert errors_of(client.post(page, {"why": ""}).content.decode()) == [
        "Say why the move was entered in error"
    ]
    response = client.post(page, {"why": WHY})
    assert response.status_code == 302
    assert ManagedMove.objects.get(pk=recorded.pk).in_error
    for listing in (url("person-moves", world.pupil.pk), url("person", world.pupil.pk)):
        html = client.get(listing).content.decode()
        assert "<del>Millfields Academy</del>" in html and "Entered in error" in html
        assert WHY in html
    shown = client.get(url("person-move", world.pupil.pk, recorded.pk)).content.decode()
    assert "This move was entered in error" in shown and "Correct the move" not in shown
    # No longer the child's move: the same move may be recorded again, rightly.
    again = move(world)
    assert again.pk != recorded.pk


def test_correcting_through_the_page_shows_the_history(world: World) -> None:
    recorded = move(world)
    client = client_for(world.school_dsl)
    page = url("person-move-correct", world.pupil.pk, recorded.pk)
    form = client.get(page).content.decode()
    assert "In-year fair access panel" in form  # filled in with what it says now
    data = {
        "from_school": str(world.school.pk),
        "to_school": str(new_school(world).pk),
        "moved_on": MOVE_DAY.strftime("%d/%m/%Y"),
        "reason": recorded.reason,
        "panel_decision": recorded.panel_decision,
        "decided_by": "The two head teachers",
        "panel_meeting": "",
        "not_on_roll_reason": "",
        "why": "The panel did not sit: the heads agreed it",
    }
    assert client.post(page, data).status_code == 302
    assert ManagedMove.objects.get(pk=recorded.pk).decided_by == "The two head teachers"
    html = client.get(url("person-move", world.pupil.pk, recorded.pk)).content.decode()
    assert "Corrections" in html and "The panel did not sit: the heads agreed it" in html
    assert "decided by In-year fair access panel" in html
