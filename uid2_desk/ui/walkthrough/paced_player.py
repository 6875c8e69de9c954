"""Plays a scenario at a human pace: real-time waits that can be skipped, pauses between steps.

:class:`~uid2_desk.publisher.scenario.player.ScenarioPlayer` plays a ``wait`` step by warping
the shared clock at once (what ``uid2-desk run`` wants). On screen, with the operator's demo
lifetimes, a person should *see* the countdowns run out, so :class:`PacedPlayer` first waits in
real time until just before the moment the step waits for (``refresh_from``,
``identity_expires``, ``refresh_expires``), and only then lets the player warp the last
moment and tick. "Skip ahead" ends the real wait at once; the kiosk also caps it.

The last :data:`WAIT_MARGIN_MS` are always warped, never waited: the step itself must cross
the moment, or a refresh the policy driver makes on time would fall outside the step and its
expectations. ``seconds`` waits are played directly: waiting first and then warping the same
number of seconds would double them.

No Qt here (the window's player panel and the kiosk both drive it from the qasync loop), so
it is tested with a fake clock.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from uid2_desk.protocol.clock import Clock
from uid2_desk.publisher.scenario.model import Action, WaitUntil
from uid2_desk.publisher.scenario.player import ScenarioPlayer
from uid2_desk.publisher.scenario.results import StepResult
from uid2_desk.publisher.scenario.waits import deadline_ms

#: How much of a wait is always warped rather than waited (see the module docstring).
WAIT_MARGIN_MS = 1_000
#: Longest single sleep while waiting, so a warp of the clock by someone else is noticed.
WAIT_SLICE_S = 1.0

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class WaitInfo:
    """A real-time wait in progress, for the "waiting for…" line and its countdown.

    Attributes:
        what: the moment waited for, a :class:`WaitUntil` value such as ``refresh_due``.
        target_ms: desk-clock time of that moment.
        started_ms: desk-clock time the wait began.
        ends_ms: desk-clock time the real wait ends (before the target, or at the kiosk's cap);
            the step warps from there to ``target_ms``.
    """

    what: str
    target_ms: int
    started_ms: int
    ends_ms: int


def wait_target_ms(player: ScenarioPlayer) -> tuple[str, int] | None:
    """``(moment, desk time)`` the player's next step waits for, when it is an ``until`` wait.

    ``None`` when the next step is not such a wait, when the scenario is skipped on this
    stage, or when the user holds no identity (the step itself will then say why it fails).
    """
    if player.done or player.skipped or player.user_id is None:
        return None
    step = player.scenario.steps[player.position]
    until = step.param("until")
    if step.action is not Action.WAIT or until is None:
        return None
    publisher = player.stage.publisher
    if not any(s.user.id == player.user_id for s in publisher.users()):
        return None
    identity = publisher.snapshot(player.user_id).identity
    if identity is None:
        return None
    moment = WaitUntil(str(until))
    return moment.value, deadline_ms(identity, moment)


class PacedPlayer:
    """Steps a :class:`ScenarioPlayer`, waiting in real time where the scenario waits.

    Attributes:
        player: the scenario player driven.
        clock: the desk clock (the one the scenario's moments are measured on).
        wait_cap_s: the longest real wait before skipping ahead on its own (``None``: wait
            the whole time, as the window's player does).

    ``on_wait`` hears every wait start (a :class:`WaitInfo`) and end (``None``); ``on_step``
    hears the index of each step about to be played (before its wait, if any).
        waiting: the wait in progress, if any.
        paused: whether :meth:`play` was paused (or never started).
    """

    def __init__(
        self,
        player: ScenarioPlayer,
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        wait_cap_s: float | None = None,
        on_wait: Callable[[WaitInfo | None], None] | None = None,
        on_step: Callable[[int], None] | None = None,
    ) -> None:
        self.player = player
        self.clock = clock
        self.wait_cap_s = wait_cap_s
        self.waiting: WaitInfo | None = None
        self.paused = True
        self._sleep = sleep
        self._on_wait = on_wait
        self._on_step = on_step
        self._wake = asyncio.Event()
        self._skip = False
        self._halt = False

    # -- controls (called from slots and key handlers; they only set flags) -------------

    def skip_ahead(self) -> None:
        """End the current real wait, or the pause between two steps, now."""
        self._skip = True
        self._wake.set()

    def pause(self) -> None:
        """Stop :meth:`play` after the step in progress; a real wait is abandoned."""
        self.paused = True
        self._halt = True
        self._wake.set()

    # -- playing ----------------------------------------------------------------------

    async def step(self) -> StepResult | None:
        """Play the next step, waiting first if it waits; ``None`` if paused meanwhile."""
        self._halt = False
        if self._on_step is not None and not self.player.done:
            self._on_step(self.player.position)
        target = wait_target_ms(self.player)
        if target is not None and not await self._wait_for(*target):
            return None
        return await self.player.step()

    async def play(
        self,
        *,
        step_pause_s: float = 0.0,
        on_result: Callable[[StepResult], None] | None = None,
    ) -> bool:
        """Play until the end or a pause, resting ``step_pause_s`` between steps.

        Returns whether the scenario reached its end.
        """
        self.paused = False
        while not self.player.done and not self.paused:
            result = await self.step()
            if result is None:
                break
            if on_result is not None:
                on_result(result)
            if not self.player.done and not self.paused and step_pause_s > 0:
                await self.rest(step_pause_s)
        return self.player.done

    async def rest(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless skipped or paused; return whether it ran to the end."""
        self._skip = False
        return await self._sleep_or_wake(seconds)

    # -- internals ----------------------------------------------------------------------

    async def _wait_for(self, what: str, target_ms: int) -> bool:
        """Wait in real time until shortly before ``target_ms``; False if paused meanwhile."""
        self._skip = False
        start = self.clock.now_ms()
        ends = target_ms - WAIT_MARGIN_MS
        if self.wait_cap_s is not None:
            ends = min(ends, start + round(self.wait_cap_s * 1000))
        if ends <= start:
            return True
        self._set_waiting(WaitInfo(what, target_ms, start, ends))
        try:
            while not self._skip:
                if self._halt:
                    return False
                left_ms = ends - self.clock.now_ms()
                if left_ms <= 0:
                    break
                await self._sleep_or_wake(min(WAIT_SLICE_S, left_ms / 1000))
            return not self._halt
        finally:
            self._set_waiting(None)

    async def _sleep_or_wake(self, seconds: float) -> bool:
        """Sleep, cut short by :meth:`skip_ahead` or :meth:`pause`; True if it slept fully."""
        self._wake.clear()
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            done, _ = await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        return sleeper in done and not self._halt and not self._skip

    def _set_waiting(self, info: WaitInfo | None) -> None:
        self.waiting = info
        if self._on_wait is not None:
            self._on_wait(info)
