"""Each person keeps the team their recorder was in when they were first recorded: that
team's agency is involved with them (access/scopes.py), whichever team the recorder moves
to later.

For people recorded before this, the recorder's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them. People an
import wrote (recorded by nobody) have none."""

from django.db import migrations

from locus.access.migration_ops import keep_workers_team


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_break_glass_team"),
        ("people", "0009_route_own_requests_again"),
    ]

    operations = keep_workers_team(
        "people",
        "person",
        "recorded_in_team",
        "recorded_by",
        "The recorder's team when this person was first recorded.",
    )
