"""An independent reviewing service (conference chairs and their manager) chairs and reviews,
and does nothing else in casework (RULES.md): what its staff may no longer write, and what
they still read and chair.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from locus.access import context_cases, documents, policies, recording, rectification, safety
from locus.access import groups as group_rules
from locus.access import meetings as meeting_rules
from locus.access import notes as note_rules
from locus.access import panel_meetings as panel_rules
from locus.access import places as place_rules
from locus.access.models import Role, Scope, Worker
from locus.access.services import team_create
from locus.casework import services as casework
from locus.casework.models import ContextCase, PlanReview
from locus.common import clock
from locus.common.errors import NotPermitted
from locus.documents.models import Document
from locus.mapping.models import Decision, Intervention, Meeting
from locus.mapping.services import decision_add, meeting_invite
from locus.notes.models import CaseNote
from locus.panels.models import AgendaItem, PanelAction, PanelDecision, PanelMeeting
from locus.panels.services import item_discussion_record, panel_decision_add
from locus.peers.services import group_create
from locus.places.models import Context, ContextKind
from locus.places.services import context_create, context_update
from tests.casework import helpers as cases
from tests.casework.helpers import assessed_case, conference_of
from tests.documents.helpers import attach, document_store  # noqa: F401 (a fixture)
from tests.factories import World, client_for, make_worker, nothing_written
from tests.mapping import helpers as mapping
from tests.notes.helpers import write
from tests.panels import helpers as panels
from tests.panels.helpers import set_up

pytestmark = pytest.mark.django_db

ROLES = [Role.PRACTITIONER, Role.MANAGER]


def chair_of(world: World, role: str) -> Worker:
    """A conference chair (a practitioner) or the chairs' manager, at team scope."""
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    return make_worker(world.system, team=unit, role=role, scope=Scope.TEAM)


@pytest.mark.parametrize("role", ROLES)
def test_a_chair_edits_no_public_place_though_they_read_it(world: World, role: str) -> None:
    chair = chair_of(world, role)
    page = client_for(chair).get(reverse("context", args=[world.park.pk]))
    assert page.status_code == 200
    assert "Edit the details" not in page.content.decode()
    for place in (world.park, world.school, world.shopping_centre):
        assert not place_rules.can_edit_place(chair, place)
        with nothing_written(Context), pytest.raises(NotPermitted):
            context_update(actor=chair, context=place, description="Closed for good")
    posted = client_for(chair).post(
        reverse("place-edit", args=[world.park.pk]), {"name": "Somewhere else"}
    )
    assert posted.status_code in (403, 404)
    world.park.refresh_from_db()
    assert world.park.name == "Millfields Park"


def _not_offered(chair: Worker, words: str, listing: str, form: str) -> None:
    """The ``listing`` page offers the chair no ``words`` link, and its ``form`` is refused."""
    client = client_for(chair)
    assert words not in client.get(reverse(listing)).content.decode()
    assert client.get(reverse(form)).status_code in (403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_a_chair_adds_no_place(world: World, role: str) -> None:
    chair = chair_of(world, role)
    assert not place_rules.can_add_place(chair)
    _not_offered(chair, "Add a place", "contexts", "place-add")
    with nothing_written(Context), pytest.raises(NotPermitted):
        context_create(actor=chair, kind=ContextKind.OPEN_SPACE, name="Hackney Downs")


def test_other_childrens_social_care_staff_still_edit_and_add_places(world: World) -> None:
    for worker in (world.social_worker, world.team_manager, world.other_social_worker):
        assert place_rules.can_edit_place(worker, world.park)
        assert place_rules.can_add_place(worker)
    context_update(actor=world.other_social_worker, context=world.park, description="Gates")
    world.park.refresh_from_db()
    assert world.park.description == "Gates"


@pytest.mark.parametrize("scope", [Scope.TEAM, Scope.AGENCY])
def test_the_chairs_manager_reads_neither_the_area_picture_nor_the_borough_clusters(
    world: World, scope: str
) -> None:
    """Both are for managers and analysts who coordinate casework across caseloads; the
    conference chairs' unit coordinates none. Another team's manager still reads both."""
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    manager = make_worker(world.system, team=unit, role=Role.MANAGER, scope=scope)
    client = client_for(manager)
    for page in ("linked-borough", "safety-area"):
        assert client.get(reverse(page)).status_code in (403, 404)
    assert not policies.can_view_borough_links(manager)
    assert not safety.can_view_area(manager)
    assert policies.can_view_borough_links(world.team_manager)
    assert safety.can_view_area(world.team_manager)


@pytest.mark.parametrize("role", ROLES)
def test_a_chair_makes_no_peer_group(world: World, role: str) -> None:
    chair = chair_of(world, role)
    assert not group_rules.can_create_group(chair)
    assert not group_rules.can_regroup(chair, [], [])
    _not_offered(chair, "Create a peer group", "contexts", "group-new")
    with nothing_written(Context), pytest.raises(NotPermitted):
        group_create(actor=chair, name="Downs boys")
    assert (
        "Create a peer group"
        in client_for(world.social_worker).get(reverse("contexts")).content.decode()
    )


@pytest.mark.parametrize("role", ROLES)
def test_a_chair_calls_no_mapping_meeting_and_sets_up_no_panel(world: World, role: str) -> None:
    """Neither the chairs nor their manager call casework's other forums."""
    chair = chair_of(world, role)
    assert not meeting_rules.can_propose_meeting(chair)
    assert client_for(chair).get(reverse("meeting-propose")).status_code in (403, 404)
    assert not panel_rules.can_set_up_panel(chair)
    assert "Set up" not in client_for(chair).get(reverse("panels")).content.decode()
    with nothing_written(PanelMeeting), pytest.raises(NotPermitted):
        set_up(world, actor=chair)
    # They may still be on a panel's list, and chair one set up by someone else.
    assert panel_rules.may_attend(chair)
    panel = set_up(world, chair=chair)
    assert panel_rules.can_view_panel(chair, panel)


def chaired_case(world: World) -> tuple[Worker, Worker, ContextCase]:
    """A chair, their manager (who chairs nothing), and an assessed case whose conference the
    chair is to chair."""
    chair = chair_of(world, Role.PRACTITIONER)
    manager = make_worker(world.system, team=chair.team, role=Role.MANAGER, scope=Scope.TEAM)
    case = assessed_case(world)
    casework.conference_schedule(
        actor=world.social_worker,
        conference=conference_of(case),
        when=clock.now(),
        location="Hackney Service Centre, room 2",
        chair=chair,
    )
    return chair, manager, case


def test_a_chair_writes_notes_only_on_the_case_whose_conference_they_chair(
    world: World,
) -> None:
    chair, manager, chaired = chaired_case(world)
    assert note_rules.can_write_note_on(chair, chaired)
    write(chair, chaired, summary="Conference moved to the afternoon")
    # The chairs' manager reads the case (its place is a public one) and writes nothing on it.
    assert note_rules.can_read_notes_on(manager, chaired)
    assert not note_rules.can_write_note_on(manager, chaired)
    with nothing_written(CaseNote), pytest.raises(NotPermitted):
        write(manager, chaired, summary="Looked at the plan")
    # The case's own team still writes on it.
    assert note_rules.can_write_note_on(world.social_worker, chaired)


def test_a_chair_who_attended_a_mapping_meeting_agrees_no_intervention(world: World) -> None:
    chair = chair_of(world, Role.PRACTITIONER)
    meeting = mapping.schedule(world, mapping.propose(world))
    meeting_invite(actor=world.social_worker, meeting=meeting, worker=chair)
    meeting = mapping.hold(world, meeting)
    assert not meeting_rules.can_add_intervention(chair, meeting)
    with nothing_written(Intervention), pytest.raises(NotPermitted):
        mapping.add_intervention(world, meeting, actor=chair)
    # They still read the minutes of a meeting they attended; the others agree the work.
    assert meeting_rules.can_read_minutes(chair, meeting)
    assert mapping.add_intervention(world, meeting).owner == world.yjs_worker


def test_a_chair_records_the_review_of_the_plan_their_conference_agreed(world: World) -> None:
    """Reviewing the plan agreed at a conference they chaired is a chair's own work, as
    recording the conference is; the chairs' manager, who chaired nothing here, reviews none."""
    chair, manager, case = chaired_case(world)
    case = cases.active(world, cases.plan_goal_action(world, cases.held(world, case)))
    assert (
        "Review the plan"
        in client_for(chair).get(reverse("context-plan", args=[case.pk])).content.decode()
    )
    assert cases.review(world, case, actor=chair).recorded_by == chair
    assert not context_cases.can_review_plan(manager, case)
    with nothing_written(PlanReview), pytest.raises(NotPermitted):
        cases.review(world, cases.refreshed(case), actor=manager)
    assert client_for(manager).get(reverse("context-review", args=[case.pk])).status_code in (
        403,
        404,
    )


@pytest.mark.usefixtures("document_store")
def test_a_chair_who_attended_a_mapping_meeting_minutes_decides_and_files_nothing(
    world: World,
) -> None:
    """A mapping meeting is casework: an invited chair attends it and confirms so, but records
    no minutes, adds no decision and uploads no paper; the other invitees still do."""
    chair = chair_of(world, Role.PRACTITIONER)
    meeting = mapping.schedule(world, mapping.propose(world))
    meeting_invite(actor=world.social_worker, meeting=meeting, worker=chair)
    meeting.refresh_from_db()
    assert not meeting_rules.can_record_minutes(chair, meeting)
    assert not documents.can_upload(chair, meeting)
    with nothing_written(Meeting), pytest.raises(NotPermitted):
        mapping.hold(world, meeting, actor=chair, confirmed=False)
    with nothing_written(Document), pytest.raises(NotPermitted):
        attach(chair, meeting)
    meeting = mapping.hold(world, meeting)
    assert meeting_rules.can_read_minutes(chair, meeting)
    assert not meeting_rules.can_add_decision(chair, meeting)
    with nothing_written(Decision), pytest.raises(NotPermitted):
        decision_add(actor=chair, meeting=meeting, text="Chair to review the group")
    with nothing_written(Document), pytest.raises(NotPermitted):
        attach(chair, meeting)
    # An invitee who does casework still decides and files papers there.
    assert meeting_rules.can_add_decision(world.yjs_worker, meeting)
    assert attach(world.yjs_worker, meeting).pk is not None


def test_a_chair_agrees_panel_actions_only_on_a_panel_they_chair(world: World) -> None:
    chair = chair_of(world, Role.PRACTITIONER)
    attended = panels.hold(world, panels.with_agenda(world, attendees=[chair]))
    # One who attended records neither its discussion nor a decision, as at a mapping meeting.
    with nothing_written(AgendaItem), pytest.raises(NotPermitted):
        item_discussion_record(
            actor=chair, item=panels.item(attended, "location"), discussion="Gates at night"
        )
    with nothing_written(PanelDecision), pytest.raises(NotPermitted):
        panel_decision_add(actor=chair, meeting=attended, text="Chair to review")
    assert not panel_rules.can_record_discussion(chair, attended)
    assert not panel_rules.can_add_action(chair, attended)
    with nothing_written(PanelAction), pytest.raises(NotPermitted):
        panels.act(world, panels.item(attended, "location"), actor=chair)
    chaired = panels.hold(world, panels.with_agenda(world, chair=chair))
    assert panel_rules.can_add_action(chair, chaired)
    assert panels.act(world, panels.item(chaired, "location"), actor=chair).pk is not None


@pytest.mark.parametrize("scope", [Scope.TEAM, Scope.AGENCY])
def test_a_chair_records_nothing_about_a_child_even_at_agency_scope(
    world: World, scope: str
) -> None:
    """At agency scope a chair sees children's social care's children (and reads their
    records); they still record no child, no incident, and nothing about a child."""
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    chair = make_worker(world.system, team=unit, role=Role.PRACTITIONER, scope=scope)
    assert policies.can_view_person(chair, world.csc_child) is (scope == Scope.AGENCY)
    assert not policies.can_record_new(chair)
    assert not policies.can_record_incident(chair)
    assert not policies.can_edit_incident(chair, world.csc_incident)
    assert not policies.can_record_about_person(chair, world.csc_child)
    assert not note_rules.can_write_note_on(chair, world.csc_child)
    with nothing_written(CaseNote), pytest.raises(NotPermitted):
        write(chair, world.csc_child)
    page = client_for(chair).get(reverse("person", args=[world.csc_child.pk]))
    assert page.status_code == (200 if scope == Scope.AGENCY else 404)
    # Challenge is a reviewer's job: a chair who sees the child records a dispute or objection.
    assert rectification.can_record_challenge(chair, world.csc_child) is (scope == Scope.AGENCY)
    # Another of children's social care's practitioners at agency scope still does.
    other = make_worker(world.system, team=world.csc_team_b, scope=Scope.AGENCY)
    assert policies.can_record_about_person(other, world.csc_child)
    assert policies.can_edit_incident(other, world.csc_incident)


# The guard: every casework write of the rule modules below, asked of a chair and of the
# chairs' manager at agency scope (where they see children's social care's children, places
# and cases), refuses. Each asks ``policies.does_casework`` or stands on what a chair never
# has (a child allocated, a case's team, a plan's action). A new ``can_``/``may_`` predicate
# in these modules fails ``test_every_predicate_is_classified`` until it is put in WRITES
# (and so refuses a chair) or in NOT_CASEWORK_WRITES, saying why a chair may be allowed it.
RULE_MODULES = (
    policies,
    group_rules,
    place_rules,
    meeting_rules,
    panel_rules,
    note_rules,
    context_cases,
    recording,
)


@dataclass
class Records:
    """What the writes are asked about, made once per test."""

    world: World
    meeting: Meeting
    panel: PanelMeeting
    case: Any
    association: Any
    note: CaseNote


WRITES: dict[str, Callable[[Worker, Records], bool]] = {
    "policies.does_casework": lambda w, r: policies.does_casework(w),
    "policies.can_edit_person": lambda w, r: policies.can_edit_person(w, r.world.csc_child),
    "policies.can_record_about_person": lambda w, r: policies.can_record_about_person(
        w, r.world.csc_child
    ),
    "policies.can_change_association": lambda w, r: policies.can_change_association(
        w, r.association
    ),
    "policies.can_edit_incident": lambda w, r: policies.can_edit_incident(w, r.world.csc_incident),
    "policies.can_record_new": lambda w, r: policies.can_record_new(w),
    "policies.can_record_incident": lambda w, r: policies.can_record_incident(w),
    "policies.can_manage_roll": lambda w, r: policies.can_manage_roll(w, r.world.school),
    "groups.can_create_group": lambda w, r: group_rules.can_create_group(w),
    "groups.can_regroup": lambda w, r: group_rules.can_regroup(w, [r.world.group], []),
    "places.does_place_work": lambda w, r: place_rules.does_place_work(w),
    "places.can_add_place": lambda w, r: place_rules.can_add_place(w),
    "places.can_edit_place": lambda w, r: place_rules.can_edit_place(w, r.world.park),
    "places.can_withhold_address": lambda w, r: place_rules.can_withhold_address(w, r.world.home),
    "places.can_merge_places": lambda w, r: place_rules.can_merge_places(
        w, r.world.park, r.world.shopping_centre
    ),
    "places.can_set_co_presence_rule": lambda w, r: place_rules.can_set_co_presence_rule(
        w, r.world.park
    ),
    "meetings.calls_meetings": lambda w, r: meeting_rules.calls_meetings(w),
    "meetings.can_propose_meeting": lambda w, r: meeting_rules.can_propose_meeting(w),
    "meetings.can_record_minutes": lambda w, r: meeting_rules.can_record_minutes(w, r.meeting),
    "meetings.can_add_decision": lambda w, r: meeting_rules.can_add_decision(w, r.meeting),
    "meetings.can_add_intervention": lambda w, r: meeting_rules.can_add_intervention(w, r.meeting),
    "meetings.can_update_intervention": lambda w, r: meeting_rules.can_update_intervention(
        w, r.meeting.interventions.get()
    ),
    "meetings.can_agree_to_share": lambda w, r: meeting_rules.can_agree_to_share(
        w, r.meeting.children.get(person=r.world.csc_child)
    ),
    "panel_meetings.can_set_up_panel": lambda w, r: panel_rules.can_set_up_panel(w),
    "panel_meetings.can_record_discussion": lambda w, r: panel_rules.can_record_discussion(
        w, r.panel
    ),
    "panel_meetings.can_add_general_decision": lambda w, r: panel_rules.can_add_general_decision(
        w, r.panel
    ),
    "panel_meetings.can_add_action": lambda w, r: panel_rules.can_add_action(w, r.panel),
    "panel_meetings.can_set_agenda": lambda w, r: panel_rules.can_set_agenda(w, r.panel),
    "panel_meetings.can_update_action": lambda w, r: panel_rules.can_update_action(
        w, panels.act(r.world, panels.item(r.panel, "location"))
    ),
    "panel_meetings.can_write_item": lambda w, r: (
        panel_rules.can_write_item(w, panels.item(r.panel, "harmed"))
        and panel_rules.can_record_discussion(w, r.panel)
    ),
    "notes.can_write_note_on": lambda w, r: (
        note_rules.can_write_note_on(w, r.world.csc_child)
        or note_rules.can_write_note_on(w, r.world.group)
        or note_rules.can_write_note_on(w, r.case)
    ),
    "notes.can_correct_note": lambda w, r: note_rules.can_correct_note(w, r.note),
    "context_cases.can_screen": lambda w, r: context_cases.can_screen(w),
    "context_cases.can_work_case": lambda w, r: context_cases.can_work_case(w, r.case),
    "context_cases.owns_casework": lambda w, r: context_cases.owns_casework(w),
    "context_cases.writes_on_case": lambda w, r: context_cases.writes_on_case(w, r.case),
    "context_cases.can_review_plan": lambda w, r: context_cases.can_review_plan(w, r.case),
    "context_cases.can_approve": lambda w, r: context_cases.can_approve(w, r.case),
    "context_cases.can_update_action": lambda w, r: any(
        context_cases.can_update_action(w, a) for a in r.case.plan.actions.all()
    ),
    "context_cases.can_give_action": lambda w, r: any(
        context_cases.can_give_action(w, a) for a in r.case.plan.actions.all()
    ),
    "context_cases.can_sign_off": lambda w, r: context_cases.can_sign_off(w, r.case, "plan"),
    "recording.can_record_person": lambda w, r: recording.can_record_person(w),
    "recording.can_change_address": lambda w, r: recording.can_change_address(w, r.world.csc_child),
}

NOT_CASEWORK_WRITES = {
    # Reads, and what a page shows.
    **dict.fromkeys(
        (
            "policies.can_view_person",
            "policies.can_view_context",
            "policies.can_view_incident",
            "policies.can_view_audit",
            "policies.can_read_audit_values",
            "policies.can_view_linked_cases_of",
            "policies.can_view_borough_links",
            "meetings.can_read_minutes",
            "meetings.can_read_intervention",
            "panel_meetings.can_view_panel",
            "panel_meetings.can_read_discussion",
            "panel_meetings.can_see_item",
            "notes.can_read_notes_on",
            "notes.can_print_chronology",
            "context_cases.can_view_assessment",
        ),
        "a read",
    ),
    # Asked only after a write's own predicate, which refuses a chair first.
    "policies.can_name_people": "asked with the write that names (can_record_about_person...)",
    "policies.can_edit_context": "asked only through places.edits_place (does_place_work)",
    "policies.can_restrict_incident": "a flag on an incident form can_record_incident gates",
    "policies.can_allocate": "the holder is checked by transfers.holds_cases (no chair holds)",
    "recording.may_hold": "asked after can_record_person",
    "meetings.can_name_in_intervention": "asked after can_add_intervention",
    "meetings.can_name_group_in_intervention": "asked after can_add_intervention",
    "meetings.writes_forum_record": "the IT administrator's rule, asked beside does_casework",
    "context_cases.can_be_asked_to_sign_off": "eligible_managers asks for the case's team",
    "context_cases.can_land_action": "asked after the forum's own: a chair agrees a panel's "
    "actions only on a panel they chair (panel_meetings.can_add_action)",
    "policies.can_answer_identifier_query": "routed to a named manager or the data team",
    "policies.can_manage_workers": "administrators only",
    "policies.can_review_links_of": "a manager's review of their own team's caseload links",
    # What a chair keeps (RULES.md, "Independent reviewing services").
    "context_cases.can_chair": "chairing is their work",
    "context_cases.can_record_conference": "the conference they chair",
    "context_cases.can_refer": "referring a concern stays theirs",
    "context_cases.can_withdraw_referral": "their own referral",
    "context_cases.can_reassign_sign_off": "only one asked of them or that they asked",
    "meetings.can_confirm_attendance": "they may be invited, and confirm they attended",
    "panel_meetings.may_attend": "they may be on a panel's list and chair it",
}


def _predicates() -> set[str]:
    return {
        f"{module.__name__.rsplit('.', 1)[1]}.{name}"
        for module in RULE_MODULES
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and name.startswith(("can_", "may_", "does_", "owns_", "writes_", "calls_"))
    }


def test_every_predicate_is_classified() -> None:
    assert not set(WRITES) & set(NOT_CASEWORK_WRITES)
    assert _predicates() == set(WRITES) | set(NOT_CASEWORK_WRITES)


def _records(world: World, chair: Worker) -> Records:
    """A held mapping meeting and a held panel the chair attended (not organising either),
    a case whose conference they do not chair, with a plan and an action, an association
    between two children's social care children, and a note on one of them."""
    meeting = mapping.schedule(world, mapping.propose(world))
    meeting_invite(actor=world.social_worker, meeting=meeting, worker=chair)
    meeting = mapping.hold(world, meeting)
    mapping.add_intervention(world, meeting)
    panel = panels.hold(world, panels.with_agenda(world, attendees=[chair]))
    association = mapping.associate(world, world.csc_child, world.team_child)
    case = cases.active_case(world)
    # One action the partner delivers, one children's social care (the chairs' agency) does.
    cases.add_action(world, case.plan, agency=world.csc, owner=world.social_worker)
    return Records(
        world,
        meeting,
        panel,
        case,
        association,
        write(world.social_worker, world.csc_child),
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_casework_write_refuses_a_chair_at_agency_scope(world: World, role: str) -> None:
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    chair = make_worker(world.system, team=unit, role=role, scope=Scope.AGENCY)
    records = _records(world, chair)
    allowed = [name for name, asks in WRITES.items() if asks(chair, records)]
    assert allowed == []
