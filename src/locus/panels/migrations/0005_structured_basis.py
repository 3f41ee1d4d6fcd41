"""Panels carry the structured lawful basis, mapped from the basis recorded the old way (as
mapping 0005 does for meetings), which is kept as first recorded."""

from django.db import migrations

from locus.sharing import migration_ops as basis


def structure(apps, schema_editor):  # type: ignore[no-untyped-def]
    basis.structure_rows(apps.get_model("panels", "panelmeeting"))


class Migration(migrations.Migration):
    dependencies = [("panels", "0004_forums_shared_fields"), ("cocase", "0005_structured_basis")]

    operations = [
        *basis.basis_fields("panelmeeting"),
        *basis.legacy("panelmeeting"),
        migrations.RunPython(structure, migrations.RunPython.noop),
    ]
