"""A page that shows a record logs its read every time it is drawn, not only when first
opened: a refused form is drawn again, the record with it."""

from __future__ import annotations

import re
from pathlib import Path

import locus

SOURCE = Path(locus.__file__).parent
# A read logged only on GET, naming the record it shows (``obj=``).
ONLY_ON_GET = re.compile(r'if request\.method == "GET":\s*\n\s*record_access\([^)]*\bobj=')


def test_no_view_logs_a_records_read_only_when_first_opened() -> None:
    found = [
        str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts and ONLY_ON_GET.search(path.read_text())
    ]
    assert found == []
