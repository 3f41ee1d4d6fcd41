"""For the link to a context case's or a meeting's documents, on a page whose view does not know
about them."""

from __future__ import annotations

from django import template

from locus.access import context_cases
from locus.access import documents as rules
from locus.access.models import Worker

register = template.Library()


@register.filter
def reads_case_documents(worker: Worker) -> bool:
    """A partner organisation sees a case but not its documents (``access/documents.py``)."""
    return not context_cases.is_partner(worker)


@register.filter
def opens_documents_of(worker: Worker, owner: rules.Owner) -> bool:
    """A manager of a meeting invitee's team opens the meeting, not its papers."""
    return rules.opens_documents(worker, owner)
