"""Plays a scenario step by step against a publisher, checking each step's expectations.

:class:`ScenarioPlayer` is Qt-free; the GUI's scenario player and the kiosk drive it with
:meth:`~ScenarioPlayer.step`, :meth:`~ScenarioPlayer.play`, :meth:`~ScenarioPlayer.pause` and
:meth:`~ScenarioPlayer.reset`, and the CLI plays it headless. What it can do besides the
publisher's own operations comes from a :class:`~.stage.Stage`: a time warp, the local
operator's admin surface, a buyer. A scenario that needs something the stage lacks is skipped,
step by step, with the reason (a remote operator cannot be told to opt a user out).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable

from uid2_desk.journal import JournalEntry
from uid2_desk.protocol.errors import ScenarioError, Uid2DeskError
from uid2_desk.protocol.normalize import DiiKind, parse_dii
from uid2_desk.publisher.model import (
    DeskEvent,
    EntryAppended,
    Notice,
    SignInMode,
    UserSnapshot,
)
from uid2_desk.publisher.recorder import automatic
from uid2_desk.publisher.refresh.policy import PolicyKind
from uid2_desk.publisher.scenario.model import Action, Scenario, Step, WaitUntil
from uid2_desk.publisher.scenario.results import StepResult, StepStatus
from uid2_desk.publisher.scenario.stage import LocalAdmin, Stage
from uid2_desk.publisher.scenario.step_run import StepRun, observe, step_result
from uid2_desk.publisher.scenario.waits import landing_ms

# Stage and LocalAdmin live in .stage; they stay importable from here, as before.
__all__ = ["LocalAdmin", "ScenarioPlayer", "Stage"]


class ScenarioPlayer:
    """Plays one scenario on one stage.

    Attributes:
        scenario: what is played.
        stage: what it is played on.
        results: the results so far, one per step played.
        user_id: the scenario's test user, once a step signed one in.
        run_id: a short random id, new on every reset; replaces ``{run}`` in step values.
    """

    def __init__(self, scenario: Scenario, stage: Stage) -> None:
        self.scenario = scenario
        self.stage = stage
        self.results: list[StepResult] = []
        self.user_id: str | None = None
        self._users: list[str] = []
        self._paused = False
        self.run_id = secrets.token_hex(3)

    @property
    def unsupported(self) -> str | None:
        """Why this scenario cannot play on this stage, or ``None`` when it can."""
        if self.scenario.guide is not self.stage.publisher.guide:
            return (
                f"plays the {self.scenario.guide.display_name}, but this desk plays the "
                f"{self.stage.publisher.guide.display_name}; play it with uid2-desk run "
                f"{self.scenario.name}"
            )
        missing = [f.value for f in self.scenario.needs if self.stage.missing(f)]
        if not missing:
            return None
        env = self.stage.publisher.environment.display_name
        return f"needs the local operator ({', '.join(missing)}), not available on {env}"

    @property
    def position(self) -> int:
        """Index of the next step to play."""
        return len(self.results)

    @property
    def done(self) -> bool:
        """Whether every step has been played."""
        return self.position >= len(self.scenario.steps)

    @property
    def passed(self) -> bool:
        """Whether every step played so far held its expectations."""
        return all(r.held for r in self.results)

    @property
    def skipped(self) -> bool:
        """Whether the scenario was skipped on this stage."""
        return self.unsupported is not None

    async def step(self) -> StepResult:
        """Play the next step and return its result."""
        if self.done:
            raise ScenarioError(
                f"The scenario {self.scenario.name} has finished; reset it to play it again."
            )
        index = self.position
        step = self.scenario.steps[index]
        reason = self.unsupported
        if reason is not None:
            result = StepResult(index, step, StepStatus.SKIPPED, "skipped", reason=reason)
        else:
            # Its entries say which scenario step made them (the log's "why").
            with automatic(f"Scenario {self.scenario.name}, step {step.id}"):
                result = await self._play(index, step)
        self.results.append(result)
        return result

    async def play(self, on_result: Callable[[StepResult], None] | None = None) -> bool:
        """Play the remaining steps until done or paused; return :attr:`passed`."""
        self._paused = False
        while not self.done and not self._paused:
            result = await self.step()
            if on_result is not None:
                on_result(result)
            await asyncio.sleep(0)  # let the UI breathe between steps
        return self.passed

    def pause(self) -> None:
        """Stop :meth:`play` after the step in progress."""
        self._paused = True

    async def reset(self) -> None:
        """Forget the results, remove the scenario's test users and clear injected faults."""
        self._paused = True
        for user_id in self._users:
            if any(s.user.id == user_id for s in self.stage.publisher.users()):
                await self.stage.publisher.remove_user(user_id)
        if self.stage.admin is not None and any(
            s.action is Action.FAULT for s in self.scenario.steps
        ):
            await self.stage.admin.clear_faults()
        self._users.clear()
        self.user_id = None
        self.results.clear()
        self.run_id = secrets.token_hex(3)

    # -- playing one step ----------------------------------------------------------------

    async def _play(self, index: int, step: Step) -> StepResult:
        run = StepRun()

        def collect(event: DeskEvent) -> None:
            if isinstance(event, EntryAppended):
                run.entries.append(event.entry)
            elif isinstance(event, Notice):
                run.notices.append(event.message)

        unsubscribe = self.stage.publisher.subscribe(collect)
        try:
            await self._act(step, run)
        except Uid2DeskError as exc:
            run.error = exc
        finally:
            unsubscribe()
        run.entries = self._own(run.entries)
        return step_result(index, step, run, observe(run, self._snapshot()))

    async def _act(self, step: Step, run: StepRun) -> None:
        pub = self.stage.publisher
        action = step.action
        if action is Action.SIGN_IN:
            await self._sign_in(step)
        elif action is Action.CHECK:
            return
        elif action is Action.WAIT:
            await self._wait(step)
        elif action is Action.FAULT:
            count = step.param("count")
            await self.stage.inject_fault(
                str(step.param("fault")),
                str(step.param("endpoint", "any")),
                None if count is None else int(count),
                int(step.param("latency_ms", 0) or 0),
            )
        elif action is Action.CLEAR_FAULTS:
            await self.stage.clear_faults()
        else:
            user_id = self._require_user(step)
            if action is Action.REFRESH:
                await pub.refresh(user_id)
            elif action is Action.VALIDATE:
                run.valid = await pub.validate(user_id)
            elif action is Action.LOG_OUT:
                await pub.log_out(user_id)
            elif action is Action.USER_RETURNS:
                await pub.user_returns(user_id)
            elif action is Action.SET_POLICY:
                interval = step.param("interval_s")
                await pub.set_policy(
                    user_id,
                    PolicyKind(str(step.param("policy"))),
                    interval_ms=None if interval is None else int(interval) * 1000,
                )
            elif action is Action.OPT_OUT:
                await self.stage.opt_out(user_id)
            elif action is Action.HAND_OFF:
                # The desk plays the browser's client too: it keeps refreshing the identity.
                await pub.handoffs.hand_off(user_id, browser=False)
            elif action is Action.BID:
                assert self.stage.buyer is not None
                run.bid = await self.stage.buyer.bid(user_id)

    async def _sign_in(self, step: Step) -> None:
        pub = self.stage.publisher
        kind = DiiKind(str(step.param("dii")))
        value = self.expand(str(step.param("value")))
        label = step.param("label")
        dii = parse_dii(kind, value)
        try:
            await pub.sign_in(
                kind,
                value,
                send_raw=bool(step.param("send_raw", False)),
                label=None if label is None else str(label),
                mode=SignInMode(str(step.param("mode", "server"))),
                app_name=_optional(step.param("app_name")),
                origin=_optional(step.param("origin")),
            )
        finally:
            # Even a failed sign-in leaves the user on the desk: find them for later steps.
            for s in pub.users():
                if s.user.hash_b64 == dii.hash_b64 and s.user.environment == pub.environment.id:
                    await self._adopt(s.user.id)

    def expand(self, value: str) -> str:
        """A step value with ``{run}`` replaced by this run's id.

        ``jane+{run}@example.com`` is a new person on every run, so a scenario that changes
        the operator for good (an opt-out) can be played again on the same operator.
        """
        return value.replace("{run}", self.run_id)

    async def _adopt(self, user_id: str) -> None:
        self.user_id = user_id
        if user_id in self._users:
            return
        self._users.append(user_id)
        # Scenarios assume the manual policy unless a step sets another; a user already on
        # the desk may have kept one from earlier work.
        if self.stage.publisher.snapshot(user_id).policy is not PolicyKind.MANUAL:
            await self.stage.publisher.set_policy(user_id, PolicyKind.MANUAL)

    async def _wait(self, step: Step) -> None:
        pub = self.stage.publisher
        assert self.stage.warp is not None
        seconds = step.param("seconds")
        if seconds is not None:
            self.stage.warp(int(seconds) * 1000)
        else:
            identity = pub.snapshot(self._require_user(step)).identity
            if identity is None:
                raise ScenarioError(f"step {step.id}: the user has no identity to wait for.")
            # Expiry waits land just past the moment, where desk and operator agree (.waits).
            target = landing_ms(identity, WaitUntil(str(step.param("until"))))
            delta = target - pub.clock.now_ms()
            if delta > 0:
                self.stage.warp(delta)
        await pub.tick()

    def _require_user(self, step: Step) -> str:
        if self.user_id is None:
            raise ScenarioError(
                f"{self.scenario.source}, step {step.id}: no user yet; a sign_in step must come "
                "first."
            )
        return self.user_id

    def _own(self, entries: list[JournalEntry]) -> list[JournalEntry]:
        """The entries this scenario made: its users' and user-less ones (faults, buyer keys).

        Other test users on the desk go on living while a step runs (an automatic policy
        refreshes them during a wait); what they do is not the step's doing, and counting it
        would fail an ``exchanges`` expectation depending on who else is signed in.
        """
        present = {s.user.id: s.user.entered for s in self.stage.publisher.users()}
        mine = {present[user_id] for user_id in self._users if user_id in present}
        return [e for e in entries if e.user is None or e.user in mine]

    def _snapshot(self) -> UserSnapshot | None:
        """The scenario user's snapshot, if they are (still) on the desk."""
        if self.user_id is not None and any(
            s.user.id == self.user_id for s in self.stage.publisher.users()
        ):
            return self.stage.publisher.snapshot(self.user_id)
        return None


def _optional(value: str | int | bool | None) -> str | None:
    return None if value is None else str(value)
