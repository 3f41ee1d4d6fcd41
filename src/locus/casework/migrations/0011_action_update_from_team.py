"""A step that gave a context plan action to someone else keeps the team of the owner it took
the action from, as it was then (``from_team``), so that a partner reads the action from the
latest hand-over into its organisation (an owner who may not open the case: into their team),
not from a move between its own workers. Steps already written do not say whom they took the
action from: they count as a hand-over from outside, as they were read before."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_break_glass_team"),
        ("casework", "0010_action_update_given_to"),
    ]

    operations = [
        migrations.AddField(
            model_name="planactionupdate",
            name="from_team",
            field=models.ForeignKey(
                blank=True,
                help_text="A hand-over's: the team of the owner it took the action from, as it was then.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="access.team",
            ),
        ),
    ]
