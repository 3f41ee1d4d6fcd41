"""The data migration that gives each meeting proposed before meetings kept their proposer's
team one: the proposer's team as it is when the migration runs (a worker's past teams are not
kept), so each meeting's organisers stay who they were that day. A proposer with no team (an
administrator) leaves it empty: the meeting's organisers are then the proposer and the
administrators, as before.

Run in a child process on a new database, as tests/sharing/test_migration.py does."""

from __future__ import annotations

import pytest

from tests.databases import new_database  # noqa: F401 (a fixture)
from tests.scripts import migration_prelude, run_script

_MIGRATE = (
    migration_prelude(("cocase", "0005_structured_basis"), teams=1)
    + r"""
Meeting = old.get_model("cocase", "Meeting")
social_worker = Worker.objects.create(username="old.worker", password="!", team=team_a)
administrator = Worker.objects.create(username="old.admin", password="!")
for title, proposer in (("by the social worker", social_worker), ("by the admin", administrator)):
    Meeting.objects.create(
        title=title, purpose="Map the group", proposed_by=proposer, proposed_at=timezone.now(),
        article6="6_1_e", condition="sch1_18", duty="ca1989_s17",
    )
call_command("migrate", verbosity=0, interactive=False)
from locus.mapping.models import Meeting as NewMeeting
print(json.dumps({
    "team": team_a.pk,
    "meetings": dict(NewMeeting.objects.values_list("title", "proposer_team_id")),
}))
"""
)


@pytest.mark.django_db
def test_each_existing_meeting_keeps_its_proposers_team_as_it_is_now(
    new_database: dict[str, str],  # noqa: F811
) -> None:
    migrated = run_script(_MIGRATE, env=new_database)
    assert migrated["meetings"] == {
        "by the social worker": migrated["team"],
        "by the admin": None,
    }
