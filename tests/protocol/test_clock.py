"""The test clock (uid2_desk.protocol.clock.ManualClock): it moves only when told to."""

from __future__ import annotations

import pytest

from uid2_desk.protocol.clock import ManualClock


def test_a_manual_clock_never_advances_backwards_and_stays_where_it_was() -> None:
    clock = ManualClock(1_000)

    with pytest.raises(ValueError, match="never moves backwards"):
        clock.advance(-1)
    assert clock.now_ms() == 1_000


def test_a_manual_clock_advances_forwards_and_jumps_anywhere_with_set() -> None:
    clock = ManualClock(1_000)

    clock.advance(250)
    assert clock.now_ms() == 1_250
    clock.set(10)
    assert clock.now_ms() == 10
