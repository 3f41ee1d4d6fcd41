from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from locus.interchange import registry
from tests.interchange.fake import LinesImporter

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to a folder of the test's own."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def lines_importer(monkeypatch: pytest.MonkeyPatch) -> Iterator[LinesImporter]:
    """The registry with the test importer beside the real ones."""
    imp = LinesImporter()
    real = registry.importers()
    monkeypatch.setattr(registry, "importers", lambda: {**real, imp.kind: imp})
    yield imp
