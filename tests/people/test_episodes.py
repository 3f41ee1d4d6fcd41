"""Changing and ending legal-status episodes: a change is one end and one opening, atomic;
an agency changes only its own episodes; every refusal names its field and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from locus.access import episodes as rules
from locus.access import policies
from locus.audit.models import ChangeAction
from locus.common.errors import NotPermitted, ValidationFailed
from locus.common.services import today
from locus.people.models import LegalStatus, LegalStatusEpisode
from locus.people.services import allocation_create, episode_change, episode_end
from tests.factories import START, World, changes_for, client_for, last_change, nothing_written
from tests.people.episodes import open_episode, open_plan

pytestmark = pytest.mark.django_db

CHANGED_ON = START + dt.timedelta(days=20)


def open_cp(world: World, **detail: str) -> LegalStatusEpisode:
    """A plan (or, given its legal status, a looked-after episode) opened by the social worker."""
    if detail:
        return open_episode(world, LegalStatus.LOOKED_AFTER, **detail)
    return open_plan(world)


def test_a_category_change_ends_the_plan_and_opens_the_next_the_same_day(world: World) -> None:
    plan = open_cp(world)
    new = _change(world, plan, reason="Conference agreed physical abuse")
    plan.refresh_from_db()
    assert (plan.end, plan.end_reason, plan.cp_category) == (
        CHANGED_ON,
        "Conference agreed physical abuse",
        "NEG",
    )
    assert (new.status, new.cp_category, new.start, new.end) == ("CP", "PHY", CHANGED_ON, None)
    assert (new.person, new.agency) == (world.csc_child, world.csc)
    ended = last_change(plan)
    assert (ended.actor, ended.action) == (world.social_worker, ChangeAction.END)
    assert ended.after == {
        "end": CHANGED_ON.isoformat(),
        "end_reason": "Conference agreed physical abuse",
    }
    opened = changes_for(new)
    assert [(e.actor, e.action) for e in opened] == [(world.social_worker, ChangeAction.CREATE)]
    assert opened[0].after["cp_category"] == "PHY"


def test_a_looked_after_legal_status_change(world: World) -> None:
    episode = open_cp(world, lac_legal_status="V2")
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as exc:
        _change(world, episode, detail="NEG")
    assert exc.value.errors == {
        "lac_legal_status": ["A looked-after episode needs its legal status (such as C2 or V2)"]
    }
    new = episode_change(
        actor=world.team_manager,
        episode=episode,
        start=today(),
        detail="C2",
        reason="Full care order made",
    )
    assert new.detail == "C2: Full care order"
    assert list(world.csc_child.episodes.current().filter(status="LAC")) == [new]


def _change(world: World, episode: LegalStatusEpisode, **fields: Any) -> Any:
    values: dict[str, Any] = {"start": CHANGED_ON, "reason": "Review", "detail": "PHY"}
    values.update(fields)
    return episode_change(actor=world.social_worker, episode=episode, **values)


# Each bad input to a change: what is posted, the field refused and the start of its message.
REFUSALS: dict[str, tuple[dict[str, Any], str, str]] = {
    "same-category": ({"detail": "NEG"}, "cp_category", "Choose a different one"),
    "no-category": ({"detail": ""}, "cp_category", "A child protection plan needs its category"),
    "a-legal-status-for-a-plan": (
        {"detail": "C2"},
        "cp_category",
        "A child protection plan needs its category",
    ),
    "no-reason": ({"reason": "  "}, "reason", "Say why, for the record"),
    "long-reason": ({"reason": "x" * 501}, "reason", "The reason must be 500 characters or fewer"),
    "no-date": ({"start": None}, "start", "Enter the date of the change"),
    "before-start": (
        {"start": START - dt.timedelta(days=1)},
        "start",
        f"The date of the change must be on or after the start date, {START:%d/%m/%Y}",
    ),
    "future": (
        {"start": today() + dt.timedelta(days=1)},
        "start",
        "The date of the change must not be in the future",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_change_refuses_bad_input(world: World, case: str) -> None:
    fields, field, message = REFUSALS[case]
    plan = open_cp(world)
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as exc:
        _change(world, plan, **fields)
    assert [(name, m[: len(message)]) for name, ms in exc.value.errors.items() for m in ms] == [
        (field, message)
    ]
    plan.refresh_from_db()
    assert plan.end is None


def test_a_change_refuses_an_ended_episode(world: World) -> None:
    plan = open_cp(world)
    episode_end(actor=world.social_worker, episode=plan, end=CHANGED_ON, reason="Plan ended")
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as exc:
        _change(world, plan)
    assert exc.value.errors == {"start": ["This episode has already ended"]}


def test_a_child_in_need_episode_has_nothing_to_change(world: World) -> None:
    cin = world.csc_child.episodes.get(status=LegalStatus.CHILD_IN_NEED)
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as exc:
        _change(world, cin, detail="")
    assert exc.value.errors == {
        "__all__": ["Child in need (s.17) has no category or legal status to change: end it"]
    }


def test_an_end_needs_a_reason(world: World) -> None:
    cin = world.csc_child.episodes.get(status=LegalStatus.CHILD_IN_NEED)
    with nothing_written(LegalStatusEpisode), pytest.raises(ValidationFailed) as exc:
        episode_end(actor=world.social_worker, episode=cin, end=CHANGED_ON, reason="")
    assert exc.value.errors == {"reason": ["Say why, for the record"]}


@pytest.mark.parametrize("persona", ["police_analyst", "teammate", "other_social_worker"])
def test_who_may_not_change_the_record_changes_or_ends_nothing(world: World, persona: str) -> None:
    plan = open_cp(world)
    worker = world.persona(persona)
    with nothing_written(LegalStatusEpisode), pytest.raises(NotPermitted):
        episode_change(actor=worker, episode=plan, start=CHANGED_ON, detail="PHY", reason="Review")
    with nothing_written(LegalStatusEpisode), pytest.raises(NotPermitted):
        episode_end(actor=worker, episode=plan, end=CHANGED_ON, reason="Review")


def test_an_agency_ends_only_its_own_episodes(world: World) -> None:
    """A social worker allocated to the youth justice child may change the child's record,
    but not end the youth justice order: that would take the service's sight of the child."""
    allocation_create(
        actor=world.system, person=world.yjs_child, worker=world.social_worker, start=START
    )
    yjs = world.yjs_child.episodes.get(status=LegalStatus.YOUTH_JUSTICE)
    assert not rules.can_change_episode(world.social_worker, yjs)
    with nothing_written(LegalStatusEpisode), pytest.raises(NotPermitted):
        episode_end(actor=world.social_worker, episode=yjs, end=CHANGED_ON, reason="Closed")
    assert rules.can_change_episode(world.yjs_worker, yjs)
    assert rules.can_change_episode(world.admin, yjs)
    episode_end(actor=world.admin, episode=yjs, end=CHANGED_ON, reason="Order completed")


def test_a_holder_who_moved_agency_opens_and_ends_no_episode_in_the_new_agency_s_name(
    world: World,
) -> None:
    """A worker who moved to another agency's team keeps their allocation until it is moved,
    and sees the child through it; but they act for their new agency now, which does not
    hold the child: an episode opened in its name would give its whole agency sight of the
    child. They open none, and change or end none of the new agency's."""
    moved = world.social_worker
    moved.team = world.police_team
    moved.save(update_fields=["team"])
    assert policies.can_view_person(moved, world.csc_child)  # through the allocation kept
    assert not policies.can_view_person(world.police_analyst, world.csc_child)
    with nothing_written(LegalStatusEpisode), pytest.raises(NotPermitted):
        open_episode(world, LegalStatus.YOUTH_JUSTICE, by=moved, agency=world.police)
    assert not policies.can_view_person(world.police_analyst, world.csc_child)
    held = open_episode(world, LegalStatus.EARLY_HELP, by=world.system, agency=world.police)
    assert not rules.can_change_episode(moved, held)
    with nothing_written(LegalStatusEpisode), pytest.raises(NotPermitted):
        episode_end(actor=moved, episode=held, end=today(), reason="Moved on")


def test_the_child_s_page_offers_a_moved_holder_no_status_links(world: World) -> None:
    """The page of a child held through an allocation kept after a move to another agency's
    team offers no "Open a status", "Change" or "End" (each would answer "not found"); the
    holder in the team that holds the child still gets them."""
    held = open_episode(world, LegalStatus.EARLY_HELP, by=world.social_worker)
    url = reverse("person", args=[world.csc_child.pk])
    links = (
        reverse("status-open", args=[world.csc_child.pk]),
        reverse("status-end", args=[world.csc_child.pk, held.pk]),
    )
    page = client_for(world.social_worker).get(url).content.decode()
    assert all(link in page for link in links)
    moved = world.social_worker
    moved.team = world.police_team
    moved.save(update_fields=["team"])
    response = client_for(moved).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Legal status history" in page
    assert not any(link in page for link in links)
