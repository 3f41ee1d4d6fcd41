"""An emergency access is reviewed by a manager of the team the worker was in when they
opened it (``BreakGlass.team``), not the team they are in now. Move the worker to another
team before the review (the admin site does it in one save) and the manager of the team they
broke the glass in still sees and reviews it, while the new team's manager, who had no part
in that team's work, neither reads its reason (which describes the emergency and the child)
nor decides it."""

from __future__ import annotations

import pytest

from locus.access import break_glass
from locus.access.models import BreakGlass, Role, Worker
from locus.access.services import break_glass_request, break_glass_review
from locus.common.errors import NotPermitted
from locus.people.services import allocation_create
from tests.factories import (
    START,
    World,
    make_manager,
    make_person,
    make_team,
    make_worker,
    move_worker,
)

pytestmark = pytest.mark.django_db

REASON = "Child reported missing overnight; need the address and family contacts now"


def _use_by_social_worker(world: World) -> BreakGlass:
    """The social worker (Team A) breaks the glass for a child held in another team."""
    team_c = make_team(world.system, agency=world.csc, name="Team C")
    holder = make_worker(world.system, team=team_c, role=Role.PRACTITIONER)
    child = make_person(world.system, given_name="Sami", family_name="Stranger")
    allocation_create(actor=world.system, person=child, worker=holder, start=START)
    use = break_glass_request(
        actor=world.social_worker, person_id=child.pk, category="missing_child", reason=REASON
    )
    assert use is not None
    return use


def test_the_review_stays_with_the_team_the_glass_was_broken_in(world: World) -> None:
    use = _use_by_social_worker(world)
    assert use.team_id == world.csc_team_a.pk
    assert break_glass.can_review(world.team_manager, use)
    other_manager = make_manager(world.system, team=world.csc_team_b)

    move_worker(world.social_worker, world.csc_team_b)
    use.refresh_from_db()

    assert break_glass.can_review(world.team_manager, use)
    assert use in break_glass.awaiting_review_by(world.team_manager)
    assert use in break_glass.uses_visible_to(world.team_manager)
    assert not break_glass.can_review(other_manager, use)
    assert use not in break_glass.awaiting_review_by(other_manager)
    assert use not in break_glass.uses_visible_to(other_manager)


def test_the_managers_told_to_review_are_those_of_the_team_it_was_opened_in(
    world: World,
) -> None:
    use = _use_by_social_worker(world)

    assert break_glass.reviewers_of(use) == [world.team_manager]


def test_a_second_account_of_the_worker_neither_reviews_nor_is_asked_to(world: World) -> None:
    """Nobody reviews their own emergency access, by any account (people, not accounts, as a
    sign-off): a manager's old second account with the worker's email (in any case) is the
    worker. Was: the social worker broke the glass and marked it justified with that account."""
    Worker.objects.filter(pk=world.social_worker.pk).update(email="sam.okafor@example.org")
    second = make_worker(world.system, team=world.csc_team_a, role=Role.MANAGER, username="sam2")
    Worker.objects.filter(pk=second.pk).update(email="Sam.Okafor@Example.org")
    second.refresh_from_db()
    world.social_worker.refresh_from_db()
    use = _use_by_social_worker(world)
    assert not break_glass.can_review(second, use)
    assert use not in break_glass.awaiting_review_by(second)
    assert break_glass.reviewers_of(use) == [world.team_manager]
    with pytest.raises(NotPermitted):
        break_glass_review(actor=second, use=use, outcome="justified", note="Needed at once.")
    assert BreakGlass.objects.get(pk=use.pk).reviewed_at is None
    assert use in break_glass.awaiting_review_by(world.team_manager)
