"""The importers Locus has, by the name ``locus import`` and the import page know them by."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from locus.interchange.core import Importer

# Each module here defines ``IMPORTERS``, a tuple of importers (see locus.interchange.core).
# They are loaded on first use, so that importing the registry loads no importer's models.
MODULES: tuple[str, ...] = (
    "locus.interchange.cin",
    "locus.interchange.ssda903",
    "locus.interchange.flat",
)


@cache
def importers() -> dict[str, Importer]:
    found: dict[str, Importer] = {}
    for name in MODULES:
        for imp in import_module(name).IMPORTERS:
            if imp.kind in found:
                raise RuntimeError(f"two importers are called {imp.kind!r}")
            found[imp.kind] = imp
    return found


def importer(kind: str) -> Importer:
    try:
        return importers()[kind]
    except KeyError:
        known = ", ".join(sorted(importers())) or "none"
        raise ValueError(f"kind: no importer called {kind!r} (known: {known})") from None
