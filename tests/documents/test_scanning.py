"""The virus-scanning hook: the setting names the scanner, and the ClamAV adapter reads
clamd's answer (a stand-in for the ``clamd`` package here: no daemon in the tests)."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from locus.documents import scanning
from tests.documents.helpers import EICAR
from tests.scripts import run_script


class _Daemon:
    def __init__(self, **where: Any) -> None:
        self.where = where

    def instream(self, stream: Any) -> dict[str, tuple[str, str | None]]:
        found = EICAR in stream.read()
        return {"stream": ("FOUND", "Eicar-Signature") if found else ("OK", None)}


@pytest.fixture
def fake_clamd(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []

    def daemon(**where: Any) -> _Daemon:
        made.append(where)
        return _Daemon(**where)

    module = types.SimpleNamespace(ClamdUnixSocket=daemon, ClamdNetworkSocket=daemon)
    monkeypatch.setitem(sys.modules, "clamd", module)
    return made


def test_the_clamav_adapter_passes_a_clean_file_and_names_what_it_found(
    fake_clamd: list[dict[str, Any]], settings: Any
) -> None:
    settings.LOCUS_CLAMD_SOCKET = ""
    assert scanning.clamav(b"a letter", "letter.txt") is None
    assert scanning.clamav(EICAR, "eicar.txt") == "FOUND: Eicar-Signature"
    assert fake_clamd[0] == {"host": "127.0.0.1", "port": 3310}
    settings.LOCUS_CLAMD_SOCKET = "/run/clamav/clamd.ctl"
    scanning.clamav(b"a letter", "letter.txt")
    assert fake_clamd[-1] == {"path": "/run/clamav/clamd.ctl"}


def test_the_setting_chooses_the_scanner(settings: Any, fake_clamd: Any) -> None:
    settings.LOCUS_DOCUMENT_SCANNER = "locus.documents.scanning.accept_all"
    assert scanning.scan(EICAR, "eicar.txt") is None
    settings.LOCUS_DOCUMENT_SCANNER = "locus.documents.scanning.clamav"
    assert scanning.scan(EICAR, "eicar.txt") == "FOUND: Eicar-Signature"
    settings.LOCUS_DOCUMENT_SCANNER = "locus.documents.scanning.no_such_scanner"
    assert scanning.scan(b"a letter", "letter.txt") == "not scanned: ImportError"


def test_the_daemon_s_host_and_port_come_from_the_environment(tmp_path: Any) -> None:
    """docs/deploying.md names LOCUS_CLAMD_HOST and LOCUS_CLAMD_PORT: the settings read them
    (they were named in the docs, and only ever defaulted)."""
    script = (
        "import json\n"
        "from locus.config import settings\n"
        "host, port = settings.LOCUS_CLAMD_HOST, settings.LOCUS_CLAMD_PORT\n"
        "print(json.dumps({'host': host, 'port': port}))\n"
    )
    env = {"LOCUS_DATA_DIR": str(tmp_path), "LOCUS_CLAMD_HOST": "clamav.internal"}
    read = run_script(script, env={**env, "LOCUS_CLAMD_PORT": "3311"})
    assert read == {"host": "clamav.internal", "port": 3311}
