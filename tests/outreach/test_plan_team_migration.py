"""The data migration that gives each visit plan made before plans kept their team one: the
team its maker is in when the migration runs (a worker's past teams are not kept), so the
team that ends its visits is the one that would have that day. Run in a child process on a
new database, as tests/access/test_recorded_team_migration.py does."""

from __future__ import annotations

import pytest

from tests.databases import new_database  # noqa: F401 (a fixture)
from tests.scripts import migration_prelude, run_script

_MIGRATE = (
    migration_prelude(("outreach", "0003_visit_unplanned"), teams=2, workers=True)
    + r"""
Context = old.get_model("places", "Context")
VisitPlan = old.get_model("outreach", "VisitPlan")
now = timezone.now()
park = Context.objects.create(kind="open_space", name="Park", created_at=now, recorded_by=in_a)
for worker in (in_a, in_b, administrator):
    VisitPlan.objects.create(
        context=park, purpose=worker.username, weekday=4, start_time=dt.time(16),
        end_time=dt.time(18), starts_on=now.date(), recorded_by=worker, recorded_at=now,
    )
call_command("migrate", verbosity=0, interactive=False)
from locus.outreach.models import VisitPlan as NewVisitPlan
kept = NewVisitPlan.objects.order_by("purpose").values_list("purpose", "team__name")
print(json.dumps({"plans": [list(row) for row in kept]}))
"""
)


@pytest.mark.django_db
def test_each_existing_plan_keeps_its_maker_s_team_as_it_is_now(
    new_database: dict[str, str],  # noqa: F811
) -> None:
    assert run_script(_MIGRATE, env=new_database)["plans"] == [
        ["old.a", "Contextual Safeguarding Team A"],
        ["old.admin", None],
        ["old.b", "Assessment Team B"],
    ]
