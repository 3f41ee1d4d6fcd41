"""Adding places of each kind, homes' households, and merging duplicates: each refusal with
its message and nothing written; a merge moving every row that points at the duplicate."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import ForeignObject

from locus.access import scopes
from locus.access.models import Role
from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.incidents.models import InvolvementRole
from locus.peers.models import Association
from locus.places import services
from locus.places.models import Context, ContextKind, ContextMerge, Enrolment, Tenure
from locus.places.services import context_create, context_merge, context_update
from tests.casework.helpers import open_case, refer, screen
from tests.factories import (
    START,
    World,
    last_change,
    make_association,
    make_context,
    make_incident,
    make_person,
    make_worker,
    nothing_written,
)

pytestmark = pytest.mark.django_db

# E5 0AR, as the postcode directory places it.
E5_0AR = (51.557103, -0.044134)


def _refused(actor: Any, **fields: Any) -> dict[str, list[str]]:
    fields.setdefault("name", "A place")
    with nothing_written(Context), pytest.raises(ValidationFailed) as exc:
        context_create(actor=actor, **fields)
    return exc.value.errors


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        pytest.param(
            {"kind": "online", "postcode": "E5 0AR", "platform": "Chat app"},
            "postcode",
            "An online space has no postcode",
            id="online-postcode",
        ),
        pytest.param(
            {"kind": "online", "latitude": 51.5, "longitude": -0.05, "platform": "Chat app"},
            "latitude",
            "An online space has no map point",
            id="online-point",
        ),
        pytest.param(
            {"kind": "online"},
            "platform",
            "Enter the platform, like a messaging app, a game or a website",
            id="online-platform",
        ),
        pytest.param(
            {"kind": "online", "platform": "Chat", "url": "javascript:alert(1)"},
            "url",
            "Enter a web address starting with https://, or leave it empty",
            id="online-url",
        ),
        pytest.param(
            {"kind": "open_space", "platform": "Chat"},
            "platform",
            "Only an online space has a platform",
            id="platform-elsewhere",
        ),
        pytest.param(
            {"kind": "route"},
            "postcode",
            "Give where the route starts and ends (postcodes or map points), or describe it",
            id="route-nothing",
        ),
        pytest.param(
            {"kind": "route", "postcode": "E5 0AR"},
            "end_postcode",
            "Give where the route ends too (a postcode or a map point)",
            id="route-no-end",
        ),
        pytest.param(
            {"kind": "route", "end_latitude": 51.5},
            "end_latitude",
            "Give both latitude and longitude, or neither",
            id="route-half-end",
        ),
        pytest.param(
            {"kind": "open_space", "end_postcode": "E5 0AR"},
            "end_postcode",
            "Only a route has an end",
            id="end-elsewhere",
        ),
        pytest.param(
            {"kind": "open_space", "postcode": "ZZ9 9ZZ"},
            "postcode",
            "ZZ9 9ZZ is not in the postcode directory: check it, or give a map point",
            id="postcode-not-real",
        ),
        pytest.param(
            {"kind": "open_space", "tenure": Tenure.SOCIAL_RENTED},
            "tenure",
            "Only a home records a household",
            id="tenure-elsewhere",
        ),
        pytest.param(
            {"kind": "home", "tenure": "squat"},
            "tenure",
            "Choose a tenure from the list",
            id="tenure-unknown",
        ),
        pytest.param(
            {"kind": "home", "adult_care_needs_note": "Uses a wheelchair"},
            "adult_care_needs_note",
            "Tick that an adult has care and support needs, or leave the note empty",
            id="note-without-flag",
        ),
        pytest.param(
            {"kind": "home", "adult_care_needs": True, "adult_care_needs_note": "x" * 301},
            "adult_care_needs_note",
            "The note must be 300 characters or fewer",
            id="note-too-long",
        ),
        pytest.param(
            {
                "kind": "home",
                "name": "12 Lea Road",
                "address": "12 Lea Road, London",
                "address_withheld": True,
            },
            "name",
            "When the address is withheld, name the home without its address, like "
            "\u201cFamily home of A.B.\u201d",
            id="withheld-name-gives-address",
        ),
    ],
)
def test_each_bad_place_is_refused_on_its_field_and_nothing_is_written(
    world: World, fields: dict[str, Any], field: str, message: str
) -> None:
    assert _refused(world.social_worker, **fields)[field] == [message]


def test_a_home_has_no_responsible_organisation(world: World) -> None:
    errors = _refused(world.social_worker, kind="home", responsible_agency=world.partner)
    assert errors["responsible_agency"] == [
        "A home has no responsible organisation: record its landlord as the housing provider"
    ]


def test_a_real_postcode_places_the_place_on_its_point_and_a_typed_point_is_kept(
    world: World,
) -> None:
    by_postcode = context_create(
        actor=world.social_worker, kind="open_space", name="Millfields", postcode="e50ar"
    )
    assert (by_postcode.postcode, by_postcode.latitude, by_postcode.longitude) == (
        "E5 0AR",
        *E5_0AR,
    )
    typed = context_create(
        actor=world.social_worker,
        kind="open_space",
        name="Corner of the park",
        postcode="E5 0AR",
        latitude=51.5572,
        longitude=-0.0443,
    )
    assert (typed.latitude, typed.longitude) == (51.5572, -0.0443)


def test_each_kind_is_added_with_its_own_fields(world: World) -> None:
    online = context_create(
        actor=world.social_worker,
        kind="online",
        name="Year 10 group chat",
        platform=" Messaging app ",
        url="https://example.org/chat",
    )
    route = context_create(
        actor=world.social_worker,
        kind="route",
        name="Towpath",
        postcode="E5 0AR",
        end_postcode="e81dy",
    )
    described = context_create(
        actor=world.social_worker,
        kind="route",
        name="Bus 254",
        description="From the station to the estate",
    )
    home = context_create(
        actor=world.social_worker,
        kind="home",
        name="Family home of C.C.",
        address="Flat 2, Example Court",
        postcode="E8 1DY",
        tenure=Tenure.SOCIAL_RENTED,
        housing_provider=world.partner,
        adult_care_needs=True,
        adult_care_needs_note="Needs help with the stairs",
        address_withheld=True,
    )
    assert online.platform == "Messaging app"
    assert (route.end_postcode, route.end_latitude is not None) == ("E8 1DY", True)
    assert described.latitude is None
    assert (home.tenure, home.housing_provider, home.address_withheld) == (
        "social_rented",
        world.partner,
        True,
    )
    assert last_change(home).after["adult_care_needs_note"] == "Needs help with the stairs"


def test_context_create_refuses_an_unknown_field(world: World) -> None:
    with pytest.raises(TypeError):
        context_create(actor=world.social_worker, kind="home", name="x", diagnosis="none")


def test_only_the_holding_team_withholds_or_shows_again_a_homes_address(world: World) -> None:
    # csc_child lives at world.home and is held by social_worker's team (Team A).
    with nothing_written(Context), pytest.raises(NotPermitted):
        context_update(actor=world.other_social_worker, context=world.home, address_withheld=True)
    context_update(actor=world.teammate, context=world.home, address_withheld=True)
    world.home.refresh_from_db()
    assert world.home.address_withheld
    # The data team does not see a withheld address, so does not edit the home either.
    with pytest.raises(NotPermitted):
        context_update(actor=world.admin, context=world.home, description="x")
    context_update(actor=world.social_worker, context=world.home, address_withheld=False)


# --- Merging ------------------------------------------------------------------------------


def _links_found_here() -> set[tuple[str, str]]:
    """Every foreign key to a context, found by this test itself from the models."""
    return {
        (rel.field.model._meta.label, rel.field.name)  # type: ignore[union-attr]
        for rel in Context._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and not rel.many_to_many
    }


def test_the_merge_moves_every_link_but_the_places_own_history() -> None:
    moved = {(f.model._meta.label, f.name) for f in services.context_links()}
    assert moved | services.HISTORY_LINKS == _links_found_here()
    assert not moved & services.HISTORY_LINKS
    # Every link is a foreign key the service can repoint.
    assert all(isinstance(f, ForeignObject) for f in services.context_links())


def _pointing_at(context: Context) -> dict[str, int]:
    counts = {}
    for label, name in _links_found_here() - services.HISTORY_LINKS:
        rel = next(
            r.field  # type: ignore[union-attr]
            for r in Context._meta.get_fields(include_hidden=True)
            if r.auto_created
            and not r.concrete
            and not r.many_to_many
            and (r.field.model._meta.label, r.field.name) == (label, name)  # type: ignore[union-attr]
        )
        n = rel.model._base_manager.filter(**{name: context}).count()
        if n:
            counts[f"{label}.{name}"] = n
    return counts


def test_merging_two_schools_moves_every_row_in_one_audited_step(world: World) -> None:
    duplicate = make_context(
        world.system,
        kind=ContextKind.SCHOOL,
        name="Millfields Academy (again)",
        responsible_agency=world.school_agency,
    )
    pupil = make_person(world.system, given_name="Sam", family_name="Second")
    services.enrolment_create(actor=world.system, person=pupil, school=duplicate, start=START)
    make_incident(
        world.system,
        context=duplicate,
        reporting_agency=world.school_agency,
        involvements=[(pupil, InvolvementRole.HARMED)],
    )
    both = make_association(
        world.system, person=world.csc_child, contexts=[duplicate, world.school]
    )
    make_association(world.system, person=world.yjs_child, contexts=[duplicate])
    refer(world, context=duplicate)
    before = _pointing_at(duplicate)
    assert len(before) >= 4  # enrolments, incidents, associations, referrals at least

    merge = context_merge(
        actor=world.admin, duplicate=duplicate, kept=world.school, reason="Entered twice"
    )

    assert _pointing_at(duplicate) == {}
    assert set(merge.moved) == set(before)
    assert Enrolment.objects.filter(person=pupil, school=world.school).exists()
    # The association that named both places names the one kept, once.
    assert list(Association.objects.get(pk=both.pk).contexts.all()) == [world.school]
    assert (merge.merged, merge.kept, merge.recorded_by, merge.reason) == (
        duplicate,
        world.school,
        world.admin,
        "Entered twice",
    )
    event = last_change(merge)
    assert (event.action, event.after["kept_id"]) == (ChangeAction.CREATE, world.school.pk)


def test_a_merge_that_would_break_a_once_per_place_rule_is_refused_and_writes_nothing(
    world: World,
) -> None:
    duplicate = make_context(world.system, kind=ContextKind.RETAIL, name="Mare St Centre")
    open_case(world)  # a context case open on the shopping centre
    screen(world, refer(world, context=duplicate))
    with nothing_written(ContextMerge), pytest.raises(ValidationFailed) as exc:
        context_merge(
            actor=world.admin, duplicate=duplicate, kept=world.shopping_centre, reason="Same"
        )
    assert "resolve them before merging" in exc.value.errors["kept"][0]
    assert _pointing_at(duplicate)  # nothing moved


@pytest.mark.parametrize(
    ("kinds", "message"),
    [
        (("home", "open_space"), "A home cannot be merged into a park or open space"),
        (("school", "retail"), "A school cannot be merged into a retail or shopping centre"),
        (("online", "route"), "A online space cannot be merged into a route"),
    ],
)
def test_places_of_kinds_that_cannot_be_one_are_not_merged(
    world: World, kinds: tuple[str, str], message: str
) -> None:
    duplicate, kept = (
        make_context(world.admin, kind=k, name=f"{k} place", **_where(k)) for k in kinds
    )
    with nothing_written(ContextMerge), pytest.raises(ValidationFailed) as exc:
        context_merge(actor=world.admin, duplicate=duplicate, kept=kept, reason="Same")
    assert exc.value.errors["kept"] == [message]


def _where(kind: str) -> dict[str, Any]:
    if kind == "online":
        return {"platform": "Chat app"}
    if kind == "route":
        return {"description": "From A to B"}
    return {}


def test_public_places_recorded_as_different_kinds_merge(world: World) -> None:
    duplicate = make_context(world.system, kind=ContextKind.OTHER, name="Millfields Park path")
    merge = context_merge(
        actor=world.team_manager, duplicate=duplicate, kept=world.park, reason="x"
    )
    assert merge.kept == world.park


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("self", "kept", "Choose another place to merge into"),
        ("no-reason", "reason", "Say why these are the same place"),
        ("group", "kept", "Peer groups are merged from the group's own page"),
    ],
)
def test_merge_refusals(world: World, case: str, field: str, message: str) -> None:
    duplicate = make_context(world.system, name="Park again")
    kept, reason = world.park, "Same park"
    if case == "self":
        kept = duplicate
    elif case == "no-reason":
        reason = "  "
    elif case == "group":
        duplicate, kept = world.group, make_context(world.system, kind="peer_group", name="G2")
    with nothing_written(ContextMerge), pytest.raises(ValidationFailed) as exc:
        context_merge(actor=world.admin, duplicate=duplicate, kept=kept, reason=reason)
    assert message in exc.value.errors[field]


@pytest.mark.parametrize("name", ["social_worker", "police_analyst", "auditor", "partner_worker"])
def test_only_managers_and_the_data_team_merge(world: World, name: str) -> None:
    duplicate = make_context(world.system, name="Park again")
    with nothing_written(ContextMerge), pytest.raises(NotPermitted):
        context_merge(actor=world.persona(name), duplicate=duplicate, kept=world.park, reason="x")


def test_a_manager_cannot_merge_a_home_they_may_not_see(world: World) -> None:
    # A manager of Team B does not see world.home: csc_child is held in Team A.
    manager_b = make_worker(world.system, team=world.csc_team_b, role=Role.MANAGER, scope="team")
    other = make_context(manager_b, kind="home", name="Another home")
    with nothing_written(ContextMerge), pytest.raises(NotPermitted):
        context_merge(actor=manager_b, duplicate=world.home, kept=other, reason="x")


def test_merging_a_withheld_home_withholds_the_kept_homes_address(world: World) -> None:
    context_update(actor=world.social_worker, context=world.home, address_withheld=True)
    holder = holding_manager(world)
    kept = make_context(holder, kind="home", name="Family home of C.C.")
    # The data team may not see where a withheld home is, so may not merge it.
    with pytest.raises(NotPermitted):
        context_merge(actor=world.admin, duplicate=world.home, kept=kept, reason="x")
    context_merge(actor=holder, duplicate=world.home, kept=kept, reason="Same flat")
    kept.refresh_from_db()
    world.csc_child.refresh_from_db()
    assert kept.address_withheld
    assert world.csc_child.home == kept


def holding_manager(world: World) -> Any:
    """team_manager, made to see Team A's cases (team scope): a manager of the holding team."""
    world.team_manager.scope = "team"
    world.team_manager.save(update_fields=["scope"])
    return world.team_manager


def test_every_problem_is_said_at_once_the_unreal_postcode_too(world: World) -> None:
    errors = _refused(world.social_worker, kind="retail", name=" ", postcode="ZZ9 9ZZ")
    assert set(errors) == {"name", "postcode"}


def test_a_merged_place_is_out_of_every_list_and_is_not_merged_again(world: World) -> None:
    duplicate = make_context(world.system, name="Park again")
    context_merge(actor=world.admin, duplicate=duplicate, kept=world.park, reason="x")
    assert not scopes.contexts_visible_to(world.admin).filter(pk=duplicate.pk).exists()
    assert scopes.contexts_visible_to(world.admin, merged=True).filter(pk=duplicate.pk).exists()
    third = make_context(world.system, name="Third park")
    with nothing_written(ContextMerge), pytest.raises(NotPermitted):
        context_merge(actor=world.admin, duplicate=duplicate, kept=third, reason="x")
