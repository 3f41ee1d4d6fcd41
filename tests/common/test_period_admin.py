"""Period records share their start and end (``common.models.Period``); their admin forms
still show the record first and its period after, as they did before the base."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from locus.people.models import Allocation, LegalStatusEpisode
from locus.places.models import Enrolment
from tests.factories import World


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (
            LegalStatusEpisode,
            # The administrator's row of the field table withholds the child protection
            # category and the looked-after legal status, on the admin site too.
            [
                "person",
                "status",
                "agency",
                "start",
                "end",
                "end_reason",
            ],
        ),
        (Allocation, ["person", "worker", "team", "start", "end", "end_reason"]),
        # Why a pupil left goes with the day they left.
        (
            Enrolment,
            ["person", "school", "start", "end", "leave_reason", "leave_reason_detail"],
        ),
    ],
)
def test_a_period_admin_form_shows_the_record_before_its_period(
    world: World, model: type[models.Model], expected: list[str]
) -> None:
    request = RequestFactory().get("/admin/")
    request.user = world.admin
    form = admin.site._registry[model].get_form(request)
    assert list(form.base_fields) == expected
