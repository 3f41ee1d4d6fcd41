"""An independent reviewing service's staff (conference chairs) own no action on a plan.

The unit chairs conferences and reviews plans, and does nothing else in casework: a chair
who owned one of the plan's actions would review their own work. So the plan's action forms
never offer them as an action's owner, nor as whom to give an action to, and the plan
refuses them as either, saying why on the owner field.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.context_cases import action_receivers
from locus.casework import services
from locus.common.services import ValidationFailed
from tests.casework.helpers import CASEWORK_MODELS, add_action, planned_case
from tests.casework.test_independent_chair import chair_in, independent_team
from tests.factories import World, client_for, nothing_written

pytestmark = pytest.mark.django_db


def test_a_chair_is_refused_as_a_new_actions_owner(world: World) -> None:
    """The lead choosing a chair as an action's owner is told why, and nothing is added."""
    chair = chair_in(world, independent_team(world))
    plan = planned_case(world).plan
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        add_action(world, plan, agency=world.csc, owner=chair)
    assert "independent reviewing service" in error.value.errors["owner"][0]
    # Their agency's other workers still own actions.
    assert add_action(world, plan, agency=world.csc, owner=world.teammate).owner == world.teammate


def test_a_chair_is_refused_as_whom_an_action_is_given_to(world: World) -> None:
    chair = chair_in(world, independent_team(world))
    action = add_action(world, planned_case(world).plan, agency=world.csc, owner=world.teammate)
    assert chair not in set(action_receivers(action))
    with nothing_written(*CASEWORK_MODELS), pytest.raises(ValidationFailed) as error:
        services.action_give(actor=world.social_worker, action=action, owner=chair, reason="Left")
    assert "independent reviewing service" in error.value.errors["owner"][0]


def test_the_action_forms_do_not_offer_a_chair(world: World) -> None:
    chair_in(world, independent_team(world))
    action = add_action(world, planned_case(world).plan, agency=world.csc, owner=world.teammate)
    case = action.plan.case
    client = client_for(world.social_worker)
    for url in (
        reverse("context-action-add", args=[case.pk]),
        reverse("context-action-give", args=[case.pk, action.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Test teammate" in page or "Test yjs_worker" in page
        assert "Indy Chair" not in page
