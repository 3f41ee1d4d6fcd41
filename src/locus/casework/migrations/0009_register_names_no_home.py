"""The sharing register's rows for context conferences about a home or a peer group named
the place (a family's address, a group of young people) to every reader of the register.
They now name it by its kind only, as new rows do (casework.services.conference_register_ref);
the rows already written are restated the same way."""

from django.db import migrations

# A snapshot of places.models.RESTRICTED_KINDS and their labels when this was written.
WITHHELD = {"home": "a home", "peer_group": "a peer group"}


def forwards(apps, schema_editor) -> None:
    Share = apps.get_model("sharing", "Share")
    Conference = apps.get_model("casework", "ContextConference")
    rows = Share.objects.filter(source_type="casework.contextconference")
    ids = {int(i) for i in rows.values_list("source_id", flat=True)}
    kinds = dict(
        Conference.objects.filter(pk__in=ids).values_list("pk", "case__context__kind")
    )
    for share in rows:
        kind = kinds.get(int(share.source_id))
        if kind in WITHHELD:
            share.record_ref = f"Context conference {share.source_id}: {WITHHELD[kind]}"
            share.save(update_fields=["record_ref"])


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0008_protective_actions"),
        ("sharing", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
