"""What every forum's list of meetings does before it draws its own table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page
from django.db.models import TextChoices

from locus.audit.models import AccessAction
from locus.audit.services import record_access
from locus.common.http import AuthedRequest
from locus.common.pagination import paginate


def meetings_page(
    request: AuthedRequest,
    *,
    statuses: type[TextChoices],
    meetings_for: Callable[[str], Any],
    record_type: str,
) -> tuple[str, Page, dict[str, str]]:
    """The ``?status=`` asked for (an unknown one shows them all), that page of the viewer's
    ``meetings_for(status)``, 25 a page, and the paging links. The listing is audited as a
    search with the meetings it shows."""
    status = request.GET.get("status", "")
    if status not in statuses.values:
        status = ""
    page, paging = paginate(request, meetings_for(status), per_page=25)
    record_access(
        actor=request.user,
        record_type=record_type,
        action=AccessAction.SEARCH,
        detail={"status": status, "shown": [str(m.pk) for m in page]},
    )
    return status, page, paging
