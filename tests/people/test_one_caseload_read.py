"""A worker's caseload is read in one place, ``people.selectors.caseload_for``: the people
allocated now to them (or to their team) whom they may see. A caseload written again by
hand elsewhere is how one page comes to offer a child another no longer holds."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import locus

SRC = Path(locus.__file__).resolve().parent
OWN_ALLOCATIONS = re.compile(r"\bAllocation\.objects\b|\ballocations\.")
BY_WORKER = re.compile(r"\bworker(?:_id)?(?:__in)?\s*=(?!=)")
# Where allocations by worker are read on purpose: the sight rules themselves, the caseload
# selector, and the services that check one allocation before writing another (the demo's
# caseload step among them: it writes the borough's allocations in bulk, with the services'
# "already allocated" check done in memory). The demo's stories read through the selector.
OWNED = ("access/", "people/selectors.py", "demo/steps/caseloads.py")


def caseload_reads(path: Path) -> list[str]:
    """The functions in ``path`` that read allocations by worker."""
    text = path.read_text()
    found = []
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef):
            continue
        if any(isinstance(n, ast.FunctionDef) for n in ast.walk(node) if n is not node):
            continue  # read the innermost function
        body = ast.get_source_segment(text, node) or ""
        if OWN_ALLOCATIONS.search(body) and BY_WORKER.search(body):
            found.append(f"{node.lineno}: {node.name}")
    return found


def test_no_caseload_is_read_by_hand_outside_the_selector() -> None:
    found = {
        rel: reads
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts and path.name != "services.py"
        if not (rel := path.relative_to(SRC).as_posix()).startswith(OWNED)
        if (reads := caseload_reads(path))
    }
    assert found == {}


MINE = """
def mine(viewer):
    held = Q(worker=viewer) | Q(team_id=viewer.team_id)
    return Allocation.objects.current().filter(held)
"""
THEIRS = """
def theirs(person):
    return person.allocations.current().filter(start__gte=day)
"""


@pytest.mark.parametrize(("source", "reads"), [(MINE, ["2: mine"]), (THEIRS, [])])
def test_the_check_sees_a_caseload_built_from_a_condition(
    tmp_path: Path, source: str, reads: list[str]
) -> None:
    (tmp_path / "selectors.py").write_text(source)
    assert caseload_reads(tmp_path / "selectors.py") == reads
