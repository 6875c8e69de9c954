"""The kiosk's loop: demo scenarios one after another, forever, at a pace people can follow.

:class:`KioskAutoplay` plays each scenario of its playlist on a fresh stage from a
:class:`RunHost` (:class:`~uid2_desk.ui.kiosk.host.KioskHost`: a new journal session per run,
old ones pruned), step by step through a
:class:`~uid2_desk.ui.walkthrough.paced_player.PacedPlayer`:
a rest after each step to read the caption, waits shown in real time up to a cap, an end
card between runs. Presenter controls, all safe to call at any moment from key handlers:

- :meth:`next_step` (space): cut the rest or the wait short; while paused, play one step;
- :meth:`toggle_pause` (P): pause or resume;
- :meth:`restart` (R): start the current scenario again;
- :meth:`touched` (any other key or touch): pause; the loop resumes by itself after
  :attr:`KioskPacing.idle_resume_s` without input.

No Qt: the pacing clock and the sleep are injected, so tests run ten loops in seconds. The
playlist is :mod:`~uid2_desk.ui.kiosk.playlist`; the pacing and the status the loop reports,
:mod:`~uid2_desk.ui.kiosk.kiosk_status`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.publisher.scenario.model import Scenario
from uid2_desk.publisher.scenario.player import ScenarioPlayer, Stage
from uid2_desk.ui.kiosk.kiosk_status import KioskPacing, KioskPhase, KioskStatus
from uid2_desk.ui.walkthrough.paced_player import PacedPlayer, WaitInfo

Sleep = Callable[[float], Awaitable[None]]
_LOG = logging.getLogger(__name__)


class RunHost(Protocol):
    """Gives each run a fresh stage and cleans up after it."""

    async def begin(self) -> Stage:
        """A stage for the next run."""
        ...

    async def end(self) -> None:
        """The run is over: release its stage and rotate old data out."""
        ...


class KioskAutoplay:
    """Plays the playlist forever (or ``max_loops`` times), with presenter controls.

    Attributes:
        playlist: the scenarios, in order.
        pacing: the rests and caps.
        status: the latest status (also given to ``on_status``).
        paused: whether the loop is paused.
        failed_runs: runs that ended on an unexpected error (logged; the loop went on).
    """

    def __init__(
        self,
        host: RunHost,
        playlist: Sequence[Scenario],
        *,
        pacing: KioskPacing | None = None,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        on_status: Callable[[KioskStatus], None] | None = None,
        on_stage: Callable[[Stage], None] | None = None,
    ) -> None:
        if not playlist:
            raise ValueError("the kiosk needs at least one scenario to play")
        self.playlist = list(playlist)
        self.pacing = pacing or KioskPacing()
        self.status = KioskStatus(KioskPhase.STARTING)
        self.failed_runs = 0
        self.paused = False
        self._host = host
        self._clock = clock
        self._sleep = sleep
        self._on_status = on_status
        self._on_stage = on_stage
        self._paced: PacedPlayer | None = None
        self._resume_at: int | None = None
        self._step_once = False
        self._restart = False
        self._wake = asyncio.Event()

    # -- presenter controls -------------------------------------------------------------

    def next_step(self) -> None:
        """Space: skip the rest or wait; while paused, play exactly one step."""
        if self.paused:
            self._step_once = True
            self._resume_at = self._idle_deadline()
            self._wake.set()
        elif self._paced is not None:
            self._paced.skip_ahead()

    def toggle_pause(self) -> None:
        """P: pause (resuming by itself after the idle time) or resume now."""
        if self.paused:
            self._resume()
        else:
            self._pause()

    def restart(self) -> None:
        """R: play the current scenario again from its first step."""
        self._restart = True
        self._step_once = False
        if self._paced is not None:
            self._paced.pause()
        self._resume()

    def touched(self) -> None:
        """Any other input: pause, and push the automatic resume back."""
        self._pause()

    # -- the loop -------------------------------------------------------------------------

    async def run(self, max_loops: int | None = None) -> None:
        """Play the playlist ``max_loops`` times (forever when ``None``)."""
        loops = 0
        while max_loops is None or loops < max_loops:
            for scenario in self.playlist:
                try:
                    await self._run_scenario(scenario)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # A booth must outlive one bad run (a full disk, a bug): log, breathe, go on.
                    self.failed_runs += 1
                    _LOG.exception("kiosk: the run of %s failed; going on", scenario.name)
                    await self._sleep(self.pacing.end_card_s)
            loops += 1
            self._emit(loops=loops)

    async def _run_scenario(self, scenario: Scenario) -> None:
        while True:
            self._restart = False
            stage = await self._host.begin()
            if self._on_stage is not None:
                self._on_stage(stage)
            player = ScenarioPlayer(scenario, stage)
            self._paced = PacedPlayer(
                player,
                clock=stage.publisher.clock,
                sleep=self._sleep,
                wait_cap_s=self.pacing.wait_cap_s,
                on_wait=self._on_wait,
                on_step=lambda i: self._emit(step_index=i, result=None, phase=KioskPhase.PLAYING),
            )
            self._emit(
                phase=KioskPhase.PLAYING,
                scenario=scenario,
                step_index=None,
                result=None,
                passed=None,
                runs=self.status.runs + 1,
            )
            try:
                await self._play(self._paced)
            finally:
                self._paced = None
                with contextlib.suppress(Uid2DeskError):
                    await player.reset()
                await self._host.end()
            if not self._restart:
                return

    async def _play(self, paced: PacedPlayer) -> None:
        player = paced.player
        while not player.done:
            await self._hold_while_paused(paced)
            if self._restart_requested():
                return
            result = await paced.step()
            if self._restart_requested():
                return
            if result is None:  # paused during a wait: the step was not played
                continue
            self._emit(result=result, phase=self._phase())
            # The last step's caption deserves its reading time too, before the end card.
            await self._rest(paced, self.pacing.step_pause_s)
        self._emit(phase=KioskPhase.END_CARD, passed=player.passed)
        await self._rest(paced, self.pacing.end_card_s)
        await self._hold_while_paused(paced)

    async def _rest(self, paced: PacedPlayer, seconds: float) -> None:
        if not self.paused and not self._restart:
            await paced.rest(seconds)

    async def _hold_while_paused(self, paced: PacedPlayer) -> None:
        """Wait while paused; return for one step (space), a resume, or a restart."""
        while self.paused and not self._restart:
            if self._step_once:
                self._step_once = False
                return
            now = self._clock.now_ms()
            if self._resume_at is not None and now >= self._resume_at:
                self._resume()
                return
            left_s = 1.0 if self._resume_at is None else (self._resume_at - now) / 1000
            await self._sleep_or_wake(min(1.0, max(left_s, 0.0)))

    async def _sleep_or_wake(self, seconds: float) -> None:
        self._wake.clear()
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    # -- state ----------------------------------------------------------------------------

    def _restart_requested(self) -> bool:
        # A method, not the bare flag: a key handler may set it while a step is awaited.
        return self._restart

    def _idle_deadline(self) -> int:
        return self._clock.now_ms() + round(self.pacing.idle_resume_s * 1000)

    def _pause(self) -> None:
        self.paused = True
        self._resume_at = self._idle_deadline()
        if self._paced is not None:
            self._paced.pause()
        self._emit(phase=KioskPhase.PAUSED, resume_at_ms=self._resume_at)

    def _resume(self) -> None:
        was_paused = self.paused
        self.paused = False
        self._resume_at = None
        self._wake.set()
        if was_paused:
            self._emit(phase=self._phase(), resume_at_ms=None)

    def _phase(self) -> KioskPhase:
        if self.paused:
            return KioskPhase.PAUSED
        if self.status.wait is not None:
            return KioskPhase.WAITING
        return KioskPhase.PLAYING

    def _on_wait(self, info: WaitInfo | None) -> None:
        self._emit(wait=info, phase=KioskPhase.WAITING if info else self._phase_without_wait())

    def _phase_without_wait(self) -> KioskPhase:
        return KioskPhase.PAUSED if self.paused else KioskPhase.PLAYING

    def _emit(self, **changes: Any) -> None:
        self.status = replace(self.status, **changes)
        if self._on_status is not None:
            self._on_status(self.status)
