"""Every API read is in the trail as its page's read is (same record type, action and
record), with the ids it returned, marked as made through the API and by which token."""

from __future__ import annotations

from typing import Any

import pytest

from locus.audit.models import AccessEvent
from tests.api.conftest import api_as
from tests.api.test_matrix import borough  # noqa: F401 (the fixture)
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db


def last_read(worker: Any) -> AccessEvent:
    return AccessEvent.objects.filter(actor=worker).latest("id")


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [str(r["id"]) for r in rows]


# (API path, page path, what the API's read must have logged of what it returned)
def cases(w: World) -> list[tuple[str, str, Any]]:
    child, admin_only = w.csc_child.pk, w.police_incident.pk
    return [
        ("/people", "/people/", lambda got, d: [str(i) for i in d["people_shown"]] == ids(got)),
        (f"/people/{child}", f"/people/{child}/", lambda got, d: True),
        ("/contexts", "/contexts/", lambda got, d: d["shown"] == ids(got)),
        (f"/contexts/{w.park.pk}", f"/contexts/{w.park.pk}/", lambda got, d: True),
        ("/groups", "/contexts/?kind=peer_group", lambda got, d: d["shown"] == ids(got)),
        (f"/groups/{w.group.pk}", f"/groups/{w.group.pk}/", lambda got, d: True),
        ("/incidents", "/incidents/", lambda got, d: d["shown"] == ids(got)),
        (f"/incidents/{admin_only}", f"/incidents/{admin_only}/", lambda got, d: True),
        ("/context-cases", "/context-cases/", lambda got, d: d["shown"] == ids(got)),
        (
            f"/people/{child}/associations",
            f"/people/{child}/peers/",
            lambda got, d: d["page"] == "peers",
        ),
        (f"/people/{child}/peer-map", f"/people/{child}/peer-map/", lambda got, d: "named" in d),
        ("/linked-cases", "/linked/", lambda got, d: "named" in d),
    ]


def test_each_read_is_logged_as_its_page_logs_it(borough: World) -> None:  # noqa: F811
    viewer = borough.admin
    api, page = api_as(viewer), client_for(viewer)
    for api_path, page_path, holds in cases(borough):
        body = api.ok(api_path)
        event = last_read(viewer)
        assert event.detail["via"] == "api", api_path
        assert event.detail["token"] == api.secret[: len(event.detail["token"])], api_path
        assert holds(body.get("results", []), event.detail), (api_path, event.detail)
        if "results" not in body:
            assert event.record_id == str(body.get("id", body.get("person"))), api_path
        assert page.get(page_path).status_code == 200, page_path
        seen = last_read(viewer)
        assert (event.record_type, event.action, event.record_id) == (
            seen.record_type,
            seen.action,
            seen.record_id,
        ), api_path


def test_people_a_read_names_are_searchable_in_the_trail(borough: World) -> None:  # noqa: F811
    api = api_as(borough.social_worker)
    api.ok(f"/people/{borough.csc_child.pk}/associations")
    event = last_read(borough.social_worker)
    # Ciara and the peer the social worker sees (Tariq), not the one she may not (Olu).
    assert event.detail["peers_shown"] == [borough.team_child.pk]
    assert f",{borough.csc_child.pk}," in event.people


def test_a_refused_read_logs_nothing_and_a_missing_one_alike(world: World) -> None:
    api = api_as(world.police_analyst)
    before = AccessEvent.objects.count()
    assert api.get(f"/people/{world.csc_child.pk}").status_code == 404
    assert AccessEvent.objects.count() == before


@pytest.mark.parametrize("through", ["api", "page"])
def test_a_query_cannot_write_an_unseen_child_or_a_break_glass_flag_into_the_trail(
    world: World, through: str
) -> None:
    """The people list logs the filters it reads, not every name in the query: a ``person``
    or ``break_glass`` in the query would otherwise be taken as whom the read showed and as
    emergency sight, for a child the worker never saw."""
    viewer, child = world.social_worker, world.other_child
    assert client_for(viewer).get(f"/people/{child.pk}/").status_code == 404
    query = {"q": "Cscchild", "person": str(child.pk), "shown": str(child.pk), "break_glass": "1"}
    if through == "api":
        api_as(viewer).ok("/people", **query)
    else:
        assert client_for(viewer).get("/people/", query).status_code == 200
    event = last_read(viewer)
    assert event.record_type == "people.person"
    assert f",{child.pk}," not in event.people
    assert event.detail["q"] == "Cscchild"
    assert not {"person", "shown", "break_glass"} & set(event.detail)
