"""The authority's policies: read by every worker, edited by administrators only, each edit a
new version with the older ones kept readable; linked from the pages they govern."""

from __future__ import annotations

import pytest

from locus.audit.models import AccessEvent, ChangeAction, ChangeEvent
from locus.common.errors import NotPermitted, ValidationFailed
from locus.policies.models import PolicyKind, PolicyVersion
from locus.policies.services import policy_edit
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

EDIT = "/policies/isa/edit/"
NEW = {"title": "Information-sharing agreement", "text": "We share.", "summary": "First"}


def test_an_administrator_edits_and_each_edit_is_a_new_version(world: World) -> None:
    client = client_for(world.admin)
    assert client.post(EDIT, NEW).status_code == 302
    second = {**NEW, "text": "We share only what is needed.", "summary": "Need to know"}
    assert client.post(EDIT, second).status_code == 302
    first, latest = PolicyVersion.objects.filter(kind=PolicyKind.ISA).order_by("number")
    assert (first.number, latest.number) == (1, 2)
    assert first.text == "We share." and latest.summary == "Need to know"
    assert latest.by == world.admin
    assert (
        ChangeEvent.objects.filter(
            record_type="policies.policyversion", action=ChangeAction.CREATE
        ).count()
        == 2
    )
    page = client_for(world.partner_worker).get("/policies/isa/").content.decode()
    assert "We share only what is needed." in page and "Need to know" in page
    old = client_for(world.partner_worker).get("/policies/isa/versions/1/").content.decode()
    assert "We share." in old and "This is an older version" in old


@pytest.mark.parametrize(
    "persona", ["social_worker", "team_manager", "police_analyst", "auditor", "partner_worker"]
)
def test_nobody_but_an_administrator_edits_a_policy(world: World, persona: str) -> None:
    worker = world.persona(persona)
    client = client_for(worker)
    assert client.get(EDIT).status_code == 404
    assert client.post(EDIT, NEW).status_code == 404
    assert not PolicyVersion.objects.exists()
    with pytest.raises(NotPermitted):
        policy_edit(actor=worker, kind=PolicyKind.ISA, **NEW)
    assert "Edit (saves a new version)" not in client.get("/policies/isa/").content.decode()


def test_every_worker_reads_the_policies(world: World) -> None:
    for persona in ("social_worker", "auditor", "partner_worker", "admin"):
        page = client_for(world.persona(persona)).get("/policies/")
        assert page.status_code == 200
        assert "Peer assessment policy" in page.content.decode()
    assert client_for(world.admin).get("/policies/unknown/").status_code == 404
    assert client_for(world.admin).get("/policies/isa/versions/9/").status_code == 404


def test_a_version_says_what_changed(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        policy_edit(actor=world.admin, kind=PolicyKind.DPIA, title="DPIA", text="x", summary="")
    assert caught.value.errors["summary"] == ["Say what changed in this version"]
    with pytest.raises(ValueError, match="kind"):
        policy_edit(actor=world.admin, kind="manifesto", title="M", text="x", summary="y")


def test_the_policies_are_linked_where_their_decisions_are_made(world: World) -> None:
    client = client_for(world.social_worker)
    child = world.csc_child.pk
    for page in (f"/people/{child}/peers/add/", f"/people/{child}/peer-map/"):
        assert 'href="/policies/peer-assessment/"' in client.get(page).content.decode(), page
    group = client.get(f"/groups/{world.group.pk}/").content.decode()
    assert 'href="/policies/peer-assessment/"' in group
    admin = client_for(world.admin)
    for page in ("/data/imports/", "/exports/", "/sharing/"):
        assert 'href="/policies/dpia/"' in admin.get(page).content.decode(), page


def test_the_policies_in_the_admin_are_read_only_and_their_reads_are_audited(
    world: World,
) -> None:
    """A policy changes on its own page, a new version each time; the admin only reads."""
    version = policy_edit(
        actor=world.admin, kind=PolicyKind.ISA, title="ISA", text="We share.", summary="First"
    )
    admin = client_for(world.admin)
    assert admin.get(f"/admin/policies/policyversion/{version.pk}/change/").status_code == 200
    shown = AccessEvent.objects.filter(record_type="policies.policyversion").latest("id")
    assert (shown.actor, shown.record_id) == (world.admin, str(version.pk))
    assert admin.get("/admin/policies/policyversion/add/").status_code == 404


def test_a_policys_versions_are_listed_in_a_table_drawn_by_the_table_kit(world: World) -> None:
    policy_edit(actor=world.admin, kind=PolicyKind.ISA, title="ISA", text="x", summary="First")
    policy_edit(actor=world.admin, kind=PolicyKind.ISA, title="ISA", text="y", summary="Second")
    html = client_for(world.social_worker).get("/policies/isa/").content.decode()
    table = html[html.index('aria-label="Versions"') : html.index("</table>")]
    assert '<caption class="govuk-table__caption govuk-visually-hidden">Versions, newest first' in (
        table
    )
    assert '<th scope="col" class="govuk-table__header">When and by whom</th>' in table
    body = table[table.index('<tbody class="govuk-table__body">') :]
    assert body.index("2 (shown)") < body.index('href="/policies/isa/versions/1/"')
    assert "First" in body and "Second" in body
