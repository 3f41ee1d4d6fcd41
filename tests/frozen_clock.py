"""A test's stopped clock (the ``frozen_clock`` fixture): what it asserts holds across midnight;
and the day a run started, kept for a run that goes past midnight."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from locus.common import clock

# The day this test process started. Test modules compute dates such as "tomorrow" when they
# are imported, which is when the run starts.
SESSION_DAY = clock.today()


class FrozenClock:
    """The clock, stopped: :meth:`at` sets "now", :meth:`advance` moves it on.

    Each move nests a :func:`locus.common.clock.frozen_at` in the fixture's exit
    stack, so the real clock is back when the test ends.
    """

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack = stack
        self.now = self.at(clock.now())

    def at(self, when: dt.datetime | dt.date) -> dt.datetime:
        """Stop the clock at ``when`` (a date means its noon in London)."""
        self.now = self._stack.enter_context(clock.frozen_at(when))
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        """Move the stopped clock on by ``timedelta(**delta)``."""
        return self.at(self.now + dt.timedelta(**delta))

    @property
    def today(self) -> dt.date:
        return clock.today()


@contextlib.contextmanager
def on_the_day(started: dt.date) -> Iterator[None]:
    """Within the block, the clock reads ``started`` (or earlier), never a later day: set back
    by the whole days gone by since, time still running. A clock a fixture has stopped is
    left as it is: its "now" was chosen (the demo's borough, made a second before midnight,
    is read a second after it; setting the clock back replaced that stop with yesterday)."""
    behind = clock.today() - started
    if behind <= dt.timedelta(0) or clock.is_frozen():
        yield
        return
    with clock.shifted(-behind):
        yield
