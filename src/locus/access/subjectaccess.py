"""Who works subject access requests (docs/subject-access.md).

The data team (administrators) logs, works and answers requests, and makes and downloads
the export. Nobody else sees a request: the log names who asked about which child, which
is itself sensitive, and the export holds everything about the child. A request is worked
by a named member of the data team, so it is assigned to an active administrator.
"""

from __future__ import annotations

from locus.access import policies
from locus.access.models import Worker


def can_work_requests(worker: Worker) -> bool:
    """Log, read, update and answer subject access requests, make and download exports."""
    return policies.is_administrator(worker)


def may_be_assigned(worker: Worker) -> bool:
    """A request is assigned to a named member of the data team."""
    return policies.is_administrator(worker)
