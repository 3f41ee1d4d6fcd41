"""A step that gave a context plan action to someone else keeps the giver's reason apart
(``reason``), so that the new owner's page reads "Given to you on <date> by <giver>:
<reason>" once, not that line followed by the whole note. The steps already written take
their reason from their note, written by ``action_give`` as "Given to <worker>, <agency>,
by <worker> (owned by <owner>): <reason>"; a note not in those words keeps no reason, and
the page shows it as it is."""

from django.db import migrations, models

OWNED_BY = " (owned by "
SAID = "): "


def reason_in(note: str) -> str:
    """The reason at the end of a hand-over's note, or "" if the note is not one."""
    if not note.startswith("Given to ") or OWNED_BY not in note:
        return ""
    _, said = note.split(OWNED_BY, 1)
    return said.split(SAID, 1)[1] if SAID in said else ""


def forwards(apps, schema_editor) -> None:
    Update = apps.get_model("casework", "PlanActionUpdate")
    steps = Update.objects.filter(
        reason="",
        note__startswith="Given to ",
        status=models.F("previous_status"),
        due_on=models.F("previous_due_on"),
    ).values_list("pk", "note")
    for pk, note in steps:
        if reason := reason_in(note):
            Update.objects.filter(pk=pk).update(reason=reason)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0011_action_update_from_team"),
    ]

    operations = [
        migrations.AddField(
            model_name="planactionupdate",
            name="reason",
            field=models.TextField(blank=True, help_text="A hand-over's: why, in the giver's words."),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
