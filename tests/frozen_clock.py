"""A test's stopped clock (the ``frozen_clock`` fixture): what it asserts holds across midnight."""

from __future__ import annotations

import contextlib
import datetime as dt

from locus.common import clock


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
