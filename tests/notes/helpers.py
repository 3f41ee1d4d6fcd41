"""Writing notes in tests, through the service, as the pages do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from locus.access.models import Worker
from locus.notes.models import CaseNote
from locus.notes.services import note_record
from tests.factories import START


def write(actor: Worker, subject: Any, **fields: Any) -> CaseNote:
    values: dict[str, Any] = {
        "kind": "home_visit",
        "contact_on": START + dt.timedelta(days=10),
        "summary": "Visited at home after the weekend's missing episode",
        "text": "Seen alone in her room. She said she had stayed at a friend's flat.",
    }
    values.update(fields)
    return note_record(actor=actor, subject=subject, **values)
