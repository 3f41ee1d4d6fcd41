"""The reference data casework needs: the context threshold and the assessment templates.

A data migration seeds them. Anything that empties every table afterwards (a
test run's ``flush``) can put them back with :func:`ensure_reference_data`,
which runs the migration's own seeding, so there is one source of the data.
An authority's own levels and templates are never touched: it seeds only
when there are no threshold levels at all.
"""

from __future__ import annotations

import importlib

from django.apps import apps

from locus.casework.models import ThresholdLevel

SEED_MIGRATION = "locus.casework.migrations.0002_seed_thresholds_and_templates"


def ensure_reference_data() -> bool:
    """Seed the threshold and templates if there are none; True when it seeded."""
    if ThresholdLevel.objects.exists():
        return False
    importlib.import_module(SEED_MIGRATION).seed(apps, None)
    return True
