"""Each invitation keeps the team its worker was in when invited: that team's managers may
open the meeting, whichever team the worker moves to later.

For invitations made before this, the worker's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Invitee = apps.get_model("cocase", "Invitee")
    Worker = apps.get_model("access", "Worker")
    team = Worker.objects.filter(pk=OuterRef("worker_id")).values("team_id")[:1]
    Invitee.objects.filter(team__isnull=True).update(team_id=Subquery(team))


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_team_independent"),
        ("cocase", "0006_meeting_proposer_team"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitee",
            name="team",
            field=models.ForeignKey(
                blank=True,
                help_text="The invitee's team when invited: its managers may open the meeting.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="access.team",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
