"""The sharing register's CSV is a file, which keeps what it names for good: a child a worker
sees only through a mapping meeting's share (a forum share, which the meeting's closing ends)
must not be named in it. The register page names the child while the share lasts, as the
child's own page does (access/RULES.md); the file counts them as not shared with the reader."""

from __future__ import annotations

import pytest

from locus.access.selectors import visible_person_ids
from tests.factories import World, client_for
from tests.mapping.helpers import held_meeting

pytestmark = pytest.mark.django_db


def test_register_csv_counts_a_child_seen_only_through_a_meeting(world: World) -> None:
    sw = world.social_worker
    held_meeting(world)  # yjs_child, whom she may not see, is shared with her there
    child = world.yjs_child
    assert visible_person_ids(sw, [child.pk]) == {child.pk}
    assert visible_person_ids(sw, [child.pk], shared=False) == set()
    client = client_for(sw)
    assert child.full_name in client.get("/sharing/").content.decode()  # the page, meanwhile
    csv_text = client.get("/sharing/register.csv").content.decode()
    assert world.csc_child.full_name in csv_text  # her own child, named in the file
    assert child.family_name not in csv_text, csv_text
    assert "1 person not shared with you" in csv_text
