"""The background task that prepares a subject access package (``locus worker``; at once in
tests)."""

from __future__ import annotations

from django_tasks import task

from locus.subjectaccess import package


@task()
def produce_package(package_id: int) -> str:
    """Prepare package ``package_id``; returns the state it ended in."""
    return package.produce(package_id)
