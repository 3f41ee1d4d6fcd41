"""Recording, amending and changing who was in an incident, from the pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from locus.audit.models import AccessEvent
from locus.incidents.models import (
    Incident,
    IncidentKind,
    IncidentRevision,
    Involvement,
    InvolvementRole,
)
from locus.incidents.services import incident_amend, involvement_remove
from locus.people.picker import NOT_NAMEABLE
from locus.places.models import ContextKind
from tests.factories import (
    World,
    client_for,
    make_context,
    make_incident,
    make_person,
    nothing_written,
)
from tests.incidents.helpers import as_posted

NEW = "/incidents/new/"


def _post(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "rows": "2",
        "context": str(world.park.pk),
        "occurred_on": "01/12/2026",
        "occurred_time": "17:30",
        "kind": "robbery",
        "summary": "Phone taken near the gates.",
        "source": "young_person",
        "confidence": "high",
        "person_1": str(world.csc_child.pk),
        "role_1": "harmed",
        "person_2": "",
        "role_2": "",
    }
    data.update(changes)
    return data


def _errors(response: Any) -> dict[str, list[str]]:
    return {k: list(v) for k, v in response.context["form"].errors.items()}


def test_a_social_worker_records_an_incident_with_two_people_in_two_roles(world: World) -> None:
    peer = make_person(world.social_worker, given_name="Pip")  # recorded by her: she sees him
    client = client_for(world.social_worker)
    response = client.post(NEW, _post(world, person_2=str(peer.pk), role_2="harming"))
    incident = Incident.objects.get(summary="Phone taken near the gates.")
    assert response.status_code == 302
    assert response["Location"] == reverse("incident", args=[incident.pk])
    assert (incident.source, incident.confidence, incident.restricted) == (
        "young_person",
        "high",
        False,
    )
    assert incident.reporting_agency == world.csc
    assert set(incident.involvements.values_list("person_id", "role")) == {
        (world.csc_child.pk, "harmed"),
        (peer.pk, "harming"),
    }
    assert incident.occurred_at.strftime("%d/%m/%Y %H:%M") == "01/12/2026 17:30"


def test_a_person_the_worker_may_not_see_is_refused_on_the_field(world: World) -> None:
    client = client_for(world.social_worker)
    for hidden in (world.other_child.pk, 999999):  # not theirs, and no-one: the same words
        with nothing_written(Incident, Involvement):
            response = client.post(NEW, _post(world, person_2=str(hidden), role_2="present"))
        assert response.status_code == 200
        assert _errors(response) == {"person_2": [NOT_NAMEABLE]}
        assert "Olu" not in response.content.decode()


def test_a_place_the_worker_may_not_see_is_refused_on_the_field(world: World) -> None:
    hidden = make_context(world.police_analyst, kind=ContextKind.HOME, name="Police-known flat")
    with nothing_written(Incident, Involvement):
        response = client_for(world.social_worker).post(NEW, _post(world, context=str(hidden.pk)))
    assert _errors(response) == {"context": ["Choose a place you can see from the list"]}
    assert "Police-known flat" not in response.content.decode()


# Each message, and the field it shows on, for the answers that earn it.
BAD_INPUT = {
    "Name at least one person involved": ("person_1", {"person_1": "", "role_1": ""}),
    "Choose their role": ("role_1", {"role_1": ""}),
    "Name at least one person harmed": ("person_1", {"role_1": "present"}),
    "Enter the time like 17:30": ("occurred_time", {"occurred_time": "5pm"}),
    "An incident cannot be in the future": ("occurred_on", {"occurred_on": "01/12/2099"}),
    # A mistyped year: Django reads 0001 as a date, the service refuses it.
    "An incident must be after 1900": ("occurred_on", {"occurred_on": "01/01/0001"}),
    "Say where this information came from": ("source", {"source": ""}),
    "Enter a summary": ("summary", {"summary": " "}),
}


@pytest.mark.parametrize("message", BAD_INPUT)
def test_bad_input_shows_on_its_field_and_writes_nothing(world: World, message: str) -> None:
    field, changes = BAD_INPUT[message]
    with nothing_written(Incident, Involvement):
        response = client_for(world.social_worker).post(NEW, _post(world, **changes))
    assert response.status_code == 200
    assert message in _errors(response)[field]
    assert "There is a problem" in response.content.decode()


def test_add_another_person_adds_a_row_and_keeps_the_answers(world: World) -> None:
    with nothing_written(Incident, Involvement):
        response = client_for(world.social_worker).post(NEW, _post(world, add_row="1"))
    page = response.content.decode()
    assert 'name="person_3_name"' in page  # the third row's search
    assert f'name="person_1" type="radio" value="{world.csc_child.pk}" checked' in page
    assert 'value="Phone taken near the gates."' in page or "Phone taken near the gates." in page
    assert "There is a problem" not in page


def test_the_restricted_flag_is_offered_to_police_only(world: World) -> None:
    assert 'name="restricted"' not in client_for(world.social_worker).get(NEW).content.decode()
    assert 'name="restricted"' in client_for(world.police_analyst).get(NEW).content.decode()
    # Posted anyway by someone not offered it: not taken.
    client_for(world.social_worker).post(NEW, _post(world, restricted="on"))
    assert not Incident.objects.get(summary="Phone taken near the gates.").restricted


def test_the_child_s_page_links_to_recording_with_the_child_filled_in(world: World) -> None:
    client = client_for(world.social_worker)
    page = client.get(reverse("person", args=[world.csc_child.pk])).content.decode()
    link = f"{NEW}?person={world.csc_child.pk}"
    assert link in page
    form = client.get(link).context["form"]
    assert form["person_1"].value() == str(world.csc_child.pk)


def test_an_auditor_may_not_open_the_record_page(world: World) -> None:
    assert client_for(world.auditor).get(NEW).status_code == 404


def test_showing_the_form_is_audited(world: World) -> None:
    client_for(world.social_worker).get(NEW)
    event = AccessEvent.objects.filter(actor=world.social_worker).latest("id")
    assert (event.record_type, event.detail) == ("incidents.incident", {"page": "incident-new"})


def test_amend_from_the_page_keeps_the_history_shown_on_the_incident(world: World) -> None:
    incident = world.police_incident
    client = client_for(world.police_analyst)
    url = reverse("incident-amend", args=[incident.pk])
    data = as_posted(
        client.get(url).context["form"],
        summary="Robbery at knifepoint, not a fight.",
        kind="robbery",
        reason="The victim's statement",
        restricted="",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    revision = IncidentRevision.objects.get(incident=incident)
    assert revision.summary == "A synthetic incident for tests."
    page = client.get(reverse("incident", args=[incident.pk])).content.decode()
    assert "History" in page and "The victim&#x27;s statement" in page
    assert "A synthetic incident for tests." in page and "Robbery at knifepoint" in page


def test_amend_needs_a_reason_and_writes_nothing_without_one(world: World) -> None:
    incident = world.police_incident
    client = client_for(world.police_analyst)
    url = reverse("incident-amend", args=[incident.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(occurred_on="01/12/2026", occurred_time="10:00", reason="")
    with nothing_written(Incident, IncidentRevision):
        response = client.post(url, data)
    assert _errors(response) == {"reason": ["Say why you are amending it"]}


@pytest.mark.parametrize("persona", ["social_worker", "school_dsl", "auditor"])
def test_others_get_404_for_the_change_pages(world: World, persona: str) -> None:
    incident = world.police_incident
    involvement = incident.involvements.first()
    assert involvement is not None
    client = client_for(world.persona(persona))
    for url in (
        reverse("incident-amend", args=[incident.pk]),
        reverse("involvement-add", args=[incident.pk]),
        reverse("involvement-remove", args=[incident.pk, involvement.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x"}).status_code == 404


def test_add_and_remove_a_person_from_the_pages(world: World) -> None:
    incident = world.police_incident
    client = client_for(world.police_analyst)
    add = reverse("involvement-add", args=[incident.pk])
    response = client.post(
        add, {"person": str(world.adult.pk), "role": "present", "reason": "Also a witness"}
    )
    assert response.status_code == 302
    added = incident.involvements.get(person=world.adult, role="present")
    assert added.reason == "Also a witness"
    refused = client.post(
        add, {"person": str(world.csc_child.pk), "role": "present", "reason": "x"}
    )
    assert _errors(refused) == {"person": [NOT_NAMEABLE]}
    remove = reverse("involvement-remove", args=[incident.pk, added.pk])
    assert _errors(client.post(remove, {"reason": ""})) == {
        "reason": ["Say why you are removing them"]
    }
    assert client.post(remove, {"reason": "Not there after all"}).status_code == 302
    page = client.get(reverse("incident", args=[incident.pk])).content.decode()
    assert "Removed" in page and "Not there after all" in page
    assert Involvement.with_removed.filter(pk=added.pk).exists()


def _queries(client: Any, url: str) -> int:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pinned_query_counts(world: World) -> None:
    """Pinned: a change that adds a query says why here."""
    police = client_for(world.police_analyst)
    incident = world.police_incident
    # Sign-in and session (6 of each count: session, worker, break-glass twice, session
    # save in a savepoint), then: the access event (its row, and its chain head read locked
    # and moved on) and the places offered.
    assert _queries(police, NEW) == 11
    # + the incident (looked up, then read as the list reads it), its people, may-edit.
    assert _queries(police, reverse("incident-amend", args=[incident.pk])) == 15
    # + who of its people the viewer sees, and its history: amendments and removed people.
    assert _queries(police, reverse("incident", args=[incident.pk])) == 17


def _h1(html: str) -> str:
    [heading] = re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", heading).strip()


def test_the_incident_page_heading_says_what_it_was_and_when(world: World) -> None:
    """A worker who opens an incident from a list of many reads which one it is from its
    heading: the kind (an "other" one said as an incident) and the day, and nothing of a
    place or person the reader may not see."""
    when = timezone.make_aware(dt.datetime(2026, 3, 3, 21, 15))
    # (reader, kind, where, who, reporting agency, the heading the reader reads)
    cases = [
        (world.school_dsl, IncidentKind.OTHER, world.home, world.pupil, world.police,
         "Other incident, 3 March 2026"),
        (world.social_worker, IncidentKind.ROBBERY, world.park, world.csc_child, world.csc,
         "Robbery, 3 March 2026"),
    ]  # fmt: skip
    for reader, kind, where, who, agency, heading in cases:
        incident = make_incident(
            world.system,
            context=where,
            kind=kind,
            occurred_at=when,
            involvements=[(who, InvolvementRole.HARMED)],
            reporting_agency=agency,
        )
        html = client_for(reader).get(reverse("incident", args=[incident.pk])).content.decode()
        assert _h1(html) == heading
        assert f"<title>{heading}" in html
        assert world.home.name not in html  # withheld from the school's lead


def test_the_incident_page_logs_the_involvements_and_history_it_lists(world: World) -> None:
    """The read names the involvements listed, and the earlier versions and the removed
    involvements the history shows, by id."""
    incident = world.police_incident
    analyst = world.police_analyst
    removed = incident.involvements.get(role=InvolvementRole.HARMING)
    involvement_remove(actor=analyst, involvement=removed, reason="Named in error")
    incident_amend(actor=analyst, incident=incident, reason="Time corrected", summary="Amended")
    page = client_for(analyst).get(reverse("incident", args=[incident.pk]))
    assert page.status_code == 200 and "Named in error" in page.content.decode()
    read = AccessEvent.objects.filter(actor=analyst).latest("id")
    assert read.record_id == str(incident.pk)
    assert read.detail["involvements_shown"] == [i.pk for i in incident.involvements.all()]
    assert read.detail["removed_shown"] == [removed.pk]
    assert read.detail["revisions_shown"] == [IncidentRevision.objects.get(incident=incident).pk]
