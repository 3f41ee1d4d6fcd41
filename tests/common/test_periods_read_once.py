"""A period is read only through locus.common.periods: current, ended, open on a day, open
during a span. A filter on a period's start or end written by hand elsewhere is how two
pages come to disagree about whether a relationship held on the day of a map."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import locus
from locus.peers.models import Association, GroupMembership
from locus.people.models import Allocation, LegalStatusEpisode
from locus.places.models import Enrolment
from locus.profiles.models import ProfileItem
from tests.factories import World

SRC = Path(locus.__file__).resolve().parent

# The start and end fields of every period model, compared or tested for no end.
PERIOD_LOOKUP = re.compile(
    r"(?:(?<!\w)|__)(?:start|end|valid_from|valid_until|since|until|recorded_on|ended_on)"
    r"__(?:isnull|lt|lte|gt|gte|range)\b"
)
# Files with such a filter that is not a Locus period's.
NOT_PERIODS = {
    # The children in need census's own records (assessments, plans, enquiries), read as
    # the return defines their years: not periods of Locus's.
    "exports/annex_a_read.py",
}


def hand_written(path: Path) -> list[str]:
    return [
        f"{n}: {line.strip()}"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if PERIOD_LOOKUP.search(line)
    ]


def test_no_period_is_filtered_by_hand_outside_the_periods_module() -> None:
    found = {
        rel: lines
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts and path != SRC / "common" / "periods.py"
        if (rel := path.relative_to(SRC).as_posix()) not in NOT_PERIODS
        if (lines := hand_written(path))
    }
    assert found == {}
    assert all((SRC / rel).exists() for rel in NOT_PERIODS)


def test_the_check_sees_each_way_of_writing_one(tmp_path: Path) -> None:
    page = tmp_path / "selectors.py"
    page.write_text(
        "a = Association.objects.current().filter(valid_from__lte=day)\n"
        "b = GroupMembership.objects.filter(until__isnull=False)\n"
        "c = Allocation.objects.filter(person__episodes__end__isnull=True)\n"
        "d = Visit.objects.filter(valid_until=None, start_time__lte=t, ended_at__isnull=True)\n"
    )
    assert [line.split(":")[0] for line in hand_written(page)] == ["1", "2", "3"]


@pytest.mark.django_db
def test_ended_is_the_other_side_of_current_for_every_period_model(world: World) -> None:
    models = (Allocation, LegalStatusEpisode, Enrolment, Association, GroupMembership, ProfileItem)
    for model in models:
        rows = model.objects.all()  # type: ignore[attr-defined]
        every = set(rows.values_list("id", flat=True))
        current = set(rows.current().values_list("id", flat=True))
        ended = set(rows.ended().values_list("id", flat=True))
        assert current.isdisjoint(ended) and current | ended == every, model.__name__


@pytest.mark.django_db
def test_a_roll_s_leavers_are_its_ended_places(world: World) -> None:
    day = dt.date(2024, 9, 2)
    left = Enrolment.objects.create(
        person=world.csc_child, school=world.school, start=day, end=day + dt.timedelta(days=30)
    )
    assert left in Enrolment.objects.ended()
    assert left not in Enrolment.objects.current()
