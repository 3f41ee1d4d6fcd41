"""The pages: the data team's only, every read audited, My work showing the deadline."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from locus.audit.models import AccessAction, AccessEvent
from locus.casework.selectors import my_work
from locus.common import clock
from locus.subjectaccess.models import SubjectAccessPackage, SubjectAccessRequest
from locus.subjectaccess.package import package_approve, package_ask
from locus.subjectaccess.services import request_log
from tests.factories import World, client_for
from tests.subjectaccess.conftest import Scene, asked_export, other_admin, released_export

NOT_DATA_TEAM = [
    "social_worker",
    "other_social_worker",
    "team_manager",
    "yjs_worker",
    "police_analyst",
    "school_dsl",
    "auditor",
]


def _urls(scene: Scene, package: SubjectAccessPackage) -> list[tuple[str, str]]:
    base = f"/data/subject-access/{scene.request.pk}/"
    return [
        ("get", "/data/subject-access/"),
        ("get", "/data/subject-access/new/"),
        ("post", "/data/subject-access/new/"),
        ("get", base),
        ("get", f"{base}update/"),
        ("post", f"{base}update/"),
        ("get", f"{base}extend/"),
        ("post", f"{base}close/"),
        ("post", f"{base}export/"),
        ("get", f"{base}packages/{package.pk}/download/"),
        ("get", f"{base}packages/{package.pk}/approve/"),
        ("post", f"{base}packages/{package.pk}/approve/"),
    ]


@pytest.mark.parametrize("persona", NOT_DATA_TEAM)
def test_everyone_but_the_data_team_gets_not_found(
    world: World, scene: Scene, persona: str
) -> None:
    package = asked_export(world, scene.request)
    client = client_for(world.persona(persona))
    exports = AccessEvent.objects.filter(action=AccessAction.EXPORT).count()
    for method, url in _urls(scene, package):
        assert getattr(client, method)(url).status_code == 404, (persona, url)
    assert AccessEvent.objects.filter(action=AccessAction.EXPORT).count() == exports
    assert SubjectAccessPackage.objects.count() == 1


def test_the_data_team_opens_every_page(world: World, scene: Scene) -> None:
    package = released_export(world, scene.request)
    waiting = asked_export(world, scene.request)  # approved, its approval's page is not found
    client = client_for(world.admin)
    approver = client_for(other_admin(world))  # the approval's page is theirs alone
    for method, url in _urls(scene, package):
        if method == "get" and url.endswith("/approve/"):
            url = f"/data/subject-access/{scene.request.pk}/packages/{waiting.pk}/approve/"
            assert approver.get(url).status_code == 200, url
        elif method == "get":
            assert client.get(url).status_code == 200, url


def test_the_request_page_is_audited_with_the_subject_and_the_exports_it_lists(
    world: World, scene: Scene
) -> None:
    released = released_export(world, scene.request)
    waiting = asked_export(world, scene.request)
    response = client_for(world.admin).get(f"/data/subject-access/{scene.request.pk}/")
    assert response.status_code == 200
    assert scene.request.reference in response.content.decode()
    event = AccessEvent.objects.latest("id")
    assert event.record_type == "subjectaccess.subjectaccessrequest"
    assert event.record_id == str(scene.request.pk)
    assert event.people == f",{scene.subject.pk},"
    # The exports listed, newest first, by id: the trail says which ones the reader saw.
    assert event.detail["packages_shown"] == [waiting.pk, released.pk]


def test_a_step_on_an_export_is_audited_with_the_export_it_shows(
    world: World, scene: Scene
) -> None:
    waiting = asked_export(world, scene.request)
    base = f"/data/subject-access/{scene.request.pk}/packages/{waiting.pk}/"
    response = client_for(other_admin(world)).get(f"{base}approve/")
    assert response.status_code == 200
    event = AccessEvent.objects.latest("id")
    assert event.record_id == str(scene.request.pk)
    assert event.detail == {"page": "Approve the release of the export", "package": waiting.pk}


def test_making_and_downloading_the_export_are_each_audited(world: World, scene: Scene) -> None:
    client = client_for(world.admin)
    base = f"/data/subject-access/{scene.request.pk}/"
    approver = other_admin(world)
    response = client.post(f"{base}export/", {"disclose_staff": "", "approver": approver.pk})
    assert response.status_code == 302
    package = SubjectAccessPackage.objects.get()
    assert package.disclose_staff is False
    made = AccessEvent.objects.filter(action=AccessAction.EXPORT).latest("id")
    package_approve(actor=approver, package=package, reason="Checked")
    download = client.get(f"{base}packages/{package.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith(
        f'attachment; filename="{scene.request.reference}.zip"'
    )
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert f"{scene.request.reference}.pdf" in archive.namelist()
    events = AccessEvent.objects.filter(action=AccessAction.EXPORT, pk__gt=made.pk)
    (again,) = events
    assert again.people == made.people == f",{scene.subject.pk},"
    assert again.actor_id == world.admin.pk


def test_logging_a_request_through_the_form(world: World, scene: Scene) -> None:
    client = client_for(world.admin)
    response = client.post(
        "/data/subject-access/new/",
        {
            "person": scene.friend.pk,
            "received_on": clock.today().strftime("%d/%m/%Y"),
            "requester": "parent",
            "requester_detail": "Synthetic parent, by email",
            "assigned_to": world.admin.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = SubjectAccessRequest.objects.get(person=scene.friend)
    assert made.requester == "parent"


def test_a_bad_form_names_its_fields(world: World, scene: Scene) -> None:
    response = client_for(world.admin).post(
        "/data/subject-access/new/", {"requester": "representative"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Error: " in page
    assert "Find and choose the person" in page
    assert "Enter the day the request was received" in page


def test_my_work_shows_the_deadline_to_the_assigned_administrator_only(
    world: World, scene: Scene
) -> None:
    mine = client_for(world.admin).get("/my-work/").content.decode()
    assert f"Subject access request {scene.request.reference}" in mine
    assert f"{scene.request.due_on:%-d %b %Y}" in mine
    assert scene.subject.full_name not in mine
    for worker in (other_admin(world), world.social_worker, world.team_manager):
        page = client_for(worker).get("/my-work/").content.decode()
        assert scene.request.reference not in page, worker


def test_my_work_says_what_to_do_with_a_request_and_which_one_once_each(
    world: World, scene: Scene
) -> None:
    # Was: "Subject access request SAR-..." under both What and About, the same words twice.
    (item,) = [i for i in my_work(viewer=world.admin) if "subject-access" in i.url]
    assert item.what == "Answer a subject access request"
    assert item.subject == f"Subject access request {scene.request.reference}"


def test_a_closed_request_leaves_my_work(world: World, scene: Scene) -> None:
    client = client_for(world.admin)
    response = client.post(
        f"/data/subject-access/{scene.request.pk}/close/",
        {"outcome": "withdrawn", "on": clock.today().strftime("%d/%m/%Y"), "note": ""},
    )
    assert "Say how the requester withdrew the request" in response.content.decode()
    response = client.post(
        f"/data/subject-access/{scene.request.pk}/close/",
        {
            "outcome": "withdrawn",
            "on": clock.today().strftime("%d/%m/%Y"),
            "note": "By email to the data team",
        },
    )
    assert response.status_code == 302
    assert scene.request.reference not in client.get("/my-work/").content.decode()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_query_counts_do_not_grow_with_the_log(world: World, scene: Scene) -> None:
    client = client_for(world.admin)
    page = f"/data/subject-access/{scene.request.pk}/"
    before = {url: _queries(client, url) for url in (page, "/data/subject-access/", "/my-work/")}
    for _ in range(3):
        package_ask(actor=world.admin, request=scene.request, approver=other_admin(world))
    for person in (scene.friend, scene.rival, scene.cousin):
        request_log(
            actor=world.admin,
            person=person,
            received_on=clock.today(),
            requester="subject",
            assigned_to=world.admin,
        )
    after = {url: _queries(client, url) for url in before}
    assert after == before
