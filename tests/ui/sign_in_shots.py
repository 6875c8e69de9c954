"""Renders the sign-in panel with an original guide's test address typed, on a real display.

Run by :mod:`tests.ui.test_guide_address_screens` in a child process under Xvfb:

    python -m tests.ui.sign_in_shots OUT.png

The panel (the desk's own :class:`SignInPanel`, in a plain window) gets ``validate@email.com``
typed key by key, as a person following the custom publisher guide would. The screen is
grabbed from the X server; next to the PNG a JSON report says what is on screen: the note's
text, whether it is visible, its rectangle, and any label cut off.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from uid2_desk.ui.identity.sign_in_panel import SignInPanel

TYPED = "validate@email.com"


def _clipped(window: QWidget) -> list[str]:
    """Visible single-line labels whose text does not fit (a person would see it cut)."""
    cut = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text() or label.wordWrap():
            continue
        shown = label.text().replace("&", "")  # a mnemonic's & is not drawn
        if label.fontMetrics().horizontalAdvance(shown) > label.contentsRect().width() + 1:
            cut.append(f"{label.objectName()}: {label.text()!r}")
    return cut


def main(argv: list[str]) -> int:
    out = Path(argv[1])
    app = QApplication(argv[:1])
    app.setStyle("Fusion")
    window = QWidget()
    window.setWindowTitle("Sign in")
    layout = QVBoxLayout(window)
    panel = SignInPanel(window)
    panel.set_actions_enabled(True)
    layout.addWidget(panel)
    layout.addStretch(1)
    window.resize(560, 420)
    window.move(0, 0)
    window.show()
    QTest.qWaitForWindowExposed(window)
    panel.value.setFocus()
    QTest.keyClicks(panel.value, TYPED)
    for _ in range(5):
        app.processEvents()
        QTest.qWait(50)
    note = panel.guide_note
    image = window.screen().grabWindow(0, 0, 0, window.frameGeometry().width() + 20,
                                       window.frameGeometry().height() + 40).toImage()  # fmt: skip
    image.save(str(out))
    top_left = note.mapTo(window, QPoint(0, 0))
    report: dict[str, Any] = {
        "typed": panel.value.text(),
        "note_visible": note.isVisible(),
        "note_text": note.text(),
        "note_rect": [top_left.x(), top_left.y(), note.width(), note.height()],
        "note_needs_height": note.heightForWidth(note.width()),
        "button_enabled": panel.button.isEnabled(),
        "clipped": _clipped(window),
    }
    out.with_suffix(".json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
