"""Who works subject access requests (docs/subject-access.md).

The data team (administrators) logs, works and answers requests, and makes and downloads
the export. Nobody else sees a request: the log names who asked about which child, which
is itself sensitive, and the export holds everything about the child. A request is worked
by a named member of the data team, so it is assigned to an active administrator.
"""

from __future__ import annotations

from django.db.models import Q

from locus.access import policies
from locus.access.models import Role, Scope, Worker


def can_work_requests(worker: Worker) -> bool:
    """Log, read, update and answer subject access requests, make and download exports."""
    return policies.is_administrator(worker)


def may_be_assigned(worker: Worker) -> bool:
    """A request is assigned to a named member of the data team."""
    return policies.is_administrator(worker)


def data_team_filter() -> Q:
    """The workers a request may be assigned to: active administrators (as a query)."""
    return Q(is_active=True, role=Role.ADMINISTRATOR, scope=Scope.ALL)
