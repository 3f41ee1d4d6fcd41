"""Each emergency access keeps the team its worker was in when they opened it: that team's
managers review it, whichever team the worker moves to later.

For uses opened before this, the worker's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them."""

from django.db import migrations

from locus.access.migration_ops import keep_workers_team


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_team_independent"),
    ]

    operations = keep_workers_team(
        "access",
        "breakglass",
        "team",
        "worker",
        "The worker's team when it was opened: its managers review it.",
    )
