"""The repository carries its own docs: nothing points outside it, and every link resolves.

A user has only the repository, so no file may send them to a folder beside it, to a brief
they do not have, or to an issue number; and every relative link in the docs, and every
docs page and anchor cited in a code comment, must lead to a file (and anchor) that exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ["src", "tests", "docs", "scripts", "benchmarks", ".ci", "README.md", "pyproject.toml"]
THIRD_PARTY = [ROOT / "src/locus/static/vendor", ROOT / "tests/e2e/vendor"]
TEXT_SUFFIXES = {"", ".py", ".md", ".html", ".js", ".css", ".toml", ".txt", ".sh", ".json", ".cfg"}

# Written in pieces so that this file does not match itself.
OUTSIDE = re.compile(
    "|".join(
        [
            r"\.\./" + "shared",
            r"\b" + "DOMAIN" + r"\.md\b",
            r"\b" + "DESIGN" + r"\.md\b",
            r"\b" + "DOMAIN" + r" rules?\b",
            r"(?i:\b" + "issue" + r"\s*#?\d+)",
            # A bare number cited as an issue or pull request, or a path on one machine.
            r"\(" + "#" + r"\d+\)",
            r"(?i:\b(?:see|fixes|fixed|closes|pr|pull request)\s+" + "#" + r"\d+)",
            r"/" + "work" + "/",
        ]
    )
)
MD_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
DOCS_CITATION = re.compile(r"\bdocs/[\w/.-]+\.md(?:#[\w-]+)?")


def repo_files() -> list[Path]:
    files: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        for f in candidates:
            if not f.is_file() or f.suffix not in TEXT_SUFFIXES or "__pycache__" in f.parts:
                continue
            if any(f.is_relative_to(v) for v in THIRD_PARTY):
                continue
            files.append(f)
    return files


def anchors_of(md: Path) -> set[str]:
    """Explicit ``id="..."`` anchors and GitHub's slugs of the headings."""
    text = md.read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([\w-]+)"', text))
    for heading in re.findall(r"^#+\s+(.*)$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        ids.add(slug)
    return ids


def broken(target: str, base: Path) -> str | None:
    """Why a relative link ``target`` from a file in ``base`` does not resolve (None if it does)."""
    path, _, anchor = target.partition("#")
    dest = (base / path).resolve() if path else None
    if dest is not None and not dest.exists():
        return f"{target}: no such file"
    if anchor and dest is not None and dest.suffix == ".md" and anchor not in anchors_of(dest):
        return f"{target}: no anchor #{anchor}"
    return None


def test_the_scan_reads_the_repository() -> None:
    names = {f.relative_to(ROOT).as_posix() for f in repo_files()}
    assert {"README.md", "docs/README.md", "src/locus/access/RULES.md"} <= names
    assert "tests/test_docs.py" in names and len(names) > 300


def test_no_file_points_outside_the_repository() -> None:
    found = [
        f"{f.relative_to(ROOT)}:{n}: {line.strip()}"
        for f in repo_files()
        for n, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "see ../" + "shared/docs",
        "DOMAIN" + ".md",
        "(" + "DOMAIN" + " rule 3)",
        "issue" + " 12",
        "the lock (" + "#" + "41)",
        "fixes " + "#" + "7",
        "/" + "work/main/notes.md",
    ],
)
def test_the_check_catches_each_kind_of_pointer(text: str) -> None:
    assert OUTSIDE.search(text)


def test_a_number_the_product_shows_is_not_a_pointer() -> None:
    assert not OUTSIDE.search('otherwise "person ' + "#" + '12"; the API token ' + "#" + "12")


def test_every_relative_link_in_the_docs_resolves() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *ROOT.glob("src/**/*.md")]
    pages = [p for p in pages if not any(p.is_relative_to(v) for v in THIRD_PARTY)]
    problems = []
    for page in pages:
        for target in MD_LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target):  # http:, https:, mailto: leave the repository
                continue
            if target.startswith("#"):
                target = page.name + target
            why = broken(target, page.parent)
            if why:
                problems.append(f"{page.relative_to(ROOT)}: {why}")
    assert problems == []


def test_the_docs_cited_in_code_exist() -> None:
    problems = [
        f"{f.relative_to(ROOT)}: {why}"
        for f in repo_files()
        if f.suffix in {".py", ".html", ".md"} and not f.is_relative_to(ROOT / "docs")
        for cited in DOCS_CITATION.findall(f.read_text(encoding="utf-8", errors="replace"))
        if (why := broken(cited, ROOT))
    ]
    assert problems == []


def test_the_link_check_catches_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text('# Title\n<a id="here"></a>\n## Some words\n')
    assert broken("a.md#here", tmp_path) is None
    assert broken("a.md#some-words", tmp_path) is None
    assert broken("a.md#elsewhere", tmp_path) == "a.md#elsewhere: no anchor #elsewhere"
    assert broken("b.md", tmp_path) == "b.md: no such file"


ENV_READ = re.compile(r"""environ(?:\.get)?[(\[]\s*["']((?:LOCUS_|DATABASE_)[A-Z0-9_]+)["']""")


def test_every_setting_read_from_the_environment_is_on_the_deployment_page() -> None:
    """An operator has only the docs: each variable Locus reads is listed with its default."""
    read = {
        name
        for path in (ROOT / "src/locus").rglob("*.py")
        for name in ENV_READ.findall(path.read_text(encoding="utf-8"))
    }
    assert {"LOCUS_HTTPS", "LOCUS_CLAMD_PORT", "LOCUS_EMAIL_BACKEND", "DATABASE_URL"} <= read
    page = (ROOT / "docs/deploying.md").read_text(encoding="utf-8")
    assert sorted(name for name in read if f"`{name}`" not in page) == []
