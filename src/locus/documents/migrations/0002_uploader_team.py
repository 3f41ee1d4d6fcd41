"""Each document keeps the team its uploader was in when they uploaded it: that team's
managers replace or remove it, whichever team the uploader moves to later.

For documents uploaded before this, the uploader's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them."""

from django.db import migrations

from locus.access.migration_ops import keep_workers_team


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_break_glass_team"),
        ("documents", "0001_initial"),
    ]

    operations = keep_workers_team(
        "documents",
        "document",
        "uploader_team",
        "uploaded_by",
        "The uploader's team when uploaded: its managers may change it.",
    )
