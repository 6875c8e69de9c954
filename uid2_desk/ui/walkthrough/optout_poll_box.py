"""The opt-out lab's wait-and-poll controls: a test identity to sign in, the poll's three
bounds, start and stop, and its progress (a bar, a line of words, how it ended).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from uid2_desk.publisher.refresh.poll_bounds import (
    MAX_ATTEMPTS,
    MAX_INTERVAL_S,
    MAX_TIME_LIMIT_S,
    MIN_INTERVAL_S,
    PollBounds,
)
from uid2_desk.publisher.refresh.poll_progress import PollOutcome, PollProgress
from uid2_desk.ui.common.look import Card
from uid2_desk.ui.walkthrough.optout_guide import PRESETS, poll_line

PROGRESS_STEPS = 1000
#: How an ended poll's sentence is coloured: green when the opt-out arrived, amber otherwise.
OUTCOME_COLOURS = {PollOutcome.OPTED_OUT: "#15803d"}
OTHER_OUTCOME_COLOUR = "#b45309"


class PollControls(Card):
    """The controls; the lab connects the buttons and feeds progress in.

    Attributes:
        preset, preset_button: the test identity and the button that signs it in.
        interval, attempts, limit: the poll's bounds (seconds, count, minutes).
        start_button, stop_button: start and stop the poll.
        bar, status, outcome: the progress display.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Test identities and wait-and-poll (any environment)", parent)
        self.preset = QComboBox(self)
        self.preset.setObjectName("optout_preset")
        self.preset.setAccessibleName("Test identity")
        for preset in PRESETS:
            self.preset.addItem(f"{preset.value}: {preset.behaviour}", preset.value)
        self.preset_button = QPushButton("Sign in test identity", self)
        self.interval = self._spin(MIN_INTERVAL_S, MAX_INTERVAL_S, 15, " s", "Poll interval")
        self.attempts = self._spin(1, MAX_ATTEMPTS, 60, "", "Most attempts")
        self.limit = self._spin(1, MAX_TIME_LIMIT_S / 60, 15, " min", "Time limit")
        self.start_button = QPushButton("Start polling", self)
        self.stop_button = QPushButton("Stop", self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, PROGRESS_STEPS)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Poll progress")
        self.status = QLabel("Not polling.", self)
        self.status.setObjectName("optout_poll_status")
        self.status.setWordWrap(True)
        self.outcome = QLabel("", self)
        self.outcome.setObjectName("optout_poll_outcome")
        self.outcome.setWordWrap(True)
        preset_row = QHBoxLayout()
        preset_row.addWidget(self.preset, 1)
        preset_row.addWidget(self.preset_button)
        form = QFormLayout()
        form.addRow("Refresh every", self.interval)
        form.addRow("At most", self.attempts)
        form.addRow("Give up after", self.limit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        layout = self.body
        layout.addLayout(preset_row)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.outcome)

    def bounds(self) -> PollBounds:
        """The bounds as set (the spin boxes only offer values the poller accepts)."""
        return PollBounds(
            interval_s=self.interval.value(),
            max_attempts=self.attempts.value(),
            time_limit_s=self.limit.value() * 60,
        )

    def clear(self) -> None:
        """Back to "Not polling.": no bar, no outcome (a new user was signed in)."""
        self.bar.setValue(0)
        self.status.setText("Not polling.")
        self.show_outcome(None)

    def show_progress(self, progress: PollProgress, now_ms: int) -> None:
        """Draw where the poll stands at ``now_ms`` (the poll's clock)."""
        self.bar.setValue(round(progress.fraction * PROGRESS_STEPS))
        self.status.setText(poll_line(progress, now_ms))

    def show_outcome(self, progress: PollProgress | None) -> None:
        """Say how the poll ended (``None`` clears, for a new poll)."""
        outcome = None if progress is None else progress.outcome
        if outcome is None:
            self.outcome.setText("")
            self.outcome.setStyleSheet("")
            return
        colour = OUTCOME_COLOURS.get(outcome, OTHER_OUTCOME_COLOUR)
        self.outcome.setText(outcome.sentence)
        self.outcome.setStyleSheet(f"color: {colour}; font-weight: bold;")

    def _spin(self, low: float, high: float, value: int, suffix: str, name: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(round(low), round(high))
        spin.setValue(value)
        spin.setSuffix(suffix)
        spin.setAccessibleName(name)
        return spin
