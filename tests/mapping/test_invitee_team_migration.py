"""The data migration that gives each invitation made before invitations kept the invitee's
team one: the worker's team as it is when the migration runs (a worker's past teams are not
kept), so the managers who may open each meeting stay who they were that day. An invitee
with no team leaves it empty.

Run in a child process on a new database, as tests/sharing/test_migration.py does."""

from __future__ import annotations

import pytest

from tests.databases import new_database  # noqa: F401 (a fixture)
from tests.scripts import migration_prelude, run_script

_MIGRATE = (
    migration_prelude(("cocase", "0006_meeting_proposer_team"), teams=2)
    + r"""
Meeting = old.get_model("cocase", "Meeting")
Invitee = old.get_model("cocase", "Invitee")
proposer = Worker.objects.create(username="old.worker", password="!", team=team_a)
invitee = Worker.objects.create(username="old.invitee", password="!", team=team_b)
administrator = Worker.objects.create(username="old.admin", password="!")
meeting = Meeting.objects.create(
    title="Mapping", purpose="Map the group", proposed_by=proposer, proposed_at=timezone.now(),
    proposer_team=team_a, article6="6_1_e", condition="sch1_18", duty="ca1989_s17",
)
for worker, reason in ((proposer, "proposer"), (invitee, "added"), (administrator, "added")):
    Invitee.objects.create(meeting=meeting, worker=worker, reason=reason, invited_by=proposer)
call_command("migrate", verbosity=0, interactive=False)
from locus.mapping.models import Invitee as NewInvitee
print(json.dumps({
    "teams": [team_a.pk, team_b.pk],
    "invitees": dict(NewInvitee.objects.values_list("worker__username", "team_id")),
}))
"""
)


@pytest.mark.django_db
def test_each_existing_invitation_keeps_the_invitees_team_as_it_is_now(
    new_database: dict[str, str],  # noqa: F811
) -> None:
    migrated = run_script(_MIGRATE, env=new_database)
    team_a, team_b = migrated["teams"]
    assert migrated["invitees"] == {
        "old.worker": team_a,
        "old.invitee": team_b,
        "old.admin": None,
    }
