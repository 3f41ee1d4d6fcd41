"""The chronology's sources, each read through its own sight rule: casework on a context
case and on a child on its plan, a managed move, a panel only for those who may see it, an
incident's place as the incident's page names it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.access import naming, policies
from locus.casework import services as casework
from locus.casework.reference import ensure_reference_data
from locus.common import clock
from locus.incidents.models import InvolvementRole
from locus.notes.selectors import KINDS_FOR, Event, Filters, chronology, namable_children
from locus.panels.services import agenda_item_add, panel_create
from locus.sharing.vocab import SAFEGUARDING
from tests.casework.helpers import active_case, closed, finish_actions, refreshed, review
from tests.factories import World, client_for, make_incident
from tests.moves.helpers import move
from tests.notes.helpers import write

pytestmark = pytest.mark.django_db


def _rows(viewer: Any, subject: Any, kind: str, **filters: Any) -> list[Event]:
    return chronology(viewer, subject, Filters(kinds=KINDS_FOR[kind], **filters)).events


def _whats(rows: list[Event]) -> list[str]:
    return [e.what for e in rows]


def test_a_context_cases_chronology_holds_its_casework(world: World) -> None:
    ensure_reference_data()
    case = active_case(world)
    review(world, case)
    write(world.social_worker, case, kind="meeting", contact_on=clock.today())
    rows = _rows(world.social_worker, case, "case")
    whats = _whats(rows)
    assert "Referral received" in whats
    assert f"Context case opened: {case.context.name}" in whats
    assert f"Context conference: {case.context.name}" in whats
    assert f"Context safeguarding plan approved: {case.context.name}" in whats
    assert f"Plan review: {case.context.name}" in whats
    assert any(e.kind == "note" for e in rows)
    assert rows == sorted(rows, key=lambda e: e.sort_key)
    # A youth justice worker sees the case but not another agency's referral.
    assert "Referral received" not in _whats(_rows(world.yjs_worker, case, "case"))


def test_a_closed_case_chronology_names_who_recorded_its_closure(world: World) -> None:
    """The "Context case closed" row names the worker who asked to close the case and wrote
    its reason, not "Not recorded"."""
    ensure_reference_data()
    case = active_case(world)
    finish_actions(world, case)
    closed(world, refreshed(case))
    rows = _rows(world.social_worker, case, "case")
    closing = next(e for e in rows if e.what == f"Context case closed: {case.context.name}")
    assert closing.recorded_by == str(world.social_worker)


def test_a_child_on_a_context_plan_has_its_conference_and_plan(world: World) -> None:
    ensure_reference_data()
    case = active_case(world)
    casework.plan_child_add(actor=world.social_worker, plan=case.plan, person=world.csc_child)
    kinds = {e.kind for e in _rows(world.social_worker, world.csc_child, "person")}
    assert {"meeting", "plan", "allocation", "status"} <= kinds
    plans = chronology(world.social_worker, world.csc_child, Filters(kinds=["plan"])).events
    assert {e.kind for e in plans} == {"plan"}


def test_a_managed_move_shows_with_a_link(world: World) -> None:
    moved = move(world)
    rows = [e for e in _rows(world.school_dsl, world.pupil, "person") if e.kind == "move"]
    assert len(rows) == 1 and rows[0].url.endswith(f"/moves/{moved.pk}/")


def test_a_panel_shows_only_to_those_who_may_see_it(world: World) -> None:
    panel = panel_create(
        actor=world.social_worker,
        kind="mace",
        meets_on=clock.today() - dt.timedelta(days=3),
        chair=world.social_worker,
        basis=SAFEGUARDING,
        title="MACE panel: the park",
    )
    agenda_item_add(
        actor=world.social_worker,
        meeting=panel,
        kind="harmed",
        person=world.csc_child,
        reason="Approached in the park",
    )
    mine = [e for e in _rows(world.social_worker, world.csc_child, "person") if e.kind == "meeting"]
    assert [(e.what, e.detail) for e in mine] == [("MACE panel: the park", "MACE panel, Scheduled")]
    # The teammate sees the child, not a panel she did not sit on.
    theirs = _rows(world.teammate, world.csc_child, "person")
    assert "MACE panel: the park" not in _whats(theirs)


def test_a_childs_chronology_does_not_name_the_home_an_incident_was_at(world: World) -> None:
    """A school's safeguarding lead sees her pupil and the incidents he is in, but her role has
    no home address: the incident's page says only that it happened at a home, and so do the
    pupil's chronology and its print (they named the home, a family's address)."""
    harmed = [(child, InvolvementRole.HARMED) for child in (world.pupil, world.csc_child)]
    at_home = make_incident(
        world.system, context=world.home, involvements=harmed, reporting_agency=world.csc
    )
    dsl = world.school_dsl
    assert policies.can_view_incident(dsl, at_home)
    assert world.home.name not in client_for(dsl).get(f"/incidents/{at_home.pk}/").text
    rows = [e for e in _rows(dsl, world.pupil, "person") if e.kind == "incident"]
    assert [e.record_id for e in rows] == [at_home.pk]
    assert naming.PLACE_WITHHELD in rows[0].what and world.home.name not in rows[0].what
    printed = client_for(dsl).get(f"/notes/person/{world.pupil.pk}/print/").text
    assert world.home.name not in printed and naming.PLACE_WITHHELD in printed
    # The social worker of the child who lives there sees the home: her chronology names it.
    own = _rows(world.social_worker, world.csc_child, "person")
    assert [e.what for e in own if e.kind == "incident"] == [
        f"{at_home.get_kind_display()} at {world.home.name}"
    ]


def test_dates_filter_and_order(world: World) -> None:
    first = write(world.social_worker, world.csc_child, contact_on=dt.date(2025, 9, 10))
    second = write(world.social_worker, world.csc_child, contact_on=dt.date(2025, 9, 20))
    notes = Filters(kinds=["note"], start=dt.date(2025, 9, 15))
    assert [
        e.record_id for e in chronology(world.social_worker, world.csc_child, notes).events
    ] == [second.pk]
    newest = Filters(kinds=["note"], newest_first=True)
    rows = chronology(world.social_worker, world.csc_child, newest).events
    assert [e.record_id for e in rows] == [second.pk, first.pk]


def test_the_form_offers_only_children_the_author_sees_lastingly(world: World) -> None:
    # The group's members are Ciara (the social worker's) and Yusuf (youth justice's): each
    # worker is offered the members they see, and their team's caseload.
    assert namable_children(world.social_worker, world.group) == [
        world.csc_child,
        world.team_child,
    ]
    assert namable_children(world.yjs_worker, world.group) == [world.yjs_child]


def test_a_mapping_meeting_shows_on_the_child_and_the_group_for_those_who_see_it(
    world: World,
) -> None:
    from tests.mapping.helpers import propose

    meeting = propose(world)
    for subject, kind in ((world.csc_child, "person"), (world.group, "group")):
        rows = [e for e in _rows(world.social_worker, subject, kind) if e.kind == "meeting"]
        assert [(e.what, e.record_id) for e in rows] == [("Millfields group mapping", meeting.pk)]
    # The teammate sees the child and the group, not a meeting she is not invited to.
    assert "Millfields group mapping" not in _whats(
        _rows(world.teammate, world.csc_child, "person")
    )
