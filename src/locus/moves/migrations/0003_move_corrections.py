"""A managed move can be corrected (its old values kept as a revision) or marked entered in
error with a reason; and each move keeps the team its recorder was in when they recorded it,
whose managers correct it, whichever team the recorder moves to later.

For moves recorded before this, the recorder's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from locus.access.migration_ops import keep_workers_team


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0006_worker_access_confirmation"),
        ("moves", "0002_initial"),
        ("panels", "0008_attendee_team"),
        ("people", "0010_recorded_in_team"),
        ("places", "0005_recorded_in_team"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ManagedMoveRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("moved_on", models.DateField()),
                ("reason", models.TextField()),
                ("panel_decision", models.TextField()),
                ("decided_by", models.CharField(max_length=200)),
                ("not_on_roll_reason", models.CharField(blank=True, max_length=300)),
                ("corrected_at", models.DateTimeField()),
                ("correction_reason", models.TextField(help_text="Why the move was corrected.")),
            ],
            options={
                "ordering": ["-corrected_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="managedmove",
            name="in_error_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="managedmove",
            name="in_error_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="managedmove",
            name="in_error_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddConstraint(
            model_name="managedmove",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("in_error_at__isnull", True),
                    models.Q(("in_error_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="managed_move_error_has_reason",
            ),
        ),
        migrations.AddField(
            model_name="managedmoverevision",
            name="corrected_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="managedmoverevision",
            name="from_school",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="places.context"
            ),
        ),
        migrations.AddField(
            model_name="managedmoverevision",
            name="move",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="revisions",
                to="moves.managedmove",
            ),
        ),
        migrations.AddField(
            model_name="managedmoverevision",
            name="panel_meeting",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="panels.panelmeeting",
            ),
        ),
        migrations.AddField(
            model_name="managedmoverevision",
            name="to_school",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="places.context"
            ),
        ),
    ] + keep_workers_team(
        "moves",
        "managedmove",
        "recorded_in_team",
        "recorded_by",
        "The recorder's team when this move was first recorded.",
    )
