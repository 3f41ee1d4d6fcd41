"""Contexts and school rolls: happy paths, refusals, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from locus.access import policies
from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import today
from locus.places.models import Context, ContextKind, Enrolment, LeaveReason
from locus.places.services import (
    context_create,
    context_update,
    enrolment_create,
    enrolment_end,
    normalise_postcode,
)
from tests.factories import (
    START,
    World,
    last_change,
    make_context,
    make_person,
    nothing_written,
)

TOMORROW = today() + dt.timedelta(days=1)
NEXT_MONTH = today() + dt.timedelta(days=31)
EXCLUDED = LeaveReason.EXCLUDED


def test_context_create_writes_the_context_and_its_audit(world: World) -> None:
    context = context_create(
        actor=world.social_worker,
        kind=ContextKind.FOOD_OUTLET,
        name="  Chicken Cottage ",
        postcode="e8 1dy",
        latitude=51.5456,
        longitude=-0.0553,
        responsible_agency=world.partner,
    )
    context.refresh_from_db()
    assert (context.name, context.postcode) == ("Chicken Cottage", "E8 1DY")
    event = last_change(context)
    assert (event.actor, event.action, event.record_type, event.record_id) == (
        world.social_worker,
        ChangeAction.CREATE,
        "places.context",
        str(context.pk),
    )
    assert event.before == {}
    assert event.after["name"] == "Chicken Cottage"
    assert event.after["postcode"] == "E8 1DY"
    assert event.after["responsible_agency_id"] == world.partner.pk
    assert event.after["latitude"] == 51.5456


@pytest.mark.parametrize(
    ("typed", "stored"), [("e81dy", "E8 1DY"), ("N16 7UX", "N16 7UX"), ("sw1a1aa", "SW1A 1AA")]
)
def test_postcodes_are_stored_in_one_form(typed: str, stored: str) -> None:
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param({"kind": "nightclub"}, "kind", "Unknown kind of context", id="kind"),
        pytest.param({"name": "   "}, "name", "Enter the context's name", id="name"),
        pytest.param({"postcode": "E8"}, "postcode", "is not a UK postcode", id="postcode"),
        pytest.param(
            {"latitude": 51.5},
            "latitude",
            "Give both latitude and longitude, or neither",
            id="latitude-alone",
        ),
        pytest.param(
            {"latitude": 91.0, "longitude": 0.0},
            "latitude",
            "Latitude must be between -90 and 90",
            id="latitude-range",
        ),
        pytest.param(
            {"latitude": 0.0, "longitude": 181.0},
            "longitude",
            "Longitude must be between -180 and 180",
            id="longitude-range",
        ),
    ],
)
def test_context_create_refuses_bad_input(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {"kind": ContextKind.OPEN_SPACE, "name": "Somewhere"}
    values.update(fields)
    with nothing_written(Context), pytest.raises(ValidationFailed) as exc:
        context_create(actor=world.social_worker, **values)
    assert list(exc.value.errors) == [field]
    assert any(message in m for m in exc.value.errors[field]), exc.value.errors


def test_auditor_cannot_record_a_context(world: World) -> None:
    with nothing_written(Context), pytest.raises(NotPermitted):
        make_context(world.auditor)


def test_context_update_audits_only_the_changed_fields(world: World) -> None:
    park = world.park
    context_update(
        actor=world.social_worker, context=park, description="Grooming reported", postcode="e50ar"
    )
    park.refresh_from_db()
    assert (park.description, park.postcode) == ("Grooming reported", "E5 0AR")
    event = last_change(park)
    assert (event.actor, event.action) == (world.social_worker, ChangeAction.UPDATE)
    # A postcode given without a point places the context on the postcode's.
    assert event.before == {
        "description": "",
        "postcode": "",
        "latitude": None,
        "longitude": None,
    }
    assert event.after == {
        "description": "Grooming reported",
        "postcode": "E5 0AR",
        "latitude": 51.557103,
        "longitude": -0.044134,
    }


def test_context_update_refuses_bad_input_and_writes_nothing(world: World) -> None:
    with nothing_written(Context), pytest.raises(ValidationFailed) as exc:
        context_update(actor=world.admin, context=world.park, name="", kind="moon")
    assert set(exc.value.errors) == {"name", "kind"}
    world.park.refresh_from_db()
    assert world.park.name == "Millfields Park"


def test_context_update_refuses_an_unknown_field(world: World) -> None:
    with nothing_written(Context), pytest.raises(TypeError, match="created_at"):
        context_update(actor=world.social_worker, context=world.park, created_at=None)


@pytest.mark.parametrize(
    ("persona", "context"),
    [
        ("yjs_worker", "park"),  # sees it, but neither responsible nor CSC
        ("police_analyst", "park"),  # analysts do not edit contexts
        ("school_dsl", "shopping_centre"),  # another agency's place
        ("other_social_worker", "home"),  # CSC, but cannot see this home
        ("auditor", "park"),
    ],
)
def test_context_update_needs_permission(world: World, persona: str, context: str) -> None:
    target: Context = getattr(world, context)
    with nothing_written(Context), pytest.raises(NotPermitted):
        context_update(actor=world.persona(persona), context=target, description="Changed")
    target.refresh_from_db()
    assert target.description == ""


def test_the_responsible_agency_edits_its_context(world: World) -> None:
    context_update(actor=world.school_dsl, context=world.school, description="Two sites")
    assert last_change(world.school).actor == world.school_dsl


@pytest.mark.parametrize("kind", [ContextKind.HOME, ContextKind.PEER_GROUP])
def test_a_worker_sees_the_home_or_group_they_record(world: World, kind: str) -> None:
    context = make_context(world.social_worker, kind=kind)
    assert policies.can_view_context(world.social_worker, context)
    assert not policies.can_view_context(world.police_analyst, context)


# --- enrolments -----------------------------------------------------------------------------


def test_enrolment_create_puts_a_child_on_the_roll(world: World) -> None:
    # The school's own staff put a child they recorded on its roll.
    child = make_person(world.school_dsl, given_name="New", family_name="Pupil")
    enrolment = enrolment_create(
        actor=world.school_dsl, person=child, school=world.school, start=START
    )
    event = last_change(enrolment)
    assert (event.actor, event.action, event.record_type) == (
        world.school_dsl,
        ChangeAction.CREATE,
        "places.enrolment",
    )
    assert event.after == {
        "person_id": child.pk,
        "school_id": world.school.pk,
        "start": START.isoformat(),
        "end": None,
        "leave_reason": "",
        "leave_reason_detail": "",
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param({"school": "park"}, "school", "Choose a school", id="not-a-school"),
        pytest.param(
            {"end": START - dt.timedelta(days=1)},
            "end",
            "The end date must be on or after the start date",
            id="end-before-start",
        ),
        pytest.param(
            {"start": TOMORROW}, "start", "The start date must not be in the future", id="future"
        ),
    ],
)
def test_enrolment_create_refuses_bad_input(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    child = make_person(world.school_dsl, given_name="New", family_name="Pupil")
    values: dict[str, Any] = {"school": world.school, "start": START}
    if fields.get("school") == "park":
        fields = {**fields, "school": world.park}
    values.update(fields)
    with nothing_written(Enrolment), pytest.raises(ValidationFailed) as exc:
        # Only an administrator gets as far as naming a place that is not a school.
        actor = world.admin if values["school"] == world.park else world.school_dsl
        enrolment_create(actor=actor, person=child, **values)
    assert exc.value.errors == {field: [message]}


def test_enrolment_create_refuses_a_second_open_enrolment(world: World) -> None:
    with nothing_written(Enrolment), pytest.raises(ValidationFailed) as exc:
        enrolment_create(actor=world.system, person=world.pupil, school=world.school, start=START)
    # Said on the field the roll's form chooses the child with.
    assert exc.value.errors == {"person": ["This young person is already on this school's roll"]}


# social_worker sees csc_child but is not the school: a roll gives the school sight.
@pytest.mark.parametrize(
    "persona", ["police_analyst", "other_social_worker", "auditor", "social_worker"]
)
def test_enrolment_create_needs_sight_of_the_child(world: World, persona: str) -> None:
    with nothing_written(Enrolment), pytest.raises(NotPermitted):
        enrolment_create(
            actor=world.persona(persona), person=world.csc_child, school=world.school, start=START
        )


def test_enrolment_end(world: World) -> None:
    enrolment = world.pupil.enrolments.get()
    enrolment_end(actor=world.school_dsl, enrolment=enrolment, end=START, leave_reason=EXCLUDED)
    event = last_change(enrolment)
    assert (event.actor, event.action, event.before, event.after) == (
        world.school_dsl,
        ChangeAction.END,
        {"end": None, "leave_reason": ""},
        {"end": START.isoformat(), "leave_reason": "excluded"},
    )
    # The school no longer sees a child who has left its roll.
    with nothing_written(Enrolment), pytest.raises(NotPermitted):
        enrolment_end(actor=world.school_dsl, enrolment=enrolment, end=START, leave_reason=EXCLUDED)
    with nothing_written(Enrolment), pytest.raises(ValidationFailed) as exc:
        enrolment_end(actor=world.admin, enrolment=enrolment, end=START, leave_reason=EXCLUDED)
    assert exc.value.errors == {"end": ["This pupil has already left the roll"]}


def test_enrolment_end_refuses_an_end_before_the_start(world: World) -> None:
    enrolment = world.pupil.enrolments.get()
    with nothing_written(Enrolment), pytest.raises(ValidationFailed) as exc:
        enrolment_end(
            actor=world.school_dsl,
            enrolment=enrolment,
            end=START - dt.timedelta(days=1),
            leave_reason=EXCLUDED,
        )
    assert exc.value.errors == {"end": ["The end date must be on or after the start date"]}


def test_enrolment_end_refuses_an_end_in_the_future(world: World) -> None:
    enrolment = world.pupil.enrolments.get()
    with nothing_written(Enrolment), pytest.raises(ValidationFailed) as exc:
        enrolment_end(
            actor=world.school_dsl, enrolment=enrolment, end=NEXT_MONTH, leave_reason=EXCLUDED
        )
    assert "end" in exc.value.errors


@pytest.mark.parametrize(
    "change",
    [{"kind": ContextKind.OPEN_SPACE}, {"responsible_agency": "police"}],
    ids=["home-made-public", "new-responsible-agency"],
)
def test_only_an_administrator_changes_what_a_context_is_or_who_answers_for_it(
    world: World, change: dict[str, Any]
) -> None:
    # A home has no responsible organisation (its landlord is its housing provider): the
    # park shows who may change one.
    context = world.home
    if change.get("responsible_agency") == "police":
        change, context = {"responsible_agency": world.police}, world.park
    # The social worker may edit the home's description, but not publish it as a park.
    context_update(actor=world.social_worker, context=context, description="Ground floor")
    with nothing_written(Context), pytest.raises(NotPermitted):
        context_update(actor=world.social_worker, context=context, **change)
    context_update(actor=world.admin, context=context, **change)


def _leave(actor: Any, enrolment: Enrolment, reason: str, detail: str) -> Enrolment:
    """Take ``enrolment``'s pupil off the roll on START for ``reason``, as read back."""
    enrolment_end(
        actor=actor, enrolment=enrolment, end=START, leave_reason=reason, leave_reason_detail=detail
    )
    enrolment.refresh_from_db()
    return enrolment


@pytest.mark.parametrize(
    ("reason", "detail", "field", "message"),
    [
        pytest.param("", "", "leave_reason", "Choose why the pupil left", id="no-reason"),
        pytest.param("expelled", "", "leave_reason", "Choose why the pupil left", id="unknown"),
        pytest.param("other", "   ", "leave_reason_detail", "Say why the pupil left", id="other"),
        pytest.param(
            "other",
            "x" * 201,
            "leave_reason_detail",
            "The reason must be 200 characters or fewer",
            id="too-long",
        ),
    ],
)
def test_enrolment_end_refuses_a_missing_or_unknown_reason(
    world: World, reason: str, detail: str, field: str, message: str
) -> None:
    enrolment = world.pupil.enrolments.get()
    with nothing_written(Enrolment), pytest.raises(ValidationFailed) as exc:
        _leave(world.school_dsl, enrolment, reason, detail)
    assert exc.value.errors == {field: [message]}
    enrolment.refresh_from_db()
    assert (enrolment.end, enrolment.leave_reason) == (None, "")


def test_enrolment_end_keeps_the_words_only_for_other(world: World) -> None:
    enrolment = _leave(
        world.school_dsl, world.pupil.enrolments.get(), "other", "  Elective home education "
    )
    assert (enrolment.leave_reason, enrolment.leave_reason_detail) == (
        "other",
        "Elective home education",
    )
    # A listed reason needs no words, and stray ones are not kept.
    second = enrolment_create(
        actor=world.admin, person=world.pupil, school=world.school, start=START
    )
    _leave(world.admin, second, LeaveReason.MOVED_AWAY, "left over")
    assert (second.leave_reason, second.leave_reason_detail) == ("moved_away", "")


def test_enrolment_create_refuses_an_adult(world: World) -> None:
    adult = make_person(
        world.school_dsl, given_name="Grown", family_name="Up", kind="adult_of_concern"
    )
    with nothing_written(Enrolment), pytest.raises(ValidationFailed) as exc:
        enrolment_create(actor=world.school_dsl, person=adult, school=world.school, start=START)
    assert exc.value.errors == {"person": ["Only a young person goes on a roll"]}


def test_a_pupil_taken_off_the_roll_meanwhile_is_not_taken_off_again(world: World) -> None:
    """The school and an administrator (or two tabs) take one pupil off the roll at once."""
    enrolment = world.pupil.enrolments.get()
    second_page = Enrolment.objects.get(pk=enrolment.pk)  # loaded before the first saved
    enrolment_end(actor=world.school_dsl, enrolment=enrolment, end=START, leave_reason=EXCLUDED)
    with nothing_written(Enrolment), pytest.raises(ValidationFailed) as exc:
        enrolment_end(
            actor=world.admin,
            enrolment=second_page,
            end=today(),
            leave_reason=LeaveReason.OTHER,
            leave_reason_detail="Moved away",
        )
    assert exc.value.errors == {"end": ["This pupil has already left the roll"]}
    enrolment.refresh_from_db()
    assert (enrolment.end, enrolment.leave_reason) == (START, EXCLUDED)
