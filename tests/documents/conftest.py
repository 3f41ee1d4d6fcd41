import pytest

from tests.documents.helpers import document_store

__all__ = ["document_store"]


@pytest.fixture(autouse=True)
def _documents_in_a_test_folder(document_store: object) -> None:
    """Every documents test writes to its own folder, scanned for EICAR."""
