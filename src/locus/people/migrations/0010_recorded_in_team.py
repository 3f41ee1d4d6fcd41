"""Each person keeps the team their recorder was in when they were first recorded: that
team's agency is involved with them (access/scopes.py), whichever team the recorder moves
to later.

For people recorded before this, the recorder's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them. People an
import wrote (recorded by nobody) have none."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("people", "Person")
    Worker = apps.get_model("access", "Worker")
    team = Worker.objects.filter(pk=OuterRef("recorded_by_id")).values("team_id")[:1]
    Person.objects.filter(recorded_in_team__isnull=True, recorded_by__isnull=False).update(
        recorded_in_team_id=Subquery(team)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0004_break_glass_team"),
        ("people", "0009_route_own_requests_again"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="recorded_in_team",
            field=models.ForeignKey(
                blank=True,
                help_text="The recorder's team when this person was first recorded.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="access.team",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
