"""The sharing register's CSV is a file: a worker's emergency access (break-glass) must not
put into it, for good, the name of a child they see only for four hours (access/RULES.md: no
list export carries them). The register page names the child while the sight lasts, as
every page does; the file counts them as not in scope. (Review 28c.)"""

from __future__ import annotations

import pytest

from locus.access import scopes
from locus.access.models import Scope
from locus.sharing.services import emergency_open
from locus.sharing.vocab import EMERGENCY
from tests.factories import World, client_for, make_worker

pytestmark = pytest.mark.django_db


def test_register_csv_leaves_out_a_child_seen_only_in_an_emergency(world: World) -> None:
    worker = make_worker(world.system, team=world.csc_team_a, scope=Scope.AGENCY)
    child = world.police_child
    assert not scopes.people_visible_to(worker).filter(pk=child.pk).exists()
    why = {"category": "missing_child", "basis": EMERGENCY}
    reason = "He is missing tonight and I need his contacts now"
    assert emergency_open(actor=worker, person_id=child.pk, reason=reason, **why) is not None
    client = client_for(worker)
    assert child.family_name in client.get("/sharing/").content.decode()  # the page, meanwhile
    csv_text = client.get("/sharing/register.csv").content.decode()
    assert "Emergency access" in csv_text  # the worker's own register row is in the file
    # ... and the file does not name the child seen only for four hours:
    assert child.family_name not in csv_text, csv_text
    assert "1 person not shared with you" in csv_text
