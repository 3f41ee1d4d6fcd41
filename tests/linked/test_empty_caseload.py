"""A caseload with no children says so first, and nothing else: not three empty sections of
linked cases and a download of an empty list before it."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import World, client_for

EMPTY = "There are no children on this caseload"


def test_an_empty_caseload_says_so_first_without_empty_sections(world: World) -> None:
    # A school's safeguarding lead sees the school's pupils but holds no caseload.
    page = client_for(world.school_dsl).get(reverse("linked")).content.decode()
    assert EMPTY in page
    for empty_part in ("Strong evidence", "Weaker evidence", "Reviewed", "How links are ordered"):
        assert empty_part not in page
    assert "Download" not in page
    # A caseload with children still lists its sections.
    page = client_for(world.social_worker).get(reverse("linked")).content.decode()
    assert EMPTY not in page
    assert "Strong evidence" in page and "Weaker evidence" in page
