"""The background task that prepares an export (run by ``locus worker``; at once in tests)."""

from __future__ import annotations

from django_tasks import task

from locus.exports import services


@task()
def produce_export(run_id: int) -> str:
    """Prepare export run ``run_id``; returns the state it ended in."""
    return services.produce(run_id)
