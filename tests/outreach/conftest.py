"""Casework's threshold levels and templates: a visit plan needs a context case."""

from tests.casework.conftest import _reference_data

__all__ = ["_reference_data"]
