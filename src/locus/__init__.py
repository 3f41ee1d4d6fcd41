"""Locus: a contextual safeguarding workspace."""

__version__ = "0.1.0"
