# Why a legal-status episode ended, or changed into the next one.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0003_identifierquery")]

    operations = [
        migrations.AddField(
            "legalstatusepisode", "end_reason", models.CharField(blank=True, max_length=500)
        ),
    ]
