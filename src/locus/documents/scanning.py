"""The virus-scanning hook: every file is scanned before Locus keeps it.

``settings.LOCUS_DOCUMENT_SCANNER`` names a callable ``scan(data: bytes, name: str)``
that returns ``None`` when the file is clean, or a short text saying what it found
(the upload is then refused, with that text in the audit trail, not on the page).
The default, ``accept_all``, scans nothing: a deployment plugs its scanner in
(``clamav`` below, for a ClamAV daemon; see docs/documents.md). A scanner that
fails (clamd down, a time-out) refuses the file: an unscanned file is not kept.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

Scanner = Callable[[bytes, str], "str | None"]


def accept_all(data: bytes, name: str) -> str | None:
    """No scanning: for the demo and for deployments that scan at the network's edge."""
    return None


def clamav(data: bytes, name: str) -> str | None:
    """Scan with a ClamAV daemon through the ``clamd`` package (``pip install clamd``).

    The daemon is reached on ``LOCUS_CLAMD_SOCKET`` (a Unix socket path) or, when it is
    unset, ``LOCUS_CLAMD_HOST``:``LOCUS_CLAMD_PORT`` (default 127.0.0.1:3310).
    """
    # Imported here: optional, only a deployment that names this scanner installs it.
    import clamd

    socket_path = settings.LOCUS_CLAMD_SOCKET
    daemon = (
        clamd.ClamdUnixSocket(path=socket_path)
        if socket_path
        else clamd.ClamdNetworkSocket(
            host=settings.LOCUS_CLAMD_HOST, port=settings.LOCUS_CLAMD_PORT
        )
    )
    status, found = daemon.instream(io.BytesIO(data))["stream"]
    if status == "OK":
        return None
    return f"{status}: {found}"


def scanner() -> Scanner:
    return import_string(settings.LOCUS_DOCUMENT_SCANNER)


def scan(data: bytes, name: str) -> str | None:
    """What the configured scanner found, or None; a scanner that fails finds "not scanned"."""
    try:
        return scanner()(data, name)
    except Exception as error:  # any failure of a scanner refuses the file
        return f"not scanned: {type(error).__name__}"
