"""Who runs imports: the data team, which is the administrator role.

An import writes records about many children at once, matched on their identifiers, so it
is for the people who answer for the data (administrators with sight of every record),
never for a practitioner. Everyone else is told the pages do not exist (404).
"""

from __future__ import annotations

from django.http import Http404

from locus.access.models import Worker
from locus.access.policies import is_administrator
from locus.common.errors import NotPermitted
from locus.common.ids import parse_id
from locus.interchange.models import ImportRun


def can_import(worker: Worker) -> bool:
    return is_administrator(worker)


def require_importer(worker: Worker) -> None:
    if not can_import(worker):
        raise NotPermitted("imports are for the data team")


def access_run(worker: Worker, run_id: object) -> ImportRun:
    """The run ``run_id`` for a worker who may import, or 404."""
    require_importer(worker)
    run = (
        ImportRun.objects.select_related("uploaded_by", "confirmed_by")
        .filter(pk=parse_id(run_id))
        .first()
    )
    if run is None:
        raise Http404("Not found")
    return run
