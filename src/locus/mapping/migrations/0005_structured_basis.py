"""Meetings and share agreements carry the structured lawful basis (sharing.vocab): article 6,
the article 9/10 condition and the statutory duty. Each basis recorded the old way is mapped
into them (sharing.vocab.LEGACY) and kept as first recorded, so old rows stay readable."""

from django.db import migrations

from locus.sharing import migration_ops as ops

MODELS = ("meeting", "shareagreement")


def structure(apps, schema_editor):  # type: ignore[no-untyped-def]
    for name in MODELS:
        ops.structure_rows(apps.get_model("cocase", name))


class Migration(migrations.Migration):
    dependencies = [("cocase", "0004_forums_shared_fields")]

    operations = [
        *(op for name in MODELS for op in ops.basis_fields(name)),
        *(op for name in MODELS for op in ops.legacy(name)),
        migrations.RunPython(structure, migrations.RunPython.noop),
    ]
