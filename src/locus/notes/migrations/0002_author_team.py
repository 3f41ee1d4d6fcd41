"""Each case note keeps the team its author was in when they wrote it: that team's managers
correct it (or mark it entered in error), whichever team the author moves to later.

For notes written before this, the author's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them."""

from django.db import migrations

from locus.access.migration_ops import keep_workers_team


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_break_glass_team"),
        ("notes", "0001_initial"),
    ]

    operations = keep_workers_team(
        "notes",
        "casenote",
        "author_team",
        "author",
        "The author's team when written: its managers may correct it.",
    )
