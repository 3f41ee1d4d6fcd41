"""The incidents list's download writes a missing episode recorded with no place with an empty
"Where" cell (docs/exports.md), as the page writes "Place not known"."""

from __future__ import annotations

import pytest

from locus.incidents.models import IncidentKind, InvolvementRole
from tests.exports.conftest import download
from tests.factories import World, client_for, make_incident

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_placeless_missing_episode_has_an_empty_where_cell(world: World, fmt: str) -> None:
    incident = make_incident(
        world.social_worker,
        context=None,
        kind=IncidentKind.MISSING,
        involvements=[(world.csc_child, InvolvementRole.MISSING)],
    )
    rows = download(client_for(world.social_worker), "incidents", fmt)
    heads = rows[0]
    [row] = [r for r in rows[1:] if str(r[0]) == str(incident.pk)]
    assert row[heads.index("What")] == "Missing episode"
    assert row[heads.index("Where")] == ""
    assert "Went missing: Ciara Cscchild" in row[heads.index("Who was involved")]
    # Not in the download of a worker who may not see the child.
    theirs = download(client_for(world.other_social_worker), "incidents", fmt)
    assert str(incident.pk) not in {str(r[0]) for r in theirs[1:]}
