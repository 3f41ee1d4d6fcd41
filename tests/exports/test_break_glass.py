"""Emergency access shows a child for four hours; an export would keep them for good. A child
the worker sees only through break-glass is on the pages while it lasts, and in no export:
not a list sent at once, not one prepared in the background, not the analysts' extract."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from locus.access import scopes
from locus.access.models import Role, Scope, Worker
from locus.access.services import break_glass_request
from locus.exports import analysis, services
from locus.exports.models import ExportRun
from locus.people.models import Person
from tests.exports.conftest import read_csv
from tests.factories import World, client_for, make_worker
from tests.sharing.helpers import WHY

pytestmark = pytest.mark.django_db


def _in_an_emergency(world: World, role: str = Role.PRACTITIONER) -> tuple[Worker, Person]:
    """A worker who sees only her own caseload, with emergency access to another child."""
    worker = make_worker(world.system, team=world.csc_team_a, role=role, scope=Scope.AGENCY)
    child = world.police_child
    assert not scopes.people_visible_to(worker).filter(pk=child.pk).exists()
    use = break_glass_request(
        actor=worker,
        person_id=child.pk,
        category="missing_child",
        reason="He is missing tonight and I need his contacts now",
    )
    assert use is not None and scopes.people_visible_to(worker).filter(pk=child.pk).exists()
    return worker, child


def test_a_list_sent_at_once_leaves_out_a_child_seen_only_in_an_emergency(world: World) -> None:
    worker, child = _in_an_emergency(world)
    page = client_for(worker).get("/people/?kind=young_person").content.decode()
    assert child.family_name in page  # the page shows him while it lasts
    sent = services.export_list(
        why=WHY, actor=worker, key="people", query={"kind": "young_person"}, fmt="csv"
    )
    assert isinstance(sent, services.Download)
    rows = read_csv(sent.content)
    assert rows[1:] and not any(child.family_name in cell for row in rows for cell in row)


def test_a_prepared_list_leaves_out_a_child_seen_only_in_an_emergency(world: World) -> None:
    worker, child = _in_an_emergency(world)
    run = services.export_list(
        why=WHY, actor=worker, key="people", query={"kind": "young_person"}, fmt="csv", limit=0
    )
    assert isinstance(run, ExportRun)
    run.refresh_from_db()
    assert run.row_count and child.pk not in run.people_named


def test_the_analysts_extract_leaves_out_a_child_seen_only_in_an_emergency(world: World) -> None:
    worker, _ = _in_an_emergency(world, role=Role.ANALYST)
    out = io.BytesIO()
    counts = analysis.analysis_export(actor=worker, out=out, key="k" * 32)
    sheet = load_workbook(io.BytesIO(out.getvalue()))["People"]
    assert counts.people == sheet.max_row - 1  # a row each, under the headings
    with scopes.lasting_sight_only():
        lasting = scopes.people_visible_to(worker).count()
    assert counts.people == lasting == scopes.people_visible_to(worker).count() - 1
