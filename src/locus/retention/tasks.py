"""The purge as a background task: started from the retention page, or once a day."""

from __future__ import annotations

from django_tasks import task

from locus.retention import purge


@task()
def run_purge(run_id: int) -> int:
    """Carry out purge run ``run_id`` (and any earlier one stopped part-way); returns how many
    items it acted on."""
    return purge.execute(run_id).items.count()
