"""Provenance and restriction on recording; amending with history; adding and removing people."""

from __future__ import annotations

from typing import Any

import pytest

from locus.access import policies
from locus.access.selectors import withhold_unseen_places
from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.incidents.models import (
    Incident,
    IncidentKind,
    IncidentRevision,
    Involvement,
    InvolvementRole,
)
from locus.incidents.services import (
    PLACE_KEPT,
    incident_amend,
    incident_record,
    involvement_add,
    involvement_remove,
)
from locus.places.models import ContextKind
from tests.factories import (
    World,
    last_change,
    make_context,
    make_incident,
    nothing_written,
    past_moment,
)

HARMED, HARMING, PRESENT = InvolvementRole.HARMED, InvolvementRole.HARMING, InvolvementRole.PRESENT


def _record(world: World, **fields: Any) -> Incident:
    values: dict[str, Any] = {
        "actor": world.police_analyst,
        "kind": "robbery",
        "occurred_at": past_moment(3),
        "context": world.park,
        "summary": "Phone taken by two older boys.",
        "involvements": [(world.police_child, HARMED), (world.adult, HARMING)],
        "source": "police",
        "confidence": "medium",
    }
    values.update(fields)
    return incident_record(**values)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"source": ""}, "source", "Say where this information came from"),
        ({"source": "rumour"}, "source", "Say where this information came from"),
        ({"confidence": ""}, "confidence", "Say how sure you are"),
        ({"involvements": []}, "involvements", "Name at least one person involved"),
    ],
)
def test_recording_needs_provenance_and_someone_involved(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    with nothing_written(Incident, Involvement), pytest.raises(ValidationFailed) as exc:
        _record(world, **fields)
    assert message in exc.value.errors[field]


def test_only_police_intelligence_may_be_restricted(world: World) -> None:
    with nothing_written(Incident, Involvement), pytest.raises(ValidationFailed) as exc:
        _record(
            world,
            actor=world.social_worker,
            involvements=[(world.csc_child, HARMED)],
            restricted=True,
        )
    assert exc.value.errors == {"restricted": ["Only police intelligence can be restricted"]}
    assert _record(world, restricted=True).restricted


def test_amend_keeps_the_version_before_and_audits_both(world: World) -> None:
    incident = _record(world)
    before = {
        "summary": incident.summary,
        "kind": incident.kind,
        "occurred_at": incident.occurred_at,
    }
    amended = incident_amend(
        actor=world.police_analyst,
        incident=incident,
        reason="  The victim's statement corrected the time  ",
        summary="Phone and bank card taken by two older boys.",
        confidence="high",
    )
    amended.refresh_from_db()
    assert (amended.summary, amended.confidence) == (
        "Phone and bank card taken by two older boys.",
        "high",
    )
    revision = IncidentRevision.objects.get(incident=incident)
    assert revision.reason == "The victim's statement corrected the time"
    assert revision.revised_by == world.police_analyst
    assert (revision.summary, revision.kind, revision.occurred_at) == tuple(before.values())
    assert revision.confidence == "medium"
    event = last_change(incident)
    assert event.action == ChangeAction.UPDATE
    assert event.before["summary"] == before["summary"]
    assert event.after["confidence"] == "high"
    assert last_change(revision).action == ChangeAction.CREATE


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": "", "summary": "New"}, "reason", "Say why you are amending it"),
        ({"reason": "Typo", "summary": "  "}, "summary", "Enter a summary"),
        ({"reason": "Typo", "source": "rumour"}, "source", "Say where this information came from"),
        ({"reason": "Typo", "kind": "gossip"}, "kind", "Unknown kind of incident: 'gossip'"),
        ({"reason": "Typo", "occurred_at": None}, "occurred_at", "Enter when it happened"),
        ({"reason": "Typo"}, "__all__", "Nothing was changed"),
    ],
)
def test_amend_refuses_bad_input_and_writes_nothing(
    world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    incident = world.police_incident
    with nothing_written(Incident, IncidentRevision), pytest.raises(ValidationFailed) as exc:
        incident_amend(actor=world.police_analyst, incident=incident, **changes)
    assert message in exc.value.errors[field]
    incident.refresh_from_db()
    assert incident.summary == "A synthetic incident for tests."


def test_amend_cannot_restrict_another_agency_s_incident(world: World) -> None:
    with nothing_written(Incident, IncidentRevision), pytest.raises(ValidationFailed) as exc:
        incident_amend(
            actor=world.other_social_worker,
            incident=world.csc_incident,
            reason="Sensitive",
            restricted=True,
        )
    assert exc.value.errors == {"restricted": ["Only police intelligence can be restricted"]}


def test_amend_cannot_move_an_incident_to_a_place_the_worker_cannot_see(world: World) -> None:
    hidden = make_context(world.social_worker, kind=ContextKind.HOME, name="A family's home")
    with nothing_written(Incident, IncidentRevision), pytest.raises(NotPermitted):
        incident_amend(
            actor=world.police_analyst,
            incident=world.police_incident,
            reason="Wrong place",
            context=hidden,
        )


def _at_the_home(world: World) -> Incident:
    """A police missing episode at the home, which the police analyst may not see."""
    incident = make_incident(
        world.system,
        context=world.home,
        kind=IncidentKind.MISSING,
        reporting_agency=world.police,
        involvements=[(world.police_child, InvolvementRole.MISSING)],
    )
    assert not policies.can_view_context(world.police_analyst, world.home)
    return incident


@pytest.mark.parametrize("elsewhere", [None, "park"])
def test_amend_cannot_move_an_incident_away_from_a_home_the_worker_cannot_see(
    world: World, elsewhere: str | None
) -> None:
    """Where it happened is a home the analyst was never shown: they may not take the
    incident away from it (to no place, or to a place they see) any more than onto it."""
    incident = _at_the_home(world)
    place = getattr(world, elsewhere) if elsewhere else None
    with nothing_written(Incident, IncidentRevision), pytest.raises(ValidationFailed) as exc:
        incident_amend(
            actor=world.police_analyst, incident=incident, reason="Wrong place", context=place
        )
    assert exc.value.errors == {"context": [PLACE_KEPT]}
    incident.refresh_from_db()
    assert incident.context_id == world.home.pk


def test_amend_keeps_a_withheld_home_read_for_the_page(world: World) -> None:
    """An incident read for a page has its withheld home blanked: amending it corrects
    what was asked and keeps the home, in the incident and in the version kept."""
    incident = _at_the_home(world)
    withhold_unseen_places(world.police_analyst, [incident])
    assert incident.context is None and incident.place_withheld
    incident_amend(
        actor=world.police_analyst, incident=incident, reason="Typo", summary="Corrected"
    )
    incident.refresh_from_db()
    assert (incident.summary, incident.context_id) == ("Corrected", world.home.pk)
    assert IncidentRevision.objects.get(incident=incident).context_id == world.home.pk


def test_amend_refuses_an_unknown_field(world: World) -> None:
    with pytest.raises(TypeError):
        incident_amend(
            actor=world.police_analyst,
            incident=world.police_incident,
            reason="x",
            reporting_agency=world.yjs,
        )


def test_removing_someone_keeps_them_in_history_and_out_of_every_read(world: World) -> None:
    incident = world.police_incident
    involvement = incident.involvements.get(role=HARMING)
    involvement_remove(actor=world.police_analyst, involvement=involvement, reason="Named in error")
    kept = Involvement.with_removed.get(pk=involvement.pk)
    assert (kept.removed_by, kept.removal_reason) == (world.police_analyst, "Named in error")
    assert kept.removed_at is not None
    assert not incident.involvements.filter(pk=involvement.pk).exists()
    assert not Involvement.objects.filter(pk=involvement.pk).exists()
    assert last_change(kept).action == ChangeAction.END
    # The police saw the adult only through this incident: removing them ends that sight.
    assert not policies.can_view_person(world.police_analyst, world.adult)


def test_a_removed_role_may_be_recorded_again_beside_its_history(world: World) -> None:
    incident = world.police_incident
    child = world.police_child

    def add() -> Involvement:
        return involvement_add(
            actor=world.police_analyst, incident=incident, person=child, role=PRESENT, reason="CCTV"
        )

    involvement_remove(actor=world.police_analyst, involvement=add(), reason="Wrong day")
    add()
    assert Involvement.with_removed.filter(incident=incident, role=PRESENT).count() == 2
    assert incident.involvements.filter(role=PRESENT).count() == 1


@pytest.mark.parametrize(
    ("reason", "role", "field", "message"),
    [
        ("", HARMING, "reason", "Say why you are removing them"),
        ("Error", HARMED, "involvement", "The incident must still name someone harmed"),
    ],
)
def test_remove_refuses_bad_input(
    world: World, reason: str, role: str, field: str, message: str
) -> None:
    involvement = world.police_incident.involvements.get(role=role)
    with nothing_written(Involvement), pytest.raises(ValidationFailed) as exc:
        involvement_remove(actor=world.police_analyst, involvement=involvement, reason=reason)
    assert any(m.startswith(message) for m in exc.value.errors[field])
    assert Involvement.objects.filter(pk=involvement.pk).exists()


def test_remove_refuses_what_is_already_removed(world: World) -> None:
    involvement = world.police_incident.involvements.get(role=HARMING)
    involvement_remove(actor=world.police_analyst, involvement=involvement, reason="Error")
    with pytest.raises(ValidationFailed) as exc:
        involvement_remove(actor=world.police_analyst, involvement=involvement, reason="Again")
    assert exc.value.errors == {"involvement": ["This was already removed"]}


def test_add_needs_a_reason(world: World) -> None:
    incident, analyst = world.police_incident, world.police_analyst
    with nothing_written(Involvement), pytest.raises(ValidationFailed) as exc:
        involvement_add(
            actor=analyst, incident=incident, person=world.adult, role=PRESENT, reason=" "
        )
    assert exc.value.errors == {"reason": ["Say why you are adding them"]}


@pytest.mark.parametrize("persona", ["social_worker", "school_dsl", "yjs_worker", "auditor"])
def test_only_the_reporting_agency_amends_or_removes(world: World, persona: str) -> None:
    incident = world.police_incident
    involvement = incident.involvements.get(role=HARMING)
    with nothing_written(Incident, IncidentRevision, Involvement):
        with pytest.raises(NotPermitted):
            incident_amend(actor=world.persona(persona), incident=incident, reason="x", summary="y")
        with pytest.raises(NotPermitted):
            involvement_remove(actor=world.persona(persona), involvement=involvement, reason="x")
