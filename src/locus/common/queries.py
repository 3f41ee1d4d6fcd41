"""Small reads shared by the domain apps' selectors."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet


def ids_among(rows: QuerySet[Any], ids: Collection[int]) -> set[int]:
    """Which of ``ids`` are rows of ``rows`` (typically what a viewer may see): one query,
    and none at all when there are no ids, so a page with nothing to check pays nothing."""
    if not ids:
        return set()
    return set(rows.filter(id__in=ids).values_list("id", flat=True))
