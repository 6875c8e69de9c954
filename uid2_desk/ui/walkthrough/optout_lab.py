"""The opt-out lab: watch an opt-out reach the publisher, locally on demand or remotely by polling.

- Guided (local operator only): sign a viewer in, "Opt out now", then refresh (by hand, or
  let the automatic policy do it at ``refresh_from``) and watch the answer be ``optout`` and
  the identity clear. Each stage shows a caption (:mod:`uid2_desk.ui.walkthrough.optout_guide`).
- Test identities and wait-and-poll (any environment): sign in one of the operator's test
  identities, or any user, and refresh every N seconds, bounded by attempts and a time limit
  (:class:`~uid2_desk.publisher.refresh.optout_poll.OptOutPoller`), until ``optout`` arrives: a real
  opt-out takes minutes to reach refresh.

Slots are thin: each runs one coroutine through a :class:`~uid2_desk.ui.common.tasks.TaskRunner` and
renders the snapshot it returns; the poll runs as one task and reports its progress.
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QVBoxLayout,
    QWidget,
)

from uid2_desk.protocol.clock import Clock, SystemClock
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.model import UserSnapshot
from uid2_desk.publisher.refresh.optout_poll import OptOutPoller, Sleep
from uid2_desk.publisher.refresh.poll_progress import PollProgress
from uid2_desk.publisher.scenario.player import Stage
from uid2_desk.ui.common.tasks import TaskRunner
from uid2_desk.ui.walkthrough.optout_guide import (
    GUIDE_CAPTIONS,
    PRESETS,
    GuideStage,
    guide_stage,
    lab_address,
    opt_out_now,
    refresh_by_policy,
)
from uid2_desk.ui.walkthrough.optout_guided_card import GuidedControls
from uid2_desk.ui.walkthrough.optout_poll_box import PollControls

PROGRESS_REFRESH_MS = 500


class OptOutLab(QWidget):
    """The opt-out lab panel.

    Signals:
        user_selected(str): the lab signed a user in (the window may select them).

    Attributes:
        runner: runs the lab's coroutines; its ``failed`` signal feeds the banner.
        user_id: the guided walk's user, if any.
        poll_user_id: the user the poll refreshes (a test identity's, or the guided one).
        stage: where it acts (publisher, and the local operator's admin when there is one).
        progress: the poll's latest progress.
    """

    user_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("optout_lab")
        self.runner = TaskRunner(self)
        self.stage: Stage | None = None
        self.user_id: str | None = None
        self.poll_user_id: str | None = None
        self._poll_snapshot: UserSnapshot | None = None
        self.progress: PollProgress | None = None
        self._opted_out: set[str] = set()
        self._snapshot: UserSnapshot | None = None
        self._poller: OptOutPoller | None = None
        self._poll_task: asyncio.Task[Any] | None = None
        self._poll_clock: Clock = SystemClock()
        self._poll_sleep: Sleep = asyncio.sleep
        self._build()
        self._timer = QTimer(self)
        self._timer.setObjectName("optout_poll_timer")
        self._timer.setInterval(PROGRESS_REFRESH_MS)
        self._connect_signals()
        self._render()

    def _build(self) -> None:
        self.guided = GuidedControls(self)
        card = self.guided
        self.address, self.sign_in_button = card.address, card.sign_in_button
        self.opt_out_button, self.refresh_button = card.opt_out_button, card.refresh_button
        self.auto_button, self.state_badge = card.auto_button, card.state_badge
        self.guide_caption, self.error, self.remote_hint = card.caption, card.error, card.hint

        self.polling = PollControls(self)
        box = self.polling
        self.preset, self.preset_button = box.preset, box.preset_button
        self.interval, self.attempts, self.limit = box.interval, box.attempts, box.limit
        self.start_button, self.stop_button = box.start_button, box.stop_button
        self.poll_bar, self.poll_status, self.poll_outcome = box.bar, box.status, box.outcome

        layout = QVBoxLayout(self)
        layout.addWidget(self.guided)
        layout.addWidget(self.polling)
        layout.addStretch(1)

    def _connect_signals(self) -> None:
        self.sign_in_button.clicked.connect(self.sign_in)
        self.opt_out_button.clicked.connect(self.opt_out)
        self.refresh_button.clicked.connect(self.refresh)
        self.auto_button.clicked.connect(self.refresh_automatically)
        self.preset_button.clicked.connect(self.sign_in_preset)
        self.start_button.clicked.connect(self.start_polling)
        self.stop_button.clicked.connect(self.stop_polling)
        self.runner.settled.connect(lambda _what: self._render())
        self.runner.started.connect(lambda _what: self.error.setText(""))
        self.runner.failed.connect(self._on_failed)
        self._timer.timeout.connect(self._render_progress)

    # -- wiring ---------------------------------------------------------------------------

    def attach(
        self, stage: Stage, *, poll_clock: Clock | None = None, poll_sleep: Sleep | None = None
    ) -> None:
        """Act on ``stage``; the poll keeps time on ``poll_clock`` (the wall clock by default)."""
        self.stage = stage
        self._poll_clock = poll_clock or SystemClock()
        self._poll_sleep = poll_sleep or asyncio.sleep
        self.address.setText(lab_address(stage.publisher.clock.now_ms()))
        self._render()

    def detach(self) -> None:
        """The services stop: stop polling and forget the stage."""
        self.stop_polling()
        self.stage = None
        self.user_id = self.poll_user_id = None
        self._snapshot = self._poll_snapshot = None
        self._render()

    def show_user(self, snapshot: UserSnapshot) -> None:
        """A user changed (connected to the bridge): follow the lab's own users."""
        if snapshot.user.id == self.poll_user_id:
            self._poll_snapshot = snapshot
        if snapshot.user.id == self.user_id:
            self._snapshot = snapshot
        if snapshot.user.id in (self.user_id, self.poll_user_id):
            self._render()

    # -- slots (thin) ---------------------------------------------------------------------

    def sign_in(self) -> None:
        """Guided 1: sign the address in."""
        if self.stage is not None:
            pub = self.stage.publisher
            coro = pub.sign_in(DiiKind.EMAIL, self.address.text().strip(), label=None)
            self.runner.run("Sign in", coro, self._adopt)
            self._render()

    def opt_out(self) -> None:
        """Guided 2: the viewer opts out now (local operator)."""
        if self.stage is not None and self.user_id is not None:
            user_id = self.user_id
            self.runner.run("Opt out", opt_out_now(self.stage, user_id), self._opted)
            self._render()

    def refresh(self) -> None:
        """Guided 3: refresh by hand."""
        if self.stage is not None and self.user_id is not None:
            self.runner.run("Refresh", self.stage.publisher.refresh(self.user_id), self._show)
            self._render()

    def refresh_automatically(self) -> None:
        """Guided 3: let the automatic policy refresh at refresh_from."""
        if self.stage is not None and self.user_id is not None:
            coro = refresh_by_policy(self.stage, self.user_id)
            self.runner.run("Automatic refresh", coro, self._show)
            self._render()

    def sign_in_preset(self) -> None:
        """Sign in the chosen test identity."""
        if self.stage is not None:
            preset = PRESETS[max(self.preset.currentIndex(), 0)]
            coro = self.stage.publisher.sign_in(DiiKind(preset.kind), preset.value)
            # The test identity is the poll's user; the guided walk keeps its own address.
            self.runner.run("Sign in test identity", coro, self._adopt_for_poll)
            self._render()

    def start_polling(self) -> None:
        """Refresh the lab's user every N seconds until optout or a bound."""
        user_id = self.poll_user_id or self.user_id
        if self.stage is None or user_id is None or self.polling_active:
            return
        bounds = self.polling.bounds()
        publisher = self.stage.publisher
        self._poller = OptOutPoller(
            lambda: publisher.refresh(user_id),
            clock=self._poll_clock,
            bounds=bounds,
            sleep=self._poll_sleep,
            on_progress=self._on_progress,
        )
        self.polling.show_outcome(None)
        self._poll_task = self.runner.run("Wait and poll", self._poller.run(), self._on_polled)
        self._timer.start()
        self._render()

    def stop_polling(self) -> None:
        """End the poll between two refreshes."""
        if self._poller is not None:
            self._poller.stop()

    @property
    def polling_active(self) -> bool:
        """Whether a poll runs."""
        return self._poll_task is not None and not self._poll_task.done()

    @property
    def stage_now(self) -> GuideStage:
        """Where the guided walk stands."""
        return guide_stage(self._snapshot, self.user_id in self._opted_out)

    # -- rendering ------------------------------------------------------------------------

    def _adopt(self, snapshot: UserSnapshot) -> None:
        self.user_id = snapshot.user.id
        self.user_selected.emit(snapshot.user.id)
        self._forget_poll()
        self._show(snapshot)

    def _adopt_for_poll(self, snapshot: UserSnapshot) -> None:
        self.poll_user_id = snapshot.user.id
        self._poll_snapshot = snapshot
        self.user_selected.emit(snapshot.user.id)
        self._forget_poll()
        self._render()

    def _forget_poll(self) -> None:
        """A new sign-in: an earlier poll's "… Opted out" line no longer describes anyone."""
        if not self.polling_active:
            self.progress = None
            self.polling.clear()

    def _opted(self, snapshot: UserSnapshot) -> None:
        self._opted_out.add(snapshot.user.id)
        self._show(snapshot)

    def _show(self, snapshot: UserSnapshot) -> None:
        self._snapshot = snapshot
        self._render()

    def _on_failed(self, what: str, message: str) -> None:
        self.error.setText(f"{what} failed: {message}")
        if self._snapshot is not None and self.stage is not None and self.user_id is not None:
            self._snapshot = self.stage.publisher.snapshot(self.user_id)

    def _on_progress(self, progress: PollProgress) -> None:
        self.progress = progress
        if self.stage is not None:
            if self.user_id is not None:
                self._snapshot = self.stage.publisher.snapshot(self.user_id)
            if self.poll_user_id is not None:
                self._poll_snapshot = self.stage.publisher.snapshot(self.poll_user_id)
        self._render_progress()

    def _on_polled(self, progress: PollProgress) -> None:
        self._timer.stop()
        self.progress = progress
        self.polling.show_outcome(progress)
        self._render_progress()

    def _render_progress(self) -> None:
        if self.progress is not None:
            self.polling.show_progress(self.progress, self._poll_clock.now_ms())

    def _render(self) -> None:
        local = self.stage is not None and self.stage.admin is not None
        busy = self.runner.busy
        stage = self.stage_now
        self.guided.setEnabled(self.stage is not None)
        self.remote_hint.setVisible(self.stage is not None and not local)
        ready = self.stage is not None and not busy
        has_identity = self._snapshot is not None and self._snapshot.identity is not None
        polled = self._poll_snapshot if self.poll_user_id is not None else self._snapshot
        can_poll = polled is not None and polled.identity is not None
        self.sign_in_button.setEnabled(ready and local)
        self.opt_out_button.setEnabled(ready and local and stage is GuideStage.OPT_OUT)
        self.refresh_button.setEnabled(ready and has_identity)
        self.auto_button.setEnabled(ready and local and has_identity)
        self.preset_button.setEnabled(ready and not self.polling_active)
        self.start_button.setEnabled(ready and can_poll and not self.polling_active)
        self.stop_button.setEnabled(self.polling_active)
        self.guide_caption.show_caption(GUIDE_CAPTIONS[stage])
        self.guided.show_user_state(self._snapshot)
