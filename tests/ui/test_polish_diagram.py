"""The diagram's notes and selection band: a note paints its own lines, each elided to the box;
a selected entry is banded on its own rows only, not on another entry drawn between them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter
from pytestqt.qtbot import QtBot

from tests.walkthrough.test_layout import event, exchange
from uid2_desk.journal import JournalEntry
from uid2_desk.ui.walkthrough.sequence_paint import SELECTION_FILL, DiagramPainter, DiagramStyle
from uid2_desk.ui.walkthrough.sequence_view import DESK_METRICS, SequenceView
from uid2_desk.walkthrough import Diagram, LayoutMetrics, Note, layout

KIOSK_LIKE = (
    LayoutMetrics(row_height=58.0, note_width=600.0, max_note_chars=160),
    DiagramStyle(font_px=21),
)


def _state_change(seq: int, summary: str, cause: str) -> JournalEntry:
    return event(
        seq,
        "state_changed",
        outcome="success",
        summary=f"{summary} ({cause})",
        detail=(("cause", cause),),
    )


def _note(diagram: Diagram) -> Note:
    (note,) = diagram.notes
    return note


@pytest.mark.parametrize(
    ("metrics", "style"),
    [(DESK_METRICS, DiagramStyle()), KIOSK_LIKE],
    ids=["desk", "kiosk"],
)
def test_a_note_paints_its_who_line_over_its_cause_line(
    qtbot: QtBot, metrics: LayoutMetrics, style: DiagramStyle
) -> None:
    entry = _state_change(1, "Jane: No identity → Established", "generate answered success")
    diagram = layout([entry], metrics=metrics)
    note = _note(diagram)

    assert note.lines == ("Jane: No identity → Established", "generate answered success")
    assert DiagramPainter(style).note_lines(diagram, note) == list(note.lines)


def test_a_line_too_wide_for_the_note_is_elided_on_its_own_line(qtbot: QtBot) -> None:
    who = "Jane: Refresh due → Refreshed"
    cause = "refresh policy automatic refreshed the identity when it became due at last"
    diagram = layout([_state_change(1, who, cause)])
    note = _note(diagram)

    lines = DiagramPainter().note_lines(diagram, note)

    assert len(lines) == 2
    assert lines[0] == who  # short enough: untouched
    assert lines[1] != cause
    assert lines[1].endswith("…")
    assert cause.startswith(lines[1].removesuffix("…"))  # the start of the cause, cut
    font = QFont("DejaVu Sans")
    font.setPixelSize(DiagramStyle().font_px)
    text_width = note.width - 16  # the box less its padding
    assert QFontMetricsF(font).horizontalAdvance(lines[1]) <= text_width


def test_a_one_line_note_paints_one_line(qtbot: QtBot) -> None:
    diagram = layout([event(1, "time_warp", summary="Clock moved 30 s ahead")])
    assert DiagramPainter().note_lines(diagram, _note(diagram)) == ["Clock moved 30 s ahead"]


def _bid_with_key_fetch() -> Diagram:
    """A generate (seq 1), the buyer's key fetch (2) and the bid (3): 2 is drawn inside 3."""
    return layout(
        [
            exchange(1, "/v2/token/generate"),
            exchange(2, "/v2/key/bidstream"),
            event(3, "bid", "2-a", outcome="success"),
        ]
    )


def test_selecting_a_bid_bands_its_own_rows_and_not_the_key_fetch_between_them(
    qtbot: QtBot,
) -> None:
    diagram = _bid_with_key_fetch()
    m = diagram.metrics
    view = SequenceView()
    qtbot.addWidget(view)
    view.set_diagram(diagram)

    view.select_seq(3)

    # rows: 0-1 generate, 2 bid 2-a, 3-4 key fetch, 5 bid 2-b, 6 bid 2-c
    assert [a.seq for a in diagram.arrows] == [1, 1, 3, 2, 2, 3, 3]
    expected = [QRectF(0, m.row_y(r) - m.row_height / 2, diagram.width, m.row_height)
                for r in (2, 5, 6)]  # fmt: skip
    assert view.selection_bands() == expected
    assert [r.center().y() for r in view.selection_bands()] == [a.y for a in diagram.arrows_for(3)]


def test_the_painted_band_leaves_the_key_fetch_rows_unhighlighted(qtbot: QtBot) -> None:
    diagram = _bid_with_key_fetch()
    m = diagram.metrics
    painter_ = DiagramPainter()
    painter_.selected = 3
    image = QImage(int(diagram.width), int(diagram.height), QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter_.paint_body(painter, diagram, QRectF(0, 0, diagram.width, diagram.height))
    painter.end()

    def left_edge(row: int) -> str:  # x = 2: left of every lane, only the band is there
        return str(QColor(image.pixel(2, int(m.row_y(row)))).name())

    assert [left_edge(r) for r in range(7)] == [
        "#ffffff",
        "#ffffff",
        SELECTION_FILL,
        "#ffffff",
        "#ffffff",
        SELECTION_FILL,
        SELECTION_FILL,
    ]


def test_selecting_a_note_bands_its_row_and_nothing_clears_it(qtbot: QtBot) -> None:
    diagram = layout([exchange(1, "/v2/token/generate"), event(2, "time_warp", summary="x")])
    view = SequenceView()
    qtbot.addWidget(view)
    view.set_diagram(diagram)

    view.select_seq(2)
    (band,) = view.selection_bands()
    assert band.center().y() == diagram.notes[0].y

    view.select_seq(None)
    assert view.selection_bands() == []
