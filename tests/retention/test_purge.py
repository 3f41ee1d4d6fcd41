"""The purge: what it removes, what it keeps, the trail it leaves, holds, kills and reruns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction

from locus.access.models import Role
from locus.audit.models import AccessEvent, ChangeEvent
from locus.audit.services import record_access
from locus.exports.services import export_folder
from locus.incidents.models import Incident, InvolvementRole
from locus.linked import borough_evidence, clusters
from locus.mapping.models import LawfulBasis, Meeting, MeetingStatus
from locus.notifications.models import Notification, NotificationKind
from locus.notifications.services import notify
from locus.peers.models import Association
from locus.peers.services import association_end
from locus.people.models import Person
from locus.retention import purge, selectors, services
from locus.retention.models import (
    RELEASE_DAYS,
    HeldKind,
    Outcome,
    PurgeItem,
    PurgeRun,
    RuleKind,
    RunState,
)
from tests.factories import (
    World,
    make_association,
    make_incident,
    make_worker,
    nothing_written,
)
from tests.frozen_clock import FrozenClock
from tests.retention.conftest import export_file, leaver

SEVEN_YEARS = 7 * 366


def meeting_with(world: World, *people: Person) -> Meeting:
    """A meeting whose minutes hold a map of these people (as ``group_map_snapshot`` stores it)."""
    nodes = [
        {"id": f"p{p.pk}", "person_id": p.pk, "initials": p.initials, "kind": p.kind}
        for p in people
    ]
    edges = [
        {"source": nodes[0]["id"], "target": n["id"], "relationship": "friend"} for n in nodes[1:]
    ]
    return Meeting.objects.create(
        title="Mapping",
        purpose="Map the group",
        status=MeetingStatus.HELD,
        lawful_basis=LawfulBasis.values[0],
        proposed_by=world.team_manager,
        proposed_at=world.team_manager.date_joined,
        map_snapshot={"as_at": "2026-01-01", "nodes": nodes, "edges": edges},
    )


def audit_text() -> str:
    """Everything the audit tables hold that could say what a record said."""
    rows = [
        *ChangeEvent.objects.values_list("before", "after", "people"),
        *AccessEvent.objects.values_list("purpose", "detail", "people"),
    ]
    return repr(rows)


def test_a_purge_removes_a_child_from_maps_caches_and_exports_and_the_trail_keeps_only_the_rule(
    frozen_clock: FrozenClock, world: World
) -> None:
    child = leaver(world.system)
    record_access(actor=world.admin, obj=child, detail={"page": "person"}, purpose="Zebedee")
    friend = make_association(
        world.system, person=world.csc_child, other=child, note="Zebedee walks her home"
    )
    association_end(
        actor=world.system, association=friend, valid_until=frozen_clock.today, reason="Moved"
    )
    incident = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.police,
        involvements=[(child, InvolvementRole.HARMED)],
    )
    meeting = meeting_with(world, world.csc_child, child)
    file = export_file(world.admin)
    with transaction.atomic():
        told = notify(
            world.team_manager,
            NotificationKind.REVIEW_DUE,
            actor=world.system,
            about=friend,
            url=f"/people/{child.pk}/",
            text="An association is due for review",
        )
    assert told is not None
    assert "Purgeable" in audit_text()
    frozen_clock.advance(days=SEVEN_YEARS)
    cache.set(clusters.cache_key(90, False, False), {"people": [child.pk]}, timeout=None)
    cache.set(borough_evidence.DATA_KEY, ("token", [child.pk]), timeout=None)

    run = purge.purge(actor=world.admin)

    assert not Person.objects.filter(pk=child.pk).exists()
    meeting.refresh_from_db()
    assert [n["person_id"] for n in meeting.map_snapshot["nodes"]] == [world.csc_child.pk]
    assert meeting.map_snapshot["edges"] == []
    assert cache.get(clusters.cache_key(90, False, False)) is None
    assert cache.get(borough_evidence.DATA_KEY) is None
    assert not (export_folder() / file.file_name).exists()
    file.refresh_from_db()
    assert file.file_name == ""
    # The trail: that the child's record was deleted, under which rule and run; not what it said.
    assert "Purgeable" not in audit_text() and "Zebedee" not in audit_text()
    deleted = ChangeEvent.objects.get(
        record_type="people.person", record_id=str(child.pk), action="delete"
    )
    assert deleted.after == {"purged_under": RuleKind.CHILD_NO_PLAN, "purge_run": run.pk}
    item = PurgeItem.objects.get(run=run, record_type="people.person", record_id=child.pk)
    assert item.outcome == Outcome.PURGED and run.state == RunState.FINISHED
    # What was only about them went with them; the incident (about a place) stays.
    assert not Association.objects.filter(pk=friend.pk).exists()
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert not Notification.objects.filter(pk=told.pk).exists()  # it would lead nowhere
    assert not incident.involvements.exists()
    # Someone still open stays.
    assert Person.objects.filter(pk=world.csc_child.pk).exists()


def test_the_dry_run_writes_nothing_and_lists_what_would_go(
    frozen_clock: FrozenClock, world: World
) -> None:
    child = leaver(world.system)
    frozen_clock.advance(days=SEVEN_YEARS)
    with nothing_written(Person, PurgeRun, PurgeItem, ChangeEvent, AccessEvent):
        found = selectors.plan()
    assert child.pk in found.ids(RuleKind.CHILD_NO_PLAN)
    assert world.csc_child.pk not in found.people  # allocated: open work


def test_nothing_is_due_before_its_time(frozen_clock: FrozenClock, world: World) -> None:
    child = leaver(world.system)
    frozen_clock.advance(days=5 * 365)
    file = export_file(world.admin, keep_days=60)  # kept past the purge's 30 days
    frozen_clock.advance(days=20)
    assert child.pk not in selectors.plan().people
    purge.purge(actor=world.admin)
    assert Person.objects.filter(pk=child.pk).exists()
    assert (export_folder() / file.file_name).exists()  # 30 days not past, and nobody purged
    frozen_clock.advance(days=11)
    purge.purge(actor=world.admin)
    assert not (export_folder() / file.file_name).exists()  # past its 30 days


def test_a_purge_deletes_a_prepared_file_past_its_seven_days(
    frozen_clock: FrozenClock, world: World
) -> None:
    """A prepared list's file goes once its seven days are past, at the next purge, even
    when nobody prepares another export; its row stays as the record of what went out."""
    file = export_file(world.admin)
    frozen_clock.advance(days=6)
    purge.purge(actor=world.admin)
    assert (export_folder() / file.file_name).exists()
    frozen_clock.advance(days=2)
    purge.purge(actor=world.admin)
    assert not (export_folder() / file.file_name).exists()
    file.refresh_from_db()
    assert file.file_name == ""


def test_a_second_run_does_nothing(frozen_clock: FrozenClock, world: World) -> None:
    leaver(world.system)
    frozen_clock.advance(days=SEVEN_YEARS)
    first = purge.purge(actor=world.admin)
    assert first.items.count() > 0
    changes = ChangeEvent.objects.count()
    second = purge.purge(actor=world.admin)
    assert second.items.count() == 0
    # Only the run's own start and finish are recorded.
    assert ChangeEvent.objects.count() == changes + 2


def test_a_run_killed_half_way_is_finished_by_the_next(
    frozen_clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = leaver(world.system), leaver(world.system, family_name="Secondleaver")
    frozen_clock.advance(days=SEVEN_YEARS)
    real = purge.ACTS[selectors.PERSON]
    acted: list[int] = []

    def killed_after_one(actor: Any, item: PurgeItem, holds: selectors.Holds) -> str:
        if acted:
            raise KeyboardInterrupt("killed")
        acted.append(item.record_id)
        return real(actor, item, holds)

    monkeypatch.setitem(purge.ACTS, selectors.PERSON, killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        purge.purge(actor=world.admin)
    killed = PurgeRun.objects.get()
    assert killed.state == RunState.RUNNING
    due = list(killed.items.filter(record_type="people.person").values_list("record_id", flat=True))
    assert {first.pk, second.pk} <= set(due)
    assert Person.objects.filter(pk__in=due).count() == len(due) - 1  # one went, the rest not

    monkeypatch.setitem(purge.ACTS, selectors.PERSON, real)
    purge.purge(actor=world.admin)

    killed.refresh_from_db()
    assert killed.state == RunState.FINISHED and killed.resumed == 1
    assert not killed.items.filter(done_at__isnull=True).exists()
    assert not Person.objects.filter(pk__in=due).exists()


def test_a_legal_hold_stops_the_purge_and_lifting_it_lets_it_go(
    frozen_clock: FrozenClock, world: World
) -> None:
    child = leaver(world.system)
    hold = services.hold_place(
        actor=world.admin,
        held_kind=HeldKind.PERSON,
        held_id=child.pk,
        reason="care",
        detail="Care proceedings, case ZC25C00001",
        review_on=frozen_clock.today + dt.timedelta(days=30),
    )
    frozen_clock.advance(days=SEVEN_YEARS)
    found = selectors.plan()
    assert child.pk not in found.people and child.pk in [d.record_id for d in found.held]
    purge.purge(actor=world.admin)
    assert Person.objects.filter(pk=child.pk).exists()

    services.hold_lift(actor=world.admin, hold=hold, reason="Final order made")
    frozen_clock.advance(days=RELEASE_DAYS)  # the release period over
    purge.purge(actor=world.admin)
    assert not Person.objects.filter(pk=child.pk).exists()
    hold.refresh_from_db()
    # The hold outlives the record: its plain reference stays, the link is gone.
    assert hold.person_id is None and hold.held_id == child.pk


def test_a_hold_placed_after_the_plan_still_keeps_the_record(
    frozen_clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = leaver(world.system)
    frozen_clock.advance(days=SEVEN_YEARS)
    real_plan = selectors.plan

    def plan_then_hold(now: Any = None) -> selectors.Plan:
        found = real_plan(now)
        services.hold_place(
            actor=world.admin,
            held_kind=HeldKind.PERSON,
            held_id=child.pk,
            reason="criminal",
            detail="Trial listed, ref T20267001",
            review_on=frozen_clock.today + dt.timedelta(days=30),
        )
        return found

    monkeypatch.setattr(selectors, "plan", plan_then_hold)
    run = purge.purge(actor=world.admin)
    assert Person.objects.filter(pk=child.pk).exists()
    assert run.items.get(record_id=child.pk, record_type="people.person").outcome == Outcome.HELD


@pytest.mark.parametrize("when", ["before the plan", "after the plan"])
def test_a_hold_on_either_person_keeps_an_ended_associations_note(
    frozen_clock: FrozenClock, world: World, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """A held person is not purged, nor anything about them: the note and end reason of
    their ended link stay while the hold stands, whether it came before the plan or after."""
    link = make_association(
        world.system, person=world.team_child, other=world.csc_child, note="Seen at the bus stop"
    )
    association_end(
        actor=world.system, association=link, valid_until=frozen_clock.today, reason="Moved away"
    )
    frozen_clock.advance(days=400)
    assert link.pk in selectors.plan().ids(RuleKind.ENDED_NOTE)

    def hold() -> None:
        services.hold_place(
            actor=world.admin,
            held_kind=HeldKind.PERSON,
            held_id=world.csc_child.pk,  # the other person of the link
            reason="care",
            detail="Care proceedings, ref ZW26C00123",
            review_on=frozen_clock.today + dt.timedelta(days=60),
        )

    if when == "before the plan":
        hold()
        assert link.pk not in selectors.plan().ids(RuleKind.ENDED_NOTE)
        assert link.pk in [d.record_id for d in selectors.plan().held]
    else:
        real_plan = selectors.plan

        def plan_then_hold(now: Any = None) -> selectors.Plan:
            found = real_plan(now)
            hold()
            return found

        monkeypatch.setattr(selectors, "plan", plan_then_hold)
    run = purge.purge(actor=world.admin)
    link = Association.objects.get(pk=link.pk)
    assert (link.note, link.end_reason) == ("Seen at the bus stop", "Moved away")
    if when == "after the plan":
        item = run.items.get(record_id=link.pk, record_type="peers.association")
        assert item.outcome == Outcome.HELD


def test_an_ended_associations_note_is_blanked_after_its_time_and_the_history_stays(
    frozen_clock: FrozenClock, world: World
) -> None:
    link = make_association(
        world.system, person=world.csc_child, other=world.team_child, note="Seen at the bus stop"
    )
    ended_on = frozen_clock.today
    association_end(actor=world.system, association=link, valid_until=ended_on, reason="Moved away")
    frozen_clock.advance(days=300)
    assert link.pk not in selectors.plan().ids(RuleKind.ENDED_NOTE)
    frozen_clock.advance(days=100)
    assert link.pk in selectors.plan().ids(RuleKind.ENDED_NOTE)

    purge.purge(actor=world.admin)

    link = Association.objects.get(pk=link.pk)
    assert link.note == "" and link.end_reason == selectors.BLANKED_REASON
    assert link.valid_until == ended_on and link.other_id == world.team_child.pk
    assert link.pk not in selectors.plan().ids(RuleKind.ENDED_NOTE)  # done once


def test_a_closed_context_case_goes_6_years_after_closure(
    frozen_clock: FrozenClock, world: World
) -> None:
    from locus.casework import services as casework
    from locus.casework.models import ContextCase
    from tests.casework.helpers import assessed_case, refreshed, request_closure

    case = assessed_case(world, recommendation="close")
    request_closure(world, case, outcome="nfa", reason="The centre is safe")
    casework.closure_approve(actor=world.team_manager, case=refreshed(case))
    frozen_clock.advance(days=5 * 366)
    assert case.pk not in selectors.plan().ids(RuleKind.CONTEXT_CASE)
    frozen_clock.advance(days=2 * 366)
    assert case.pk in selectors.plan().ids(RuleKind.CONTEXT_CASE)
    purge.purge(actor=world.admin)
    assert not ContextCase.objects.filter(pk=case.pk).exists()
    assert ChangeEvent.objects.filter(
        record_type="casework.contextcase", record_id=str(case.pk), action="delete"
    ).exists()


def test_scrubbing_a_map_takes_the_person_and_their_edges_once(world: World) -> None:
    from locus.mapping.services import scrub_from_snapshots

    meeting = meeting_with(world, world.csc_child, world.team_child, world.yjs_child)
    why = {"purged_under": "child_no_plan", "purge_run": 1}
    with transaction.atomic():
        assert (
            scrub_from_snapshots(actor=world.system, person_ids=[world.team_child.pk], why=why) == 1
        )
        assert (
            scrub_from_snapshots(actor=world.system, person_ids=[world.team_child.pk], why=why) == 0
        )
    meeting.refresh_from_db()
    kept = [n["person_id"] for n in meeting.map_snapshot["nodes"]]
    assert kept == [world.csc_child.pk, world.yjs_child.pk]
    assert [e["target"] for e in meeting.map_snapshot["edges"]] == [f"p{world.yjs_child.pk}"]
    change = ChangeEvent.objects.filter(record_type="cocase.meeting", record_id=str(meeting.pk))
    assert change.latest("id").after == why


def test_an_open_subject_access_request_keeps_its_person_and_a_purge_takes_the_package(
    frozen_clock: FrozenClock, world: World
) -> None:
    from locus.subjectaccess.package import package_approve, package_folder, package_make
    from locus.subjectaccess.services import request_close, request_log

    child = leaver(world.system)
    asked = request_log(
        actor=world.admin,
        person=child,
        received_on=frozen_clock.today,
        requester="subject",
        assigned_to=world.admin,
    )
    # Released by a second member of the data team.
    second = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="admin2")
    package = package_make(actor=world.admin, request=asked, approver=second)
    package_approve(actor=second, package=package, reason="Checked")
    assert (package_folder() / package.file_name).exists()
    frozen_clock.advance(days=SEVEN_YEARS)
    purge.purge(actor=world.admin)
    assert Person.objects.filter(pk=child.pk).exists()  # still being answered: kept

    request_close(actor=world.admin, request=asked, outcome="completed", on=frozen_clock.today)
    purge.purge(actor=world.admin)
    assert not Person.objects.filter(pk=child.pk).exists()
    package.refresh_from_db()
    assert package.file_name == ""
    assert not any(package_folder().iterdir())  # no copy of the child's records left
