"""Where the bytes go by default (the data folder, nothing a web server serves) and with a
bucket configured (django-storages' S3 backend, private), read from the settings module as
a fresh process sees it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SHOW = (
    "import json; from locus.config import settings as s; "
    "d = s.STORAGES['documents']; o = d['OPTIONS']; "
    "print(json.dumps({'backend': d['BACKEND'], 'options': {k: str(v) for k, v in o.items()},"
    " 'static': str(s.STATIC_ROOT), 'data': str(s.DATA_DIR), 'max': s.LOCUS_DOCUMENT_MAX_BYTES,"
    " 'scanner': s.LOCUS_DOCUMENT_SCANNER}))"
)


def _settings(tmp_path: Path, **env: str) -> dict[str, Any]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LOCUS_")}
    environ.update(LOCUS_DATA_DIR=str(tmp_path), LOCUS_SECRET_KEY="not-a-real-key", **env)
    out = subprocess.run(
        [sys.executable, "-c", SHOW], env=environ, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def test_by_default_the_bytes_go_to_the_data_folder_and_nothing_serves_them(
    tmp_path: Path,
) -> None:
    shown = _settings(tmp_path)
    assert shown["backend"] == "django.core.files.storage.FileSystemStorage"
    folder = Path(shown["options"]["location"])
    assert folder == tmp_path.resolve() / "documents"
    assert not folder.is_relative_to(shown["static"])
    assert shown["options"]["file_permissions_mode"] == str(0o600)
    assert shown["max"] == 20 * 1024 * 1024
    assert shown["scanner"] == "locus.documents.scanning.accept_all"


def test_a_bucket_named_in_the_environment_is_used_privately(tmp_path: Path) -> None:
    shown = _settings(
        tmp_path,
        LOCUS_DOCUMENTS_S3_BUCKET="locus-documents",
        LOCUS_DOCUMENTS_S3_ENDPOINT="https://store.example.test",
        LOCUS_DOCUMENT_MAX_MB="5",
        LOCUS_DOCUMENT_SCANNER="locus.documents.scanning.clamav",
    )
    assert shown["backend"] == "storages.backends.s3.S3Storage"
    assert shown["options"] == {
        "bucket_name": "locus-documents",
        "endpoint_url": "https://store.example.test",
        "location": "documents",
        "default_acl": "private",
        "file_overwrite": "False",
        "querystring_auth": "True",
    }
    assert shown["max"] == 5 * 1024 * 1024
    assert shown["scanner"] == "locus.documents.scanning.clamav"
