"""The permission matrix: persona x action for each kind of record.

One parametrised test per record type. Each reads its expected outcome from an
explicit table below, and checks that every layer agrees:

* view: the policy ``can_view_*``, the scope ``*_visible_to`` and the lookup
  ``access_*`` (which returns the record, or raises ``Http404`` exactly as it
  does for an id that does not exist, so a 404 never confirms that a record is
  held by another agency);
* edit: the policy ``can_edit_*`` and the service that edits the record (which
  raises ``NotPermitted`` and writes nothing when the policy says no).

Cells: ``E`` view and edit, ``V`` view only, ``-`` neither. The world and its
personas are described in ``tests/factories.py`` (``World``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model
from django.http import Http404

from locus.access import lookups, policies, scopes
from locus.access.models import Worker
from locus.common.errors import NotPermitted
from locus.incidents.models import Incident, Involvement, InvolvementRole
from locus.incidents.services import involvement_add
from locus.people.models import Person
from locus.people.services import person_update
from locus.places.models import Context
from locus.places.services import context_update
from tests.factories import World, nothing_written

PERSONAS = (
    "social_worker",  # CSC practitioner, team A, scope team
    "teammate",  # CSC practitioner, team A, scope team
    "team_manager",  # CSC manager of team A, scope team
    "other_social_worker",  # CSC practitioner, team B, scope team
    "yjs_worker",  # youth justice practitioner, scope team
    "police_analyst",  # police analyst, scope agency
    "school_dsl",  # school's designated safeguarding lead, scope agency
    "partner_worker",  # shopping centre security, scope agency
    "auditor",  # reads the audit trail only
    "admin",  # administrator, scope all
)

# fmt: off
PERSON_TABLE = {
    #                 sw   mate mgr  osw  yjs  pol  dsl  ptn  aud  adm
    "csc_child":    " E    V    E    -    -    -    -    -    -    E ",
    "team_child":   " V    E    E    -    -    -    -    -    -    E ",
    "other_child":  " -    -    -    E    -    -    -    -    -    E ",
    "yjs_child":    " -    -    -    -    E    -    -    -    -    E ",
    "pupil":        " -    -    -    -    -    -    V    -    -    E ",
    "police_child": " -    -    -    -    -    V    -    -    -    E ",
    "adult":        " -    -    -    -    -    V    -    -    -    E ",
}

CONTEXT_TABLE = {
    #                    sw   mate mgr  osw  yjs  pol  dsl  ptn  aud  adm
    "park":            " E    E    E    E    V    V    V    V    -    E ",
    "school":          " E    E    E    E    V    V    E    V    -    E ",
    "shopping_centre": " E    E    E    E    V    V    V    E    -    E ",
    "home":            " E    E    E    -    -    -    -    -    -    E ",
}

GROUP_TABLE = {
    #                 sw   mate mgr  osw  yjs  pol  dsl  ptn  aud  adm
    "group":        " E    E    E    -    V    -    -    -    -    E ",
}

INCIDENT_TABLE = {
    #                    sw   mate mgr  osw  yjs  pol  dsl  ptn  aud  adm
    "police_incident": " -    -    -    -    -    E    -    -    -    E ",
    "csc_incident":    " -    -    -    E    -    -    -    -    -    E ",
}
# fmt: on

# Cells where src is known to disagree with the rule, each reported as a bug:
# {(record, persona, action): reason}. Marked xfail(strict=True), so a fixed bug
# XPASSes, fails, and its entry must go. (can_edit_incident used to grant edit to
# team-scoped CSC workers on csc_incident, which they cannot see: fixed.)
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def _cases(table: dict[str, str]) -> list[Any]:
    cases = []
    for record, row in table.items():
        cells = row.split()
        assert len(cells) == len(PERSONAS), record
        for persona, cell in zip(PERSONAS, cells, strict=True):
            assert cell in {"E", "V", "-"}, (record, cell)
            for action in ("view", "edit"):
                expected = cell in "EV" if action == "view" else cell == "E"
                marks = []
                if reason := KNOWN_BUGS.get((record, persona, action)):
                    marks.append(pytest.mark.xfail(strict=True, reason=reason))
                cases.append(
                    pytest.param(
                        record,
                        persona,
                        action,
                        expected,
                        id=f"{record}-{persona}-{action}",
                        marks=marks,
                    )
                )
    return cases


def _missing_id(model: type[Model]) -> int:
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first() or 0
    return int(last) + 1000


def _check_view(
    worker: Worker,
    obj: Model,
    expected: bool,
    *,
    policy: Callable[[Worker, Any], bool],
    visible: Callable[[Worker], Any],
    lookup: Callable[[Worker, object], Model],
) -> None:
    assert policy(worker, obj) is expected
    assert visible(worker).filter(pk=obj.pk).exists() is expected
    missing_id = _missing_id(type(obj))
    with pytest.raises(Http404) as missing:
        lookup(worker, missing_id)
    if expected:
        assert lookup(worker, obj.pk) == obj
        assert lookup(worker, str(obj.pk)) == obj  # ids arrive from URLs as strings
    else:
        with pytest.raises(Http404) as forbidden:
            lookup(worker, obj.pk)
        # Forbidden and missing must be indistinguishable to the caller.
        assert type(forbidden.value) is type(missing.value)
        assert str(forbidden.value) == str(missing.value)


def _check_edit(
    worker: Worker,
    obj: Model,
    expected: bool,
    *,
    policy: Callable[[Worker, Any], bool],
    edit: Callable[[], object],
    written: tuple[type[Model], ...],
) -> None:
    assert policy(worker, obj) is expected
    if expected:
        edit()
    else:
        with nothing_written(*written), pytest.raises(NotPermitted):
            edit()


@pytest.mark.parametrize(("record", "persona", "action", "expected"), _cases(PERSON_TABLE))
def test_person_matrix(
    world: World, record: str, persona: str, action: str, expected: bool
) -> None:
    worker = world.persona(persona)
    person: Person = getattr(world, record)
    if action == "view":
        _check_view(
            worker,
            person,
            expected,
            policy=policies.can_view_person,
            visible=scopes.people_visible_to,
            lookup=lookups.access_person,
        )
    else:
        _check_edit(
            worker,
            person,
            expected,
            policy=policies.can_edit_person,
            edit=lambda: person_update(actor=worker, person=person, known_as="Matrix"),
            written=(Person,),
        )


@pytest.mark.parametrize(("record", "persona", "action", "expected"), _cases(CONTEXT_TABLE))
def test_context_matrix(
    world: World, record: str, persona: str, action: str, expected: bool
) -> None:
    worker = world.persona(persona)
    context: Context = getattr(world, record)
    if action == "view":
        _check_view(
            worker,
            context,
            expected,
            policy=policies.can_view_context,
            visible=scopes.contexts_visible_to,
            lookup=lookups.access_context,
        )
    else:
        _check_edit(
            worker,
            context,
            expected,
            policy=policies.can_edit_context,
            edit=lambda: context_update(actor=worker, context=context, description="Matrix"),
            written=(Context,),
        )


@pytest.mark.parametrize(("record", "persona", "action", "expected"), _cases(GROUP_TABLE))
def test_group_matrix(world: World, record: str, persona: str, action: str, expected: bool) -> None:
    worker = world.persona(persona)
    group: Context = getattr(world, record)
    if action == "view":
        _check_view(
            worker,
            group,
            expected,
            policy=policies.can_view_context,
            visible=scopes.groups_visible_to,
            lookup=lookups.access_group,
        )
        # The group is reachable as a context too, with the same answer.
        assert scopes.contexts_visible_to(worker).filter(pk=group.pk).exists() is expected
    else:
        _check_edit(
            worker,
            group,
            expected,
            policy=policies.can_edit_context,
            edit=lambda: context_update(actor=worker, context=group, description="Matrix"),
            written=(Context,),
        )


@pytest.mark.parametrize(("record", "persona", "action", "expected"), _cases(INCIDENT_TABLE))
def test_incident_matrix(
    world: World, record: str, persona: str, action: str, expected: bool
) -> None:
    worker = world.persona(persona)
    incident: Incident = getattr(world, record)
    if action == "view":
        _check_view(
            worker,
            incident,
            expected,
            policy=policies.can_view_incident,
            visible=scopes.incidents_visible_to,
            lookup=lookups.access_incident,
        )
    else:
        harmed = incident.involvements.get(role=InvolvementRole.HARMED).person
        _check_edit(
            worker,
            incident,
            expected,
            policy=policies.can_edit_incident,
            edit=lambda: involvement_add(
                actor=worker,
                incident=incident,
                person=harmed,
                role=InvolvementRole.PRESENT,
                reason="Seen on the CCTV later",
            ),
            written=(Incident, Involvement),
        )
