"""A scenario step in plain words: what the user does, what the publisher sends, what the
operator answers, why it matters, and whether its expectations held.

Used by the window's scenario player and, with larger type (``kiosk`` property in the style
sheet), by the kiosk. The texts come from the scenario definition
(:class:`~uid2_desk.publisher.scenario.model.Caption`) and the player's
:class:`~uid2_desk.publisher.scenario.results.StepResult`; this widget only shows them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from uid2_desk.publisher.scenario.model import Caption
from uid2_desk.publisher.scenario.results import StepResult, StepStatus

#: Verdict colours: expectations held (green), failed (red), skipped (grey).
VERDICT_COLOURS = {
    StepStatus.PASSED: "#15803d",
    StepStatus.FAILED: "#b91c1c",
    StepStatus.SKIPPED: "#64748b",
}


def verdict_text(result: StepResult) -> str:
    """One line on the step's expectations, e.g. ``✓ Expected and got: state established``."""
    if result.status is StepStatus.SKIPPED:
        return f"– Skipped: {result.reason}"
    if result.status is StepStatus.FAILED:
        return f"✗ Expectation failed: {result.reason}"
    checked = ", ".join(f"{c.name} {c.actual}" for c in result.checks)
    return f"✓ As expected: {checked}" if checked else f"✓ Done: {result.outcome}"


class CaptionView(QWidget):
    """Shows one step's caption and, once played, its verdict.

    Attributes:
        heading: the step's title label (``caption_title``).
        verdict: the expectation line (``caption_verdict``), coloured by the result.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caption_view")
        self.heading = QLabel("", self)
        self.heading.setObjectName("caption_title")
        self.heading.setWordWrap(True)
        # Bold and a little larger than the lines under it (the kiosk's style sheet, where
        # one applies, sets its own sizes over this).
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.heading.setFont(font)
        self._lines: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for key, title in (
            ("user", "The user"),
            ("publisher", "The publisher"),
            ("operator", "The operator"),
            ("why", "Why it matters"),
        ):
            label = QLabel("", self)
            label.setObjectName(f"caption_{key}")
            label.setWordWrap(True)
            name = QLabel(f"{title}:", self)
            name.setObjectName("caption_key")
            form.addRow(name, label)
            self._lines[key] = label
        self._form = form
        self.verdict = QLabel("", self)
        self.verdict.setObjectName("caption_verdict")
        self.verdict.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addStretch(1)

    def line(self, key: str) -> str:
        """The text shown for ``user``, ``publisher``, ``operator`` or ``why``."""
        return self._lines[key].text()

    def show_caption(self, caption: Caption | None, *, prefix: str = "") -> None:
        """Show a step's caption (``None`` clears); the verdict is cleared."""
        self.heading.setText(f"{prefix}{caption.title}" if caption else "")
        for key, label in self._lines.items():
            text = getattr(caption, key) if caption else ""
            label.setText(text)
            self._form.setRowVisible(label, bool(text))
        self.verdict.setText("")

    def show_message(self, title: str, text: str = "") -> None:
        """Show a heading and one line instead of a caption (e.g. a scenario's end)."""
        self.show_caption(None)
        self.heading.setText(title)
        self.verdict.setStyleSheet("")
        self.verdict.setText(text)

    def show_result(self, result: StepResult) -> None:
        """Show the verdict of a played step, green when it held, red when not."""
        self.verdict.setText(verdict_text(result))
        self.verdict.setStyleSheet(f"color: {VERDICT_COLOURS[result.status]};")

    @property
    def verdict_colour(self) -> str:
        """The colour the verdict is painted in, ``#rrggbb`` (empty when none)."""
        sheet = self.verdict.styleSheet()
        return sheet.removeprefix("color: ").removesuffix(";") if sheet else ""
