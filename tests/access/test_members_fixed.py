"""A team's agency and independence, and an agency's kind, decide what every member sees and
does: once a team has members, one administrator does not change them for everyone at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from locus.access.models import AgencyKind, Team, Worker
from locus.access.services import (
    AGENCY_HAS_MEMBERS,
    TEAM_HAS_MEMBERS,
    agency_change,
    team_change,
    team_create,
)
from locus.common.errors import NotPermitted, ValidationFailed
from tests.factories import (
    World,
    changes_for,
    client_for,
    make_agency,
    make_worker,
    nothing_written,
)


@pytest.fixture
def admin_client(world: World) -> Client:
    return client_for(world.admin)


def _errors(page: Any) -> dict:
    """What the admin site's form said was wrong, field by field."""
    return dict(page.context["adminform"].form.errors)


def _team_form(team: Team, **changes: Any) -> dict[str, Any]:
    form = {"name": team.name, "agency": team.agency_id}
    if team.independent:
        form["independent"] = "on"
    return {**form, **changes}


@pytest.mark.parametrize(
    "changes",
    [{"agency": "police"}, {"independent": "on"}, {"agency": "police", "name": "Renamed"}],
    ids=["agency", "independence", "agency and name"],
)
def test_the_admin_site_does_not_change_what_a_teams_members_see(
    world: World, admin_client: Client, changes: dict[str, str]
) -> None:
    """Moving a social care team to the police, or making it the conference chairs' unit,
    would change every member's sight (or let chairs do casework) at once, on one
    administrator's word. The form refuses it at the field, saying what to do instead, and
    saves nothing. Was: the change was saved."""
    team = world.csc_team_a
    if changes.get("agency") == "police":
        changes = {**changes, "agency": str(world.police.pk)}
    url = f"/admin/access/team/{team.pk}/change/"
    with nothing_written(Team):
        page = admin_client.post(url, _team_form(team, **changes))
    assert page.status_code == 200
    fixed = {name for name in changes if name != "name"}
    assert _errors(page) == {name: [TEAM_HAS_MEMBERS] for name in fixed}
    assert TEAM_HAS_MEMBERS in page.content.decode()
    stored = Team.objects.get(pk=team.pk)
    assert (stored.agency_id, stored.independent, stored.name) == (
        world.csc.pk,
        False,
        "Contextual Safeguarding Team A",
    )


def test_the_admin_site_still_renames_a_team_with_members(
    world: World, admin_client: Client
) -> None:
    team = world.csc_team_a
    url = f"/admin/access/team/{team.pk}/change/"
    assert admin_client.post(url, _team_form(team, name="Exploitation Team")).status_code == 302
    assert Team.objects.get(pk=team.pk).name == "Exploitation Team"
    [change] = [e for e in changes_for(team) if e.actor == world.admin]
    assert (change.before, change.after) == (
        {"name": "Contextual Safeguarding Team A"},
        {"name": "Exploitation Team"},
    )


def test_a_team_without_members_is_still_corrected_in_the_trail(
    world: World, admin_client: Client
) -> None:
    """A team made in the wrong agency, or one whose accounts are all deactivated, is
    corrected on the admin site as before, in the change trail under the administrator."""
    empty = team_create(actor=world.system, agency=world.csc, name="QA Unit")
    url = f"/admin/access/team/{empty.pk}/change/"
    form = _team_form(empty, agency=str(world.yjs.pk), independent="on")
    assert admin_client.post(url, form).status_code == 302
    stored = Team.objects.get(pk=empty.pk)
    assert (stored.agency_id, stored.independent) == (world.yjs.pk, True)
    [change] = [e for e in changes_for(empty) if e.actor == world.admin]
    assert change.before == {"agency_id": world.csc.pk, "independent": False}
    assert change.after == {"agency_id": world.yjs.pk, "independent": True}
    # A deactivated account is no member: its team may be corrected too.
    team_b = world.csc_team_b
    Worker.objects.filter(team=team_b).update(is_active=False)
    url = f"/admin/access/team/{team_b.pk}/change/"
    assert admin_client.post(url, _team_form(team_b, independent="on")).status_code == 302
    assert Team.objects.get(pk=team_b.pk).independent


def test_the_admin_site_does_not_change_the_kind_of_an_agency_with_members(
    world: World, admin_client: Client
) -> None:
    """An agency's kind decides which fields of a record and which police incidents its
    workers see: refused once any of its teams has members, allowed for one whose teams
    have none. Was: the change was saved."""
    url = f"/admin/access/agency/{world.partner.pk}/change/"
    with nothing_written(type(world.partner)):
        page = admin_client.post(url, {"name": world.partner.name, "kind": "police"})
    assert page.status_code == 200 and _errors(page) == {"kind": [AGENCY_HAS_MEMBERS]}
    assert type(world.partner).objects.get(pk=world.partner.pk).kind == AgencyKind.PARTNER
    spare = make_agency(world.system, kind=AgencyKind.VOLUNTARY, name="Youth Club")
    team_create(actor=world.system, agency=spare, name="Detached Youth Work")
    url = f"/admin/access/agency/{spare.pk}/change/"
    assert admin_client.post(url, {"name": spare.name, "kind": "health"}).status_code == 302
    [change] = [e for e in changes_for(spare) if e.actor == world.admin]
    assert (change.before, change.after) == ({"kind": "voluntary"}, {"kind": "health"})


def test_the_services_refuse_what_the_admin_site_refuses(world: World) -> None:
    """A script that moves a team with members, or changes its agency's kind, through the
    services is refused the same way, writing nothing; the team's name may still change."""
    team = world.csc_team_a
    refusals = [
        (lambda: team_change(actor=world.admin, team=team, agency=world.police), "agency"),
        (lambda: team_change(actor=world.admin, team=team, independent=True), "independent"),
        (lambda: agency_change(actor=world.admin, agency=world.csc, kind="police"), "kind"),
    ]
    for change, field in refusals:
        with nothing_written(Team, type(world.csc)), pytest.raises(ValidationFailed) as refused:
            change()
        message = AGENCY_HAS_MEMBERS if field == "kind" else TEAM_HAS_MEMBERS
        assert refused.value.errors == {field: [message]}
    # Unchanged values are no change; a new name is allowed.
    team_change(actor=world.admin, team=team, agency=world.csc, independent=False, name="Team A")
    assert Team.objects.get(pk=team.pk).name == "Team A"
    with pytest.raises(NotPermitted):
        team_change(actor=world.team_manager, team=team, name="Ours")
    # Once its last member is deactivated, the team may be corrected.
    for member in Worker.objects.filter(team=team):
        Worker.objects.filter(pk=member.pk).update(is_active=False)
    team_change(actor=world.admin, team=team, agency=world.police, independent=True)
    stored = Team.objects.get(pk=team.pk)
    assert (stored.agency_id, stored.independent) == (world.police.pk, True)


def test_a_new_member_fixes_a_corrected_team(world: World) -> None:
    """A team's agency may be corrected until someone joins it, and not after."""
    team = team_create(actor=world.system, agency=world.csc, name="New Team")
    team_change(actor=world.admin, team=team, agency=world.yjs)
    make_worker(world.system, team=team, username="newcomer")
    with pytest.raises(ValidationFailed):
        team_change(actor=world.admin, team=team, agency=world.csc)
    assert Team.objects.get(pk=team.pk).agency_id == world.yjs.pk
