"""The command line's sign-in, for tests of the commands that record work under a named
administrator (``locus import --as``, ``locus purge --as``)."""

from __future__ import annotations

from typing import Any

import pytest

from locus.cli import OPERATOR_PASSWORD

PASSWORD = "Kestrel-lantern-47"  # synthetic


def operator_password(worker: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Give ``worker`` a password and put it where a script gives it to the command line."""
    worker.set_password(PASSWORD)
    worker.save(update_fields=["password"])
    monkeypatch.setenv(OPERATOR_PASSWORD, PASSWORD)
    return PASSWORD
