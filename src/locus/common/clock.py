"""The one clock: every service, selector and the demo ask it for "now" and "today".

Reading the time in one place lets the demo write its stories as if each step
happened on its own day (instead of moving rows back afterwards), and lets a
test fix "now" so that nothing it asserts changes across midnight.

The clock is the real time unless a caller has set it with :func:`frozen_at`
(time stands still) or :func:`shifted` (time runs, offset by a fixed amount).
The setting is a context variable, so it holds for the code running in this
thread or task only: a test's frozen clock does not leak into another test or
into a live server's request threads.

Everything that stamps or compares a time follows the clock, the audit trail
included: a row and the audit event of its writing carry the same "now", so the
trail of a demo story or a test reads in the story's time. The time windows that
compare against those stamps (sign-in lockout, break-glass expiry) follow it too,
or a stamp and its window would disagree. A live server never sets the clock, so
there all of these are the real time. Only what must match the world outside reads
the real time directly: durations (``time.perf_counter``) and second-factor codes
(django_otp checks them against ``time.time()``, as the worker's phone makes them).
Ruff's banned-api rule (TID251) keeps ``timezone.now``, ``timezone.localdate``,
``date.today`` and ``datetime.now`` out of everything else.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

# (fixed instant, offset): at most one of them is set.
_setting: contextvars.ContextVar[tuple[dt.datetime | None, dt.timedelta]] = contextvars.ContextVar(
    "locus_clock", default=(None, dt.timedelta(0))
)


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    fixed, offset = _setting.get()
    if fixed is not None:
        return fixed
    return timezone.now() + offset


def is_frozen() -> bool:
    """Whether a caller has stopped the clock here (:func:`frozen_at`): its "now" is chosen."""
    fixed, _ = _setting.get()
    return fixed is not None


def today() -> dt.date:
    """Today's date in the project's time zone (Europe/London), as the clock reads it."""
    return day_of(now())


def day_of(when: dt.datetime) -> dt.date:
    """The date ``when`` (timezone-aware) falls on in the project's time zone (Europe/London):
    not ``when.date()``, which is the UTC date, a day behind from midnight to 1am in summer."""
    return timezone.localdate(when)


def _aware(when: dt.datetime | dt.date, name: str) -> dt.datetime:
    if isinstance(when, dt.datetime):
        if timezone.is_naive(when):
            raise ValueError(f"{name} must be timezone-aware, not a naive datetime")
        return when
    if isinstance(when, dt.date):
        # A date means noon that day, local time: far from both midnights.
        return timezone.make_aware(dt.datetime.combine(when, dt.time(12, 0)))
    raise TypeError(f"{name} must be a datetime or a date, not {type(when).__name__}")


@contextlib.contextmanager
def frozen_at(when: dt.datetime | dt.date) -> Iterator[dt.datetime]:
    """Within the block, :func:`now` is ``when`` and does not move (a date means its noon)."""
    fixed = _aware(when, "when")
    token = _setting.set((fixed, dt.timedelta(0)))
    try:
        yield fixed
    finally:
        _setting.reset(token)


@contextlib.contextmanager
def shifted(by: dt.timedelta) -> Iterator[None]:
    """Within the block, time runs as usual but reads ``by`` later (negative: earlier)."""
    if not isinstance(by, dt.timedelta):
        raise TypeError(f"by must be a timedelta, not {type(by).__name__}")
    token = _setting.set((None, by))
    try:
        yield
    finally:
        _setting.reset(token)


@contextlib.contextmanager
def running_from(when: dt.datetime | dt.date) -> Iterator[None]:
    """Within the block, time runs as usual but starts at ``when`` (a date means its noon).

    For a story told step by step: each step's rows carry the day it happened and
    keep their order within it.
    """
    start = _aware(when, "when")
    with shifted(start - timezone.now()):
        yield
