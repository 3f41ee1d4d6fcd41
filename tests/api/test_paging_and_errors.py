"""Pages (limit/offset with a hard cap, totals and links), filters as the pages have them,
and one error body for every refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from locus.common.services import today
from locus.incidents.models import IncidentKind, InvolvementRole
from tests.api.conftest import api_as
from tests.factories import World, make_incident, make_person

pytestmark = pytest.mark.django_db


def error(response: object, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code and body["error"]["field"] == field
    assert body["error"]["message"]


def test_pages_carry_totals_and_links_and_never_more_than_100(world: World) -> None:
    api = api_as(world.admin)
    for i in range(3):
        make_person(world.system, given_name=f"Extra{i}", family_name="Pager")
    first = api.ok("/people", limit=4)
    assert first["count"] == 10 and len(first["results"]) == 4 and first["previous"] is None
    assert first["next"].endswith("/api/v1/people?limit=4&offset=4")
    second = api.ok("/people", limit=4, offset=4)
    assert second["previous"].endswith("offset=0") and second["next"].endswith("offset=8")
    last = api.ok("/people", limit=4, offset=8)
    assert len(last["results"]) == 2 and last["next"] is None
    seen = [p["id"] for page in (first, second, last) for p in page["results"]]
    assert len(set(seen)) == 10
    error(api.get("/people", limit=101), 422, "invalid", "limit")
    error(api.get("/people", limit=0), 422, "invalid", "limit")
    error(api.get("/people", offset=-1), 422, "invalid", "offset")


def test_people_are_searched_as_the_people_page_searches(world: World) -> None:
    api = api_as(world.admin)
    got = api.ok("/people", q="cscchild")["results"]
    assert [p["id"] for p in got] == [world.csc_child.pk]
    assert api.ok("/people", kind="adult_of_concern")["results"][0]["id"] == world.adult.pk
    error(api.get("/people", kind="dragon"), 422, "invalid", "kind")
    error(api.get("/people", age_from=12, age_to=10), 422, "invalid", "age_to")


def test_a_search_by_an_identifier_the_role_may_not_see_finds_nobody(world: World) -> None:
    """As on the people page: a police analyst may not search by UPN (it would tell whose)."""
    from locus.people.services import person_update
    from tests.factories import valid_upn

    upn = valid_upn(4242)
    person_update(actor=world.system, person=world.adult, upn=upn)
    assert [p["id"] for p in api_as(world.admin).ok("/people", q=upn)["results"]] == [
        world.adult.pk
    ]
    assert api_as(world.police_analyst).ok("/people", q=upn)["results"] == []


def test_incidents_by_date_range_and_kind(world: World) -> None:
    api = api_as(world.admin)
    old = make_incident(
        world.system,
        context=world.park,
        reporting_agency=world.police,
        involvements=[(world.police_child, InvolvementRole.HARMED)],
        occurred_at=dt.datetime(2024, 1, 10, 12, tzinfo=dt.UTC),
        kind=IncidentKind.ROBBERY,
    )
    assert [i["id"] for i in api.ok("/incidents", until="2024-01-10")["results"]] == [old.pk]
    assert old.pk not in [i["id"] for i in api.ok("/incidents", since="2024-01-11")["results"]]
    assert [i["id"] for i in api.ok("/incidents", kind="robbery")["results"]] == [old.pk]
    error(
        api.get("/incidents", since=today().isoformat(), until="2024-01-01"),
        422,
        "invalid",
        "until",
    )
    error(api.get("/incidents", since="yesterday"), 422, "invalid", "since")
    error(api.get("/incidents", kind="nothing"), 422, "invalid", "kind")


def test_every_refusal_has_the_one_body(world: World) -> None:
    api = api_as(world.admin)
    error(api.get("/people/987654321"), 404, "not_found")
    error(api.get("/no-such-thing"), 404, "not_found")
    error(api.get("/people/abc"), 422, "invalid", "person_id")
    error(api.client.get("/api/v1/people"), 401, "unauthorized")
    posted = api.client.post("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {api.secret}")
    error(posted, 405, "method_not_allowed")
    assert posted["Allow"] == "GET"


@pytest.mark.parametrize("path", ["/people", "/contexts", "/groups"])
def test_a_search_with_a_null_character_is_refused_not_a_server_error(
    world: World, path: str
) -> None:
    error(api_as(world.admin).get(path, q="a\x00b"), 422, "invalid", "q")


def test_a_peer_map_as_at_a_day_to_come_is_refused_as_the_map_page_refuses_it(
    world: World,
) -> None:
    api = api_as(world.social_worker)
    path = f"/people/{world.csc_child.pk}/peer-map"
    tomorrow = today() + dt.timedelta(days=1)
    error(api.get(path, as_at=tomorrow.isoformat()), 422, "invalid", "as_at")
    assert api.ok(path, as_at=today().isoformat())["as_at"] == today().isoformat()
