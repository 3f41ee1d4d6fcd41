"""Views do no database reads of their own: every read is a selector scoped to the viewer
(or an ``access`` lookup that answers 404). A view that builds its own query is where a
page starts to show what the viewer may not see, so none may."""

from __future__ import annotations

import ast
from pathlib import Path

import locus

SRC = Path(locus.__file__).resolve().parent
# The views, and the web layer around them: what every page is given (context processors,
# middleware, navigation) and the template tags, which run as each page is drawn.
PAGES = sorted(
    [*SRC.glob("*/views*.py"), *SRC.glob("web/*.py"), *SRC.glob("web/templatetags/*.py")]
)
# Query-building calls: on a manager (``Model.objects``), a queryset or a related manager.
QUERY_CALLS = {
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "values_list",
    "order_by",
    "exists",
    "first",
    "distinct",
    "annotate",
    "aggregate",
    "count",
    "all",
    "last",
    "latest",
    "earliest",
    "in_bulk",
    "defer",
    "iterator",
    # Reading a record in hand again is a read too.
    "refresh_from_db",
}


def _reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.db"):
            found.append(f"{node.lineno}: imports {node.module}")
        if isinstance(node, ast.ImportFrom) and node.module == "django.shortcuts":
            found += [f"{node.lineno}: {a.name}" for a in node.names if a.name.endswith("_404")]
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{node.lineno}: .objects")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_CALLS
        ):
            found.append(f"{node.lineno}: .{node.func.attr}()")
        if (  # ``.get(pk=...)``: a dict's ``get`` takes no keywords, a queryset's does
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.keywords
        ):
            found.append(f"{node.lineno}: .get(...)")
    return found


def test_the_pages_are_found() -> None:
    assert len(PAGES) > 10
    assert SRC / "casework" / "views.py" in PAGES
    assert SRC / "people" / "views_status.py" in PAGES  # a second module of an app's pages
    assert SRC / "web" / "context_processors.py" in PAGES  # read as every page is drawn


def test_no_view_reads_the_database_itself() -> None:
    reads = {str(p.relative_to(SRC)): r for p in PAGES if (r := _reads(p))}
    assert reads == {}


def test_the_check_sees_a_read(tmp_path: Path) -> None:
    page = tmp_path / "views.py"
    page.write_text(
        "from django.shortcuts import get_object_or_404\n"
        "def v(request, pk):\n"
        "    return Person.objects.filter(pk=pk).first()\n"
        "def w(request, person):\n"
        "    person.refresh_from_db()\n"
        "    return person.episodes.get(pk=1), request.GET.get('q')\n"
    )
    assert sorted(_reads(page)) == [
        "1: get_object_or_404",
        "3: .filter()",
        "3: .first()",
        "3: .objects",
        "5: .refresh_from_db()",
        "6: .get(...)",
    ]
