"""Each association keeps the team its recorder was in when they recorded it: that team's
managers end or change it, whichever team the recorder moves to later.

For associations recorded before this, the recorder's team as it is when this runs is the
best information there is (a worker's past teams are not kept): it is used for them."""

from django.db import migrations

from locus.access.migration_ops import keep_workers_team


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_break_glass_team"),
        ("peers", "0005_group_changes"),
    ]

    operations = keep_workers_team(
        "peers",
        "association",
        "recorded_in_team",
        "recorded_by",
        "The recorder's team when this association was first recorded.",
    )
