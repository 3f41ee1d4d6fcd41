"""Cells that a spreadsheet shows as text and never runs as a formula (CSV injection).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be taken as a
formula by Excel or LibreOffice when a downloaded file is opened; a leading ``'`` makes it
text. Every file Locus writes for a spreadsheet (exports, the audit trail's CSV) goes
through :func:`safe_text`.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """``text`` as a cell a spreadsheet shows as text."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
