"""Whatever bytes it is given, the CIN reader answers with a report or a refusal."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locus.interchange.cin import CinImporter
from locus.interchange.core import FileRejected, Report
from tests.interchange.cin_files import census, child, episode
from tests.interchange.conftest import DATA

SAMPLES = [
    (DATA / "cin-2022.xml").read_bytes(),
    (DATA / "CIN_Census_2024.xml").read_bytes(),
    census(child(), child("LA2", episodes=(episode(cp="NEG", plan=True),))).encode(),
]
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def mangled(draw: st.DrawFn) -> bytes:
    """A sample cut, spliced with junk, or with a span of it repeated or dropped."""
    data = draw(st.sampled_from(SAMPLES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        end = draw(st.integers(at, min(len(data), at + 200)))
        how = draw(st.sampled_from(["cut", "insert", "drop", "repeat", "replace"]))
        if how == "cut":
            data = data[:at]
        elif how == "insert":
            junk = draw(
                st.one_of(
                    st.binary(max_size=20),
                    st.sampled_from(
                        [
                            b"<",
                            b"&amp;",
                            b"&x;",
                            b"]]>",
                            b"<Child>",
                            b"</Child>",
                            b"\xff\xfe",
                            b"2025-02-31",
                            b"<!DOCTYPE x>",
                            b"<?pi?>",
                        ]
                    ),
                )
            )
            data = data[:at] + junk + data[at:]
        elif how == "drop":
            data = data[:at] + data[end:]
        elif how == "repeat":
            data = data[:end] + data[at:end] + data[end:]
        else:
            data = data[:at] + draw(st.text(max_size=10)).encode() + data[end:]
    return data


def read(data: bytes) -> Report | FileRejected:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xml"
        path.write_bytes(data)
        try:
            return CinImporter().check(path)
        except FileRejected as refused:
            return refused


@FUZZ
@given(mangled())
def test_a_mangled_return_is_reported_or_refused(db: Any, data: bytes) -> None:
    outcome = read(data)
    problems = outcome.problems if isinstance(outcome, Report) else [outcome.problem]
    for problem in problems:
        assert problem.where and problem.field and problem.rule and problem.message


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_are_reported_or_refused(db: Any, data: bytes) -> None:
    assert isinstance(read(data), Report | FileRejected)
