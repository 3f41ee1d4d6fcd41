"""The permission matrix for legal-status episodes: persona x action.

Cells: ``Y`` may (the page answers, the service writes), ``-`` may not (the page answers
404, exactly as for a missing child or episode; the service raises ``NotPermitted`` and
writes nothing). Every layer is asked: the rule (``policies.can_edit_person`` to open,
``access.episodes.can_change_episode`` to change or end), the page and the service. The
rules are in ``access/episodes.py`` and ``access/RULES.md``.

``co_held`` is the youth justice child also allocated to the social worker (children's
social care): the social worker and their manager may change the child's record and open
their own agency's episodes, but not end the youth justice service's order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from locus.access import episodes as rules
from locus.access import policies
from locus.access.models import Worker
from locus.common.errors import NotPermitted
from locus.people.models import LegalStatus, LegalStatusEpisode, Person
from locus.people.services import allocation_create, episode_change, episode_end, episode_start
from tests.access.test_permission_matrix import PERSONAS
from tests.factories import START, World, client_for, nothing_written
from tests.people.episodes import open_plan

pytestmark = pytest.mark.django_db

# fmt: off
EPISODE_TABLE = {
    #                   sw   mate mgr  osw  yjs  pol  dsl  ptn  aud  adm
    "open-csc":       " Y    -    Y    -    -    -    -    -    -    Y ",
    "change-csc-cp":  " Y    -    Y    -    -    -    -    -    -    Y ",
    "end-csc-cp":     " Y    -    Y    -    -    -    -    -    -    Y ",
    "open-co_held":   " Y    -    Y    -    Y    -    -    -    -    Y ",
    "end-co_held-yjs": " -    -    -    -    Y    -    -    -    -    Y ",
}
# fmt: on


def _cases() -> list[Any]:
    rows = {action: row.split() for action, row in EPISODE_TABLE.items()}
    assert {len(cells) for cells in rows.values()} == {len(PERSONAS)}
    return [
        pytest.param(action, persona, cell == "Y", id=f"{action}-{persona}")
        for action, cells in rows.items()
        for persona, cell in zip(PERSONAS, cells, strict=True)
    ]


def _setup(world: World) -> tuple[Person, LegalStatusEpisode, Person, LegalStatusEpisode]:
    plan = open_plan(world, by=world.system)
    allocation_create(
        actor=world.system, person=world.yjs_child, worker=world.social_worker, start=START
    )
    order = world.yjs_child.episodes.get(status=LegalStatus.YOUTH_JUSTICE)
    return world.csc_child, plan, world.yjs_child, order


def _open(worker: Worker, person: Person, world: World) -> Any:
    agency = worker.team.agency if worker.team else world.csc
    return episode_start(
        actor=worker, person=person, status=LegalStatus.EARLY_HELP, start=START, agency=agency
    )


@pytest.mark.parametrize(("action", "persona", "may"), _cases())
def test_episode_matrix(world: World, action: str, persona: str, may: bool) -> None:
    csc_child, plan, co_held, order = _setup(world)
    worker = world.persona(persona)
    verb, subject, *_ = action.split("-")
    person = csc_child if subject == "csc" else co_held
    episode = plan if subject == "csc" else order
    client = client_for(worker)

    if verb == "open":
        url = reverse("status-open", args=[person.pk])
        assert policies.can_edit_person(worker, person) is may
        write: Callable[[], Any] = lambda: _open(worker, person, world)  # noqa: E731
    else:
        url = reverse(f"status-{verb}", args=[person.pk, episode.pk])
        assert rules.can_change_episode(worker, episode) is may
        if verb == "change":
            write = lambda: episode_change(  # noqa: E731
                actor=worker, episode=episode, start=START, detail="PHY", reason="Matrix"
            )
        else:
            write = lambda: episode_end(  # noqa: E731
                actor=worker, episode=episode, end=START, reason="Matrix"
            )

    assert client.get(url).status_code == (200 if may else 404)
    if may:
        write()
    else:
        with nothing_written(LegalStatusEpisode), pytest.raises(NotPermitted):
            write()
        # Posting is refused the same way: nothing written, "not found".
        with nothing_written(LegalStatusEpisode):
            posted = {"status": "EH", "start": "05/01/2026", "end": "05/01/2026", "reason": "x"}
            assert client.post(url, {**posted, "cp_category": "PHY"}).status_code == 404


def _missing(client: Client, *args: int) -> int:
    name = "status-open" if len(args) == 1 else "status-end"
    return int(client.get(reverse(name, args=list(args))).status_code)


def test_a_child_out_of_sight_answers_as_a_missing_one(world: World) -> None:
    """The police analyst does not see the social worker's child: every status page answers
    404, as for an id that does not exist; an episode asked for under another child (even
    by an administrator, who sees both) is not found either."""
    _, plan, _, order = _setup(world)
    police = client_for(world.police_analyst)
    missing = plan.pk + 1000
    assert _missing(police, world.csc_child.pk) == _missing(police, missing) == 404
    assert _missing(police, world.csc_child.pk, plan.pk) == 404
    assert _missing(police, world.csc_child.pk, missing) == 404
    admin = client_for(world.admin)
    assert _missing(admin, world.csc_child.pk, plan.pk) == 200
    assert _missing(admin, world.csc_child.pk, order.pk) == 404


def test_the_co_held_childs_page_offers_end_only_on_the_own_agencys_episodes(
    world: World,
) -> None:
    _, _, co_held, order = _setup(world)
    early_help = _open(world.social_worker, co_held, world)
    html = client_for(world.social_worker).get(reverse("person", args=[co_held.pk])).content
    assert reverse("status-end", args=[co_held.pk, early_help.pk]).encode() in html
    assert reverse("status-end", args=[co_held.pk, order.pk]).encode() not in html
