"""A meeting keeps the team its proposer was in when it was proposed: its managers organise
the meeting, whichever team the proposer moves to later.

For meetings proposed before this, the proposer's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Meeting = apps.get_model("cocase", "Meeting")
    Worker = apps.get_model("access", "Worker")
    team = Worker.objects.filter(pk=OuterRef("proposed_by_id")).values("team_id")[:1]
    Meeting.objects.filter(proposer_team__isnull=True).update(proposer_team_id=Subquery(team))


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_team_independent"),
        ("cocase", "0005_structured_basis"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="proposer_team",
            field=models.ForeignKey(
                blank=True,
                help_text="The proposer's team when it was proposed: its managers organise the meeting.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="access.team",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
