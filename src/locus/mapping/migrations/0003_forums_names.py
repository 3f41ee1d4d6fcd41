"""The shared meeting machinery's names: an intervention is due on ``due_on``, and a step
of its history names its ``action``, as every forum's action does."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cocase", "0002_forum_share_agreements")]

    operations = [
        migrations.RenameField("intervention", "due", "due_on"),
        migrations.RenameField("interventionupdate", "due", "due_on"),
        migrations.RenameField("interventionupdate", "intervention", "action"),
    ]
