"""The kiosk loop: playlist, refusal of other environments, presenter controls, and ten loops
with memory and the journal bounded.

The loop runs on the qasync loop against the real publisher and the real local operator (in
process). One fake clock stands under everything; the fake sleep moves it, so a kiosk day
runs in seconds.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import logging
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.stage_desk import LoopRunner
from uid2_desk.client.credentials import Credentials
from uid2_desk.journal import JournalFilter
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import EnvironmentMismatchError, StorageError
from uid2_desk.publisher.scenario.loader import find_scenario, load_all
from uid2_desk.publisher.scenario.player import Stage
from uid2_desk.services import DeskServices, open_services
from uid2_desk.ui.kiosk.autoplay import KioskAutoplay
from uid2_desk.ui.kiosk.host import RUNS_DIR, KioskHost
from uid2_desk.ui.kiosk.kiosk_status import KioskPacing, KioskPhase, KioskStatus
from uid2_desk.ui.kiosk.playlist import (
    kiosk_playlist,
    repeatable,
)

_SECRET = base64.b64encode(bytes(32)).decode()
FAST = KioskPacing(step_pause_s=5, wait_cap_s=10, end_card_s=5, idle_resume_s=60)


class FakeTime:
    """One manual clock under desk, operator and kiosk; sleeping moves it."""

    def __init__(self) -> None:
        self.clock = ManualClock()
        self.slept_ms = 0

    async def sleep(self, seconds: float) -> None:
        ms = round(seconds * 1000)
        self.slept_ms += ms
        self.clock.advance(ms)
        await asyncio.sleep(0)


@pytest.fixture
def runner(qtbot: QtBot, loop: asyncio.AbstractEventLoop) -> LoopRunner:
    return LoopRunner(qtbot, loop)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def services(tmp_path: Path, fake_time: FakeTime, runner: LoopRunner) -> Iterator[DeskServices]:
    desk = runner.open_desk(tmp_path, fake_time.clock)
    yield desk
    runner.run(desk.aclose())


def _kiosk(
    services: DeskServices,
    fake_time: FakeTime,
    playlist: list[str] | None = None,
    statuses: list[KioskStatus] | None = None,
) -> tuple[KioskAutoplay, KioskHost]:
    host = KioskHost(services)
    scenarios = [find_scenario(n) for n in playlist] if playlist else kiosk_playlist(load_all())
    autoplay = KioskAutoplay(
        host,
        scenarios,
        pacing=FAST,
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        on_status=statuses.append if statuses is not None else None,
    )
    return autoplay, host


def test_the_playlist_leaves_out_scenarios_that_opt_a_user_out_for_good() -> None:
    names = [s.name for s in kiosk_playlist(load_all())]
    assert names[:3] == ["server-only", "bid", "client-side"]
    assert "user-opts-out-later" not in names
    assert not repeatable(find_scenario("user-opts-out-later"))
    assert "optout-on-refresh" in names  # the operator's test identity opts out every time


@pytest.mark.parametrize(("env", "word"), [("prod", "production"), ("integ", "local operator")])
def test_the_kiosk_refuses_any_environment_but_the_local_operator(
    tmp_path: Path, runner: LoopRunner, env: str, word: str
) -> None:
    remote = runner.run(
        open_services(
            tmp_path,
            env=env,
            credentials=Credentials("UID2-C-L-1-abcdef", base64.b64encode(bytes(32)).decode()),
        )
    )
    try:
        with pytest.raises(EnvironmentMismatchError, match=word):
            KioskHost(remote)
    finally:
        runner.run(remote.aclose())


def test_each_run_gets_its_own_session_and_old_sessions_rotate_out(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    autoplay, host = _kiosk(services, fake_time, ["server-only", "optout-on-refresh"])
    runner.run(autoplay.run(max_loops=3), timeout_ms=60_000)
    sessions = runner.run(services.journal.entries(limit=None))
    kiosk_sessions = {e.session for e in sessions if "kiosk" in e.session}
    assert host.runs == 6
    assert len(kiosk_sessions) == host.keep_sessions
    assert (services.data_dir / RUNS_DIR).is_dir()
    assert host.stage is None  # nothing left open between runs


def test_every_step_is_shown_with_its_result_and_each_run_ends_on_an_end_card(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    statuses: list[KioskStatus] = []
    autoplay, _host = _kiosk(services, fake_time, ["server-only"], statuses)
    runner.run(autoplay.run(max_loops=1), timeout_ms=30_000)
    results = [s.result for s in statuses if s.result is not None]
    steps = find_scenario("server-only").steps
    assert [r.step.id for r in dict.fromkeys(results)] == [s.id for s in steps]
    assert statuses[-2].phase is KioskPhase.END_CARD
    assert statuses[-2].passed is True
    assert statuses[-1].loops == 1
    # A rest after each of the four steps, then the end card.
    assert fake_time.slept_ms == 4 * 5_000 + 5_000


def test_a_touch_pauses_the_loop_which_resumes_after_the_idle_time(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    statuses: list[KioskStatus] = []
    autoplay, _host = _kiosk(services, fake_time, ["server-only"], statuses)
    touched_at: list[int] = []

    def touch_after_first_step(status: KioskStatus) -> None:
        statuses.append(status)
        if status.result is not None and status.result.index == 0 and not touched_at:
            touched_at.append(fake_time.clock.now_ms())
            autoplay.touched()

    autoplay._on_status = touch_after_first_step
    runner.run(autoplay.run(max_loops=1), timeout_ms=30_000)
    paused = [s for s in statuses if s.phase is KioskPhase.PAUSED]
    assert paused
    assert paused[0].resume_at_ms == touched_at[0] + 60_000
    second_step = next(s for s in statuses if s.step_index == 1)
    assert second_step.phase is KioskPhase.PLAYING
    # Nothing played for the idle minute; the loop then went on by itself.
    assert fake_time.slept_ms >= 60_000 + 3 * 5_000 + 5_000
    assert not autoplay.paused


def _played(autoplay: KioskAutoplay) -> list[int]:
    result = autoplay.status.result
    return [] if result is None else list(range(result.index + 1))


def test_space_while_paused_plays_exactly_one_step(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    # Real (short) sleeps on a clock that stands still: the idle resume never comes.
    autoplay = KioskAutoplay(
        KioskHost(services),
        [find_scenario("server-only")],
        pacing=KioskPacing(step_pause_s=0.01, wait_cap_s=0.01, end_card_s=0.01),
        clock=fake_time.clock,
    )
    autoplay.toggle_pause()  # the presenter pauses before the first step
    task = runner.loop.create_task(autoplay.run(max_loops=1))
    runner.qtbot.wait(200)
    assert _played(autoplay) == []
    autoplay.next_step()
    runner.qtbot.waitUntil(lambda: _played(autoplay) != [], timeout=10_000)
    runner.qtbot.wait(200)
    assert _played(autoplay) == [0]  # one step, and still paused
    assert autoplay.paused
    autoplay.toggle_pause()  # P again: resume
    runner.qtbot.waitUntil(task.done, timeout=30_000)
    task.result()


def test_restart_plays_the_current_scenario_again_from_its_first_step(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    statuses: list[KioskStatus] = []
    autoplay, host = _kiosk(services, fake_time, ["server-only"])
    restarted: list[bool] = []

    def restart_after_two_steps(status: KioskStatus) -> None:
        statuses.append(status)
        if status.result is not None and status.result.index == 1 and not restarted:
            restarted.append(True)
            autoplay.restart()

    autoplay._on_status = restart_after_two_steps
    runner.run(autoplay.run(max_loops=1), timeout_ms=30_000)
    played = [(s.runs, s.result.step.id) for s in statuses if s.result is not None]
    assert list(dict.fromkeys(played)) == [
        (1, "sign-in"),
        (1, "validate"),
        (2, "sign-in"),
        (2, "validate"),
        (2, "refresh"),
        (2, "log-out"),
    ]
    assert host.runs == 2


#: Allocations of the test harness itself (pytest's log capture, pytest-qt's waits), not ours.
_HARNESS = (
    tracemalloc.Filter(False, "*/_pytest/*"),
    tracemalloc.Filter(False, "*/pytestqt/*"),
    tracemalloc.Filter(False, "*/pluggy/*"),
    tracemalloc.Filter(False, tracemalloc.__file__),
)


def _traced_kib() -> int:
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(_HARNESS)
    return sum(stat.size for stat in snapshot.statistics("filename")) // 1024


@pytest.mark.slow
def test_ten_loops_keep_memory_and_the_journal_bounded(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    autoplay, host = _kiosk(services, fake_time)
    rows: list[int] = []
    memory: list[int] = []
    # pytest keeps every captured log record; the scenarios' expected failures log warnings.
    logging.disable(logging.WARNING)
    tracemalloc.start()
    try:
        for _ in range(10):
            runner.run(autoplay.run(max_loops=1), timeout_ms=120_000)
            memory.append(_traced_kib())
            rows.append(runner.run(services.journal.count(JournalFilter())))
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)
    growth = memory[-1] - memory[1]
    print(
        f"\nkiosk: {host.runs} runs, journal rows after each loop {rows}, traced memory "
        f"{memory} KiB, growth loop 2→10 {growth} KiB"
    )
    assert host.runs == 10 * len(autoplay.playlist)
    # The journal holds the last three sessions: after the first loop its size is flat.
    assert len(set(rows[1:])) == 1
    assert rows[-1] <= 3 * max(len(s.steps) for s in autoplay.playlist) * 4
    # 80 more runs, and less than 256 KiB more Python memory (no per-run leak).
    assert growth < 256


class _HostWithABadDisk(KioskHost):
    """The real host, whose second run cannot open its store (as on a full disk)."""

    async def begin(self) -> Stage:
        if self.runs == 1:
            self.runs += 1
            raise StorageError("The desk's database could not be written: disk full.")
        return await super().begin()


def test_a_run_that_fails_is_logged_and_the_loop_goes_on(
    services: DeskServices,
    fake_time: FakeTime,
    runner: LoopRunner,
    caplog: pytest.LogCaptureFixture,
) -> None:
    statuses: list[KioskStatus] = []
    autoplay = KioskAutoplay(
        _HostWithABadDisk(services),
        [find_scenario("server-only"), find_scenario("bid"), find_scenario("phone")],
        pacing=FAST,
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        on_status=statuses.append,
    )
    runner.run(autoplay.run(max_loops=1), timeout_ms=30_000)
    assert autoplay.failed_runs == 1
    assert "the run of bid failed" in caplog.text
    ended = [s.scenario.name for s in statuses if s.phase is KioskPhase.END_CARD and s.scenario]
    assert list(dict.fromkeys(ended)) == ["server-only", "phone"]
