"""Each mark on a safety map keeps the team its recorder was in when they marked it: that
team's managers amend it, whichever team the recorder moves to later.

For marks made before this, the recorder's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them."""

from django.db import migrations

from locus.access.migration_ops import keep_workers_team


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_break_glass_team"),
        ("safety", "0001_initial"),
    ]

    operations = keep_workers_team(
        "safety",
        "markedplace",
        "recorded_in_team",
        "recorded_by",
        "The recorder's team when this mark was first recorded.",
    )
