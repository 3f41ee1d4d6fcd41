"""Each context keeps the team its recorder was in when it was first recorded: that team's
agency sees a home or peer group it recorded (access/scopes.py), and a home's withheld
address stays with that team (access/places.py), whichever team the recorder moves to later.

For contexts recorded before this, the recorder's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them. Contexts an
import wrote (recorded by nobody) have none."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Context = apps.get_model("places", "Context")
    Worker = apps.get_model("access", "Worker")
    team = Worker.objects.filter(pk=OuterRef("recorded_by_id")).values("team_id")[:1]
    Context.objects.filter(recorded_in_team__isnull=True, recorded_by__isnull=False).update(
        recorded_in_team_id=Subquery(team)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_break_glass_team"),
        ("places", "0004_co_presence_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="context",
            name="recorded_in_team",
            field=models.ForeignKey(
                blank=True,
                help_text="The recorder's team when this context was first recorded.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="access.team",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
