"""An independent reviewing service (conference chairs and their manager) chairs and reviews,
and does nothing else in casework (RULES.md): what its staff may no longer write, and what
they still read and chair.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import context_cases, documents, policies, rectification, safety
from locus.access import groups as group_rules
from locus.access import meetings as meeting_rules
from locus.access import notes as note_rules
from locus.access import panel_meetings as panel_rules
from locus.access import places as place_rules
from locus.access.models import Role, Scope, Worker
from locus.access.services import team_create
from locus.casework import services as casework
from locus.casework.models import PlanReview
from locus.common import clock
from locus.common.errors import NotPermitted
from locus.documents.models import Document
from locus.mapping.models import Decision, Intervention, Meeting
from locus.mapping.services import decision_add, meeting_invite
from locus.notes.models import CaseNote
from locus.panels.models import PanelAction, PanelMeeting
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


def test_a_chair_writes_notes_only_on_the_case_whose_conference_they_chair(
    world: World,
) -> None:
    chair = chair_of(world, Role.PRACTITIONER)
    manager = make_worker(world.system, team=chair.team, role=Role.MANAGER, scope=Scope.TEAM)
    chaired = assessed_case(world)
    casework.conference_schedule(
        actor=world.social_worker,
        conference=conference_of(chaired),
        when=clock.now(),
        location="Hackney Service Centre, room 2",
        chair=chair,
    )
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
