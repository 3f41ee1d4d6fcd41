"""Incidents and involvements: roles kept distinct, refusals, audit, atomicity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from locus.access import policies
from locus.audit.models import ChangeAction, ChangeEvent
from locus.common import clock
from locus.common import services as common_services
from locus.common.errors import NotPermitted, ValidationFailed
from locus.incidents.models import Incident, IncidentKind, Involvement, InvolvementRole
from locus.incidents.services import incident_record, involvement_add
from locus.places.models import ContextKind
from tests.factories import (
    World,
    changes_for,
    last_change,
    make_context,
    make_person,
    nothing_written,
    past_moment,
)

HARMED = InvolvementRole.HARMED
HARMING = InvolvementRole.HARMING
PRESENT = InvolvementRole.PRESENT
REPORTER = InvolvementRole.REPORTER
MISSING = InvolvementRole.MISSING


def _record(world: World, **fields: Any) -> Incident:
    values: dict[str, Any] = {
        "actor": world.police_analyst,
        "kind": IncidentKind.ROBBERY,
        "occurred_at": past_moment(3),
        "context": world.park,
        "summary": "  Phone taken by two older boys.  ",
        "involvements": [(world.police_child, HARMED)],
        "source": "police",
        "confidence": "high",
    }
    values.update(fields)
    return incident_record(**values)


def test_incident_record_writes_incident_involvements_and_their_audit(world: World) -> None:
    witness = make_person(world.police_analyst, given_name="Wren")  # police recorded: police see
    incident = _record(
        world,
        involvements=[
            (world.police_child, HARMED),
            (world.adult, HARMING),
            (witness, PRESENT),
        ],
    )
    assert incident.reporting_agency == world.police  # the actor's agency by default
    assert incident.recorded_by == world.police_analyst
    assert incident.summary == "Phone taken by two older boys."
    roles = set(incident.involvements.values_list("person_id", "role"))
    assert roles == {
        (world.police_child.pk, HARMED),
        (world.adult.pk, HARMING),
        (witness.pk, PRESENT),
    }

    event = last_change(incident)
    assert (event.actor, event.action, event.record_type, event.record_id) == (
        world.police_analyst,
        ChangeAction.CREATE,
        "incidents.incident",
        str(incident.pk),
    )
    assert event.after["kind"] == "robbery"
    assert event.after["context_id"] == world.park.pk
    assert event.after["reporting_agency_id"] == world.police.pk
    assert (event.after["source"], event.after["confidence"]) == ("police", "high")
    for involvement in incident.involvements.all():
        event = last_change(involvement)
        assert (event.actor, event.action, event.record_type) == (
            world.police_analyst,
            ChangeAction.CREATE,
            "incidents.involvement",
        )
        assert event.after == {
            "incident_id": incident.pk,
            "person_id": involvement.person_id,
            "role": involvement.role,
            "reason": "",
            "removed_at": None,
            "removed_by_id": None,
            "removal_reason": "",
        }


def test_a_person_may_be_harmed_and_harming_in_one_incident_and_both_are_kept(
    world: World,
) -> None:
    incident = _record(
        world,
        kind=IncidentKind.PEER_PHYSICAL,
        involvements=[(world.police_child, HARMED), (world.police_child, HARMING)],
    )
    assert sorted(incident.involvements.values_list("role", flat=True)) == [HARMED, HARMING]


def test_a_missing_episode_names_who_went_missing(world: World) -> None:
    incident = _record(
        world,
        kind=IncidentKind.MISSING,
        involvements=[(world.police_child, MISSING), (world.adult, REPORTER)],
    )
    assert incident.involvements.get(role=MISSING).person == world.police_child


def test_incident_record_for_another_reporting_agency(world: World) -> None:
    incident = _record(world, actor=world.system, reporting_agency=world.yjs)
    assert incident.reporting_agency == world.yjs


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param(
            {"involvements": "present-only"},
            "involvements",
            "Name at least one person harmed",
            id="no-harmed-party",
        ),
        pytest.param(
            {"involvements": []},
            "involvements",
            "Name at least one person harmed",
            id="nobody-involved",
        ),
        pytest.param(
            {"kind": IncidentKind.MISSING, "involvements": "reporter-only"},
            "involvements",
            "Name the young person who went missing",
            id="missing-without-missing-person",
        ),
        pytest.param(
            {"involvements": "harmed-and-missing"},
            "involvements",
            "Only a missing episode has someone who went missing",
            id="missing-role-outside-missing-episode",
        ),
        pytest.param(
            {"involvements": "harmed-and-bystander"},
            "involvements",
            "Unknown role 'bystander'",
            id="unknown-involvement-role",
        ),
        pytest.param(
            {"involvements": "harmed-twice"},
            "involvements",
            "is named twice as harmed",
            id="same-person-same-role-twice",
        ),
        pytest.param(
            {"occurred_at": "future"},
            "occurred_at",
            "An incident cannot be in the future",
            id="in-the-future",
        ),
        pytest.param(
            {"occurred_at": dt.datetime(2025, 10, 1, 21, 30)},
            "occurred_at",
            "The time must carry its time zone",
            id="naive-time",
        ),
        pytest.param({"occurred_at": None}, "occurred_at", "Enter when it happened", id="no-time"),
        pytest.param({"kind": "riot"}, "kind", "Unknown kind of incident: 'riot'", id="kind"),
        pytest.param(
            {"context": None},
            "context",
            "Say where it happened (only a missing episode may be recorded without a place)",
            id="no-context",
        ),
        pytest.param({"summary": "   "}, "summary", "Enter a summary", id="no-summary"),
    ],
)
def test_incident_record_refuses_bad_input(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    child, adult = world.police_child, world.adult
    named = {
        "present-only": [(child, PRESENT)],
        "reporter-only": [(adult, REPORTER)],
        "harmed-and-missing": [(child, HARMED), (adult, MISSING)],
        "harmed-and-bystander": [(child, HARMED), (adult, "bystander")],
        "harmed-twice": [(child, HARMED), (child, HARMED)],
    }
    fields = dict(fields)
    if isinstance(fields.get("involvements"), str):
        fields["involvements"] = named[fields["involvements"]]
    if fields.get("occurred_at") == "future":
        fields["occurred_at"] = clock.now() + dt.timedelta(hours=1)
    with nothing_written(Incident, Involvement), pytest.raises(ValidationFailed) as exc:
        _record(world, **fields)
    assert list(exc.value.errors) == [field]
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors


def test_incident_record_needs_a_reporting_agency(world: World) -> None:
    # The system account belongs to no team, so it must say who is reporting.
    with nothing_written(Incident, Involvement), pytest.raises(ValidationFailed) as exc:
        _record(world, actor=world.system)
    assert exc.value.errors == {"reporting_agency": ["Say which agency is reporting it"]}


def test_auditor_cannot_record_an_incident(world: World) -> None:
    with nothing_written(Incident, Involvement), pytest.raises(NotPermitted):
        _record(world, actor=world.auditor)


@pytest.mark.django_db(transaction=True)
def test_incident_record_is_all_or_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the first write (the incident and its audit row) leaves nothing.

    Runs with real transactions, so the service's atomic block is the outermost
    one and its rollback is the one that counts.
    """
    assert not connection.in_atomic_block
    # The service writes each row through common.services.create_audited, which audits it.
    real_record_change = common_services.record_change
    calls = []

    def failing_on_second_call(**kwargs: Any) -> ChangeEvent:
        calls.append(kwargs["obj"])
        if len(calls) == 2:
            raise RuntimeError("audit store unavailable")
        return real_record_change(**kwargs)

    monkeypatch.setattr(common_services, "record_change", failing_on_second_call)
    with nothing_written(Incident, Involvement), pytest.raises(RuntimeError):
        _record(world, involvements=[(world.police_child, HARMED), (world.adult, HARMING)])
    assert isinstance(calls[0], Incident)  # the incident had been written and audited
    assert isinstance(calls[1], Involvement)  # ...and its first involvement row
    assert not Incident.objects.filter(pk=calls[0].pk).exists()


# --- involvement_add ------------------------------------------------------------------------


def test_involvement_add(world: World) -> None:
    incident = world.police_incident
    involvement = involvement_add(
        actor=world.police_analyst,
        incident=incident,
        person=world.adult,
        role=PRESENT,
        reason="Seen on the CCTV later",
    )
    event = last_change(involvement)
    assert (event.actor, event.action, event.after) == (
        world.police_analyst,
        ChangeAction.CREATE,
        {
            "incident_id": incident.pk,
            "person_id": world.adult.pk,
            "role": PRESENT,
            "reason": "Seen on the CCTV later",
            "removed_at": None,
            "removed_by_id": None,
            "removal_reason": "",
        },
    )


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("bystander", "Unknown role 'bystander'"),
        (MISSING, "Only a missing episode has someone who went missing"),
    ],
)
def test_involvement_add_refuses_a_bad_role(world: World, role: str, message: str) -> None:
    with nothing_written(Involvement), pytest.raises(ValidationFailed) as exc:
        involvement_add(
            actor=world.police_analyst,
            incident=world.police_incident,
            person=world.adult,
            role=role,
            reason="Seen on the CCTV later",
        )
    assert exc.value.errors == {"role": [message]}


def test_involvement_add_refuses_the_same_role_twice(world: World) -> None:
    with nothing_written(Involvement), pytest.raises(ValidationFailed) as exc:
        involvement_add(
            actor=world.police_analyst,
            incident=world.police_incident,
            person=world.police_child,
            role=HARMED,
            reason="Seen on the CCTV later",
        )
    assert "person" in exc.value.errors
    assert "already recorded in this role" in exc.value.errors["person"][0]


@pytest.mark.parametrize("persona", ["social_worker", "school_dsl", "yjs_worker", "auditor"])
def test_involvement_add_needs_the_reporting_agency(world: World, persona: str) -> None:
    with nothing_written(Involvement), pytest.raises(NotPermitted):
        involvement_add(
            actor=world.persona(persona),
            incident=world.police_incident,
            person=world.police_child,
            role=PRESENT,
            reason="Seen on the CCTV later",
        )


@pytest.mark.parametrize("service", ["incident_record", "involvement_add"])
def test_naming_a_child_in_an_incident_does_not_reveal_them(world: World, service: str) -> None:
    """Naming someone in a police incident gives police sight of them (scopes'
    agency-incident grant), so only people the recorder already sees may be named."""
    analyst, child = world.police_analyst, world.csc_child
    assert not policies.can_view_person(analyst, child)
    with nothing_written(Incident, Involvement), pytest.raises(NotPermitted):
        if service == "incident_record":
            _record(world, involvements=[(child, HARMED)])
        else:
            involvement_add(
                actor=analyst,
                incident=world.police_incident,
                person=child,
                role=PRESENT,
                reason="Seen on the CCTV later",
            )
    assert not policies.can_view_person(analyst, child)


@pytest.mark.parametrize("kind", [ContextKind.HOME, ContextKind.PEER_GROUP])
def test_an_incident_cannot_be_placed_in_a_context_the_worker_cannot_see(
    world: World, kind: str
) -> None:
    hidden = make_context(world.system, kind=kind)
    assert not policies.can_view_context(world.police_analyst, hidden)
    with nothing_written(Incident, Involvement), pytest.raises(NotPermitted):
        _record(world, context=hidden)
    assert not policies.can_view_context(world.police_analyst, hidden)


def test_an_administrator_may_name_anyone(world: World) -> None:
    incident = _record(
        world,
        actor=world.admin,
        reporting_agency=world.csc,
        involvements=[(world.csc_child, HARMED), (world.pupil, PRESENT)],
    )
    assert incident.involvements.count() == 2


def test_a_practitioner_may_name_a_person_they_recorded(world: World) -> None:
    newcomer = make_person(world.yjs_worker, given_name="Nia")
    incident = _record(
        world,
        actor=world.yjs_worker,
        involvements=[(world.yjs_child, HARMED), (newcomer, HARMING)],
    )
    assert incident.reporting_agency == world.yjs
    assert policies.can_view_incident(world.yjs_worker, incident)
    assert policies.can_edit_incident(world.yjs_worker, incident)


def test_each_write_is_audited_once(world: World) -> None:
    before = ChangeEvent.objects.count()
    incident = _record(world, involvements=[(world.police_child, HARMED), (world.adult, HARMING)])
    assert ChangeEvent.objects.count() == before + 3
    assert len(changes_for(incident)) == 1


def test_incident_record_refuses_a_field_incidents_do_not_have(world: World) -> None:
    """A misspelt field is the caller's mistake, caught before anything is written."""
    with nothing_written(Incident), pytest.raises(TypeError, match=r"unknown fields: \['sumary'\]"):
        _record(world, sumary="Phone taken.")
