"""A mapping meeting shares a child with the workers who attended, until it closes; a list
downloaded meanwhile would keep the child's name for good. A list export, sent at once or
prepared, names only the children its asker sees lastingly: a child seen only through a
meeting's share is on the pages while it lasts, and in no file (access/RULES.md, as for a
child seen only through emergency access)."""

from __future__ import annotations

import pytest

from locus.access.selectors import visible_person_ids
from locus.exports import services
from locus.exports.models import ExportRun
from tests.exports.conftest import download, read_csv
from tests.factories import World, client_for, make_association
from tests.mapping.helpers import held_meeting
from tests.sharing.helpers import WHY

pytestmark = pytest.mark.django_db


def _shared(world: World) -> None:
    held_meeting(world)  # yjs_child, whom the social worker may not see, is shared with her
    sw, child = world.social_worker, world.yjs_child
    assert visible_person_ids(sw, [child.pk]) == {child.pk}
    assert visible_person_ids(sw, [child.pk], shared=False) == set()


def test_a_people_list_sent_at_once_leaves_out_a_child_seen_only_at_a_meeting(
    world: World,
) -> None:
    _shared(world)
    client = client_for(world.social_worker)
    assert world.yjs_child.family_name in client.get("/people/").content.decode()  # meanwhile
    rows = download(client, "people")
    cells = [cell for row in rows for cell in row]
    assert any(world.csc_child.family_name in cell for cell in cells)  # her own child
    assert not any(world.yjs_child.family_name in cell for cell in cells), rows
    assert str(world.yjs_child.pk) not in [row[0] for row in rows]


def test_a_prepared_people_list_leaves_out_a_child_seen_only_at_a_meeting(world: World) -> None:
    _shared(world)
    run = services.export_list(
        why=WHY, actor=world.social_worker, key="people", query={}, fmt="csv", limit=0
    )
    assert isinstance(run, ExportRun)
    run.refresh_from_db()
    assert run.row_count and world.csc_child.pk in run.people_named
    assert world.yjs_child.pk not in run.people_named
    response = client_for(world.social_worker).get(f"/exports/runs/{run.pk}/download/")
    rows = read_csv(b"".join(response.streaming_content))
    assert not any(world.yjs_child.family_name in cell for row in rows for cell in row)


def test_the_linked_cases_list_does_not_name_a_child_seen_only_at_a_meeting(
    world: World,
) -> None:
    """Her child and the shared child are friends: a link her linked cases list shows, naming
    the shared child on the page while the share lasts; the file says "a child not shared
    with you", as it will once the meeting closes."""
    make_association(world.system, person=world.csc_child, other=world.yjs_child)
    _shared(world)
    client = client_for(world.social_worker)
    rows = download(client, "linked")
    assert [row[1] for row in rows[1:]] == [world.csc_child.full_name], rows
    assert not any(world.yjs_child.family_name in cell for row in rows for cell in row), rows
    assert "child not shared with you" in rows[1][2]
