"""Busy places as the place page and the linked-cases ordering meet them: the selector that
says which places are busy and why (detected, or a manager's rule), the place page's section
with its forms, and who may post them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from locus.access.models import Role, Scope
from locus.common import clock
from locus.places.models import CoPresenceMode, CoPresenceRule
from locus.places.selectors import busy_places
from locus.places.services import co_presence_rule_set
from tests.factories import (
    World,
    client_for,
    make_context,
    make_incident,
    make_person,
    make_worker,
    nothing_written,
)

pytestmark = pytest.mark.django_db


def plant_busy(world: World, place=None, people: int = 12) -> None:  # type: ignore[no-untyped-def]
    """``people`` different young people each in an incident at ``place`` (the shopping centre)
    in the last months, and three quiet places with one each: the borough's baseline."""
    place = place or world.shopping_centre
    for n in range(3):
        make_incident(
            world.system,
            context=make_context(world.system, name=f"Quiet place {n}"),
            involvements=[(world.csc_child, "harmed")],
            occurred_at=clock.now() - dt.timedelta(days=5 + n),
            reporting_agency=world.police,
        )
    for i in range(people):
        child = make_person(world.system, given_name="Busy", family_name=f"Child{i}")
        make_incident(
            world.system,
            context=place,
            involvements=[(child, "harmed")],
            occurred_at=clock.now() - dt.timedelta(days=3 + 7 * i),
            reporting_agency=world.police,
        )


def test_a_planted_busy_place_is_busy_with_its_reason_and_a_quiet_one_is_not(world: World):
    plant_busy(world)
    quiet = world.park
    found = busy_places()
    assert set(found) == {world.shopping_centre.pk}
    reason = found[world.shopping_centre.pk].detected
    assert reason.startswith("12 different young people were involved in incidents here")
    assert "times as many as at a typical place in the borough, which had " in reason
    assert quiet.pk not in found
    assert found[world.shopping_centre.pk].rule is None


def test_a_manager_rule_makes_a_place_busy_with_the_rule_as_its_reason(world: World):
    rule = co_presence_rule_set(
        actor=world.team_manager,
        context=world.park,
        mode=CoPresenceMode.OUT_OF_HOURS,
        reason="Busy with families by day",
    )
    found = busy_places()
    assert found[world.park.pk].rule == rule and found[world.park.pk].detected == ""
    assert found[world.park.pk].reasons == [
        "A manager's rule: co-presence here counts only out of hours (18:00 to 07:59) "
        "(Busy with families by day)"
    ]


def test_homes_are_never_judged_busy(world: World):
    plant_busy(world, place=world.home)
    assert world.home.pk not in busy_places()


def _page(viewer, place) -> str:  # type: ignore[no-untyped-def]
    response = client_for(viewer).get(reverse("context", args=[place.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_place_page_explains_and_offers_the_form_to_a_manager_only(world: World):
    plant_busy(world)
    url = reverse("place-co-presence", args=[world.shopping_centre.pk])
    html = _page(world.team_manager, world.shopping_centre)
    assert "Locus suggests this is a busy place because 12 different young people" in html
    assert f'action="{url}"' in html
    for persona in ("social_worker", "teammate", "admin", "police_analyst"):
        html = _page(world.persona(persona), world.shopping_centre)
        assert "Locus suggests this is a busy place" in html
        assert f'action="{url}"' not in html


def test_a_manager_sets_changes_and_removes_a_rule_from_the_place_page(world: World):
    client = client_for(world.team_manager)
    url = reverse("place-co-presence", args=[world.shopping_centre.pk])
    with nothing_written(CoPresenceRule):
        refused = client.post(url, {"mode": "window", "window_days": "40", "reason": "x"})
    assert "Enter a number of days from 1 to 29" in refused.content.decode()
    response = client.post(url, {"mode": "exclude", "reason": "Saturday crowds"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/contexts/{world.shopping_centre.pk}/#co-presence")
    client.post(url, {"mode": "window", "window_days": "3", "reason": "Days apart only"})
    html = _page(world.social_worker, world.shopping_centre)
    assert "Being here counts only within 3 days of each other" in html
    assert "Days apart only" in html
    assert "Counts excluded: being here never links two children: Saturday crowds" in html
    remove = reverse("place-co-presence-remove", args=[world.shopping_centre.pk])
    assert client.post(remove, {"remove-reason": "Centre closed"}).status_code == 302
    html = _page(world.social_worker, world.shopping_centre)
    assert "No rule is set for this place" in html
    assert "Centre closed" in html


@pytest.mark.parametrize("persona", ["social_worker", "admin", "auditor", "police_analyst"])
def test_only_a_manager_may_post_a_rule(world: World, persona: str):
    client = client_for(world.persona(persona))
    url = reverse("place-co-presence", args=[world.shopping_centre.pk])
    with nothing_written(CoPresenceRule):
        response = client.post(url, {"mode": "exclude", "reason": "Mine"})
    assert response.status_code == 404


def test_a_business_sees_the_rule_at_its_premises_but_gets_no_form(world: World):
    """The centre's own security manager reads why the centre counts as busy, as any worker
    who sees it does, but neither the form nor a hand-made post changes the rule."""
    plant_busy(world)
    security_manager = make_worker(
        world.system, team=world.partner_team, role=Role.MANAGER, scope=Scope.AGENCY
    )
    html = _page(security_manager, world.shopping_centre)
    assert "Locus suggests this is a busy place" in html
    url = reverse("place-co-presence", args=[world.shopping_centre.pk])
    assert f'action="{url}"' not in html
    with nothing_written(CoPresenceRule):
        response = client_for(security_manager).post(url, {"mode": "exclude", "reason": "Ours"})
    assert response.status_code == 404


def test_no_rule_section_on_a_home(world: World):
    html = _page(world.social_worker, world.home)
    assert "Being here around the same time" not in html
    url = reverse("place-co-presence", args=[world.home.pk])
    assert (
        client_for(world.team_manager).post(url, {"mode": "exclude", "reason": "x"}).status_code
        == 404
    )
