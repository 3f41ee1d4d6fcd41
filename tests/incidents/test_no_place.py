"""A missing episode recorded with no place (docs/recording.md): the one incident that may be
without one. It reads "Place not known" wherever incidents are listed, is refused for every
other kind, and changes nobody's sight of a child or a place."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from locus.access import scopes
from locus.access.models import Worker
from locus.common.errors import ValidationFailed
from locus.incidents.models import Incident, IncidentKind, InvolvementRole
from locus.incidents.services import incident_amend
from locus.notes.selectors import Filters, chronology
from tests.factories import World, client_for, make_incident, nothing_written, past_moment

pytestmark = pytest.mark.django_db

NEW = "/incidents/new/"
NO_PLACE = "Place not known"
REFUSED = "Say where it happened (only a missing episode may be recorded without a place)"


def _post(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "rows": "2",
        "context": "",
        "occurred_on": "01/12/2026",
        "occurred_time": "22:10",
        "kind": "missing",
        "summary": "Did not come home; found the next morning, would not say where.",
        "source": "parent",
        "confidence": "high",
        "person_1": str(world.csc_child.pk),
        "role_1": "missing",
        "person_2": "",
        "role_2": "",
    }
    data.update(changes)
    return data


def _unplaced(world: World) -> Incident:
    return make_incident(
        world.social_worker,
        context=None,
        kind=IncidentKind.MISSING,
        involvements=[(world.csc_child, InvolvementRole.MISSING)],
        summary="Missing overnight, where not known.",
    )


def test_a_worker_records_a_missing_episode_without_a_place(world: World) -> None:
    response = client_for(world.social_worker).post(NEW, _post(world))
    incident = Incident.objects.get(kind=IncidentKind.MISSING)
    assert response.status_code == 302
    assert incident.context is None
    assert list(incident.involvements.values_list("person_id", "role")) == [
        (world.csc_child.pk, "missing")
    ]


@pytest.mark.parametrize("kind", ["robbery", "cse", "other"])
def test_any_other_kind_without_a_place_is_refused_on_the_place_field(
    world: World, kind: str
) -> None:
    with nothing_written(Incident):
        response = client_for(world.social_worker).post(
            NEW, _post(world, kind=kind, role_1="harmed")
        )
    assert response.status_code == 200
    assert dict(response.context["form"].errors) == {"context": [REFUSED]}
    assert REFUSED in response.content.decode()


def test_the_database_refuses_a_placeless_incident_of_another_kind(world: World) -> None:
    incident = _unplaced(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(kind=IncidentKind.ROBBERY)


def test_amending_it_to_another_kind_needs_a_place_and_its_history_says_place_not_known(
    world: World,
) -> None:
    incident = _unplaced(world)
    with pytest.raises(ValidationFailed) as refused:
        incident_amend(
            actor=world.social_worker,
            incident=incident,
            reason="It was a robbery",
            kind=IncidentKind.ROBBERY,
        )
    assert refused.value.errors["context"] == [REFUSED]
    # Found at the park later: the place is added, the version before kept without one.
    incident_amend(
        actor=world.social_worker,
        incident=incident,
        reason="She told us where she was",
        context=world.park,
    )
    page = client_for(world.social_worker).get(reverse("incident", args=[incident.pk]))
    text = page.content.decode()
    assert "Millfields Park" in text and NO_PLACE in text  # now, and in its history


def test_the_amend_form_of_a_placeless_episode_offers_no_place_chosen(world: World) -> None:
    incident = _unplaced(world)
    page = client_for(world.social_worker).get(reverse("incident-amend", args=[incident.pk]))
    assert page.status_code == 200
    assert page.context["form"]["context"].value() == ""


def test_it_reads_place_not_known_on_its_page_the_childs_page_and_the_list(world: World) -> None:
    incident = _unplaced(world)
    client = client_for(world.social_worker)
    for url in (
        reverse("incident", args=[incident.pk]),
        reverse("person", args=[world.csc_child.pk]),
        reverse("incidents"),
        "/",  # the home page's recent incidents
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert NO_PLACE in text, url
        assert 'href="/contexts/None' not in text, url
    # The child's chronology too.
    events = chronology(world.social_worker, world.csc_child, Filters(kinds=["incident"])).events
    assert [e.what for e in events] == [f"Missing episode, {NO_PLACE.lower()}"]


def _sight(worker: Worker) -> tuple[set[int], set[int], set[int]]:
    return (
        set(scopes.people_visible_to(worker).values_list("id", flat=True)),
        set(scopes.contexts_visible_to(worker).values_list("id", flat=True)),
        set(scopes.incidents_visible_to(worker).values_list("id", flat=True)),
    )


def test_it_changes_nobodys_sight_of_a_child_or_a_place(world: World) -> None:
    workers = [
        world.social_worker,
        world.other_social_worker,
        world.police_analyst,
        world.school_dsl,
        world.team_manager,
        world.auditor,
    ]
    before = {w.pk: _sight(w) for w in workers}
    incident = _unplaced(world)
    after = {w.pk: _sight(w) for w in workers}
    for worker in workers:
        people, places, incidents = after[worker.pk]
        assert (people, places) == before[worker.pk][:2], worker
        sees = incident.pk in incidents
        assert sees == (world.csc_child.pk in people and worker.pk != world.auditor.pk), worker
    # A worker who could not see the child still cannot: the episode is not found, nor she.
    for worker in (world.other_social_worker, world.police_analyst):
        client = client_for(worker)
        assert client.get(reverse("incident", args=[incident.pk])).status_code == 404
        assert client.get(reverse("person", args=[world.csc_child.pk])).status_code == 404
        assert "Missing overnight" not in client.get(reverse("incidents")).content.decode()


def test_a_placeless_incident_in_a_subquery_hides_no_place(world: World) -> None:
    # An SQL "NOT IN" list holding a NULL matches nothing: places reached through incidents
    # must not take the placeless episode's empty place with them.
    police_places = set(scopes.contexts_visible_to(world.police_analyst))
    make_incident(
        world.system,
        context=None,
        kind=IncidentKind.MISSING,
        reporting_agency=world.police,
        involvements=[(world.police_child, InvolvementRole.MISSING)],
        occurred_at=past_moment(3),
    )
    assert set(scopes.contexts_visible_to(world.police_analyst)) == police_places
    assert world.park in police_places


def test_an_empty_form_names_the_place_among_its_problems_unless_it_is_a_missing_episode(
    world: World,
) -> None:
    client = client_for(world.social_worker)
    with nothing_written(Incident):
        empty = client.post(NEW, _post(world, kind="", summary="", occurred_on=""))
        missing = client.post(NEW, _post(world, summary="", occurred_on=""))
    assert response_errors(empty)["context"] == [REFUSED]
    assert "kind" in response_errors(empty)
    assert "context" not in response_errors(missing)
    assert "occurred_on" in response_errors(missing)


def response_errors(response: Any) -> dict[str, list[str]]:
    return {k: list(v) for k, v in response.context["form"].errors.items()}
