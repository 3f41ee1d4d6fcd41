"""The shared meeting machinery's names: an action is due on ``due_on``; a step of its
history records its ``status`` and ``due_on`` after it and the ``previous_status`` and
``previous_due_on`` before; "did not attend" is the shared attendance's ``absent``."""

from django.db import migrations


def _attendance(apps, old: str, new: str) -> None:
    apps.get_model("panels", "PanelAttendee").objects.filter(attendance=old).update(attendance=new)


def forwards(apps, schema_editor) -> None:
    _attendance(apps, "did_not_attend", "absent")


def backwards(apps, schema_editor) -> None:
    _attendance(apps, "absent", "did_not_attend")


class Migration(migrations.Migration):
    dependencies = [("panels", "0002_initial")]

    operations = [
        # The index on (status, due) is dropped before the rename (and made again on
        # due_on after it), so that the migration also runs backwards.
        migrations.RemoveIndex("panelaction", "panels_pane_status_e1127b_idx"),
        migrations.RenameField("panelaction", "due", "due_on"),
        migrations.RenameField("actionprogress", "status_to", "status"),
        migrations.RenameField("actionprogress", "due_to", "due_on"),
        migrations.RenameField("actionprogress", "status_from", "previous_status"),
        migrations.RenameField("actionprogress", "due_from", "previous_due_on"),
        migrations.RunPython(forwards, backwards),
    ]
