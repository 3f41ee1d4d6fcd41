"""A change or an end is dated within the item's life: the same checks, worded for each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils.dateformat import format as date_format

from locus.common.errors import ValidationFailed
from locus.common.services import today
from locus.profiles.models import ProfileItem
from locus.profiles.services import profile_item_change, profile_item_end
from tests.factories import START, World, nothing_written
from tests.profiles.helpers import add_item

pytestmark = pytest.mark.django_db


def _refused(world: World, write: str, field: str, day: object) -> list[str]:
    item = add_item(world.social_worker, world.csc_child)
    values = (
        {"text": "New words", "own_words": True, "changed_on": day}
        if write == "change"
        else {"ended_on": day, "reason": "It closed"}
    )
    service = profile_item_change if write == "change" else profile_item_end
    with nothing_written(ProfileItem), pytest.raises(ValidationFailed) as caught:
        service(actor=world.social_worker, item=item, **values)  # type: ignore[operator]
    return caught.value.errors[field]


@pytest.mark.parametrize(
    ("write", "field", "event"),
    [("change", "changed_on", "The change"), ("end", "ended_on", "The end")],
)
def test_not_before_the_item_was_recorded(world: World, write: str, field: str, event: str) -> None:
    recorded = date_format(START + dt.timedelta(days=10), "j F Y")
    assert _refused(world, write, field, START) == [
        f"{event} must be on or after {recorded}, when this was recorded"
    ]


@pytest.mark.parametrize(
    ("write", "field", "what"),
    [("change", "changed_on", "of the change"), ("end", "ended_on", "it ended")],
)
def test_not_in_the_future(world: World, write: str, field: str, what: str) -> None:
    ahead = today().replace(year=today().year + 1)
    assert _refused(world, write, field, ahead) == [f"The date {what} must not be in the future"]
