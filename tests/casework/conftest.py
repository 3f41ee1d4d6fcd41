"""The threshold levels and assessment templates, for every casework test.

A data migration seeds them, but tests that run with ``transactional_db`` (the
browser tests) empty every table when they finish: this puts them back, with
the migration's own seeding function, so there is one source of the data.
"""

from __future__ import annotations

from typing import Any

import pytest

from locus.casework.reference import ensure_reference_data


@pytest.fixture(autouse=True)
def _reference_data(db: Any) -> None:
    ensure_reference_data()
