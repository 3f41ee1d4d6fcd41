"""Exports write their files under the data folder: a folder of each test's own."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.sharing.helpers import SHARE_POST


@pytest.fixture(autouse=True)
def _data_folder(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # a byte-order mark, for spreadsheets
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {
        sheet.title: [
            ["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in book.worksheets
    }


def download(client: Client, key: str, fmt: str = "csv", **params: str) -> list[list[Any]]:
    """The list ``key`` downloaded by ``client``'s worker: its rows, headings first."""
    query = urlencode({"format": fmt, **params})
    response = client.post(f"/exports/{key}/?{query}", SHARE_POST)
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment; filename=")
    # Never shown in the page's origin, never kept, as every download Locus hands over.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    if fmt == "csv":
        return read_csv(response.content)
    (rows,) = read_xlsx(response.content).values()
    return [[str(v) if not isinstance(v, str) else v for v in row] for row in rows]
