"""The demo's audit chain: verified once, so the information governance lead (the auditor
persona) and the administrator find a "last verified" and the day heads on the chain page."""

from __future__ import annotations

from locus.audit.models import ChainCheck
from locus.audit.services import record_verification


def add_demo_chain() -> None:
    if ChainCheck.objects.exists():
        return  # a demo set up again keeps its history of checks
    record_verification()
