"""An import pauses Python's cycle collector while it holds its rows, and always gives it back:
a server process whose collector stayed off would grow without bound."""

from __future__ import annotations

import gc

import pytest

from locus.interchange.core import cycles_uncollected


def test_the_collector_is_paused_within_and_back_after_even_on_an_error() -> None:
    assert gc.isenabled()
    with cycles_uncollected():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cycles_uncollected():
        raise RuntimeError("the file broke off")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with cycles_uncollected():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
