"""The purge as background tasks: one started from the retention page, or the daily one."""

from __future__ import annotations

from django_tasks import task

from locus.access.services import system_worker
from locus.retention import purge


@task()
def run_purge(run_id: int) -> int:
    """Carry out purge run ``run_id`` (and any earlier one stopped part-way); returns how many
    items it acted on."""
    return purge.execute(run_id).items.count()


@task()
def daily_purge() -> int:
    """The scheduled purge, recorded as the system account, for a deployment that schedules
    tasks rather than commands (a timer's command is ``locus purge --scheduled``; by hand,
    ``locus purge --confirm --as`` an administrator who signs in)."""
    return purge.purge(actor=system_worker()).items.count()
