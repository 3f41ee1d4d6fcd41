"""The data migration that gives each worker put on a panel's list before the list kept their
team one: the worker's team as it is when the migration runs (a worker's past teams are not
kept), so the managers who may open each panel stay who they were that day. A partner's
representative without an account, and a worker with no team, leave it empty.

Run in a child process on a new database, as tests/sharing/test_migration.py does."""

from __future__ import annotations

import pytest

from tests.databases import new_database  # noqa: F401 (a fixture)
from tests.scripts import migration_prelude, run_script

_MIGRATE = (
    migration_prelude(("panels", "0007_panel_lead_teams"), teams=2)
    + r"""
Panel = old.get_model("panels", "PanelMeeting")
Attendee = old.get_model("panels", "PanelAttendee")
setter = Worker.objects.create(username="old.worker", password="!", team=team_a)
chair = Worker.objects.create(username="old.chair", password="!", team=team_b)
administrator = Worker.objects.create(username="old.admin", password="!")
now = timezone.now()
panel = Panel.objects.create(
    kind="mace", title="MACE", meets_on=now.date(), chair=chair, created_by=setter,
    created_at=now, review_on=now.date() + dt.timedelta(days=84),
    article6="6_1_e", condition="sch1_18", duty="ca1989_s47",
)
for worker in (setter, chair, administrator):
    Attendee.objects.create(meeting=panel, worker=worker, added_by=setter)
Attendee.objects.create(
    meeting=panel, name="Dee Morgan", organisation="Mare Street Centre security", added_by=setter
)
call_command("migrate", verbosity=0, interactive=False)
from locus.panels.models import PanelAttendee
print(json.dumps({
    "teams": [team_a.pk, team_b.pk],
    "attendees": {str(a): a.team_id for a in PanelAttendee.objects.select_related("worker")},
}))
"""
)


@pytest.mark.django_db
def test_each_existing_attendee_keeps_their_team_as_it_is_now(
    new_database: dict[str, str],  # noqa: F811
) -> None:
    migrated = run_script(_MIGRATE, env=new_database)
    team_a, team_b = migrated["teams"]
    assert migrated["attendees"] == {
        "old.worker": team_a,
        "old.chair": team_b,
        "old.admin": None,
        "Dee Morgan": None,
    }
