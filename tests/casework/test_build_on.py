"""Writing a plan action "builds on" the strengths of the children the plan affects: their
aspirational profiles are offered on the action form, the chosen items are stored with
the action and shown with it on the plan page, and a child's strengths reach only
those who see the child."""

from __future__ import annotations

from typing import Any

import pytest

from locus.access.models import Role
from locus.casework import services
from locus.casework.models import ContextCase, PlanAction
from locus.common.errors import ValidationFailed
from locus.common.services import today
from locus.profiles.models import ProfileItem
from locus.profiles.selectors import build_on_for, build_on_labels
from locus.profiles.services import profile_item_end
from tests.casework.helpers import CASEWORK_MODELS, add_action, planned_case
from tests.factories import (
    World,
    changes_for,
    client_for,
    make_worker,
    nothing_written,
    open_in_emergency,
)
from tests.mapping.helpers import hold as hold_meeting
from tests.mapping.helpers import propose as propose_meeting
from tests.mapping.helpers import schedule as schedule_meeting
from tests.mapping.test_views import url
from tests.profiles.helpers import add_item

pytestmark = pytest.mark.django_db

MECHANIC = "I want to be a mechanic like my uncle"
BOXING = "Boxing at the youth club"


def _plan_with_children(world: World) -> tuple[ContextCase, ProfileItem, ProfileItem]:
    """A draft plan affecting Ciara and Tariq (both seen by social_worker's team), each
    with a strength; Ciara also has an ended one."""
    case = planned_case(world)
    for child in (world.csc_child, world.team_child):
        services.plan_child_add(actor=world.social_worker, plan=case.plan, person=child)
    ciara = add_item(world.social_worker, world.csc_child)
    tariq = add_item(world.social_worker, world.team_child, kind="interest", text=BOXING)
    return case, ciara, tariq


def _form(world: World, case: ContextCase, **fields: Any) -> dict[str, Any]:
    return {
        "description": "Mentoring sessions at the garage on Mare Street",
        "agency": world.csc.pk,
        "owner": world.social_worker.pk,
        "due_on": today().strftime("%d/%m/%Y"),
        **fields,
    }


def test_the_action_form_offers_the_affected_children_s_strengths(world: World) -> None:
    case, ciara, tariq = _plan_with_children(world)
    ended = add_item(world.social_worker, world.csc_child, kind="talent", text="Drawing")
    profile_item_end(actor=world.social_worker, item=ended, ended_on=today(), reason="Moved away")
    add_item(world.other_social_worker, world.other_child, text="Not on this plan")
    html = client_for(world.social_worker).get(url("context-action-add", case.pk)).content.decode()
    assert "Strengths it builds on" in html
    assert f'value="{ciara.pk}"' in html and f'value="{tariq.pk}"' in html
    assert "Ciara Cscchild. Aspiration: “I want to be a mechanic" in html
    assert "Drawing" not in html and "Not on this plan" not in html


def test_strengths_of_children_the_viewer_may_not_see_are_not_offered(world: World) -> None:
    case, ciara, _ = _plan_with_children(world)
    # On the case's team, but sees only the children allocated to her: Ciara is not.
    own = make_worker(world.system, team=world.csc_team_a, role=Role.PRACTITIONER, scope="own")
    html = client_for(own).get(url("context-action-add", case.pk)).content.decode()
    assert "Strengths it builds on" not in html and MECHANIC not in html and BOXING not in html
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        add_action(world, case.plan, actor=own, builds_on=[ciara])
    assert error.value.errors == {
        "builds_on": ["Choose strengths of the children this plan affects"]
    }


def test_an_action_stores_and_shows_what_it_builds_on(world: World) -> None:
    case, ciara, tariq = _plan_with_children(world)
    client = client_for(world.social_worker)
    response = client.post(
        url("context-action-add", case.pk), _form(world, case, builds_on=[ciara.pk, tariq.pk])
    )
    assert response.status_code == 302
    action = PlanAction.objects.get(description__startswith="Mentoring")
    assert set(action.builds_on.all()) == {ciara, tariq}
    assert sorted(changes_for(action)[0].after["builds_on"]) == sorted([ciara.pk, tariq.pk])
    html = client.get(url("context-plan", case.pk)).content.decode()
    row = html.split("Mentoring sessions")[1].split("</tr>")[0]
    assert "Builds on:" in row and MECHANIC in row and BOXING in row


def test_the_plan_page_shows_a_strength_only_to_those_who_see_the_child(world: World) -> None:
    case, ciara, _ = _plan_with_children(world)
    add_action(world, case.plan, description="Mentoring sessions at the garage", builds_on=[ciara])
    # The partner delivering the action sees its own actions, not the children.
    html = client_for(world.partner_worker).get(url("context-plan", case.pk)).content.decode()
    assert "Mentoring sessions at the garage" in html
    assert MECHANIC not in html and "Builds on" not in html


def test_only_current_strengths_of_affected_children_are_accepted(world: World) -> None:
    case, ciara, _ = _plan_with_children(world)
    stranger = add_item(world.social_worker, world.csc_child)  # Ciara's, still current
    other = add_item(world.other_social_worker, world.other_child, text="Not on this plan")
    ended = profile_item_end(
        actor=world.social_worker, item=stranger, ended_on=today(), reason="Moved away"
    )
    for bad in ([other], [ended], [ciara, other]):
        with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
            add_action(world, case.plan, builds_on=bad)
        assert list(error.value.errors) == ["builds_on"]
    # A form posted with an item that was not offered is refused by the form.
    response = client_for(world.social_worker).post(
        url("context-action-add", case.pk), _form(world, case, builds_on=[other.pk])
    )
    assert response.status_code == 200 and "Choose strengths from the list" in (
        response.content.decode()
    )


def test_a_share_does_not_bring_a_child_s_strengths(world: World) -> None:
    # The police analyst sees Ciara through a forum share: her name, age and status, not
    # her aspirational profile.
    _case, ciara, _tariq = _plan_with_children(world)
    meeting = propose_meeting(world, invitees=[world.police_analyst])
    hold_meeting(world, schedule_meeting(world, meeting))
    ciara.refresh_from_db()
    assert build_on_for(world.police_analyst, [world.csc_child]) == []
    assert build_on_labels(world.police_analyst, [ciara]) == {}
    assert build_on_labels(world.social_worker, [ciara])


def test_strengths_of_a_child_seen_only_in_an_emergency_are_not_built_on(world: World) -> None:
    """An action keeps what it builds on after emergency access ends (RULES.md: writing
    about a young person needs lasting sight, break-glass reads, it does not add): a case
    team member who opened Ciara in an emergency is not offered her strengths, and the
    service refuses them, as for a child she does not see."""
    case, ciara, _ = _plan_with_children(world)
    own = make_worker(world.system, team=world.csc_team_a, role=Role.PRACTITIONER, scope="own")
    open_in_emergency(own, world.csc_child)
    html = client_for(own).get(url("context-action-add", case.pk)).content.decode()
    assert "Strengths it builds on" not in html and MECHANIC not in html
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        add_action(world, case.plan, actor=own, builds_on=[ciara])
    assert error.value.errors == {
        "builds_on": ["Choose strengths of the children this plan affects"]
    }
