"""The permission matrix for the forum share: persona x meeting stage x child.

The meeting: ``social_worker`` (who holds ``csc_child``) proposes a meeting about
``csc_child`` and ``yjs_child`` (held by ``yjs_worker``) and invites
``police_analyst``. At each stage below, every persona's sight of each child is
checked at every layer (policy, scope, lookup with its indistinguishable 404),
and so are the fields a share carries (``fields_shared_with``).

Cells: ``O`` sees the child in their own right (fields by role, nothing from the
share), ``S`` sees the child only through the share (the agreed fields: name,
age, legal status), ``-`` does not see the child.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404

from locus.access import lookups, policies, scopes
from locus.access.forum import DEFAULT_SHARED_FIELDS, fields_shared_with
from locus.mapping.models import Attendance, Meeting
from locus.mapping.services import attendance_confirm, meeting_cancel, meeting_close
from tests.factories import World
from tests.mapping.helpers import agree_all, confirm_all, hold, propose, schedule

pytestmark = pytest.mark.django_db

PERSONAS = (
    "social_worker",  # proposer, holds csc_child, records the minutes
    "teammate",  # same team as social_worker, not invited
    "team_manager",  # manages social_worker's team, not invited
    "other_social_worker",  # another CSC team, not invited
    "yjs_worker",  # holds yjs_child, invited as holder
    "police_analyst",  # invited as a partner
    "school_dsl",  # not invited
    "auditor",  # reads the audit trail only
    "admin",  # scope all
)


def _invited(world: World) -> Meeting:
    return propose(world, agreed=False, invitees=[world.police_analyst])


def before_agreement(world: World) -> None:
    # Held, everyone present and confirmed, but no holder agreed to bring anyone.
    hold(world, schedule(world, _invited(world)))


def agreed_not_attended(world: World) -> None:
    # The holders agreed and came; the police analyst was absent.
    meeting = _invited(world)
    agree_all(world, meeting)
    hold(world, schedule(world, meeting), attendance={world.police_analyst: Attendance.ABSENT})


def attended_unconfirmed(world: World) -> None:
    # The recorder marked everyone present; only her own attendance is her word.
    meeting = _invited(world)
    agree_all(world, meeting)
    hold(world, schedule(world, meeting), confirmed=False)


def police_confirmed_only(world: World) -> None:
    # The analyst confirmed; yjs_child's holder did not, so yjs_child is not shared.
    meeting = _invited(world)
    agree_all(world, meeting)
    hold(world, schedule(world, meeting), confirmed=False)
    attendance_confirm(actor=world.police_analyst, meeting=meeting)


def confirmed(world: World) -> None:
    meeting = _invited(world)
    agree_all(world, meeting)
    hold(world, schedule(world, meeting))
    confirm_all(meeting)


def closed(world: World) -> None:
    meeting = _invited(world)
    agree_all(world, meeting)
    meeting_close(actor=world.social_worker, meeting=hold(world, schedule(world, meeting)))


def cancelled(world: World) -> None:
    meeting = _invited(world)
    agree_all(world, meeting)
    meeting_cancel(actor=world.social_worker, meeting=schedule(world, meeting), reason="Not needed")


STAGES: dict[str, Callable[[World], None]] = {
    "before_agreement": before_agreement,
    "agreed_not_attended": agreed_not_attended,
    "attended_unconfirmed": attended_unconfirmed,
    "police_confirmed_only": police_confirmed_only,
    "confirmed": confirmed,
    "closed": closed,
    "cancelled": cancelled,
}

# Without any share: each persona's own sight.
OWN = {
    #               sw   mate mgr  osw  yjs  pol  dsl  aud  adm
    "csc_child": "  O    O    O    -    -    -    -    -    O ",
    "yjs_child": "  -    -    -    -    O    -    -    -    O ",
}

# fmt: off
TABLE: dict[str, dict[str, str]] = {
    "before_agreement": OWN,
    "agreed_not_attended": {
        #               sw   mate mgr  osw  yjs  pol  dsl  aud  adm
        "csc_child": "  O    O    O    -    S    -    -    -    O ",
        "yjs_child": "  S    -    -    -    O    -    -    -    O ",
    },
    "attended_unconfirmed": OWN,
    "police_confirmed_only": {
        "csc_child": "  O    O    O    -    -    S    -    -    O ",
        "yjs_child": "  -    -    -    -    O    -    -    -    O ",
    },
    "confirmed": {
        "csc_child": "  O    O    O    -    S    S    -    -    O ",
        "yjs_child": "  S    -    -    -    O    S    -    -    O ",
    },
    "closed": OWN,
    "cancelled": OWN,
}
# fmt: on


def _cases() -> list[Any]:
    cases = []
    for stage, rows in TABLE.items():
        for child, row in rows.items():
            cells = row.split()
            assert len(cells) == len(PERSONAS), (stage, child)
            for persona, cell in zip(PERSONAS, cells, strict=True):
                assert cell in {"O", "S", "-"}
                cases.append(
                    pytest.param(stage, child, persona, cell, id=f"{stage}-{child}-{persona}")
                )
    return cases


def test_every_stage_has_a_table() -> None:
    assert set(TABLE) == set(STAGES)


@pytest.mark.parametrize(("stage", "child", "persona", "cell"), _cases())
def test_forum_share_matrix(world: World, stage: str, child: str, persona: str, cell: str) -> None:
    STAGES[stage](world)
    worker = world.persona(persona)
    person = getattr(world, child)
    expected = cell != "-"
    assert policies.can_view_person(worker, person) is expected
    assert scopes.people_visible_to(worker).filter(pk=person.pk).exists() is expected
    own = scopes.people_visible_to(worker, shared=False).filter(pk=person.pk).exists()
    assert own is (cell == "O")
    if expected:
        assert lookups.access_person(worker, person.pk, shared=True) == person
    else:
        with pytest.raises(Http404) as forbidden:
            lookups.access_person(worker, person.pk, shared=True)
        with pytest.raises(Http404) as missing:
            lookups.access_person(worker, 10**9, shared=True)
        assert str(forbidden.value) == str(missing.value)
    # The rest of the record (peers, maps, profile, moves) is looked up in one's own right.
    if cell == "O":
        assert lookups.access_person(worker, person.pk) == person
    else:
        with pytest.raises(Http404):
            lookups.access_person(worker, person.pk)
    shared = fields_shared_with(worker, [person.pk])
    assert shared == ({person.pk: DEFAULT_SHARED_FIELDS} if cell == "S" else {})
