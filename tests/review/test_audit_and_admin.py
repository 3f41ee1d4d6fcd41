"""Review: reads that escape the access log, and the admin outside the access rules."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.models import Role, Scope
from locus.audit.models import AccessEvent
from tests.factories import World, client_for, make_worker

pytestmark = pytest.mark.django_db


def test_opening_a_child_in_the_admin_is_logged(world: World) -> None:
    client = client_for(world.admin)
    response = client.get(f"/admin/people/person/{world.csc_child.pk}/change/")
    assert response.status_code == 200
    assert AccessEvent.objects.filter(
        actor=world.admin, record_type="people.person", record_id=str(world.csc_child.pk)
    ).exists()


def test_auditor_reading_the_change_trail_gets_no_case_record_values(world: World) -> None:
    # Auditors have scope "none" ("Case records are not shared with auditors"), yet the
    # change trail prints each created person's fields: names, date of birth, UPN, NHS number.
    html = client_for(world.auditor).get(reverse("audit") + "?show=changes").content.decode()
    assert "Cscchild" not in html
    assert world.csc_child.date_of_birth.isoformat() not in html
    assert "given name" in html  # which fields changed is still shown, in words
    assert "given_name" not in html
    # Administrators see the values; every reading of the trail is itself logged.
    admin_html = client_for(world.admin).get(reverse("audit") + "?show=changes").content.decode()
    assert "given name" in admin_html
    assert AccessEvent.objects.filter(actor=world.auditor, record_type="audit.trail").exists()


def test_a_demoted_administrator_loses_the_admin_site(world: World) -> None:
    former = make_worker(world.system, team=None, role=Role.ADMINISTRATOR)
    # What an administrator's edit of the worker in the admin form does: role and scope
    # change, and nothing resets is_staff / is_superuser.
    former.role, former.scope, former.team = Role.PRACTITIONER, Scope.OWN, world.partner_team
    former.save()
    response = client_for(former).get("/admin/people/person/")
    assert response.status_code != 200


def test_a_signed_in_worker_opening_the_admin_gets_an_answer_not_a_redirect_loop(
    world: World,
) -> None:
    client = client_for(world.social_worker)
    response = client.get("/admin/", follow=False)
    seen = set()
    for _ in range(10):
        if response.status_code not in (301, 302):
            break
        location = response["Location"]
        assert location not in seen, f"redirect loop through {location}"
        seen.add(location)
        response = client.get(location)
    assert response.status_code in (403, 404)


def test_the_admin_refuses_to_delete_an_incident_and_its_involvements_stay(
    world: World,
) -> None:
    # Deleting an incident would cascade to who was harmed and who harmed them, past
    # the audit; case records are not deleted in the admin (retention will be a service).
    from locus.incidents.models import Incident, Involvement

    incident = world.police_incident
    involvement_ids = set(incident.involvements.values_list("pk", flat=True))
    assert involvement_ids
    client = client_for(world.admin)
    url = f"/admin/incidents/incident/{incident.pk}/delete/"
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"post": "yes"}).status_code in (403, 404)
    bulk = client.post(
        "/admin/incidents/incident/",
        {"action": "delete_selected", "_selected_action": [incident.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403, 404)
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert (
        set(Involvement.objects.filter(incident=incident).values_list("pk", flat=True))
        == involvement_ids
    )
