"""Casework's threshold levels and templates, for the triggers on context cases."""

from tests.casework.conftest import _reference_data

__all__ = ["_reference_data"]
