"""The trail in the practice's words: each kind of record said once, names only to
those who may see them, any other record type still readable, and a page's worth
described with one query per kind of record."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models, transaction

from locus.access.fields import WITHHELD
from locus.access.models import Role, Worker
from locus.audit.describe import KINDS, describe, field_label, kind_of
from locus.audit.models import AccessAction, AccessEvent, ChangeAction, ChangeEvent
from locus.audit.services import record_access, record_change, snapshot
from locus.casework.models import ContextPlan
from locus.panels.models import PanelMeeting
from tests.casework.helpers import open_case
from tests.factories import World, last_change, make_association, make_worker
from tests.mapping.helpers import propose
from tests.panels.helpers import set_up

pytestmark = pytest.mark.django_db


def said(event: AccessEvent | ChangeEvent, viewer: Any) -> str:
    (row,) = describe([event], viewer=viewer)
    return row.description


def changed(actor: Any, obj: models.Model, **after: Any) -> ChangeEvent:
    """An update of ``obj``'s fields, audited as a service would."""
    before = snapshot(obj)
    with transaction.atomic():
        return record_change(
            actor=actor,
            action=ChangeAction.UPDATE,
            obj=obj,
            before=before,
            after={**before, **after},
        )


# --- people: named to whoever may see them, otherwise by id ---------------------------------


def test_a_read_of_a_child_names_the_child_only_to_a_viewer_who_may_see_them(
    world: World,
) -> None:
    child = world.csc_child
    event = record_access(actor=world.social_worker, obj=child, detail={"page": "peers"})
    assert said(event, world.admin) == "Read the record of Ciara Cscchild (peers page)"
    assert said(event, world.auditor) == f"Read the record of person #{child.pk} (peers page)"


def test_a_change_to_a_child_says_which_fields_in_words_and_values_only_to_administrators(
    world: World,
) -> None:
    event = changed(world.social_worker, world.csc_child, known_as="Ci")
    (row,) = describe([event], viewer=world.auditor)
    assert row.action == "Changed"
    assert row.record == f"record of person #{world.csc_child.pk}"
    assert row.fields == ["known as"]
    assert row.changes == []  # values are case records
    (admin_row,) = describe([event], viewer=world.admin)
    assert admin_row.changes == [("known as", "", "Ci")]
    assert admin_row.description == "Changed the record of Ciara Cscchild; changed: known as"


def test_a_child_s_allocation_is_told_about_the_child(world: World) -> None:
    event = last_change(world.csc_child.allocations.get())
    assert said(event, world.admin) == "Recorded the allocation of Ciara Cscchild"
    assert said(event, world.auditor) == f"Recorded the allocation of person #{world.csc_child.pk}"


# --- peers, incidents, contexts ----------------------------------------------------------


def test_an_association_is_told_about_the_person_it_is_recorded_on(world: World) -> None:
    association = make_association(world.system, person=world.csc_child, other=world.yjs_child)
    event = last_change(association)
    assert said(event, world.admin) == "Recorded the association of Ciara Cscchild"
    assert "Ciara" not in said(event, world.auditor)


def test_public_places_are_named_and_homes_and_groups_are_not(world: World) -> None:
    park = record_access(actor=world.social_worker, obj=world.park)
    home = record_access(actor=world.social_worker, obj=world.home)
    group = record_access(actor=world.social_worker, obj=world.group)
    assert said(park, world.auditor) == "Read the record of Millfields Park"
    assert said(home, world.auditor) == f"Read the record of a home (#{world.home.pk})"
    assert said(group, world.auditor) == f"Read the record of a peer group (#{world.group.pk})"
    assert said(home, world.admin) == "Read the record of Flat 3, Example House"


def test_an_incident_is_told_by_where_it_happened(world: World) -> None:
    event = record_access(actor=world.police_analyst, obj=world.police_incident)
    assert said(event, world.auditor) == "Read the incident at Millfields Park"
    involvement = world.police_incident.involvements.get(person=world.police_child)
    text = said(last_change(involvement), world.auditor)
    assert text == f"Recorded the involvement of person #{world.police_child.pk} in an incident"


# --- casework, co-case, panels, access ---------------------------------------------------


def test_context_casework_speaks_of_the_context(world: World) -> None:
    case = open_case(world)
    event = changed(world.team_manager, case, closure_requested_by_id=world.social_worker.pk)
    assert said(event, world.auditor) == (
        "Changed the context case for Mare Street Centre; changed: closure requested by"
    )
    plan = ContextPlan(case=case)
    plan.pk = 4242  # a plan since removed is still said by its kind and id
    read_gone = record_access(actor=world.social_worker, obj=plan)
    assert said(read_gone, world.auditor) == "Read the context plan #4242"


def test_a_context_plan_is_the_plan_for_its_context(world: World) -> None:
    from tests.casework.helpers import planned_case

    plan = planned_case(world).plan
    event = record_access(actor=world.social_worker, obj=plan, detail={"people_shown": []})
    assert said(event, world.auditor) == "Read the context plan for Mare Street Centre: 0 shown"


def test_a_mapping_meeting_names_its_group_only_to_who_may_see_it(world: World) -> None:
    meeting = propose(world)
    event = record_access(actor=world.social_worker, obj=meeting)
    assert said(event, world.auditor) == (
        f"Read the mapping meeting about a peer group (#{world.group.pk})"
    )
    assert said(event, world.admin) == "Read the mapping meeting about Millfields group"
    child = meeting.children.get(person=world.csc_child)
    assert said(last_change(child), world.auditor) == (
        f"Recorded the person #{world.csc_child.pk} at a mapping meeting"
    )


def test_a_panel_meeting_is_its_kind_and_day(world: World) -> None:
    meeting: PanelMeeting = set_up(world)
    event = record_access(actor=world.social_worker, obj=meeting)
    assert said(event, world.auditor) == f"Read the MACE panel of {meeting.meets_on:%-d %B %Y}"


def test_worker_accounts_are_named(world: World) -> None:
    event = changed(world.admin, world.social_worker, is_active=False)
    assert said(event, world.auditor) == (
        "Changed the worker account of Test social_worker; changed: active"
    )


# --- anything else still reads --------------------------------------------------------------


def test_an_unknown_action_or_record_type_reads_acceptably(world: World) -> None:
    odd = AccessEvent.objects.create(
        actor=world.social_worker,
        at=world.csc_child.created_at,
        action="ask_access",  # an action the describer does not know (fits the column)
        record_type="access.identifierquery",
        record_id="5",
    )
    assert said(odd, world.auditor) == "Ask access the identifierquery #5"
    # A model nobody described: its verbose name, and the person it points at.
    assert kind_of("casework.thresholdlevel").noun == "threshold level"
    assert field_label("access.somethingnew", "held_by_id") == "held by"


def test_a_model_the_describer_does_not_list_is_told_by_the_person_it_points_at(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from locus.audit import describe as module

    monkeypatch.delitem(module.KINDS, "people.allocation")
    event = last_change(world.csc_child.allocations.get())
    assert said(event, world.admin) == "Recorded the allocation for Ciara Cscchild"


def test_a_search_counts_what_it_showed_and_hides_search_terms_from_administrators(
    world: World,
) -> None:
    event = record_access(
        actor=world.social_worker,
        record_type="people.person",
        action=AccessAction.SEARCH,
        detail={"q": "Ciara", "shown": [world.csc_child.pk]},
    )
    assert said(event, world.auditor) == "Searched people: 1 shown (details: q Ciara)"
    assert said(event, world.admin) == (
        "Searched people: 1 shown (details: q; search text not shared with your role)"
    )


# --- a page's worth, with one query per kind of record ----------------------------------------


def test_describing_fifty_events_takes_one_query_per_kind_of_record(
    world: World, django_assert_num_queries: Any
) -> None:
    kinds = ["people.person", "places.context", "incidents.incident", "people.allocation"]
    objs = {
        "people.person": [world.csc_child, world.yjs_child, world.pupil],
        "places.context": [world.park, world.home, world.group],
        "incidents.incident": [world.police_incident, world.csc_incident],
        "people.allocation": list(world.csc_child.allocations.all()),
    }
    events = []
    for i in range(50):
        label = kinds[i % len(kinds)]
        pool = objs[label]
        events.append(record_access(actor=world.social_worker, obj=pool[i % len(pool)]))
    events = list(AccessEvent.objects.select_related("actor").filter(pk__in=[e.pk for e in events]))
    for viewer in (world.auditor, world.admin):
        with django_assert_num_queries(len(kinds)):
            rows = describe(events, viewer=viewer)
        assert len(rows) == 50


def test_an_administrator_reads_only_their_row_s_values_superuser_or_not(
    world: World,
) -> None:
    # The field table's administrator row has no ethnicity or home address: the trail does
    # not show them either, whatever Django's superuser flag says.
    clerk = make_worker(world.system, team=None, role=Role.ADMINISTRATOR, username="clerk")
    Worker.objects.filter(pk=clerk.pk).update(is_superuser=False)  # as the admin's form may
    clerk.refresh_from_db()
    event = changed(world.social_worker, world.csc_child, ethnicity="WBRI", known_as="Ci")
    (row,) = describe([event], viewer=clerk)
    values = {label: after for label, _before, after in row.changes}
    assert values["known as"] == "Ci"
    assert values["ethnicity"] == WITHHELD
    assert world.admin.is_superuser
    (also,) = describe([event], viewer=world.admin)
    values = {label: after for label, _b, after in also.changes}
    assert values["known as"] == "Ci" and values["ethnicity"] == WITHHELD


@pytest.mark.parametrize("label", sorted(label for label, kind in KINDS.items() if kind.about))
def test_each_kind_names_what_it_is_about_by_a_path_its_model_has(label: str) -> None:
    """The trail tells a row by the record it is about (a field path from the row's model);
    a path a model no longer has (a field renamed) would fail the trail's page for everyone
    the moment such a row is shown. (Record types that are not models, such as a cluster
    of linked cases, name no such path.)"""
    model = apps.get_model(label)
    for path in KINDS[label].about:
        current: Any = model
        for name in path.split("__"):
            field = current._meta.get_field(name)  # raises FieldDoesNotExist
            current = field.related_model or current


# --- logged filters read in one order, whatever the database kept ---------------------------


def test_logged_filters_read_in_one_order_whatever_order_the_database_kept(
    world: World,
) -> None:
    """PostgreSQL's JSON keeps an object's keys by length, SQLite as they were written: the
    trail's line for a read of the trail, an export or a search read differently on the two
    (CI on PostgreSQL read "filters show reads, worker ..." where SQLite read "worker ...,
    show reads"). Now the words come out in one declared order whatever order was kept."""
    trail = {"show": "reads", "worker": "sw", "record type": "places.context", "record id": "7"}
    export = {"status": "open", "q": "flats", "mine": "on", "kind": "home", "age_from": "12"}
    search = {"q": "Ciara", "date_of_birth": "2012-01-01", "family_name": "Smith"}
    for keys in (trail, export, search):
        lines = set()
        for order in (list(keys), sorted(keys), sorted(keys, key=len), list(reversed(keys))):
            detail = {k: keys[k] for k in order}
            events = [
                record_access(actor=world.admin, record_type="audit.trail", detail=detail),
                record_access(
                    actor=world.admin,
                    record_type="audit.trail",
                    action=AccessAction.EXPORT,
                    detail={"rows": 1, "filters": detail, "shown": ["1"]},
                ),
                record_access(
                    actor=world.admin,
                    record_type="people.person",
                    action=AccessAction.SEARCH,
                    detail={**detail, "shown": []},
                ),
            ]
            lines.add(tuple(row.description for row in describe(events, viewer=world.admin)))
        assert len(lines) == 1, lines
    (first,) = describe(
        [
            record_access(
                actor=world.admin, record_type="audit.trail", detail=dict(reversed(trail.items()))
            )
        ],
        viewer=world.admin,
    )
    # The trail's own filters read in its form's order, which list first.
    assert first.description == (
        "Read the audit trail with filters show reads, worker sw, record type places.context, "
        "record id 7"
    )
