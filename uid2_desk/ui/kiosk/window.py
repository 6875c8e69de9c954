"""The kiosk screen: TV, identity countdowns, live sequence diagram, caption, key hints.

Full screen at 1920×1080 with type sized for three metres (``resources/styles/kiosk.qss``);
no menus, no dialogs. The window draws what it is given (:class:`KioskStatus`, the run's
user snapshot, journal entries) and turns keys into signals; the loop itself lives in
:class:`~uid2_desk.ui.kiosk.autoplay.KioskAutoplay`.

Keys: Space next step, P pause/resume, R restart the scenario, Ctrl+Shift+Q twice (within
3 s) to leave; any other key, click or touch pauses (the loop resumes after an idle time).
The window refuses to close any other way (Alt+F4 included).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.journal import JournalEntry
from uid2_desk.protocol.clock import Clock
from uid2_desk.publisher.model import UserSnapshot
from uid2_desk.resources import resource_path
from uid2_desk.ui.kiosk.countdowns import KioskCountdown
from uid2_desk.ui.kiosk.device_frame import DeviceFrame
from uid2_desk.ui.kiosk.elided_label import ElidedLabel
from uid2_desk.ui.kiosk.exit_chord import CHORD_TEXT, ExitChord
from uid2_desk.ui.kiosk.kiosk_look import (
    KIOSK_DIAGRAM_STYLE,
    KIOSK_METRICS,
    kiosk_panel,
    kiosk_scale,
    scale_grid,
    scaled_style_sheet,
)
from uid2_desk.ui.kiosk.kiosk_status import KioskPhase, KioskStatus
from uid2_desk.ui.kiosk.screen_state import bid_token, device_state, phase_line, top_line
from uid2_desk.ui.walkthrough.caption_view import CaptionView
from uid2_desk.ui.walkthrough.sequence_view import SequenceFeed, SequenceView

KEY_HINTS = f"Space: next step · P: pause · R: restart · {CHORD_TEXT}: leave"


class KioskWindow(QWidget):
    """The kiosk's one window.

    Signals:
        next_pressed(): Space.
        pause_pressed(): P.
        restart_pressed(): R.
        touched(): any other key, a click or a touch.
        exit_requested(): the exit chord was confirmed.

    Attributes:
        feed: lays out the run's journal entries.
        diagram: the live sequence diagram.
        device: the TV.
        countdowns: refresh_from, identity_expires, refresh_expires.
        caption: the current step in plain words.
        status: the last kiosk status shown.
    """

    next_pressed = Signal()
    pause_pressed = Signal()
    restart_pressed = Signal()
    touched = Signal()
    exit_requested = Signal()

    def __init__(
        self, desk_clock: Clock, pacing_clock: Clock, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk_window")
        self.setWindowTitle("UID2 Desk kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._style_text = resource_path("styles", "kiosk.qss").read_text(encoding="utf-8")
        self.scale = 1.0
        self.setStyleSheet(self._style_text)
        self.desk_clock = desk_clock
        self.pacing_clock = pacing_clock
        self.status = KioskStatus(KioskPhase.STARTING)
        self.leaving = False
        self._chord = ExitChord()
        self._snapshot: UserSnapshot | None = None
        self._bid: str | None = None
        self.feed = SequenceFeed(KIOSK_METRICS, max_entries=400, parent=self)
        self._build()
        self.feed.diagram_changed.connect(self.diagram.set_diagram)

    def _build(self) -> None:
        self.brand = QLabel("UID2 · server-only integration, live", self)
        self.brand.setObjectName("kiosk_brand")
        self.scenario_label = ElidedLabel(top_line(self.status), self)
        self.scenario_label.setObjectName("kiosk_scenario")
        self.phase_label = QLabel("Starting", self)
        self.phase_label.setObjectName("kiosk_phase")
        self.phase_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top = QHBoxLayout()
        top.addWidget(self.brand)
        top.addSpacing(30)
        top.addWidget(self.scenario_label, 1)
        top.addWidget(self.phase_label)

        self.device = DeviceFrame(self)
        timers, timer_layout = kiosk_panel("The identity's clock", self)
        self.countdowns = [
            KioskCountdown(name, timers)
            for name in ("refresh_from", "identity_expires", "refresh_expires")
        ]
        for countdown in self.countdowns:
            timer_layout.addWidget(countdown)
        left = QVBoxLayout()
        left.addWidget(self.device, 3)
        left.addWidget(timers, 2)

        self.diagram = SequenceView(KIOSK_DIAGRAM_STYLE, self)
        self.diagram.set_fit_width(True, scroll_bars=False)
        self.diagram.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        diagram_panel, diagram_layout = kiosk_panel("", self)
        diagram_layout.setContentsMargins(6, 6, 6, 6)
        diagram_layout.addWidget(self.diagram)

        caption_panel, caption_layout = kiosk_panel("", self)
        self.caption = CaptionView(caption_panel)
        caption_layout.addWidget(self.caption)

        self.keys_label = QLabel(KEY_HINTS, self)
        self.keys_label.setObjectName("kiosk_keys")
        self.chord_label = QLabel("", self)
        self.chord_label.setObjectName("kiosk_chord")
        footer = QHBoxLayout()
        footer.addWidget(self.keys_label, 1)
        footer.addWidget(self.chord_label)

        grid = self._grid = QGridLayout(self)
        # The screen decides the size (full screen); the content scales to it in resizeEvent
        # rather than forcing a minimum that a 1280×720 screen cannot give.
        grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        scale_grid(grid, 1.0)
        grid.addLayout(top, 0, 0, 1, 2)
        grid.addLayout(left, 1, 0)
        grid.addWidget(diagram_panel, 1, 1)
        grid.addWidget(caption_panel, 2, 0, 1, 2)
        grid.addLayout(footer, 3, 0, 1, 2)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 11)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 0)

    # -- what the core says -----------------------------------------------------------------

    def new_run(self) -> None:
        """A new run starts: clear the diagram, the TV and the countdowns."""
        self.feed.reset()
        self._snapshot = None
        self._bid = None
        self._render_user()

    def show_status(self, status: KioskStatus) -> None:
        """Show the loop's status: scenario, step, caption, verdict, phase."""
        previous = self.status
        self.status = status
        self.scenario_label.set_full_text(top_line(status))
        scenario = status.scenario
        if status.phase is KioskPhase.END_CARD and scenario is not None:
            verdict = "Every expectation held." if status.passed else "An expectation failed."
            self.caption.show_message(
                f"That was: {scenario.title}", f"{verdict} {scenario.summary}"
            )
        elif scenario is not None and status.step_index is not None:
            step_changed = (previous.step_index, previous.scenario) != (
                status.step_index,
                scenario,
            )
            if step_changed or previous.phase is KioskPhase.END_CARD:
                self.caption.show_caption(scenario.steps[status.step_index].caption)
            if status.result is not None and status.result.index == status.step_index:
                self.caption.show_result(status.result)
        elif scenario is not None:
            self.caption.show_message(scenario.title, scenario.summary)
        self.refresh_clock_lines()

    def show_user(self, snapshot: UserSnapshot) -> None:
        """The run's user changed (signed in, refreshed, opted out, logged out…)."""
        self._snapshot = snapshot
        self._render_user()

    def forget_user(self, user_id: str) -> None:
        """The run's user was removed."""
        if self._snapshot is not None and self._snapshot.user.id == user_id:
            self._snapshot = None
            self._render_user()

    def add_entries(self, entries: Sequence[JournalEntry]) -> None:
        """Journal entries of the run, in order: drawn; the newest bid's token to the ad slot."""
        self.feed.extend(entries)
        tokens = [t for t in map(bid_token, entries) if t is not None]
        if tokens:
            self._bid = tokens[-1]
            self._render_user()

    def refresh_clock_lines(self, _now_ms: object = None) -> None:
        """Re-read both clocks: the phase line and the countdowns (each second)."""
        desk_now = self.desk_clock.now_ms()
        self.phase_label.setText(phase_line(self.status, self.pacing_clock.now_ms(), desk_now))
        for countdown in self.countdowns:
            countdown.render_at(desk_now)
        if self._chord.armed_at_ms is not None and not self._chord.armed(self._chord_now()):
            self._chord.disarm()
            self.chord_label.setText("")

    def _render_user(self) -> None:
        snap = self._snapshot
        bid = self._bid if snap is not None and snap.identity is not None else None
        self.device.show_state(device_state(snap, bid))
        identity = None if snap is None else snap.identity
        if snap is None or identity is None:
            for countdown in self.countdowns:
                countdown.set_interval(None)
        else:
            start = (
                snap.identity_set_ms if snap.identity_set_ms is not None else snap.chain[-1].at_ms
            )
            targets = (
                identity.refresh_from_ms,
                identity.identity_expires_ms,
                identity.refresh_expires_ms,
            )
            for countdown, target in zip(self.countdowns, targets, strict=True):
                countdown.set_interval((start, target))
        self.refresh_clock_lines()

    # -- input ------------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> None:
        """Presenter keys, the exit chord, and any other key as a touch."""
        key = event.key()
        mods = event.modifiers()
        chord_mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        if key == Qt.Key.Key_Q and (mods & chord_mods) == chord_mods:
            if self._chord.press(self._chord_now()):
                self.leaving = True
                self.chord_label.setText("Leaving kiosk mode…")
                self.exit_requested.emit()
            else:
                self.chord_label.setText("Press Ctrl+Shift+Q again to leave")
            return
        if key in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
            return  # modifiers alone are part of a chord being typed
        self._chord.disarm()
        self.chord_label.setText("")
        if key == Qt.Key.Key_Space:
            self.next_pressed.emit()
        elif key == Qt.Key.Key_P:
            self.pause_pressed.emit()
        elif key == Qt.Key.Key_R:
            self.restart_pressed.emit()
        else:
            self.touched.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Installed on the application: every key, click and touch anywhere reaches us."""
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if not event.isAutoRepeat():
                self.handle_key(event)
            return True
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.touched.emit()
            return True
        return False

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Scale type and spacing to the screen (1280×720 up to 4K), then lay out."""
        scale = kiosk_scale(event.size().width(), event.size().height())
        if abs(scale - self.scale) > 0.02:
            self.scale = scale
            self.setStyleSheet(scaled_style_sheet(self._style_text, scale))
            self.device.setMinimumSize(round(420 * scale), round(300 * scale))
            scale_grid(self._grid, scale)
        super().resizeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Only the exit chord closes the kiosk."""
        if self.leaving:
            event.accept()
        else:
            event.ignore()

    def _chord_now(self) -> int:
        return self.pacing_clock.now_ms()
