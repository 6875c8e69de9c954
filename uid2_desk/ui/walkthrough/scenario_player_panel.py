"""The in-window scenario player: pick a scenario, play, pause, step, reset, skip ahead.

The scenarios are the same definitions ``uid2-desk run`` plays. Each step shows its caption
in plain words (:class:`~uid2_desk.ui.walkthrough.caption_view.CaptionView`) and its expectations
turn
green or red in the step list. Wait steps are waited in real time (the local operator's demo
lifetimes make a lifecycle last minutes), with "Skip ahead" to jump the rest of the wait.

Slots are thin: each starts one coroutine of
:class:`~uid2_desk.ui.walkthrough.paced_player.PacedPlayer`
through a :class:`~uid2_desk.ui.common.tasks.TaskRunner` and restores the buttons when it settles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.protocol.clock import Clock
from uid2_desk.publisher.scenario.model import Scenario
from uid2_desk.publisher.scenario.player import ScenarioPlayer, Stage
from uid2_desk.publisher.scenario.results import StepResult
from uid2_desk.ui.common.look import PrimaryButton, set_colours, style_header
from uid2_desk.ui.common.room import RoomyLabel
from uid2_desk.ui.common.tasks import TaskRunner
from uid2_desk.ui.common.theme import HINT_TEXT
from uid2_desk.ui.common.timefmt import format_duration
from uid2_desk.ui.walkthrough.caption_view import CaptionView
from uid2_desk.ui.walkthrough.paced_player import PacedPlayer, WaitInfo
from uid2_desk.ui.walkthrough.player_steps_model import PlayerStepsModel, StepColumn, step_rows

#: Rest between two steps while playing, so each arrow and caption can be seen.
STEP_PAUSE_S = 1.5
WAIT_REFRESH_MS = 250
_MOMENT_NAMES = {
    "refresh_due": "refresh_from",
    "identity_expires": "identity_expires",
    "refresh_expires": "refresh_expires",
}


class ScenarioPlayerPanel(QWidget):
    """Plays scenarios on the desk's stage, step by step or all at once.

    Signals:
        finished(bool): the scenario reached its end; whether every expectation held.

    Attributes:
        runner: runs the player's coroutines; its ``failed`` signal feeds the banner.
        steps_model: the step list's model.
        caption: the caption of the step in progress or last played.
        paced: the player of the selected scenario (``None`` until a stage is attached).
        step_pause_s: the rest between steps while playing.
    """

    finished = Signal(bool)

    def __init__(self, scenarios: Sequence[Scenario], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scenario_player_panel")
        self.scenarios = list(scenarios)
        self.runner = TaskRunner(self)
        self.steps_model = PlayerStepsModel(self)
        self.paced: PacedPlayer | None = None
        self.step_pause_s = STEP_PAUSE_S
        self._stage_provider: Callable[[], Stage] | None = None
        self._clock: Clock | None = None
        self._running: int | None = None
        self._wait: WaitInfo | None = None
        self._build()
        self._wait_timer = QTimer(self)
        self._wait_timer.setObjectName("player_wait_timer")
        self._wait_timer.setInterval(WAIT_REFRESH_MS)
        self._connect_signals()
        self._update_buttons()

    def _build(self) -> None:
        self.chooser = QComboBox(self)
        self.chooser.setObjectName("scenario_chooser")
        self.chooser.setAccessibleName("Scenario")
        for scenario in self.scenarios:
            self.chooser.addItem(f"{scenario.name} — {scenario.title}", scenario.name)
        # Room for the longest summary, and a line for the wait: picking a scenario or
        # starting a wait does not move the buttons under the mouse.
        self.summary = RoomyLabel((s.summary for s in self.scenarios), self)
        self.summary.setObjectName("panel_hint")
        set_colours(self.summary, text=HINT_TEXT)
        self.play_button = PrimaryButton("Play", self)
        self.play_button.setObjectName("primary_button")
        self.pause_button = QPushButton("Pause", self)
        self.step_button = QPushButton("Step", self)
        self.reset_button = QPushButton("Reset", self)
        self.skip_button = QPushButton("Skip ahead", self)
        self.skip_button.setToolTip("Jump the rest of this wait (the clock is warped forward)")
        buttons = QHBoxLayout()
        for button in (
            self.play_button,
            self.pause_button,
            self.step_button,
            self.reset_button,
            self.skip_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.wait_label = QLabel("", self)
        self.wait_label.setObjectName("player_wait")
        self.wait_label.setMinimumHeight(self.wait_label.fontMetrics().lineSpacing() + 2)
        self.table = QTableView(self)
        self.table.setObjectName("player_steps")
        self.table.setModel(self.steps_model)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QTableView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        style_header(header)
        header.setSectionResizeMode(StepColumn.MARK, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(StepColumn.STEP, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(StepColumn.OUTCOME, QHeaderView.ResizeMode.Stretch)
        self.caption = CaptionView(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.wait_label)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.caption, 3)

    def _connect_signals(self) -> None:
        self.chooser.currentIndexChanged.connect(self._on_chosen)
        self.play_button.clicked.connect(self.play)
        self.pause_button.clicked.connect(self.pause)
        self.step_button.clicked.connect(self.step)
        self.reset_button.clicked.connect(self.reset)
        self.skip_button.clicked.connect(self.skip_ahead)
        self.runner.settled.connect(self._on_settled)
        self._wait_timer.timeout.connect(self._show_wait)

    # -- wiring ---------------------------------------------------------------------------

    def attach(self, stage_provider: Callable[[], Stage], clock: Clock) -> None:
        """Play on the stages ``stage_provider`` gives (the desk's services), on ``clock``."""
        self._stage_provider = stage_provider
        self._clock = clock
        self._new_player()

    @property
    def scenario(self) -> Scenario | None:
        """The scenario chosen."""
        index = self.chooser.currentIndex()
        return self.scenarios[index] if 0 <= index < len(self.scenarios) else None

    def choose(self, name: str) -> None:
        """Select the scenario called ``name``."""
        index = self.chooser.findData(name)
        if index >= 0:
            self.chooser.setCurrentIndex(index)

    # -- slots (thin: one coroutine each) -----------------------------------------------

    def play(self) -> None:
        """Play the rest of the scenario."""
        if self.paced is not None and not self.runner.busy:
            self.runner.run(
                "Play scenario",
                self.paced.play(step_pause_s=self.step_pause_s, on_result=self._on_result),
            )
            self._update_buttons()

    def step(self) -> None:
        """Play the next step only."""
        if self.paced is not None and not self.runner.busy:
            self.runner.run("Play one step", self.paced.step(), self._on_step_done)
            self._update_buttons()

    def pause(self) -> None:
        """Stop after the step in progress (a wait is abandoned)."""
        if self.paced is not None:
            self.paced.pause()

    def skip_ahead(self) -> None:
        """Jump the rest of the current wait."""
        if self.paced is not None:
            self.paced.skip_ahead()

    def reset(self) -> None:
        """Remove the scenario's users and start it again from the first step."""
        if self.paced is not None and not self.runner.busy:
            player = self.paced.player
            self.runner.run("Reset scenario", player.reset(), lambda _none: self._new_player())
            self._update_buttons()

    # -- rendering ------------------------------------------------------------------------

    def _on_chosen(self, _index: int) -> None:
        if self.paced is not None and self.paced.player.results and not self.runner.busy:
            self.runner.run(
                "Reset scenario", self.paced.player.reset(), lambda _none: self._new_player()
            )
        else:
            self._new_player()

    def _new_player(self) -> None:
        scenario = self.scenario
        self.summary.setText(scenario.summary if scenario else "")
        if scenario is None or self._stage_provider is None or self._clock is None:
            self.paced = None
        else:
            player = ScenarioPlayer(scenario, self._stage_provider())
            self.paced = PacedPlayer(
                player, clock=self._clock, on_wait=self._on_wait, on_step=self._on_step_start
            )
        self._running = None
        self._render_rows()
        if self.paced is not None and self.paced.player.unsupported:
            self.caption.show_message(
                "This scenario cannot play here",
                f"It {self.paced.player.unsupported}; its steps will be skipped.",
            )
        elif scenario is not None:
            self.caption.show_caption(scenario.steps[0].caption, prefix="Next: ")
        self._update_buttons()

    def _on_step_start(self, index: int) -> None:
        self._running = index
        self._render_rows()
        if self.scenario is not None:
            self.caption.show_caption(self.scenario.steps[index].caption)

    def _on_step_done(self, result: StepResult | None) -> None:
        if result is not None:
            self._on_result(result)

    def _on_result(self, result: StepResult) -> None:
        self._running = None
        self._render_rows()
        self.caption.show_result(result)
        if self.paced is not None and self.paced.player.done:
            self.finished.emit(self.paced.player.passed)

    def _on_wait(self, info: WaitInfo | None) -> None:
        self._wait = info
        if info is None:
            self._wait_timer.stop()
            self.wait_label.setText("")
        else:
            self._wait_timer.start()
            self._show_wait()
        self._update_buttons()

    def _show_wait(self) -> None:
        if self._wait is None or self._clock is None:
            return
        left = max(0, self._wait.target_ms - self._clock.now_ms())
        moment = _MOMENT_NAMES.get(self._wait.what, self._wait.what)
        self.wait_label.setText(
            f"Waiting for {moment}: {format_duration(left + 999)} left (Skip ahead jumps it)"
        )

    def _render_rows(self) -> None:
        scenario = self.scenario
        if scenario is None:
            self.steps_model.set_rows([])
            return
        results = self.paced.player.results if self.paced is not None else []
        self.steps_model.set_rows(step_rows(scenario, results, self._running))

    def _on_settled(self, _what: str) -> None:
        self._running = None
        self._render_rows()
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.runner.busy
        ready = self.paced is not None and not self.paced.player.done
        self.play_button.setEnabled(ready and not busy)
        self.step_button.setEnabled(ready and not busy)
        self.reset_button.setEnabled(self.paced is not None and not busy)
        self.pause_button.setEnabled(busy)
        self.skip_button.setEnabled(busy)
        self.chooser.setEnabled(not busy)
