"""Reads that answer 'may this viewer see these?' for many records at once."""

from __future__ import annotations

from collections.abc import Iterable

from locus.access import scopes
from locus.access.models import Worker


def visible_person_ids(
    viewer: Worker, person_ids: Iterable[int], *, break_glass: bool = True, shared: bool = True
) -> set[int]:
    """Which of ``person_ids`` the viewer may see, in one query.

    Pages use it to name the people they may and to show only a role or an
    initial for the rest. ``break_glass=False``: leaving out emergency sight;
    ``shared=False``: leaving out what a forum shared.
    """
    ids = {pid for pid in person_ids if pid is not None}
    if not ids:
        return set()
    visible = scopes.people_visible_to(viewer, break_glass=break_glass, shared=shared)
    return set(visible.filter(id__in=ids).values_list("id", flat=True))
