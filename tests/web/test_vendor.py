"""Vendored front-end files: only what a page uses, nothing the licence forbids, nothing that 404s.

The GDS Transport typeface is licensed for services on GOV.UK only: Locus serves no font file and
no stylesheet names it, so text falls back to arial, sans-serif and the browser requests no font.
Every ``url()`` in a served stylesheet must resolve to a vendored file (a missing one is a 404 in
the browser's console), and every vendored library must be used by a page or kept for a named
feature to come.
"""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "src/locus/static"
VENDOR = STATIC / "vendor"
TEMPLATES = STATIC.parent / "templates"
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".otf", ".eot"}
# Vendored libraries no page uses yet, each kept for a named feature (see vendor/README.md).
KEPT_FOR_LATER: set[str] = set()


def stylesheets() -> list[Path]:
    return sorted(STATIC.rglob("*.css"))


def test_no_font_file_is_vendored() -> None:
    assert [p for p in VENDOR.rglob("*") if p.suffix in FONT_SUFFIXES] == []


def test_no_stylesheet_names_gds_transport_or_loads_a_font() -> None:
    for css in stylesheets():
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"font-family\s*:[^;}]*GDS Transport", text), css
        assert "@font-face" not in text, css


def test_govuk_text_falls_back_to_arial() -> None:
    css = (VENDOR / "govuk-frontend/govuk-frontend.min.css").read_text(encoding="utf-8")
    families = set(re.findall(r"font-family:([^;}]*)", css))
    assert "arial,sans-serif" in families
    assert all(f.endswith("sans-serif") or f == "inherit" for f in families), families


def test_every_url_in_a_stylesheet_resolves() -> None:
    missing = []
    for css in stylesheets():
        for ref in re.findall(r"url\(\s*['\"]?([^)'\"]+)", css.read_text(encoding="utf-8")):
            if ref.startswith(("data:", "#", "http:", "https:")):
                continue
            if ref.startswith("/") or not (css.parent / ref.split("?")[0].split("#")[0]).is_file():
                missing.append(f"{css.relative_to(STATIC)}: {ref}")
    assert missing == []


def test_every_vendored_library_is_used_or_kept_for_a_named_feature() -> None:
    served = "\n".join(
        p.read_text(encoding="utf-8")
        for folder, pattern in ((TEMPLATES, "*.html"), (STATIC / "locus", "*"))
        for p in folder.rglob(pattern)
        if p.is_file() and p.suffix in {".html", ".js", ".css"}
    )
    libraries = {p.name for p in VENDOR.iterdir() if p.is_dir()}
    used = {lib for lib in libraries if f"vendor/{lib}/" in served}
    assert libraries - used == KEPT_FOR_LATER
    assert "htmx" not in libraries
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert all(f"`{lib}/`" in readme for lib in libraries)
