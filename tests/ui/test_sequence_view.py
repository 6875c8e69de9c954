"""The live sequence diagram view: batched layout, clicks, following, zoom, colours, speed."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSlider
from pytestqt.qtbot import QtBot

from tests.ui.entries import event_entry, exchange_entry
from tests.ui.stage_desk import LoopRunner
from uid2_desk.journal import JournalEntry
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.publisher.scenario.loader import find_scenario
from uid2_desk.publisher.scenario.player import ScenarioPlayer
from uid2_desk.report.markdown import report_text
from uid2_desk.ui.walkthrough.sequence_paint import NEUTRAL_COLOUR, OUTCOME_COLOURS
from uid2_desk.ui.walkthrough.sequence_view import SequenceFeed, SequenceView
from uid2_desk.walkthrough import Arrow, ArrowKind, layout, to_mermaid

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def _flow(start: int = 1) -> list[JournalEntry]:
    """Generate (success), refresh (optout), refresh (error): one reply of each colour."""
    return [
        exchange_entry(start, endpoint="/v2/token/generate", step="1-d"),
        event_entry(start + 1, name="identity_set"),
        exchange_entry(start + 2, endpoint="/v2/token/refresh", step="3-b", outcome="optout"),
        exchange_entry(
            start + 3, endpoint="/v2/token/refresh", step="3-b", outcome="error", http_status=400
        ),
    ]


def _many(count: int) -> list[JournalEntry]:
    outcomes = ("success", "optout", "error")
    return [
        exchange_entry(
            seq,
            endpoint="/v2/token/refresh",
            step="3-b",
            outcome=outcomes[seq % 3],
            http_status=400 if outcomes[seq % 3] == "error" else 200,
        )
        for seq in range(1, count + 1)
    ]


def _view(
    qtbot: QtBot, entries: list[JournalEntry], size: tuple[int, int] = (1000, 700)
) -> SequenceView:
    view = SequenceView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.set_diagram(layout(entries))
    view.show()
    qtbot.waitExposed(view)
    return view


def _reply(view: SequenceView, outcome: str) -> Arrow:
    return next(
        a for a in view.diagram.arrows if a.kind is ArrowKind.REPLY and a.outcome == outcome
    )


def _viewport_point(view: SequenceView, x: float, y: float) -> QPoint:
    return view.mapFromScene(x, y)


def _colour_near(image: QImage, point: QPoint, wanted: str, radius: int = 3) -> bool:
    """Whether a pixel within ``radius`` of ``point`` is (almost) the colour ``wanted``."""
    target = QColor(wanted)
    for dx in range(-radius, radius + 1):
        for dy in range(-radius, radius + 1):
            c = image.pixelColor(point.x() + dx, point.y() + dy)
            if (
                abs(c.red() - target.red()) < 40
                and abs(c.green() - target.green()) < 40
                and abs(c.blue() - target.blue()) < 40
            ):
                return True
    return False


def test_a_burst_of_appends_is_laid_out_once(qtbot: QtBot) -> None:
    feed = SequenceFeed()
    emitted: list[object] = []
    feed.diagram_changed.connect(emitted.append)
    for entry in _flow():
        feed.append(entry)
    assert feed.pending
    assert emitted == []
    qtbot.waitUntil(lambda: len(emitted) == 1, timeout=1000)
    qtbot.wait(100)
    assert len(emitted) == 1
    assert len(feed.diagram.arrows) == 7  # three exchanges (request + reply) and one event


def test_the_desk_lays_its_diagram_out_off_the_gui_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A layout of hundreds of entries is tens of milliseconds of Python: on the GUI thread
    # it was the window's longest stall under an outside client's load.
    from uid2_desk.ui.walkthrough import sequence_feed

    threads: list[str] = []
    real_layout = sequence_feed.layout

    def recording_layout(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return real_layout(*args, **kwargs)  # type: ignore[arg-type]

    feed = SequenceFeed()
    monkeypatch.setattr(sequence_feed, "layout", recording_layout)
    feed.extend(_flow())
    qtbot.waitUntil(lambda: not feed.pending, timeout=2000)
    assert threads
    assert all(name.startswith("uid2-diagram") for name in threads)
    assert len(feed.diagram.arrows) == 7


def test_entries_that_come_while_a_layout_runs_get_a_layout_of_their_own(qtbot: QtBot) -> None:
    from uid2_desk.ui.walkthrough import sequence_feed

    held = threading.Event()
    sequence_feed._layout_pool().submit(held.wait, 5)  # the worker is busy until released
    feed = SequenceFeed()
    emitted: list[int] = []
    feed.diagram_changed.connect(lambda diagram: emitted.append(len(diagram.arrows)))
    feed.extend(_flow())
    qtbot.waitUntil(lambda: feed._running is not None, timeout=2000)  # queued on the worker
    feed.extend(_flow(start=10))  # comes while that layout is on its way
    held.set()
    qtbot.waitUntil(lambda: not feed.pending, timeout=3000)
    assert emitted == [7, 14]  # the first layout, then one with both flows
    assert feed.newest_seq() == 13


def test_entries_out_of_order_are_held_in_journal_order() -> None:
    feed = SequenceFeed(max_entries=3)
    feed.extend([exchange_entry(seq, endpoint="/v2/token/refresh") for seq in (5, 2, 9, 7)])
    feed.flush()
    assert feed.count == 3
    assert feed.newest_seq() == 9
    assert sorted({a.seq for a in feed.diagram.arrows}) == [5, 7, 9]  # 2, the oldest, went


def test_the_feed_keeps_only_the_newest_entries_and_drops_exchange_bytes() -> None:
    feed = SequenceFeed(max_entries=10)
    feed.reset(_many(25))
    assert feed.count == 10
    assert {a.seq for a in feed.diagram.arrows} == set(range(16, 26))
    assert feed.newest_seq() == 25


def test_clicking_an_arrow_emits_its_journal_entry(qtbot: QtBot) -> None:
    view = _view(qtbot, _flow(start=40))
    arrow = _reply(view, "optout")
    clicked: list[int] = []
    view.entry_clicked.connect(clicked.append)
    point = _viewport_point(view, (arrow.x1 + arrow.x2) / 2, arrow.y)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked == [42]
    assert view.selected_seq == 42


def test_clicking_between_lanes_where_nothing_is_drawn_selects_nothing(qtbot: QtBot) -> None:
    view = _view(qtbot, _flow())
    clicked: list[int] = []
    view.entry_clicked.connect(clicked.append)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 690))
    assert clicked == []


def test_reply_arrows_are_painted_in_their_outcome_colour(qtbot: QtBot) -> None:
    view = _view(qtbot, _flow())
    image = view.viewport().grab().toImage()
    for outcome in ("success", "optout", "error"):
        arrow = _reply(view, outcome)
        # The line is drawn a little below the row centre, under its label.
        line_y = arrow.y + view.diagram.metrics.row_height / 2 * 0.45
        point = _viewport_point(view, (arrow.x1 + arrow.x2) / 2 + 20, line_y)
        assert _colour_near(image, point, OUTCOME_COLOURS[outcome]), outcome
    request = next(a for a in view.diagram.arrows if a.kind is ArrowKind.REQUEST)
    line_y = request.y + view.diagram.metrics.row_height / 2 * 0.45
    point = _viewport_point(view, (request.x1 + request.x2) / 2 + 20, line_y)
    assert _colour_near(image, point, NEUTRAL_COLOUR)


def test_the_view_follows_new_rows_until_the_user_scrolls_up(qtbot: QtBot) -> None:
    view = _view(qtbot, _many(40), size=(900, 400))
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0
    assert bar.value() == bar.maximum()
    follows: list[bool] = []
    view.following_changed.connect(follows.append)
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMinimum)  # the user scrolls up
    assert follows == [False]
    view.set_diagram(layout(_many(60)))
    assert bar.value() == 0  # the reader's place is kept
    bar.triggerAction(QAbstractSlider.SliderAction.SliderToMaximum)  # back at the bottom
    assert follows == [False, True]
    view.set_diagram(layout(_many(80)))
    assert bar.value() == bar.maximum()


def test_zoom_to_fit_shows_the_whole_diagram(qtbot: QtBot) -> None:
    view = _view(qtbot, _many(30), size=(900, 500))
    view.zoom_to_fit()
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    assert shown.height() >= view.diagram.height - 1
    assert shown.width() >= view.diagram.width - 1
    assert view.zoom < 1.0


def test_zoom_in_and_out_stay_within_limits(qtbot: QtBot) -> None:
    view = _view(qtbot, _flow())
    for _ in range(20):
        view.zoom_in()
    assert view.zoom == pytest.approx(4.0)
    for _ in range(40):
        view.zoom_out()
    assert view.zoom == pytest.approx(0.1)


def test_fit_width_follows_the_window_size(qtbot: QtBot) -> None:
    view = _view(qtbot, _flow(), size=(1200, 600))
    view.set_fit_width(True)
    assert view.zoom == pytest.approx(view.viewport().width() / view.diagram.width, rel=1e-3)
    view.resize(700, 600)
    qtbot.waitUntil(
        lambda: view.zoom == pytest.approx(view.viewport().width() / view.diagram.width, rel=1e-3)
    )


def test_lane_titles_stay_on_screen_when_scrolled(qtbot: QtBot) -> None:
    view = _view(qtbot, _many(60), size=(1000, 400))
    view.set_following(False)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    image = view.viewport().grab().toImage()
    lane = view.diagram.lanes[0]
    # The header box fill is painted at the top of the viewport, whatever the scroll.
    point = QPoint(round(lane.x - 60), 14)
    assert _colour_near(image, point, "#e2e8f0", radius=2)


def test_drawing_500_arrows_stays_responsive(qtbot: QtBot) -> None:
    """Lay out and paint 250 exchanges (500 arrows): fit-to-view, and a scrolled frame."""
    entries = _many(250)
    feed = SequenceFeed()
    started = time.perf_counter()
    feed.reset(entries)
    layout_ms = (time.perf_counter() - started) * 1000
    view = _view(qtbot, [], size=(1200, 800))
    view.set_diagram(feed.diagram)
    assert len(view.diagram.arrows) == 500
    view.zoom_to_fit()
    started = time.perf_counter()
    for _ in range(5):
        view.viewport().grab()
    fit_ms = (time.perf_counter() - started) * 1000 / 5
    view.set_zoom(1.0)
    started = time.perf_counter()
    for value in range(0, view.verticalScrollBar().maximum(), 400):
        view.verticalScrollBar().setValue(value)
        view.viewport().grab()
    frames = max(1, len(range(0, view.verticalScrollBar().maximum(), 400)))
    scroll_ms = (time.perf_counter() - started) * 1000 / frames
    print(
        f"\n500 arrows: layout {layout_ms:.1f} ms, fit frame {fit_ms:.1f} ms, "
        f"scrolled frame {scroll_ms:.1f} ms"
    )
    assert layout_ms < 250
    assert fit_ms < 250
    assert scroll_ms < 50


def test_the_screen_and_the_reports_mermaid_diagram_come_from_the_same_layout(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    runner = LoopRunner(qtbot, loop)
    services = runner.open_desk(tmp_path, ManualClock())
    try:
        for name in ("server-only", "optout-on-refresh", "bid"):
            runner.run(ScenarioPlayer(find_scenario(name), services.stage()).play())
        entries = runner.run(services.journal.entries(limit=None, with_exchanges=True))
    finally:
        runner.run(services.aclose())
    feed = SequenceFeed()
    view = _view(qtbot, [])
    feed.diagram_changed.connect(view.set_diagram)
    feed.reset(entries)
    report = report_text(entries)
    block = report.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert to_mermaid(view.diagram).rstrip("\n") == block
    assert "Operator-->>Publisher: 3-c 200 optout" in block


@pytest.mark.parametrize("scroll_bars", [True, False])
def test_fit_width_settles_while_the_diagram_grows_past_the_views_height(
    qtbot: QtBot, scroll_bars: bool
) -> None:
    """A scroll bar that comes and goes would re-fit the width for ever (the kiosk hung so)."""
    view = _view(qtbot, [], size=(900, 500))
    view.set_fit_width(True, scroll_bars=scroll_bars)
    resizes: list[int] = []
    counter = _ResizeCounter(resizes)
    view.viewport().installEventFilter(counter)
    for count in range(1, 40):
        view.set_diagram(layout(_many(count)))
        qtbot.wait(5)
    assert len(resizes) <= 2
    assert view.zoom == pytest.approx(view.viewport().width() / view.diagram.width, rel=1e-3)


class _ResizeCounter(QObject):
    def __init__(self, seen: list[int]) -> None:
        super().__init__()
        self.seen = seen

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.seen.append(1)
        return False
