"""A conference attendance keeps since when the worker's access waited, if it waited when they
were recorded: the row carries nothing while that same wait lasts. Rows already recorded
waited for nothing (the lists offered confirmed accounts only), so they keep None."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("casework", "0012_action_update_reason")]

    operations = [
        migrations.AddField(
            "conferenceattendee", "access_waited_since", models.DateTimeField(blank=True, null=True)
        )
    ]
