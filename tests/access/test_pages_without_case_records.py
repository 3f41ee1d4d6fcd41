"""A worker who sees no case records (an auditor) is answered "not found" by the lists of
casework, as the borough map answers them: the people list, My work and the panels list
would only ever be empty for them ("0 people you can see", with a caseload filter), and
their menu offers none of them. Their notifications have their own page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from locus.access.menu import menu_for
from tests.factories import World, client_for

PAGES = ["people", "my-work", "panels", "borough-map"]


@pytest.mark.parametrize("page", PAGES)
def test_an_auditor_is_answered_not_found_as_on_the_borough_map(world: World, page: str) -> None:
    assert not menu_for(world.auditor).case_records  # so the menu offers none of them
    assert client_for(world.auditor).get(reverse(page)).status_code == 404
    # A worker who sees case records still has the page.
    assert client_for(world.social_worker).get(reverse(page)).status_code == 200
