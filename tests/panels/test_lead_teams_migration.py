"""The data migration that gives each panel set up before panels kept their setter's and
chair's teams those teams: each one's team as it is when the migration runs (a worker's past
teams are not kept), so each panel's organisers stay who they were that day. A worker with no
team (an administrator) leaves it empty.

Run in a child process on a new database, as tests/sharing/test_migration.py does."""

from __future__ import annotations

import pytest

from tests.databases import new_database  # noqa: F401 (a fixture)
from tests.scripts import migration_prelude, run_script

_MIGRATE = (
    migration_prelude(("panels", "0006_other_basis_constraint_one_form"), teams=2)
    + r"""
Panel = old.get_model("panels", "PanelMeeting")
setter = Worker.objects.create(username="old.worker", password="!", team=team_a)
chair = Worker.objects.create(username="old.chair", password="!", team=team_b)
administrator = Worker.objects.create(username="old.admin", password="!")
now = timezone.now()
for title, by in (("by the social worker", setter), ("by the admin", administrator)):
    Panel.objects.create(
        kind="mace", title=title, meets_on=now.date(), chair=chair, created_by=by,
        created_at=now, review_on=now.date() + dt.timedelta(days=84),
        article6="6_1_e", condition="sch1_18", duty="ca1989_s47",
    )
call_command("migrate", verbosity=0, interactive=False)
from locus.panels.models import PanelMeeting
print(json.dumps({
    "teams": [team_a.pk, team_b.pk],
    "panels": {
        p.title: [p.created_by_team_id, p.chair_team_id] for p in PanelMeeting.objects.all()
    },
}))
"""
)


@pytest.mark.django_db
def test_each_existing_panel_keeps_its_setters_and_chairs_teams_as_they_are_now(
    new_database: dict[str, str],  # noqa: F811
) -> None:
    migrated = run_script(_MIGRATE, env=new_database)
    team_a, team_b = migrated["teams"]
    assert migrated["panels"] == {
        "by the social worker": [team_a, team_b],
        "by the admin": [None, team_b],
    }
