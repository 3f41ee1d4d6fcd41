"""A step that gave a context plan action to someone else names them (``given_to``), so that
an owner who may not see the case, and a partner, read the action's history from the
hand-over on only. The steps already written are marked where the hand-over still decides
what is shown: each action's latest hand-over, which gave it to its owner now (an action
changes owner only by being given). Such a step was written by ``action_give`` as
"Given to <worker>, <agency>, by <worker> (owned by <owner>): <reason>", keeping the
action's status and due date."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor) -> None:
    Update = apps.get_model("casework", "PlanActionUpdate")
    steps = (
        Update.objects.filter(
            note__startswith="Given to ",
            action__owner__isnull=False,
            status=models.F("previous_status"),
            due_on=models.F("previous_due_on"),
        )
        .order_by("action_id", "-at", "-id")
        .values_list("pk", "action_id", "action__owner_id")
    )
    latest: dict[int, tuple[int, int]] = {}
    for pk, action_id, owner_id in steps:
        latest.setdefault(action_id, (pk, owner_id))
    for pk, owner_id in latest.values():
        Update.objects.filter(pk=pk).update(given_to_id=owner_id)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0009_register_names_no_home"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="planactionupdate",
            name="given_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
