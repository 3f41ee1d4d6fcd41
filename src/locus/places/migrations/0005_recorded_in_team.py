"""Each context keeps the team its recorder was in when it was first recorded: that team's
agency sees a home or peer group it recorded (access/scopes.py), and a home's withheld
address stays with that team (access/places.py), whichever team the recorder moves to later.

For contexts recorded before this, the recorder's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them. Contexts an
import wrote (recorded by nobody) have none."""

from django.db import migrations

from locus.access.migration_ops import keep_workers_team


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_break_glass_team"),
        ("places", "0004_co_presence_rules"),
    ]

    operations = keep_workers_team(
        "places",
        "context",
        "recorded_in_team",
        "recorded_by",
        "The recorder's team when this context was first recorded.",
    )
