"""Opening the episodes the legal-status tests change and end."""

from __future__ import annotations

import datetime as dt

from locus.access.models import Agency, Worker
from locus.people.models import LegalStatus, LegalStatusEpisode
from locus.people.services import episode_start
from tests.factories import START, World


def open_plan(
    world: World, category: str = "NEG", *, by: Worker | None = None, start: dt.date = START
) -> LegalStatusEpisode:
    """A child protection plan for ``csc_child``, held by children's social care."""
    return open_episode(
        world, LegalStatus.CHILD_PROTECTION, by=by, start=start, cp_category=category
    )


def open_episode(
    world: World,
    status: str,
    *,
    by: Worker | None = None,
    start: dt.date = START,
    agency: Agency | None = None,
    **detail: str,
) -> LegalStatusEpisode:
    """An episode of ``status`` for ``csc_child`` from ``start`` (``START`` unless said), held
    by ``agency`` (children's social care unless said), opened by ``by`` (the social worker
    unless said)."""
    return episode_start(
        actor=by or world.social_worker,
        person=world.csc_child,
        status=status,
        start=start,
        agency=agency or world.csc,
        **detail,
    )
