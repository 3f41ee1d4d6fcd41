"""Migration operations shared by the apps whose records keep the team a worker was in when
they made the record (a person's or a context's recorder, the worker who broke the glass, a
document's uploader, a case note's author): a worker's sight or a manager's power over the
record then stays with that team when the worker moves. Frozen here: a later change to such a
field gets a migration of its own."""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def keep_workers_team(
    app_label: str, model_name: str, name: str, worker: str, help_text: str
) -> list[Any]:
    """Add ``name`` to the model (an optional link to the team, never deleted while it is
    kept) and fill it on the rows that exist with the team of the worker its ``worker`` field
    names as it is when the migration runs: a worker's past teams are not kept, so that is the
    best there is. A row without that worker (an import's, recorded by nobody), or whose
    worker has no team, is left without one."""

    def fill(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        Worker = apps.get_model("access", "Worker")
        team = Worker.objects.filter(pk=OuterRef(f"{worker}_id")).values("team_id")[:1]
        model.objects.filter(**{f"{name}__isnull": True}).update(**{f"{name}_id": Subquery(team)})

    return [
        migrations.AddField(
            model_name=model_name,
            name=name,
            field=models.ForeignKey(
                blank=True,
                help_text=help_text,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="access.team",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
