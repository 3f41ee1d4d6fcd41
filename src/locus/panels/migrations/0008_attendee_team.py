"""Each worker on a panel's list keeps the team they were in when put on it: that team's
managers may open the meeting, whichever team the worker moves to later.

For rows made before this, the worker's team as it is when this runs is the best information
there is (a worker's past teams are not kept): it is used for them. A partner's representative
without a Locus account has no team."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    PanelAttendee = apps.get_model("panels", "PanelAttendee")
    Worker = apps.get_model("access", "Worker")
    team = Worker.objects.filter(pk=OuterRef("worker_id")).values("team_id")[:1]
    PanelAttendee.objects.filter(worker__isnull=False, team__isnull=True).update(
        team_id=Subquery(team)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_team_independent"),
        ("panels", "0007_panel_lead_teams"),
    ]

    operations = [
        migrations.AddField(
            model_name="panelattendee",
            name="team",
            field=models.ForeignKey(
                blank=True,
                help_text="The worker's team when put on the list: its managers may open it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="access.team",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
