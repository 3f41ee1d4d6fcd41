"""The assessment page reads through its selectors: the assessment with its template and
assessor, its findings with their evidence, and whether the case has had a conference. Its
view and template load nothing for themselves."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.template import Context, Template
from django.urls import reverse

from locus.casework import selectors
from tests.casework.helpers import open_case, submitted_case
from tests.factories import World, client_for
from tests.page_reads import page_reads

pytestmark = pytest.mark.django_db


def test_the_assessment_page_makes_no_read_of_its_own(world: World) -> None:
    case = submitted_case(world)
    with page_reads() as reads:
        response = client_for(world.social_worker).get(
            reverse("context-assessment", args=[case.pk])
        )
    assert response.status_code == 200
    assert reads == []


def test_the_check_sees_a_template_load_a_related_record(world: World) -> None:
    case = open_case(world)
    with page_reads() as reads:
        Template("{{ case.conferences.exists }}").render(Context({"case": case}))
    assert len(reads) == 1 and reads[0].startswith("template: SELECT")


def test_a_case_s_assessment_is_found_with_what_the_page_shows(world: World) -> None:
    case = open_case(world)
    found = selectors.assessment_of(case)
    assert found.case_id == case.pk
    assert {"template", "assessor"} <= set(found._state.fields_cache)
    found.delete()
    with pytest.raises(Http404):
        selectors.assessment_of(case)
