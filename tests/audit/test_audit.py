"""The audit trail: written with the change or not at all, only what changed, no
secrets, and read-only in the Django admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin as django_admin
from django.db import connection, transaction
from django.test import Client, RequestFactory

from locus.access.models import Agency, Role
from locus.access.services import worker_create, worker_set_password
from locus.audit.models import AccessAction, AccessEvent, ChangeAction, ChangeEvent
from locus.audit.services import diff, record_access, record_change, snapshot
from locus.people.services import person_update
from tests.factories import World, last_change

PASSWORD = "audit-trail-password-42"


# --- record_change ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_record_change_refuses_to_run_outside_a_transaction(world: World) -> None:
    assert not connection.in_atomic_block
    before = ChangeEvent.objects.count()
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        record_change(actor=world.admin, action=ChangeAction.CREATE, obj=world.csc)
    assert ChangeEvent.objects.count() == before
    with transaction.atomic():
        record_change(actor=world.admin, action=ChangeAction.CREATE, obj=world.csc)
    assert ChangeEvent.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_change_and_its_audit_roll_back_together(world: World) -> None:
    before = (Agency.objects.count(), ChangeEvent.objects.count())
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        agency = Agency.objects.create(name="Short-lived", kind="partner")
        record_change(actor=world.admin, action=ChangeAction.CREATE, obj=agency)
        1 / 0  # noqa: B018 - the failure after both writes
    assert (Agency.objects.count(), ChangeEvent.objects.count()) == before


def test_record_change_create_snapshots_every_field_by_id(world: World) -> None:
    event = last_change(world.csc_child)
    assert event.action == ChangeAction.CREATE
    assert event.actor == world.system
    assert event.record_type == "people.person"
    assert event.record_id == str(world.csc_child.pk)
    assert event.before == {}
    assert event.after == snapshot(world.csc_child)
    assert "id" not in event.after
    assert event.after["home_id"] == world.home.pk  # foreign keys by id
    assert event.after["date_of_birth"] == world.csc_child.date_of_birth.isoformat()


def test_update_diff_holds_only_the_changed_fields(world: World) -> None:
    child = world.csc_child
    person_update(
        actor=world.social_worker,
        person=child,
        known_as="Ci",
        family_name=child.family_name,  # named but unchanged: not in the diff
        date_of_birth=dt.date(2011, 3, 15),
    )
    event = last_change(child)
    assert event.action == ChangeAction.UPDATE
    assert event.before == {"known_as": "", "date_of_birth": "2011-03-14"}
    assert event.after == {"known_as": "Ci", "date_of_birth": "2011-03-15"}


def test_an_update_that_changes_nothing_records_an_empty_diff(world: World) -> None:
    person_update(actor=world.social_worker, person=world.csc_child, known_as="")
    event = last_change(world.csc_child)
    assert (event.action, event.before, event.after) == (ChangeAction.UPDATE, {}, {})


def test_diff_keeps_only_changed_keys() -> None:
    assert diff({"a": 1, "b": 2, "c": None}, {"a": 1, "b": 3, "c": "x"}) == (
        {"b": 2, "c": None},
        {"b": 3, "c": "x"},
    )
    assert diff({}, {"a": 1}) == ({"a": None}, {"a": 1})


def test_record_change_delete_keeps_what_was_there(world: World) -> None:
    before = snapshot(world.park)
    event = record_change(
        actor=world.admin, action=ChangeAction.DELETE, obj=world.park, before=before
    )
    assert (event.before, event.after) == (before, {})


# --- record_access ---------------------------------------------------------------------------


def test_record_access_writes_an_access_event(world: World) -> None:
    event = record_access(
        actor=world.social_worker,
        obj=world.csc_child,
        purpose="Safety planning",
        detail={"page": "person"},
    )
    event.refresh_from_db()
    assert event.actor == world.social_worker
    assert event.action == AccessAction.VIEW
    assert (event.record_type, event.record_id) == ("people.person", str(world.csc_child.pk))
    assert event.purpose == "Safety planning"
    assert event.detail == {"page": "person"}
    assert event.at is not None


def test_record_access_for_a_search_names_the_record_type(world: World) -> None:
    event = record_access(
        actor=world.police_analyst,
        record_type="people.person",
        action=AccessAction.SEARCH,
        detail={"q": "Smith"},
    )
    assert (event.record_type, event.record_id, event.action) == (
        "people.person",
        "",
        AccessAction.SEARCH,
    )
    assert AccessEvent.objects.filter(actor=world.police_analyst).count() == 1


# --- no secrets in the trail -----------------------------------------------------------------


def _trail_text() -> str:
    return " ".join(str(e.before) + str(e.after) for e in ChangeEvent.objects.all())


def test_password_hashes_never_appear_in_the_trail(world: World) -> None:
    worker = worker_create(
        actor=world.admin,
        username="hash_check",
        first_name="H",
        last_name="C",
        team=world.csc_team_a,
        role=Role.PRACTITIONER,
        password=PASSWORD,
        email="hash.check@workers.example",
    )
    worker_set_password(actor=world.admin, worker=worker, password=PASSWORD + "-new")
    worker.refresh_from_db()
    trail = _trail_text()
    assert worker.password.startswith("argon2")
    assert worker.password not in trail
    assert "argon2" not in trail
    assert PASSWORD not in trail
    for event in ChangeEvent.objects.filter(record_type="access.worker"):
        assert "password" not in event.after or event.after["password"] in {"(changed)"}


# --- the Django admin cannot edit the trail --------------------------------------------------


@pytest.fixture
def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.admin)
    return client


@pytest.fixture
def events(world: World) -> dict[type, Any]:
    access = record_access(actor=world.social_worker, obj=world.csc_child)
    return {AccessEvent: access, ChangeEvent: last_change(world.csc_child)}


@pytest.mark.parametrize("model", [AccessEvent, ChangeEvent], ids=["access", "change"])
def test_audit_admin_permissions_are_read_only(world: World, model: type) -> None:
    model_admin = django_admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.parametrize("model", [AccessEvent, ChangeEvent], ids=["access", "change"])
def test_audit_rows_cannot_be_changed_added_or_deleted_through_the_admin(
    admin_client: Client, events: dict[type, Any], model: type
) -> None:
    event = events[model]
    original = {f.attname: getattr(event, f.attname) for f in model._meta.concrete_fields}
    base = f"/admin/audit/{model._meta.model_name}/"
    count = model.objects.count()

    listing = admin_client.get(base)
    assert listing.status_code == 200
    assert b"delete_selected" not in listing.content  # no bulk delete action offered

    page = admin_client.get(f"{base}{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # shown read-only

    refused = [
        admin_client.post(
            f"{base}{event.pk}/change/",
            {"record_type": "tampered", "record_id": "0", "purpose": "x", "action": "view"},
        ),
        admin_client.get(f"{base}add/"),
        admin_client.post(f"{base}add/", {"record_type": "forged"}),
        admin_client.post(f"{base}{event.pk}/delete/", {"post": "yes"}),
        admin_client.post(
            base, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
        ),
    ]
    # Forbidden answers like missing (handler403), or the admin redisplays the list.
    assert all(r.status_code in {200, 302, 403, 404} for r in refused)
    assert [r.status_code for r in refused[:4]] == [404, 404, 404, 404]

    event.refresh_from_db()
    assert {f.attname: getattr(event, f.attname) for f in model._meta.concrete_fields} == original
    # Reading the trail is itself logged (as reads of audit.*); nothing else is added or lost.
    assert model.objects.exclude(record_type__startswith="audit.").count() == count
    assert not model.objects.filter(record_type__in=["tampered", "forged"]).exists()
