"""Small-number suppression for the area picture: pure, no Django.

A row counts distinct children in a few cells (red, amber, green) and their total. Any
total under :data:`THRESHOLD` hides the whole row. Otherwise a cell of 1 to 4 children is
hidden (primary suppression); and when exactly one cell is hidden, a second one is too
(secondary suppression: the smallest other cell), so that the total minus the cells shown
never gives the hidden one. Every hidden cell is shown the same way, whatever hid it, so
that which cell was hidden for its own sake is not told either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Suppressed:
    """One row as it may be shown: ``cells`` in the order asked for, None where withheld;
    ``total`` None when the row has fewer than :data:`THRESHOLD` children."""

    cells: tuple[int | None, ...]
    total: int | None

    @property
    def hidden(self) -> int:
        return sum(c is None for c in self.cells)


def suppress(counts: Mapping[str, int], order: Sequence[str]) -> Suppressed:
    """``counts`` by cell (absent = 0), each child in exactly one cell, as shown in ``order``."""
    values = [counts.get(k, 0) for k in order]
    total = sum(values)
    if total < THRESHOLD:
        return Suppressed(tuple(None for _ in values), None)
    hidden = {i for i, v in enumerate(values) if 0 < v < THRESHOLD}
    if len(hidden) == 1:
        others = [i for i in range(len(values)) if i not in hidden]
        hidden.add(min(others, key=lambda i: (values[i], i)))
    return Suppressed(tuple(None if i in hidden else v for i, v in enumerate(values)), total)
