"""One way of showing a person the viewer may not see, and one way of saying who holds a
case: ``access.naming`` decides both, and every page, export and API answer asks it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse

from locus.access import naming
from locus.access.fields import WITHHELD
from locus.incidents.models import InvolvementRole
from locus.people.selectors import person_detail
from tests.api.conftest import api_as
from tests.exports.conftest import download
from tests.factories import World, client_for, make_association, make_incident

SRC = Path(naming.__file__).resolve().parents[1]
CHILD = "A child not shared with you"
PERSON = "A person not shared with you"


def test_a_person_not_shared_is_one_plain_phrase_never_the_name(world: World) -> None:
    hidden = naming.person_label(world.other_child, visible=False)
    assert hidden == "OO (a child not shared with you)"
    assert "Olu" not in hidden and "Otherchild" not in hidden
    assert naming.person_label(world.other_child, visible=True) == "Olu Otherchild"
    assert naming.person_label(world.adult, visible=False) == "AA (a person not shared with you)"
    assert naming.unseen_label() == PERSON
    assert naming.unseen_label(child=True) == CHILD
    assert naming.unseen_label("XY", child=True) == "XY (a child not shared with you)"
    held = naming.unseen_label(child=True, held_by=naming.held_by(world.social_worker))
    assert held == f"{CHILD}, held by {naming.holder_text(world.social_worker)}"
    assert naming.unseen_label(child=True, held_by=naming.held_by(None)) == (
        f"{CHILD}, not allocated to a worker"
    )
    assert naming.unseen_count(1) == "1 child not shared with you"
    assert naming.unseen_count(3, child=False) == "3 people not shared with you"
    # A withheld field keeps its own words: a field is not a person.
    assert naming.NOT_SHARED not in WITHHELD.lower().replace("your role", "")


def test_a_holder_is_the_worker_and_the_allocations_team_never_the_child(world: World) -> None:
    sw = world.social_worker
    assert naming.holder_text(sw) == (
        f"{sw}, Contextual Safeguarding Team A, Children's Social Care"
    )
    # The allocation's team, when given, names the case's team rather than the worker's.
    assert naming.holder_text(sw, world.csc_team_b) == (
        f"{sw}, Assessment Team B, Children's Social Care"
    )
    assert naming.holder_text(world.admin) == str(world.admin)  # no team to name
    assert naming.holder_text(None) == ""
    assert naming.held_by(None) == naming.UNALLOCATED == "not allocated to a worker"
    assert naming.held_by(sw) == naming.holder_text(sw)


def test_the_template_tags_say_the_same_words(world: World) -> None:
    template = Template(
        "{% load locus %}{% unseen_person %}|{% unseen_person child=True %}|"
        "{% unseen_person who %}|{% unseen_count 2 %}|{% not_in_scope %}"
    )
    rendered = template.render(Context({"who": world.other_child}))
    assert rendered.split("|") == [
        PERSON,
        CHILD,
        naming.person_label(world.other_child, visible=False),
        naming.unseen_count(2),
        naming.NOT_SHARED,
    ]


def test_a_peer_not_shared_on_the_person_page_is_initials_and_the_phrase(world: World) -> None:
    make_association(world.system, person=world.csc_child, other=world.other_child)
    rows = person_detail(viewer=world.social_worker, person=world.csc_child).associations
    assert [r.label for r in rows] == [naming.unseen_label(world.other_child, child=False)]
    page = client_for(world.social_worker).get(f"/people/{world.csc_child.pk}/")
    assert "OO (a person not shared with you)" in page.content.decode()
    assert "Otherchild" not in page.content.decode()


@pytest.fixture
def hidden_everywhere(world: World) -> World:
    """The social worker's child, Ciara, with someone the social worker may not see on each
    kind of page: an associate (Olu, another team's child, who is also a linked case), a
    person in one of her incidents (Paddy, whom the police hold), and a member of her peer
    group (Yusuf, whom youth justice holds)."""
    make_association(world.system, person=world.csc_child, other=world.other_child)
    both = [
        (world.csc_child, InvolvementRole.HARMED),
        (world.police_child, InvolvementRole.HARMING),
    ]
    make_incident(world.system, context=world.park, reporting_agency=world.csc, involvements=both)
    return world


PAGES = {
    "person": lambda w: reverse("person", args=[w.csc_child.pk]),
    "incidents": lambda w: reverse("incidents"),
    "peer group": lambda w: reverse("group", args=[w.group.pk]),
    "linked cases": lambda w: reverse("linked"),
}
PHRASES = {
    "person": "OO (a person not shared with you)",  # a peer: child or adult alike
    "incidents": PERSON,
    "peer group": "YY (a person not shared with you)",  # a member: child or adult alike
    "linked cases": CHILD,
}


@pytest.mark.parametrize("kind", PAGES)
def test_each_kind_of_page_shows_a_person_not_shared_in_the_one_phrase(
    hidden_everywhere: World, kind: str
) -> None:
    world = hidden_everywhere
    html = client_for(world.social_worker).get(PAGES[kind](world)).content.decode()
    assert PHRASES[kind] in html, kind
    for name in ("Otherchild", "Policechild", "Yjschild"):
        assert name not in html, (kind, name)
    assert "not in your scope" not in html and "you cannot see" not in html


def test_the_download_and_the_api_say_the_same(hidden_everywhere: World) -> None:
    world = hidden_everywhere
    rows = download(client_for(world.social_worker), "incidents")
    assert any(f"Harming: {PERSON}" in cell for row in rows for cell in row)
    api = api_as(world.social_worker)
    got = api.ok(f"/people/{world.csc_child.pk}/associations")["results"]
    labels = [r["peer"]["label"] for r in got if not r["peer"]["visible"]]
    assert labels == [naming.unseen_label(world.other_child, child=False)]


# --- The rule: written once ---------------------------------------------------------------

# A person the viewer may not see, worded by a page itself: the old ways, and the new one.
HIDDEN_PERSON = re.compile(
    r"not in your scope|held by another team"
    r"|(\b(a|an|another|\d+)|\}\}) (child|children|person|people|young person|members?)"
    r"(\{\{[^}]*\}\})? (you cannot see|you can't see|you may not see)"
    r"|\b(child|children|person|people) not shared with you\b(?!r)",
    re.IGNORECASE,
)


def _strings(path: Path) -> str:
    """What a file could show a reader: a template whole; a module's string literals, less
    its docstrings (which describe the rule, and may quote it)."""
    text = path.read_text()
    if path.suffix != ".py":
        return text
    tree = ast.parse(text)
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return "\n".join(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    )


def _python_and_templates() -> list[Path]:
    return [p for p in SRC.rglob("*") if p.suffix in (".py", ".html") and p.is_file()]


def test_the_wording_and_the_holder_rule_are_written_once() -> None:
    """No page, export or API answer spells out how a person the viewer may not see is
    shown, nor its own holder text: a copy would drift (the review found six wordings), and
    a drifted copy is how a name ends up where initials belong."""
    naming_py = Path(naming.__file__).resolve()
    copies = sorted(
        f"{p.relative_to(SRC)}: {m.group(0)}"
        for p in _python_and_templates()
        if p != naming_py and "migrations" not in p.parts
        for m in HIDDEN_PERSON.finditer(_strings(p))
    )
    assert copies == []
    # The check knows the words, old and new, when it meets them.
    for words in (naming.unseen_label(), naming.unseen_count(2), "OO (not in your scope)"):
        assert HIDDEN_PERSON.search(words), words
    for words in (
        "A child you cannot see",
        "Held by another team",
        "3 people you may not see",
        '{{ n }} child{{ n|pluralize:"ren" }} you cannot see',
    ):
        assert HIDDEN_PERSON.search(words), words
    assert not HIDDEN_PERSON.search(WITHHELD)  # a withheld field is not a person
    holders = [
        p.relative_to(SRC)
        for p in _python_and_templates()
        if p.suffix == ".py" and "def holder_text(" in p.read_text()
    ]
    assert holders == [Path("access/naming.py")]


# A worker with their team and its agency, spelled out in an f-string: holder_text's words.
HOLDER_BY_HAND = re.compile(r"\{[\w.]+\}, \{[\w.]*team[\w.]*\.name\}, \{[\w.]*agency\.name\}")


def test_a_worker_with_their_team_and_agency_is_said_by_the_holder_rule() -> None:
    naming_py = Path(naming.__file__).resolve()
    copies = sorted(
        f"{p.relative_to(SRC)}: {m.group(0)}"
        for p in SRC.rglob("*.py")
        if p != naming_py and "migrations" not in p.parts
        for m in HOLDER_BY_HAND.finditer(p.read_text())
    )
    assert copies == []
    assert HOLDER_BY_HAND.search('f"{w}, {w.team.name}, {w.team.agency.name}"')
