from django.db import migrations, models
from django.db.models import Count


def refuse_two_open(apps, schema_editor):
    """Name the records the constraint would refuse, rather than fail on the first: two
    open episodes of one status are ended by hand (the right one, with its reason)."""
    episodes = apps.get_model("people", "LegalStatusEpisode")
    twice = (
        episodes.objects.filter(end__isnull=True)
        .values("person_id", "status")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("person_id", "status")
    )
    found = [f"person {row['person_id']} ({row['status']})" for row in twice]
    if found:
        raise RuntimeError(
            "These people have two open legal-status episodes of one status; end the wrong "
            "one on each record, then migrate again: " + ", ".join(found[:50])
        )


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0003_team_independent'),
        ('people', '0007_duplicate_query_outcome'),
    ]

    operations = [
        migrations.RunPython(refuse_two_open, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='legalstatusepisode',
            constraint=models.UniqueConstraint(condition=models.Q(('end__isnull', True)), fields=('person', 'status'), name='episode_one_open_per_status'),
        ),
    ]
