"""A panel meeting keeps the teams its setter and its chair were in when it was set up: their
managers organise it, whichever team either moves to later.

For meetings set up before this, each one's team as it is when this runs is the best
information there is (a worker's past teams are not kept): it is used for them."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    PanelMeeting = apps.get_model("panels", "PanelMeeting")
    Worker = apps.get_model("access", "Worker")

    def team_of(field):  # type: ignore[no-untyped-def]
        return Subquery(Worker.objects.filter(pk=OuterRef(field)).values("team_id")[:1])

    PanelMeeting.objects.update(
        created_by_team_id=team_of("created_by_id"), chair_team_id=team_of("chair_id")
    )


def team_field(whose: str) -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        help_text=f"The {whose} team when it was set up.",
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="access.team",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_team_independent"),
        ("panels", "0006_other_basis_constraint_one_form"),
    ]

    operations = [
        migrations.AddField("panelmeeting", "chair_team", team_field("chair's")),
        migrations.AddField("panelmeeting", "created_by_team", team_field("setter's")),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
