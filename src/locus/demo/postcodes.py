"""The real postcodes of the London Borough of Hackney, for the synthetic borough.

Every person in the demo is invented; only the postcodes and their grid
references are real public reference data (read by ``locus.places.postcodes``).
"""

from __future__ import annotations

from locus.places.postcodes import Postcode, by_district, postcodes_in

__all__ = ["HACKNEY_BBOX", "Postcode", "by_district", "hackney_postcodes"]

HACKNEY_LAUA = "E09000012"  # ONS local authority code of the London Borough of Hackney
# Hackney's postcodes start with E (E5, E8, E9, E2, EC2A...) or N (N1, N16, N4...).
HACKNEY_LETTERS = ("E", "N")

# Hackney's bounding box in WGS84, with a small margin (checked against the data).
HACKNEY_BBOX = {"lat_min": 51.515, "lat_max": 51.580, "lon_min": -0.110, "lon_max": -0.015}


def hackney_postcodes() -> tuple[Postcode, ...]:
    """The real postcodes of the London Borough of Hackney, sorted by postcode."""
    return postcodes_in(HACKNEY_LAUA, HACKNEY_LETTERS)
