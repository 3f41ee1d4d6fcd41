"""An incident at a home does not show the home to a reader whose role has no home address.

A home is named by its address. Seeing a child in an incident there gives sight of the
incident, not of where the family lives: a school's safeguarding lead (no home address in
the field table) sees that it happened at a home, never which one, on every surface that
shows the incident (the list, its page, the child's page, the dashboard, the download and
the API). A role with the home address still reaches the home through the incident.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import policies, scopes
from locus.access.fields import PersonField, role_fields
from locus.access.models import Role
from locus.access.naming import PLACE_WITHHELD
from locus.audit.models import AccessEvent
from locus.incidents.models import Incident, IncidentKind, IncidentRevision, InvolvementRole
from locus.places.models import ContextKind
from tests.api.conftest import api_as
from tests.exports.conftest import download
from tests.factories import World, client_for, make_context, make_incident, make_worker
from tests.incidents.helpers import as_posted
from tests.moves.helpers import incident_on, move
from tests.profiles.pages import url as url_of

pytestmark = pytest.mark.django_db

HOME_NAME = "Flat 3, Example House"


@pytest.fixture
def at_home(world: World) -> Incident:
    """A police-reported incident at the home where ``csc_child`` lives, in which the
    school's pupil and the youth justice child were involved."""
    assert world.home.name == HOME_NAME
    return make_incident(
        world.system,
        context=world.home,
        involvements=[
            (world.pupil, InvolvementRole.HARMED),
            (world.yjs_child, InvolvementRole.PRESENT),
        ],
        reporting_agency=world.police,
    )


def test_the_school_lead_sees_the_incident_but_not_the_home(
    world: World, at_home: Incident
) -> None:
    dsl = world.school_dsl
    assert PersonField.HOME_ADDRESS not in role_fields(dsl)
    assert scopes.incidents_visible_to(dsl).filter(pk=at_home.pk).exists()
    assert not scopes.contexts_visible_to(dsl).filter(pk=world.home.pk).exists()

    client = client_for(dsl)
    assert client.get(f"/contexts/{world.home.pk}/").status_code == 404
    for url in (
        f"/incidents/{at_home.pk}/",
        "/incidents/",
        f"/people/{world.pupil.pk}/",
        "/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert HOME_NAME not in html, url
        assert f"/contexts/{world.home.pk}/" not in html, url
        assert PLACE_WITHHELD in html, url


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_says_the_place_is_withheld(world: World, at_home: Incident, fmt: str) -> None:
    rows = download(client_for(world.school_dsl), "incidents", fmt)
    heads = rows[0]
    [row] = [r for r in rows[1:] if str(r[0]) == str(at_home.pk)]
    assert row[heads.index("Where")] == PLACE_WITHHELD
    assert all(HOME_NAME not in str(cell) for r in rows for cell in r)


def test_the_api_gives_no_place_and_says_it_is_withheld(world: World, at_home: Incident) -> None:
    api = api_as(world.school_dsl)
    one = api.ok(f"/incidents/{at_home.pk}")
    assert one["context"] is None and one["place_withheld"] is True
    listed = api.ok("/incidents")
    [row] = [r for r in listed["results"] if r["id"] == at_home.pk]
    assert row["context"] is None and row["place_withheld"] is True
    assert HOME_NAME not in str(listed)


def test_a_role_with_the_home_address_still_reaches_the_home(
    world: World, at_home: Incident
) -> None:
    worker = world.yjs_worker
    assert PersonField.HOME_ADDRESS in role_fields(worker)
    assert scopes.contexts_visible_to(worker).filter(pk=world.home.pk).exists()
    html = client_for(worker).get(f"/incidents/{at_home.pk}/").content.decode()
    assert f'href="/contexts/{world.home.pk}/"' in html and HOME_NAME in html
    one = api_as(worker).ok(f"/incidents/{at_home.pk}")
    assert one["context"]["id"] == world.home.pk and one["place_withheld"] is False


def test_a_peer_group_is_still_reached_through_an_incident(world: World) -> None:
    """Only a home is named by an address: an incident at a peer group still shows the
    group to whoever sees the incident, as before."""
    dsl = world.school_dsl
    incident = make_incident(
        world.system,
        context=world.group,
        involvements=[(world.pupil, InvolvementRole.HARMED)],
        reporting_agency=world.police,
    )
    assert scopes.contexts_visible_to(dsl).filter(pk=world.group.pk).exists()
    one = api_as(dsl).ok(f"/incidents/{incident.pk}")
    assert one["context"]["id"] == world.group.pk and one["place_withheld"] is False


def test_a_managed_move_says_it_was_a_home_not_which(world: World) -> None:
    incident_on(world, 12, world.home, "harming", reporting_agency=world.police)
    recorded = move(world)
    client = client_for(world.school_dsl)
    html = client.get(url_of("person-move", world.pupil.pk, recorded.pk)).content.decode()
    assert "12 days after" in html
    assert HOME_NAME not in html and f"/contexts/{world.home.pk}/" not in html
    assert PLACE_WITHHELD in html


AMENDERS = [
    # A police analyst on a police incident, a school's lead on the school's: neither role
    # has the home address, and each owns (so may amend) the incident.
    ("police_analyst", "police", "police_child"),
    ("school_dsl", "school_agency", "pupil"),
]


def _amendable_at_home(world: World, amender: str, agency: str, child: str, kind: str) -> Incident:
    """An incident at the home, reported by the amender's agency, about their child."""
    harmed = InvolvementRole.MISSING if kind == IncidentKind.MISSING else InvolvementRole.HARMED
    incident = make_incident(
        world.system,
        context=world.home,
        kind=kind,
        reporting_agency=getattr(world, agency),
        involvements=[(getattr(world, child), harmed)],
    )
    worker = getattr(world, amender)
    assert policies.can_edit_incident(worker, incident)
    assert not scopes.contexts_visible_to(worker).filter(pk=world.home.pk).exists()
    return incident


@pytest.mark.parametrize(("amender", "agency", "child"), AMENDERS)
@pytest.mark.parametrize("kind", [IncidentKind.MISSING, IncidentKind.PEER_PHYSICAL])
def test_amending_an_incident_at_a_withheld_home_keeps_the_home(
    world: World, amender: str, agency: str, child: str, kind: str
) -> None:
    """A worker who may not see the home corrects the summary: the amend page says it was a
    home (never which) instead of offering a place, and the home stays where it happened.
    Before, a missing episode lost its place unseen, and any other incident could not be
    amended at all ("Say where it happened")."""
    incident = _amendable_at_home(world, amender, agency, child, kind)
    worker = getattr(world, amender)
    client = client_for(worker)
    url = reverse("incident-amend", args=[incident.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert PLACE_WITHHELD in html and HOME_NAME not in html
    assert 'name="context"' not in html
    event = AccessEvent.objects.filter(actor=worker).latest("id")
    assert (event.record_type, event.record_id, event.detail) == (
        "incidents.incident",
        str(incident.pk),
        {"page": "incident-amend"},
    )
    data = as_posted(
        page.context["form"],
        summary="Corrected summary",
        reason="Typo",
        # What the page sent before, the home not being among the places offered:
        context="",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    incident.refresh_from_db()
    assert (incident.summary, incident.context_id) == ("Corrected summary", world.home.pk)
    assert IncidentRevision.objects.get(incident=incident).context_id == world.home.pk
    # The incident and its history say it was a home, never which, to this reader.
    shown = client.get(reverse("incident", args=[incident.pk])).content.decode()
    assert "History" in shown and HOME_NAME not in shown
    assert shown.count(PLACE_WITHHELD) == 2


def test_a_role_with_the_home_address_is_still_offered_the_place(world: World) -> None:
    """Only a withheld home replaces the place field: the same analyst amending an
    incident at a place they see may still move it."""
    client = client_for(world.police_analyst)
    incident = world.police_incident
    page = client.get(reverse("incident-amend", args=[incident.pk]))
    assert PLACE_WITHHELD not in page.content.decode()
    assert page.context["form"]["context"].value() == str(world.park.pk)


def test_a_home_the_viewer_s_own_agency_recorded_is_named_to_them(world: World) -> None:
    """The rule withholds a home reached only through the children in an incident. A police
    analyst (no home address in the field table) whose own agency recorded the address, a
    cuckooed flat say, sees that home in its own right: the incident names and links it, as
    to anyone who sees it (the address came from them)."""
    analyst = world.police_analyst
    assert PersonField.HOME_ADDRESS not in role_fields(analyst)
    officer = make_worker(world.system, team=analyst.team, role=Role.PRACTITIONER)
    flat = make_context(officer, kind=ContextKind.HOME, name="Flat 9, Sample Court")
    assert scopes.contexts_visible_to(analyst).filter(pk=flat.pk).exists()
    incident = make_incident(
        world.system,
        context=flat,
        involvements=[(world.police_child, InvolvementRole.HARMED)],
        reporting_agency=world.police,
    )
    html = client_for(analyst).get(f"/incidents/{incident.pk}/").content.decode()
    assert f'href="/contexts/{flat.pk}/"' in html and "Flat 9, Sample Court" in html
    assert PLACE_WITHHELD not in html
