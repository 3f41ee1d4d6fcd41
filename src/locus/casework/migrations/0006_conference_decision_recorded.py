"""A conference's decisions say who recorded them and when, as every forum's decisions do:
for those already written, the conference's recorder and the time the minutes were recorded."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor) -> None:
    Decision = apps.get_model("casework", "ConferenceDecision")
    for decision in Decision.objects.select_related("conference__case"):
        conference = decision.conference
        decision.recorded_by_id = conference.recorded_by_id or conference.case.opened_by_id
        decision.recorded_at = conference.recorded_at or conference.case.opened_at
        decision.save(update_fields=["recorded_by", "recorded_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_governance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="conferencedecision",
            name="recorded_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="conferencedecision",
            name="recorded_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="conferencedecision",
            name="recorded_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="conferencedecision",
            name="recorded_at",
            field=models.DateTimeField(),
        ),
    ]
