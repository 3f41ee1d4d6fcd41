"""The accuracy page costs the same whatever the number of disputes, and offers the same.

A manager opens a child's accuracy page to decide the challenges to the record; a child who
disputes many items must not make it slower for each one (architecture.md: "a test pins each
page's query count so it does not grow with the data"). Whether each is offered to them,
and why not when it is their own work, is worked out for all of them at once: the answers
stay those ``rules.decision_offered`` gives of each one alone (docs/rectification.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access import rectification as rules
from locus.access.models import Worker
from locus.incidents.models import InvolvementRole
from locus.notes.services import note_correct
from locus.people.services import person_update
from locus.rectification.models import About, Dispute
from locus.rectification.selectors import challenges_for
from tests.factories import World, make_association, make_incident, page_queries
from tests.notes.helpers import write
from tests.rectification.test_disputes import record
from tests.rectification.test_own_work import dispute, other_manager, revised_by_the_manager

pytestmark = pytest.mark.django_db


def _queries(world: World) -> int:
    return page_queries(world.team_manager, reverse("accuracy", args=[world.csc_child.pk]))


def test_the_accuracy_page_costs_the_same_for_one_dispute_or_five(world: World) -> None:
    record(world, about=About.RECORD)
    one = _queries(world)
    for _ in range(4):
        record(world, about=About.RECORD)
    five = _queries(world)
    assert five == one, f"{one} queries for one dispute, {five} for five"


def _one_of_each(world: World, n: int) -> list[Dispute]:
    """A dispute of each kind of item, the ``n``-th time: a detail, a case note the manager
    corrected, an association they revised, and the child's part in an incident."""
    note = write(world.social_worker, world.csc_child)
    note_correct(actor=world.team_manager, note=note, reason="Tidied", summary=f"Visit {n}")
    first = make_association(world.social_worker, person=world.csc_child)  # a peer not yet known
    revised_by_the_manager(world, first)
    harmed = [(world.csc_child, InvolvementRole.HARMED)]
    incident = make_incident(
        world.social_worker, context=world.park, reporting_agency=world.csc, involvements=harmed
    )
    return [
        dispute(world, About.FIELD, ["date_of_birth", "ethnicity"][n % 2]),
        dispute(world, About.NOTE, note),
        dispute(world, About.ASSOCIATION, first),
        dispute(world, About.INVOLVEMENT, incident.involvements.get()),
    ]


def test_the_cost_does_not_grow_with_disputes_of_every_kind(world: World) -> None:
    person_update(actor=world.team_manager, person=world.csc_child, known_as="Jay")
    _one_of_each(world, 0)
    once = _queries(world)
    _one_of_each(world, 1)
    _one_of_each(world, 2)
    thrice = _queries(world)
    assert thrice == once, f"{once} queries for one of each, {thrice} for three of each"


def _offered_one_by_one(worker: Worker, world: World) -> tuple[set[int], dict[int, str]]:
    decide: set[int] = set()
    why_not: dict[int, str] = {}
    for d in challenges_for(worker, world.csc_child).disputes:
        may, why = rules.decision_offered(worker, d)
        if may:
            decide.add(d.pk)
        elif why:
            why_not[d.pk] = why
    return decide, why_not


def test_all_at_once_offers_what_each_alone_offers(world: World) -> None:
    """The manager who corrected, revised and recorded is told why for those; the other
    manager is offered every one. Two disputes of one association's revisions too."""
    disputes = _one_of_each(world, 0) + _one_of_each(world, 1)
    disputes.append(dispute(world, About.ASSOCIATION, disputes[2].association.replaced_by))
    disputes.append(record(world, actor=world.team_manager, about=About.RECORD))
    another = other_manager(world)
    offered = {}
    for worker in (world.team_manager, another, world.social_worker):
        found = challenges_for(worker, world.csc_child).disputes
        offered[worker] = rules.decisions_offered(worker, world.csc_child, found)
        assert offered[worker] == _offered_one_by_one(worker, world)
    decide, why_not = offered[world.team_manager]
    theirs = {About.FIELD, About.INVOLVEMENT}  # written by others: theirs to decide
    assert decide == {d.pk for d in disputes if d.about in theirs}
    assert set(why_not) == {d.pk for d in disputes if d.about not in theirs}
    assert offered[world.social_worker] == (set(), {})  # not a manager
    assert offered[another][0] == {d.pk for d in disputes}
