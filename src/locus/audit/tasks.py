"""The background task that verifies the audit trail's hash chain (run by ``locus worker``;
at once in tests)."""

from __future__ import annotations

from django_tasks import task

from locus.audit import services


@task()
def verify_chain(check_id: int) -> int:
    """Verify the chain for ``check_id``; returns how many problems it found."""
    return services.verification_run(check_id)
