"""Countdowns: formatting, the reading at an instant, the widget, and the second-aligned tick."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from uid2_desk.protocol.clock import ManualClock, WarpClock
from uid2_desk.ui.common.ticker import BOUNDARY_MARGIN_MS, SecondTicker, ms_to_next_second
from uid2_desk.ui.common.timefmt import format_duration, format_remaining
from uid2_desk.ui.identity.countdown import BAR_STEPS, CountdownWidget
from uid2_desk.ui.identity.countdown_reading import Urgency, read_countdown

T0 = 1_704_067_200_000


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "0:00"),
        (999, "0:00"),
        (59_000, "0:59"),
        (61_000, "1:01"),
        (3_600_000, "1:00:00"),
        (3_723_000, "1:02:03"),
        (86_400_000 * 3 + 3_723_000, "3 d 01:02:03"),
        (-5, "0:00"),
    ],
)
def test_durations_are_written_in_whole_seconds(ms: int, text: str) -> None:
    assert format_duration(ms) == text


def test_remaining_reaches_zero_exactly_at_the_target_never_a_second_early() -> None:
    assert format_remaining(T0 + 30_000, T0) == "in 0:30"
    assert format_remaining(T0 + 30_000, T0 + 29_001) == "in 0:01"
    assert format_remaining(T0 + 30_000, T0 + 29_999) == "in 0:01"
    assert format_remaining(T0 + 30_000, T0 + 30_000) == "0:00 ago"
    assert format_remaining(T0 + 30_000, T0 + 42_500) == "0:12 ago"


def test_a_reading_is_computed_from_the_clock_not_accumulated() -> None:
    start, target = T0, T0 + 100_000
    assert read_countdown(start, target, T0).fraction == 0.0
    half = read_countdown(start, target, T0 + 50_000)
    assert half.fraction == 0.5
    assert half.urgency is Urgency.CALM
    near = read_countdown(start, target, T0 + 85_000)
    assert near.urgency is Urgency.NEAR
    late = read_countdown(start, target, T0 + 150_000)
    assert late.fraction == 1.0
    assert late.urgency is Urgency.PASSED
    assert late.remaining == "0:50 ago"


def test_countdown_widget_shows_bar_time_left_and_local_time(qtbot: QtBot) -> None:
    widget = CountdownWidget("Refresh from", "hint")
    qtbot.addWidget(widget)
    assert widget.remaining_text == "—"
    widget.set_interval((T0, T0 + 30_000))
    widget.render_at(T0 + 10_000)
    assert widget.remaining_text == "in 0:20"
    assert widget.at_text.startswith("at ")
    assert widget.bar_value == round(BAR_STEPS / 3)
    widget.render_at(T0 + 31_000)
    assert widget.remaining_text == "0:01 ago"
    assert widget.urgency is Urgency.PASSED
    assert widget.bar_value == BAR_STEPS
    widget.set_interval(None)
    assert widget.remaining_text == "—"
    assert _urgency(widget) is Urgency.IDLE


@pytest.mark.parametrize(
    ("now", "wait"), [(T0, 1000), (T0 + 1, 999), (T0 + 999, 1), (T0 + 500, 500)]
)
def test_the_tick_is_armed_for_just_after_the_next_second_boundary(now: int, wait: int) -> None:
    assert ms_to_next_second(now) == wait + BOUNDARY_MARGIN_MS


def test_ticker_rearms_from_the_clock_each_time_so_it_cannot_drift(qtbot: QtBot) -> None:
    clock = ManualClock(T0 + 250)
    ticker = SecondTicker(clock)
    seen: list[int] = []
    ticker.ticked.connect(seen.append)
    ticker.start()
    assert seen == [T0 + 250]
    assert ticker.next_interval_ms == 750 + BOUNDARY_MARGIN_MS
    # However late the previous tick ran, the next one aims at the boundary after "now".
    clock.set(T0 + 1_980)
    ticker.tick()
    assert ticker.next_interval_ms == 20 + BOUNDARY_MARGIN_MS
    ticker.stop()
    assert not ticker.active


def test_real_ticks_land_just_after_second_boundaries(qtbot: QtBot) -> None:
    clock = WarpClock()
    ticker = SecondTicker(clock)
    seen: list[int] = []
    ticker.ticked.connect(seen.append)
    ticker.start()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=4000)
    ticker.stop()
    for now in seen[1:]:
        # Each tick lands shortly after a boundary of the clock (PreciseTimer: within ~1 ms,
        # plus scheduling noise on a busy machine).
        assert now % 1000 < 200, seen
    # Whole seconds apart: nothing accumulates.
    seconds = [now // 1000 for now in seen[1:]]
    assert seconds == list(range(seconds[0], seconds[0] + len(seconds)))


def _urgency(widget: CountdownWidget) -> Urgency:
    # Read through a call: mypy would keep the property narrowed across set_interval().
    return widget.urgency
