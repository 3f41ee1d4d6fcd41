"""An identifier another record has: refused in words that reveal nothing, with a logged
request to someone who may see that record.

"Another person already has this UPN" proved to a worker that a child hidden from them is
known. Now the refusal, the request page and the confirmation are the same bytes whether
or not the other child is visible to the worker; the request goes to a named manager of
the team holding the other child (or to an administrator), who closes it with a note.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from locus.access.models import Role, Worker
from locus.audit.models import AccessEvent, ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.people.models import Identifier, IdentifierQuery, Person
from locus.people.services import (
    identifier_query_close,
    identifier_query_send,
    person_update,
)
from tests.factories import (
    World,
    client_for,
    last_change,
    make_person,
    make_worker,
    nothing_written,
    valid_nhs_number,
    valid_upn,
)
from tests.web.test_views import _details

pytestmark = pytest.mark.django_db

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
VALUES = {
    "upn": valid_upn(77001),
    "nhs_number": valid_nhs_number(77002),
    "la_child_id": "LA-77003",
}


def team_b_manager(world: World) -> Worker:
    return make_worker(
        world.system, team=world.csc_team_b, role=Role.MANAGER, username="team_b_manager"
    )


def give(world: World, person: Person, field: str, value: str | None) -> None:
    person_update(actor=world.system, person=person, **{field: value})


def without_csrf(content: bytes) -> bytes:
    return CSRF.sub(b"", content)


def ask(client: Client, child: Person, field: str, value: str) -> tuple[bytes, bytes, bytes]:
    """Try the identifier on the edit page, open the request page, send it: three pages."""
    edit = client.post(reverse("person-edit", args=[child.pk]), _details(child, **{field: value}))
    assert edit.status_code == 200
    request_url = reverse("identifier-query-new", args=[child.pk])
    asked = client.post(request_url, {"field": field, "value": value})
    sent = client.post(request_url, {"field": field, "value": value, "send": "1"}, follow=True)
    assert sent.redirect_chain == [(reverse("person", args=[child.pk]), 302)]
    return tuple(without_csrf(r.content) for r in (edit, asked, sent))  # type: ignore[return-value]


@pytest.mark.parametrize("field", Identifier.values)
def test_the_refusal_and_the_request_are_the_same_whether_the_other_child_is_seen_or_not(
    world: World, field: str
) -> None:
    value = VALUES[field]
    b_manager = team_b_manager(world)
    client = client_for(world.social_worker)
    # Hidden: another team's child has the identifier.
    give(world, world.other_child, field, value)
    hidden = ask(client, world.csc_child, field, value)
    query = IdentifierQuery.objects.get()
    assert query.routed_to == b_manager and query.conflicting == world.other_child
    identifier_query_close(actor=b_manager, query=query, note="Typed on the wrong record")
    # Seen: the same identifier moves to a child the social worker sees (her team's).
    give(world, world.other_child, field, None)
    give(world, world.team_child, field, value)
    seen = ask(client, world.csc_child, field, value)
    assert IdentifierQuery.objects.latest("pk").routed_to == world.team_manager

    for hidden_page, seen_page in zip(hidden, seen, strict=True):
        assert hidden_page == seen_page
    edit, asked, sent = (page.decode() for page in hidden)
    label = Identifier(field).label
    assert f"This {label} cannot be used here: ask your data team" in edit
    assert f"Ask for this {label} to be checked" in edit
    assert "Another person" not in edit
    assert "Your request has been sent" in sent
    for page in (edit, asked, sent):
        for secret in ("Olu", "Otherchild", "Tariq", "Assessment Team B", "team_b_manager"):
            assert secret not in page
    world.csc_child.refresh_from_db()
    assert getattr(world.csc_child, field) is None  # nothing written


def test_a_request_is_audited_and_names_the_other_record_only_for_who_answers(
    world: World,
) -> None:
    b_manager = team_b_manager(world)
    give(world, world.other_child, "upn", VALUES["upn"])
    query = identifier_query_send(
        actor=world.social_worker,
        person=world.csc_child,
        field="upn",
        value=VALUES["upn"].lower(),
        note="From the school's admission form",
    )
    event = last_change(query)
    assert event.action == ChangeAction.CREATE and event.actor == world.social_worker
    assert event.after["conflicting_id"] == world.other_child.pk
    assert event.after["routed_to_id"] == b_manager.pk
    assert query.value == VALUES["upn"]

    # The manager it went to sees it from the home page, with both children named.
    manager = client_for(b_manager)
    home = manager.get(reverse("dashboard")).content.decode()
    assert reverse("identifier-queries") in home and "1 identifier request" in home
    listing = manager.get(reverse("identifier-queries")).content.decode()
    assert "Olu Otherchild" in listing and VALUES["upn"] in listing
    # She may not see the child being changed (another team's): initials only.
    assert "Ciara" not in listing and "CC" in listing
    read = AccessEvent.objects.filter(actor=b_manager, record_type="people.identifierquery")
    assert read.first().detail == {
        "shown": [str(query.pk)],
        "people_shown": [world.other_child.pk],
    }
    # Nobody else: the requester, her manager, another worker get no request and no page.
    for worker in (world.social_worker, world.team_manager, world.police_analyst):
        client = client_for(worker)
        assert VALUES["upn"] not in client.get(reverse("identifier-queries")).content.decode()
        assert reverse("identifier-queries") not in client.get("/").content.decode()
        url = reverse("identifier-query", args=[query.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"note": "Closing it myself"}).status_code == 404
    query.refresh_from_db()
    assert query.closed_at is None


def test_the_manager_closes_a_request_with_a_note(world: World) -> None:
    b_manager = team_b_manager(world)
    give(world, world.other_child, "upn", VALUES["upn"])
    query = identifier_query_send(
        actor=world.social_worker, person=world.csc_child, field="upn", value=VALUES["upn"]
    )
    client = client_for(b_manager)
    url = reverse("identifier-query", args=[query.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Olu Otherchild" in page.content.decode()
    assert AccessEvent.objects.filter(
        actor=b_manager, record_type="people.identifierquery", record_id=str(query.pk)
    ).exists()
    refused = client.post(url, {"note": "  "})
    assert "Say what was done, for the record" in refused.content.decode()
    assert client.post(url, {"note": "Was Olu's UPN: told the worker"}).status_code == 302
    query.refresh_from_db()
    assert query.closed_by == b_manager and query.closing_note == "Was Olu's UPN: told the worker"
    assert last_change(query).after["closing_note"] == "Was Olu's UPN: told the worker"
    assert (
        "No identifier requests are waiting"
        in client.get(reverse("identifier-queries")).content.decode()
    )
    with pytest.raises(ValidationFailed):
        identifier_query_close(actor=world.admin, query=query, note="Again")


def test_a_child_nobody_holds_routes_to_an_administrator_not_the_system_account(
    world: World,
) -> None:
    loose = make_person(world.system, given_name="Nobody", family_name="Holds", la_child_id="LA-1")
    query = identifier_query_send(
        actor=world.social_worker, person=world.csc_child, field="la_child_id", value="la-1"
    )
    assert query.conflicting == loose and query.routed_to == world.admin
    page = client_for(world.admin).get(reverse("identifier-queries")).content.decode()
    assert "Nobody Holds" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"value": VALUES["upn"]},
            "value",
            "This UPN can be used: save it on the change details page",
        ),
        ({"field": "name"}, "field", "Choose the UPN, NHS number or LA child ID"),
        ({"value": ""}, "value", "Enter the identifier"),
    ],
)
def test_a_request_needs_an_identifier_refused_for_a_reason(
    world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    fields = {"field": "upn", "value": "X", **changes}
    with nothing_written(IdentifierQuery), pytest.raises(ValidationFailed) as exc:
        identifier_query_send(actor=world.social_worker, person=world.csc_child, **fields)
    assert message in exc.value.errors[field]


def test_one_open_request_per_identifier_and_only_from_who_may_edit(world: World) -> None:
    give(world, world.other_child, "upn", VALUES["upn"])
    fields = {"person": world.csc_child, "field": "upn", "value": VALUES["upn"]}
    identifier_query_send(actor=world.social_worker, **fields)
    with nothing_written(IdentifierQuery), pytest.raises(ValidationFailed) as exc:
        identifier_query_send(actor=world.social_worker, **fields)
    assert exc.value.errors == {
        "value": ["You have already asked about this UPN: the request is open"]
    }
    # Asking is not a way to probe identifiers on someone else's record.
    for worker in (world.teammate, world.police_analyst, world.auditor):
        with nothing_written(IdentifierQuery), pytest.raises(NotPermitted):
            identifier_query_send(actor=worker, **fields)
    response = client_for(world.teammate).post(
        reverse("identifier-query-new", args=[world.csc_child.pk]),
        {"field": "upn", "value": VALUES["upn"], "send": "1"},
    )
    assert response.status_code == 404


def test_an_identifier_tried_and_refused_is_on_the_trail_with_whose_it_is(world: World) -> None:
    from locus.audit.models import AccessEvent

    give(world, world.other_child, "upn", VALUES["upn"])
    client = client_for(world.social_worker)
    client.post(
        reverse("person-edit", args=[world.csc_child.pk]),
        _details(world.csc_child, upn=VALUES["upn"]),
    )
    event = AccessEvent.objects.filter(
        actor=world.social_worker, record_id=str(world.csc_child.pk), detail__page="edit"
    ).get()
    assert event.detail["identifiers_refused"] == ["upn"]
    assert event.detail["identifier_holders"] == [world.other_child.pk]
    # The auditor's search by the other child finds the attempt.
    assert f",{world.other_child.pk}," in event.people


def test_a_record_the_answerer_may_not_see_is_a_person_not_shared_never_a_child(
    world: World,
) -> None:
    """A request may be about a young person's record or an adult's. Its answerer who may not
    see the record being changed reads it by initials as "a person not shared with you", on
    the list and on the request's page, as every page names someone hidden from a list that
    may hold adults: "a child" would tell her which it is."""
    b_manager = team_b_manager(world)
    give(world, world.other_child, "upn", VALUES["upn"])
    query = identifier_query_send(
        actor=world.social_worker, person=world.csc_child, field="upn", value=VALUES["upn"]
    )
    manager = client_for(b_manager)
    for url in (reverse("identifier-queries"), reverse("identifier-query", args=[query.pk])):
        page = manager.get(url).content.decode()
        assert "CC (a person not shared with you)" in page, url
        assert "a child not shared" not in page and "Ciara" not in page
        assert "Olu Otherchild" in page  # the record she sees is named, as before
