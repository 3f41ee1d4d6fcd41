"""The one clock: real time by default, frozen or shifted within a block, never leaking."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone

from locus.common import clock
from tests.frozen_clock import on_the_day

# These tests compare the clock with the real time: the suite's "keep the day the run started
# on" (tests/conftest.py) would set it back in a run past midnight.
pytestmark = pytest.mark.real_clock


def test_by_default_the_clock_reads_the_real_time() -> None:
    before = timezone.now()
    read = clock.now()
    assert before <= read <= timezone.now()
    assert clock.today() == timezone.localdate(read)


def test_a_frozen_clock_stands_still_and_is_put_back_after_the_block() -> None:
    when = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)  # the night the clocks go forward
    with clock.frozen_at(when):
        assert clock.now() == when
        assert clock.now() == when
        assert clock.today() == dt.date(2026, 3, 29)
    assert clock.now() > when + dt.timedelta(days=30)


def test_a_date_freezes_the_clock_at_its_noon_in_london() -> None:
    with clock.frozen_at(dt.date(2026, 7, 1)) as fixed:
        assert clock.today() == dt.date(2026, 7, 1)
        assert timezone.localtime(fixed).hour == 12


def test_late_evening_utc_in_summer_is_already_tomorrow_in_london() -> None:
    with clock.frozen_at(dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)):
        assert clock.today() == dt.date(2026, 7, 2)


def test_a_shifted_clock_runs_offset_by_the_amount() -> None:
    with clock.shifted(dt.timedelta(days=-10)):
        first = clock.now()
        assert abs(first - (timezone.now() - dt.timedelta(days=10))) < dt.timedelta(seconds=5)
        assert clock.now() >= first


def test_running_from_a_date_starts_there_and_keeps_order() -> None:
    with clock.running_from(dt.date(2025, 1, 6)):
        first, second = clock.now(), clock.now()
        assert clock.today() == dt.date(2025, 1, 6)
        assert first <= second


def test_a_frozen_clock_does_not_reach_another_thread() -> None:
    seen: list[dt.datetime] = []
    with clock.frozen_at(dt.date(2020, 1, 1)):
        worker = threading.Thread(target=lambda: seen.append(clock.now()))
        worker.start()
        worker.join()
    assert seen[0].year >= 2026


def test_the_clock_refuses_a_naive_datetime_or_a_wrong_type() -> None:
    with pytest.raises(ValueError, match="when must be timezone-aware"):
        clock.frozen_at(dt.datetime(2026, 1, 1, 12, 0)).__enter__()
    with pytest.raises(TypeError, match="when must be a datetime or a date"):
        clock.frozen_at("2026-01-01").__enter__()  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="by must be a timedelta"):
        clock.shifted(3).__enter__()  # type: ignore[arg-type]
    assert abs(clock.now() - timezone.now()) < dt.timedelta(seconds=5)


def test_a_run_past_midnight_keeps_the_day_it_started_on() -> None:
    # The suite's autouse fixture (tests/conftest.py): a module's "tomorrow", computed at import
    # the day before, is still in the future when its test runs after midnight.
    started = clock.today() - dt.timedelta(days=1)
    tomorrow_then = started + dt.timedelta(days=1)
    with on_the_day(started):
        assert clock.today() == started
        assert tomorrow_then > clock.today()
    with on_the_day(clock.today()):
        assert abs(clock.now() - timezone.now()) < dt.timedelta(seconds=5)


def test_a_run_past_midnight_leaves_a_stopped_clock_where_it_was_stopped() -> None:
    # The demo's borough is made a second before midnight and read a second after it, the
    # clock stopped there by a fixture: keeping the run's first day must not move it.
    after_midnight = dt.datetime(2026, 7, 2, 0, 0, 1, tzinfo=dt.UTC)
    with clock.frozen_at(after_midnight):
        assert clock.is_frozen()
        with on_the_day(clock.today() - dt.timedelta(days=1)):
            assert clock.now() == after_midnight
    assert not clock.is_frozen()
