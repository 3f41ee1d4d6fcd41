"""A mapping meeting's proposer who has since moved into an independent reviewing service
(the conference chairs' unit) organises it no more, as her invitation carries nothing there
(RULES.md, "Forum share", rule 5), and minutes, decides and files nothing there: a chair
writes nothing at a mapping meeting (RULES.md, "Independent reviewing services")."""

from __future__ import annotations

import pytest

from locus.access import meetings as policies
from locus.access.services import team_create
from locus.common.errors import NotPermitted
from locus.mapping.models import Meeting
from tests.factories import World, move_worker, nothing_written
from tests.mapping.helpers import add_intervention, hold, propose, schedule

pytestmark = pytest.mark.django_db


def test_a_proposer_now_in_the_chairs_unit_records_no_minutes(world: World) -> None:
    meeting = schedule(world, propose(world))
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    move_worker(world.social_worker, unit)
    assert not policies.is_organiser(world.social_worker, meeting)
    assert not policies.can_record_minutes(world.social_worker, meeting)
    assert not policies.can_add_decision(world.social_worker, meeting)
    with nothing_written(Meeting), pytest.raises(NotPermitted):
        hold(world, meeting, confirmed=False)
    # The manager of the team she proposed it from minutes it.
    assert policies.can_record_minutes(world.team_manager, meeting)
    assert hold(world, meeting, actor=world.team_manager, confirmed=False).status == "held"


def test_nor_records_progress_on_its_interventions_as_an_organiser(world: World) -> None:
    meeting = hold(world, schedule(world, propose(world)))
    intervention = add_intervention(world, meeting)
    assert policies.updates_interventions_like(world.social_worker, intervention)
    unit = team_create(actor=world.system, agency=world.csc, name="QA Unit", independent=True)
    move_worker(world.social_worker, unit)
    assert not policies.updates_interventions_like(world.social_worker, intervention)
    assert policies.updates_interventions_like(world.yjs_worker, intervention)  # its owner
