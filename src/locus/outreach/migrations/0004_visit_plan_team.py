"""Each visit plan keeps the team that made it: that team's practitioners and managers end
its visits (with the lead of the place's open case), whichever team its maker moves to later.

For plans made before this, the maker's team as it is when this runs is the best information
there is (a worker's past teams are not kept): it is used for them."""

from django.db import migrations

from locus.access.migration_ops import keep_workers_team


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_break_glass_team"),
        ("outreach", "0003_visit_unplanned"),
    ]

    operations = keep_workers_team(
        "outreach",
        "visitplan",
        "team",
        "recorded_by",
        "The team that made the plan: its practitioners and managers end its visits.",
    )
