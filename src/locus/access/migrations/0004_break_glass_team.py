"""Each emergency access keeps the team its worker was in when they opened it: that team's
managers review it, whichever team the worker moves to later.

For uses opened before this, the worker's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    BreakGlass = apps.get_model("access", "BreakGlass")
    Worker = apps.get_model("access", "Worker")
    team = Worker.objects.filter(pk=OuterRef("worker_id")).values("team_id")[:1]
    BreakGlass.objects.filter(team__isnull=True).update(team_id=Subquery(team))


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_team_independent"),
    ]

    operations = [
        migrations.AddField(
            model_name="breakglass",
            name="team",
            field=models.ForeignKey(
                blank=True,
                help_text="The worker's team when it was opened: its managers review it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="access.team",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
