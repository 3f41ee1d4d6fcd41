"""Ways into context casework from the child's page and the peer group's page."""

from __future__ import annotations

import re

import pytest

from tests.casework.helpers import refer, screen
from tests.factories import World, client_for
from tests.mapping.test_views import url

pytestmark = pytest.mark.django_db

REFER = "Make a referral about a context"


def test_a_child_s_page_offers_a_referral_naming_the_child(world: World) -> None:
    client = client_for(world.social_worker)
    html = client.get(url("person", world.csc_child.pk)).content.decode()
    link = f"{url('context-referral-new')}?person={world.csc_child.pk}"
    assert REFER in html and f'href="{link}"' in html
    # The form starts as a referral about the child, with the child chosen.
    form = client.get(link).content.decode()
    assert re.search(r'value="child" checked', form)
    assert re.search(rf'value="{world.csc_child.pk}"[^>]* checked', form)


def test_the_referral_link_is_for_young_people_only(world: World) -> None:
    # The police analyst sees the adult of concern in the police incident.
    response = client_for(world.police_analyst).get(url("person", world.adult.pk))
    assert response.status_code == 200 and REFER not in response.content.decode()


def test_a_peer_group_s_page_lists_its_context_cases(world: World) -> None:
    client = client_for(world.social_worker)
    html = client.get(url("group", world.group.pk)).content.decode()
    assert "Context cases" in html and "has not been the subject of a context case" in html
    assert f"?context={world.group.pk}" in html
    case = screen(world, refer(world, actor=world.social_worker, context=world.group)).case
    assert case is not None
    html = client.get(url("group", world.group.pk)).content.decode()
    assert f'href="{url("context-case", case.pk)}"' in html
