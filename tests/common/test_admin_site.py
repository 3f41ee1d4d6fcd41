"""The admin site: administrators only (by role and scope), every read logged, no
unaudited cascades, one sign-in, list pages without a query per row; and the
deployment settings that go with it."""

from __future__ import annotations

import runpy
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.forms import MultiWidget
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from locus.access.models import Agency, Role, Scope, Worker
from locus.audit.models import (
    AccessAction,
    AccessEvent,
    ChangeAction,
    ChangeEvent,
    SignInEvent,
)
from locus.common.admin import AccessLoggedAdmin
from locus.config.admin_site import LocusAdminSite, admin_sign_in
from locus.incidents.models import Incident
from locus.peers.models import Association, GroupMembership
from locus.peers.services import association_record
from locus.people.models import Allocation, LegalStatusEpisode, Person
from locus.places.models import Context, ContextKind, Enrolment
from tests.factories import (
    START,
    World,
    changes_for,
    client_for,
    last_change,
    make_agency,
    make_context,
    make_person,
)
from tests.factories import make_worker as _make_worker
from tests.notes.helpers import write

pytestmark = pytest.mark.django_db

# Contexts are not here: a place nothing points at may be deleted (tests below).
CASE_RECORDS = [
    Person,
    LegalStatusEpisode,
    Allocation,
    Enrolment,
    Association,
    GroupMembership,
    Incident,
]


def form_data(response: Any) -> dict[str, Any]:
    """What the admin form on ``response`` would post back unchanged."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = ",".join(str(v) for v in value)
        else:
            data[name] = "" if value is None else value
    return data


def accesses(worker: Worker, **filters: Any) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(actor=worker, **filters).order_by("id"))


# --- 1. Reads in the admin are logged ------------------------------------------------------


def test_the_site_is_locus_s_own() -> None:
    assert isinstance(admin.site, AdminSite)
    assert type(admin.site._wrapped) is LocusAdminSite  # type: ignore[attr-defined]


def test_every_page_of_the_admin_logs_its_reads() -> None:
    """Every model the admin shows is shown by an admin that logs its reads (a third-party
    app's own admin, such as django-tasks-db's task results, is taken away)."""
    unlogged = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AccessLoggedAdmin)
    ]
    assert unlogged == []


def test_a_record_s_form_and_history_are_logged_as_views(world: World) -> None:
    client = client_for(world.admin)
    child = world.csc_child
    assert client.get(f"/admin/people/person/{child.pk}/change/").status_code == 200
    assert client.get(f"/admin/people/person/{child.pk}/history/").status_code == 200
    views = accesses(world.admin, record_type="people.person", record_id=str(child.pk))
    assert [(e.action, e.detail["via"]) for e in views] == [
        (AccessAction.VIEW, "admin form"),
        (AccessAction.VIEW, "admin history"),
    ]


def test_a_list_or_search_is_logged_with_its_query_and_what_it_showed(world: World) -> None:
    client = client_for(world.admin)
    response = client.get("/admin/people/person/", {"q": "Cscchild"})
    assert response.status_code == 200
    (event,) = accesses(world.admin, record_type="people.person")
    assert event.action == AccessAction.SEARCH
    assert event.record_id == ""
    assert event.detail["query"] == "q=Cscchild"
    assert event.detail["shown"] == [str(world.csc_child.pk)]
    assert event.detail["results"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/admin/people/allocation/",
        "/admin/people/legalstatusepisode/",
        "/admin/peers/groupmembership/",
    ],
)
def test_a_list_of_a_childs_records_is_found_by_the_child_in_the_trail(
    world: World, url: str
) -> None:
    """A list that names the child (their allocations, legal-status episodes, peer group
    memberships) is in the trail's search by person and the child's "who opened your
    record", as every page that names them is."""
    html = client_for(world.admin).get(url).content.decode()
    assert "Cscchild" in html  # the list names the child
    event = AccessEvent.objects.filter(actor=world.admin).latest("id")
    assert (event.action, event.detail["via"]) == (AccessAction.SEARCH, "admin list")
    assert f",{world.csc_child.pk}," in event.people


def test_a_record_whose_rows_name_children_is_found_by_each_child_in_the_trail(
    world: World,
) -> None:
    """An incident's admin form lists who was harmed and who harmed them (its involvements,
    shown inline): the auditor's search of the trail by either of them finds that the
    administrator opened it, as it finds every other page that names them (before: the
    read was logged about the incident alone, and a search by the child found nothing)."""
    incident = world.police_incident
    response = client_for(world.admin).get(f"/admin/incidents/incident/{incident.pk}/change/")
    assert response.status_code == 200
    assert "Policechild" in response.content.decode()  # the form names the child
    event = AccessEvent.objects.filter(actor=world.admin).latest("id")
    assert event.record_id == str(incident.pk)
    for person in (world.police_child, world.adult):
        assert f",{person.pk}," in event.people


def test_a_note_s_form_is_found_by_each_child_it_names_in_the_trail(world: World) -> None:
    """A case note's admin form lists the children it names beside the child it is on: the
    trail's search by a named child finds that the administrator read the note, as it finds
    the note's own page (before: only the child the note is on)."""
    note = write(world.social_worker, world.csc_child, children=[world.team_child])
    response = client_for(world.admin).get(f"/admin/notes/casenote/{note.pk}/change/")
    assert response.status_code == 200
    assert world.team_child.family_name in response.content.decode()  # the form names him
    event = AccessEvent.objects.filter(actor=world.admin).latest("id")
    assert event.record_id == str(note.pk)
    for person in (world.csc_child, world.team_child):
        assert f",{person.pk}," in event.people


def test_saving_in_the_admin_logs_the_change_not_a_second_view(world: World) -> None:
    client = client_for(world.admin)
    url = f"/admin/access/agency/{world.partner.pk}/change/"
    data = form_data(client.get(url))
    response = client.post(url, {**data, "name": "Mare Street Centre Ltd"})
    assert response.status_code == 302
    assert len(accesses(world.admin, record_type="access.agency")) == 1  # the GET
    assert last_change(world.partner).after == {"name": "Mare Street Centre Ltd"}


def test_a_failed_lookup_logs_nothing(world: World) -> None:
    client = client_for(world.admin)
    response = client.get("/admin/people/person/999999/change/")
    assert response.status_code == 302  # Django's "does not exist" back to the list
    assert accesses(world.admin, record_type="people.person", record_id="999999") == []


@pytest.mark.parametrize(
    "model", ["accessevent", "changeevent", "signinevent"], ids=lambda m: f"audit.{m}"
)
def test_reading_the_trail_in_the_admin_is_itself_logged(world: World, model: str) -> None:
    client = client_for(world.admin)
    client.get(f"/admin/people/person/{world.csc_child.pk}/change/")  # one AccessEvent
    Client().post("/sign-in/", {"username": "nobody", "password": "x" * 12})  # one SignInEvent
    record = {
        "accessevent": AccessEvent.objects.first(),
        "changeevent": ChangeEvent.objects.first(),
        "signinevent": SignInEvent.objects.first(),
    }[model]
    assert record is not None
    assert client.get(f"/admin/audit/{model}/").status_code == 200
    assert client.get(f"/admin/audit/{model}/{record.pk}/change/").status_code == 200
    events = accesses(world.admin, record_type=f"audit.{model}")
    assert [e.action for e in events] == [AccessAction.SEARCH, AccessAction.VIEW]
    assert events[1].record_id == str(record.pk)


def test_a_sign_in_attempt_s_username_is_shown_only_where_it_names_an_account(
    world: World,
) -> None:
    """A password typed into the username box (a common slip) would otherwise sit in the
    sign-in records for the administrator to read. The attempt is kept (the lockout counts
    it); what was typed is shown only where it names an account."""
    slip = "lantern-orchard-41-ribbon"
    Client().post("/sign-in/", {"username": slip, "password": "x" * 12})
    Client().post("/sign-in/", {"username": world.social_worker.username, "password": "x" * 12})
    attempt = SignInEvent.objects.get(username=slip)
    client = client_for(world.admin)
    listing = client.get("/admin/audit/signinevent/").content.decode()
    record = client.get(f"/admin/audit/signinevent/{attempt.pk}/change/").content.decode()
    for page in (listing, record):
        assert slip not in page
        assert "Not an account: what was typed is not shown" in page
    assert world.social_worker.username in listing


# --- 2. Who gets the admin: role and scope, checked every time ------------------------------


def test_an_administrator_gets_in_whatever_django_s_flags_say(world: World) -> None:
    Worker.objects.filter(pk=world.admin.pk).update(is_staff=False, is_superuser=False)
    client = client_for(Worker.objects.get(pk=world.admin.pk))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/people/person/").status_code == 200
    assert client.get(f"/admin/people/person/{world.csc_child.pk}/change/").status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"role": Role.PRACTITIONER},  # demoted
        {"scope": Scope.AGENCY},  # an administrator with narrower sight
        {"is_active": False},
    ],
    ids=["demoted", "narrow-scope", "inactive"],
)
def test_the_flags_alone_do_not_open_the_admin(world: World, change: dict[str, Any]) -> None:
    Worker.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True, **change)
    client = Client()
    client.force_login(Worker.objects.get(pk=world.admin.pk))
    for url in ("/admin/", "/admin/people/person/", "/admin/audit/accessevent/"):
        response = client.get(url, follow=True)
        if change.get("is_active") is False:  # signed out: sent to the one sign-in page
            assert response.redirect_chain[-1][0].startswith("/sign-in/"), url
        else:
            assert response.status_code == 404, url
    assert not AccessEvent.objects.filter(actor=world.admin).exists()


def test_the_worker_form_has_no_hand_set_privileges(world: World) -> None:
    client = client_for(world.admin)
    html = client.get(f"/admin/access/worker/{world.social_worker.pk}/change/").content.decode()
    for field in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert f'name="{field}"' not in html, field


def test_posting_privileges_by_hand_changes_nothing(world: World) -> None:
    client = client_for(world.admin)
    worker = world.social_worker
    url = f"/admin/access/worker/{worker.pk}/change/"
    data = form_data(client.get(url))
    response = client.post(
        url, {**data, "is_staff": "on", "is_superuser": "on", "job_title": "Senior practitioner"}
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.job_title == "Senior practitioner"
    assert (worker.is_staff, worker.is_superuser) == (False, False)
    assert client_for(worker).get("/admin/", follow=True).status_code == 404


@pytest.mark.parametrize(
    ("role", "scope", "flags"),
    [
        (Role.ADMINISTRATOR, Scope.ALL, True),
        (Role.ADMINISTRATOR, Scope.AGENCY, False),
        (Role.MANAGER, Scope.ALL, False),
    ],
)
def test_saving_a_worker_sets_django_s_flags_from_role_and_scope(
    world: World, role: str, scope: str, flags: bool
) -> None:
    client = client_for(world.admin)
    worker = world.team_manager
    url = f"/admin/access/worker/{worker.pk}/change/"
    data = form_data(client.get(url))
    assert client.post(url, {**data, "role": role, "scope": scope}).status_code == 302
    worker.refresh_from_db()
    assert (worker.is_staff, worker.is_superuser) == (flags, flags)
    # The save's own change; the last is the request that a second person confirm the new
    # role (access/provisioning.py).
    event = changes_for(worker)[-2]
    assert event.actor == world.admin
    assert "password" not in event.before and "password" not in event.after
    if flags:
        assert event.after["is_superuser"] is True


def test_demoting_an_administrator_in_the_admin_clears_the_flags(world: World) -> None:
    other = _make_worker(world.system, team=None, role=Role.ADMINISTRATOR)
    assert other.is_superuser
    client = client_for(world.admin)
    url = f"/admin/access/worker/{other.pk}/change/"
    data = form_data(client.get(url))
    response = client.post(
        url, {**data, "role": Role.PRACTITIONER, "scope": Scope.OWN, "team": world.csc_team_a.pk}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.is_staff, other.is_superuser) == (False, False)
    assert changes_for(other)[-2].after == {  # the last asks for the new role's confirmation
        "team_id": world.csc_team_a.pk,
        "role": Role.PRACTITIONER,
        "scope": Scope.OWN,
        "is_staff": False,
        "is_superuser": False,
    }


def test_django_groups_are_not_in_the_admin(world: World) -> None:
    assert client_for(world.admin).get("/admin/auth/group/").status_code == 404


# --- 3. No unaudited cascades --------------------------------------------------------------


@pytest.mark.parametrize("model", CASE_RECORDS, ids=lambda m: m._meta.label_lower)
def test_case_records_cannot_be_deleted_in_the_admin(world: World, model: type) -> None:
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    model_admin = admin.site.get_model_admin(model)
    if model is Association:
        association_record(
            actor=world.system,
            person=world.csc_child,
            other=world.yjs_child,
            relationship="friend",
            nature="risk",
            source="professional",
            confidence="medium",
            valid_from=START,
        )
    obj = model._default_manager.first()
    assert obj is not None
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_delete_permission(request, obj)
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/delete/"
    response = client_for(world.admin).post(url, {"post": "yes"})
    assert response.status_code in (403, 404)
    assert model._default_manager.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("which", ["home", "group"])
def test_a_place_that_people_point_at_cannot_be_deleted(world: World, which: str) -> None:
    # The home has a resident (deleting it would blank their home), the group has
    # members (deleting it would delete the memberships).
    place = getattr(world, which)
    client = client_for(world.admin)
    url = f"/admin/places/context/{place.pk}/delete/"
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"post": "yes"}).status_code in (403, 404)
    assert Context.objects.filter(pk=place.pk).exists()
    assert Person.objects.get(pk=world.csc_child.pk).home_id == world.home.pk
    assert GroupMembership.objects.filter(group=world.group).count() == 2


def test_a_place_named_in_an_association_cannot_be_deleted(world: World) -> None:
    cafe = make_context(world.system, kind=ContextKind.FOOD_OUTLET, name="Chicken shop")
    association_record(
        actor=world.system,
        person=world.csc_child,
        other=world.yjs_child,
        relationship="friend",
        nature="risk",
        source="professional",
        confidence="medium",
        valid_from=START,
        contexts=[cafe],
    )
    url = f"/admin/places/context/{cafe.pk}/delete/"
    assert client_for(world.admin).post(url, {"post": "yes"}).status_code in (403, 404)
    assert Context.objects.filter(pk=cafe.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_delete_that_would_cascade_is_refused(world: World) -> None:
    loose = make_context(world.system, kind=ContextKind.TRANSPORT, name="Bus stop Q")
    ids = [loose.pk, world.group.pk]
    response = client_for(world.admin).post(
        "/admin/places/context/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code in (200, 403, 404)
    assert Context.objects.filter(pk__in=ids).count() == 2
    assert not ChangeEvent.objects.filter(action=ChangeAction.DELETE).exists()


def test_an_unused_agency_is_deleted_with_an_audit_row(world: World) -> None:
    spare = make_agency(world.system, name="Spare agency")
    response = client_for(world.admin).post(
        f"/admin/access/agency/{spare.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Agency.objects.filter(pk=spare.pk).exists()
    event = last_change(spare)
    assert (event.actor, event.action, event.before["name"]) == (
        world.admin,
        ChangeAction.DELETE,
        "Spare agency",
    )


def test_an_agency_in_use_is_not_deleted(world: World) -> None:
    response = client_for(world.admin).post(
        f"/admin/access/agency/{world.police.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code in (200, 403, 404)  # Django's "protected" page at most
    assert Agency.objects.filter(pk=world.police.pk).exists()


def test_many_to_many_changes_in_the_admin_are_audited(world: World) -> None:
    cafe = make_context(world.system, kind=ContextKind.FOOD_OUTLET, name="Chicken shop")
    bus = make_context(world.system, kind=ContextKind.TRANSPORT, name="Bus stop")
    association = association_record(
        actor=world.system,
        person=world.csc_child,
        other=world.yjs_child,
        relationship="friend",
        nature="risk",
        source="professional",
        confidence="medium",
        valid_from=START,
        contexts=[cafe],
    )
    client = client_for(world.admin)
    url = f"/admin/peers/association/{association.pk}/change/"
    data = form_data(client.get(url))
    assert data["contexts"] == str(cafe.pk)
    response = client.post(url, {**data, "contexts": f"{bus.pk},{world.park.pk}"})
    assert response.status_code == 302, response.content[:2000]
    assert sorted(association.contexts.values_list("pk", flat=True)) == sorted(
        [bus.pk, world.park.pk]
    )
    event = last_change(association)
    assert (event.actor, event.action) == (world.admin, ChangeAction.UPDATE)
    assert event.before == {"contexts": [cafe.pk]}
    assert event.after == {"contexts": sorted([bus.pk, world.park.pk])}


def test_saving_without_touching_many_to_many_adds_no_m2m_row(world: World) -> None:
    client = client_for(world.admin)
    url = f"/admin/places/context/{world.park.pk}/change/"
    data = form_data(client.get(url))
    before = ChangeEvent.objects.count()
    assert client.post(url, {**data, "description": "Gated"}).status_code == 302
    assert ChangeEvent.objects.count() == before + 1


# --- 4. One sign-in, no redirect loop -----------------------------------------------------


def test_admin_login_sends_an_administrator_to_the_admin(world: World) -> None:
    response = client_for(world.admin).get("/admin/login/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_admin_login_answers_a_signed_in_worker_not_found(world: World) -> None:
    response = client_for(world.social_worker).get("/admin/login/?next=/admin/")
    assert response.status_code == 404
    assert "web/not_found.html" in [t.name for t in response.templates]


def test_the_admin_sends_a_visitor_to_the_one_sign_in_page(world: World) -> None:
    response = Client().get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=/admin/")
    request = RequestFactory().get("/admin/login/")
    request.user = AnonymousUser()
    response = admin_sign_in(request)
    assert (response.status_code, response["Location"]) == (302, "/sign-in/?next=/admin/")


def test_a_worker_opening_the_admin_ends_at_not_found(world: World) -> None:
    response = client_for(world.social_worker).get("/admin/people/person/", follow=True)
    assert response.status_code == 404
    assert len(response.redirect_chain) <= 1


# --- 5. List pages: one query per page, not per row ----------------------------------------


def test_every_related_column_is_fetched_with_its_list() -> None:
    for model, model_admin in admin.site._registry.items():
        related = model_admin.list_select_related
        if related is True:
            continue
        for name in model_admin.list_display:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.ForeignKey):
                assert related and any(r == name or r.startswith(f"{name}__") for r in related), (
                    f"{model.__name__}Admin: {name} not in list_select_related"
                )


@pytest.mark.parametrize(
    ("url", "add_rows"),
    [
        ("/admin/places/context/", "contexts"),
        ("/admin/peers/association/", "associations"),
    ],
)
def test_list_pages_do_not_query_per_row(world: World, url: str, add_rows: str) -> None:
    client = client_for(world.admin)

    def add() -> None:
        for _ in range(3):
            if add_rows == "contexts":
                make_context(world.system, kind=ContextKind.SCHOOL, responsible_agency=world.csc)
            else:
                association_record(
                    actor=world.system,
                    person=make_person(world.system),
                    other=make_person(world.system),
                    relationship="friend",
                    nature="risk",
                    source="professional",
                    confidence="medium",
                    valid_from=START,
                )

    add()
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add()
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few)


# --- 6. Settings -------------------------------------------------------------------------


def test_sessions_end_after_an_idle_hour_or_at_browser_close() -> None:
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_each_request_renews_the_idle_hour(world: World) -> None:
    client = client_for(world.social_worker)
    client.get("/")
    response = client.get("/")
    assert settings.SESSION_COOKIE_NAME in response.cookies


def _settings_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Any, **env: str) -> dict[str, Any]:
    monkeypatch.setenv("LOCUS_SECRET_KEY", "test-only")
    monkeypatch.setenv("LOCUS_DATA_DIR", str(tmp_path))
    for name in ("LOCUS_HTTPS", "LOCUS_BEHIND_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import locus.config.settings as module

    return runpy.run_path(module.__file__)


def test_https_deployments_get_hsts(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    values = _settings_with(monkeypatch, tmp_path, LOCUS_HTTPS="1")
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert "SECURE_PROXY_SSL_HEADER" not in values  # only when asked for


def test_the_proxy_header_is_trusted_only_on_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    plain = _settings_with(monkeypatch, tmp_path)
    assert "SECURE_PROXY_SSL_HEADER" not in plain
    assert "SECURE_HSTS_SECONDS" not in plain
    proxied = _settings_with(monkeypatch, tmp_path, LOCUS_BEHIND_PROXY="1")
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
