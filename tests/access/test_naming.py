"""One way of showing a person the viewer may not see, and one way of saying who holds a
case: ``access.naming`` decides both, and every page asks it."""

from __future__ import annotations

from pathlib import Path

from django.template import Context, Template

from locus.access import naming
from locus.people.selectors import person_detail
from tests.factories import World, client_for, make_association

SRC = Path(naming.__file__).resolve().parents[1]


def test_a_person_out_of_scope_is_initials_and_the_one_wording(world: World) -> None:
    hidden = naming.person_label(world.other_child, visible=False)
    assert hidden == f"OO ({naming.NOT_IN_SCOPE})"
    assert "Olu" not in hidden and "Otherchild" not in hidden
    assert naming.person_label(world.other_child, visible=True) == "Olu Otherchild"
    assert naming.out_of_scope("XY") == "XY (not in your scope)"


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


def test_the_template_tag_says_the_same_words(world: World) -> None:
    rendered = Template("{% load locus %}({% not_in_scope %})").render(Context())
    assert rendered == f"({naming.NOT_IN_SCOPE})"


def test_a_peer_out_of_scope_on_the_person_page_is_initials_only(world: World) -> None:
    make_association(world.system, person=world.csc_child, other=world.other_child)
    rows = person_detail(viewer=world.social_worker, person=world.csc_child).associations
    assert [r.label for r in rows] == [naming.out_of_scope("OO")]
    page = client_for(world.social_worker).get(f"/people/{world.csc_child.pk}/")
    assert "OO (not in your scope)" in page.content.decode()
    assert "Otherchild" not in page.content.decode()


def _python_and_templates() -> list[Path]:
    return [p for p in SRC.rglob("*") if p.suffix in (".py", ".html") and p.is_file()]


def test_the_wording_and_the_holder_rule_are_written_once() -> None:
    """No page spells out the out-of-scope wording or its own holder text: a copy would
    drift, and a drifted copy is how a name ends up where initials belong."""
    copies = [
        p.relative_to(SRC)
        for p in _python_and_templates()
        if p != Path(naming.__file__).resolve() and naming.NOT_IN_SCOPE in p.read_text()
    ]
    assert copies == []
    holders = [
        p.relative_to(SRC)
        for p in _python_and_templates()
        if p.suffix == ".py" and "def holder_text(" in p.read_text()
    ]
    assert holders == [Path("access/naming.py")]
