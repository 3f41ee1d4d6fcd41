"""Compressed uploads (an SSDA903 ZIP, an XLSX workbook) are held to the import limit as they
would expand, not only as uploaded, and no member may expand a hundred times over: a small
"bomb" is refused before it is read, with a message saying why."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from locus.interchange import ssda903
from locus.interchange.core import FileRejected
from locus.interchange.flat import IMPORTERS as FLAT

pytestmark = pytest.mark.django_db

SSDA = ssda903.IMPORTERS[0]
PEOPLE = next(i for i in FLAT if i.kind == "people")

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
    "PL_POST,URN\n"
)


def test_ssda903_zip_expanding_far_past_the_import_limit_is_refused(
    settings: Any, tmp_path: Path
) -> None:
    settings.LOCUS_IMPORT_MAX_BYTES = 1_000_000  # the upload limit: 1 MB
    path = tmp_path / "SSDA903_2024.zip"
    row = "S1001,01/04/2023,S,C1,N1,U6,PR1,10/06/2023,X1,,E8 1EJ,E8 1DY,XXXXXXX\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("header.csv", HEADER + "S1001,1,14/03/2011,WBRI,UN2,,\n")
        z.writestr("episodes.csv", EPISODES + row * 300_000)  # ~21 MB of rows
    assert path.stat().st_size < 1_000_000
    with pytest.raises(FileRejected, match="expand"):
        SSDA.check(path)


def test_ssda903_table_expanding_a_hundred_times_over_is_refused(tmp_path: Path) -> None:
    """Within the import limit, but 3 MB of one repeated row in a few kilobytes."""
    path = tmp_path / "SSDA903_2024.zip"
    row = "S1001,01/04/2023,S,C1,N1,U6,PR1,10/06/2023,X1,,E8 1EJ,E8 1DY,XXXXXXX\n"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("header.csv", HEADER + "S1001,1,14/03/2011,WBRI,UN2,,\n")
        z.writestr("episodes.csv", EPISODES + row * 45_000)
    with pytest.raises(FileRejected, match="more than 100 times"):
        SSDA.check(path)


def _xlsx_with_huge_shared_strings(path: Path, megabytes: int) -> None:
    from openpyxl import Workbook

    buf = io.BytesIO()
    book = Workbook()
    sheet = book.active
    sheet.append(["LAchildID", "GivenName", "FamilyName", "PersonBirthDate"])
    sheet.append(["X1", "A", "B", "2010-01-01"])
    book.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    one = "<si><t>" + "A" * 1000 + "</t></si>"
    count = megabytes * 1024
    strings = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">' + one * count + "</sst>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in src.infolist():
            if info.filename != "xl/sharedStrings.xml":
                out.writestr(info, src.read(info))
        out.writestr("xl/sharedStrings.xml", strings)


def test_xlsx_expanding_far_past_the_import_limit_is_refused(settings: Any, tmp_path: Path) -> None:
    """openpyxl (read only too) loads a workbook's shared strings whole into memory."""
    settings.LOCUS_IMPORT_MAX_BYTES = 1_000_000
    path = tmp_path / "people.xlsx"
    _xlsx_with_huge_shared_strings(path, 20)  # 20 MB of shared strings
    assert path.stat().st_size < 1_000_000
    with pytest.raises(FileRejected, match="expand"):
        PEOPLE.check(path)
