"""The kiosk window and shell: what the TV and the top bar say, presenter keys, the exit chord,
and one loop of the real shell on the real local operator.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QMouseEvent
from pytestqt.qtbot import QtBot

from tests.ui.stage_desk import LoopRunner
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.publisher.scenario.loader import find_scenario
from uid2_desk.services import DeskServices, open_services
from uid2_desk.ui.kiosk.exit_chord import CHORD_WINDOW_MS, ExitChord
from uid2_desk.ui.kiosk.kiosk_status import KioskPacing, KioskPhase, KioskStatus
from uid2_desk.ui.kiosk.screen_state import device_state, phase_line, short_token, top_line
from uid2_desk.ui.kiosk.shell import KioskShell, kiosk_refusal, run_kiosk
from uid2_desk.ui.kiosk.window import KioskWindow
from uid2_desk.ui.walkthrough.paced_player import WaitInfo

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


@pytest.fixture
def runner(qtbot: QtBot, loop: asyncio.AbstractEventLoop) -> LoopRunner:
    return LoopRunner(qtbot, loop)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def services(tmp_path: Path, clock: ManualClock, runner: LoopRunner) -> Iterator[DeskServices]:
    desk = runner.open_desk(tmp_path, clock)
    yield desk
    runner.run(desk.aclose())


@pytest.fixture
def window(qtbot: QtBot, clock: ManualClock) -> KioskWindow:
    win = KioskWindow(clock, clock)
    qtbot.addWidget(win)
    win.leaving = True  # let qtbot close it at the end
    return win


def _key(window: KioskWindow, key: Qt.Key, mods: Qt.KeyboardModifier | None = None) -> None:
    modifiers = mods if mods is not None else Qt.KeyboardModifier.NoModifier
    window.handle_key(QKeyEvent(QEvent.Type.KeyPress, key, modifiers))


# -- pure screen texts ---------------------------------------------------------------------


def test_the_tv_waits_for_a_viewer_before_anyone_signs_in() -> None:
    state = device_state(None, None)
    assert state.who == "Not signed in"
    assert state.ad_text == "Waiting for a viewer"


def test_tokens_are_shown_by_their_head_and_tail() -> None:
    token = "A4AAAAAB5bs4ro" + "x" * 100 + "cBps2c"
    assert short_token(token) == "A4AAAAAB5bs4ro…cBps2c"
    assert short_token("short") == "short"


def test_the_top_bar_names_the_scenario_and_the_step() -> None:
    scenario = find_scenario("server-only")
    status = KioskStatus(KioskPhase.PLAYING, scenario=scenario, step_index=1)
    assert top_line(status) == f"{scenario.title} · step 2 of 4"
    assert top_line(KioskStatus(KioskPhase.STARTING)) == "UID2 server-only integration, live"


def test_the_phase_line_counts_down_the_idle_resume_and_the_fast_forward() -> None:
    paused = KioskStatus(KioskPhase.PAUSED, resume_at_ms=61_000)
    assert phase_line(paused, now_ms=1_000, desk_now_ms=0) == "Paused · resumes in 1:00"
    wait = WaitInfo("refresh_due", target_ms=30_000, started_ms=0, ends_ms=15_000)
    waiting = KioskStatus(KioskPhase.WAITING, wait=wait)
    assert phase_line(waiting, 0, desk_now_ms=5_000) == (
        "Waiting for refresh_from (in 0:25) · fast-forward in 0:10"
    )
    done = KioskStatus(KioskPhase.END_CARD, passed=False)
    assert phase_line(done, 0, 0) == "Scenario complete: an expectation failed"


# -- keys and the exit chord ---------------------------------------------------------------


def test_presenter_keys_become_signals_and_any_other_key_is_a_touch(
    window: KioskWindow, qtbot: QtBot
) -> None:
    seen: list[str] = []
    window.next_pressed.connect(lambda: seen.append("next"))
    window.pause_pressed.connect(lambda: seen.append("pause"))
    window.restart_pressed.connect(lambda: seen.append("restart"))
    window.touched.connect(lambda: seen.append("touch"))
    for key in (Qt.Key.Key_Space, Qt.Key.Key_P, Qt.Key.Key_R, Qt.Key.Key_A, Qt.Key.Key_Escape):
        _key(window, key)
    assert seen == ["next", "pause", "restart", "touch", "touch"]


def test_a_click_anywhere_counts_as_a_touch(window: KioskWindow) -> None:
    touches: list[bool] = []
    window.touched.connect(lambda: touches.append(True))
    press = QMouseEvent(
        QEvent.Type.MouseButtonPress,
        QPointF(10, 10),
        QPointF(10, 10),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert window.eventFilter(window.diagram.viewport(), press) is True
    assert touches == [True]


def test_the_exit_chord_needs_two_presses_within_three_seconds(
    window: KioskWindow, clock: ManualClock
) -> None:
    exits: list[bool] = []
    window.exit_requested.connect(lambda: exits.append(True))
    window.leaving = False
    chord = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    _key(window, Qt.Key.Key_Q, chord)
    assert window.chord_label.text() == "Press Ctrl+Shift+Q again to leave"
    clock.advance(CHORD_WINDOW_MS + 1)
    _key(window, Qt.Key.Key_Q, chord)  # too late: this only arms it again
    assert exits == []
    clock.advance(1_000)
    _key(window, Qt.Key.Key_Q, chord)
    assert exits == [True]
    assert window.leaving


def test_another_key_between_the_two_presses_cancels_the_chord(window: KioskWindow) -> None:
    exits: list[bool] = []
    window.exit_requested.connect(lambda: exits.append(True))
    chord = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    _key(window, Qt.Key.Key_Q, chord)
    _key(window, Qt.Key.Key_X)
    assert window.chord_label.text() == ""
    _key(window, Qt.Key.Key_Q, chord)
    assert exits == []


def test_closing_the_kiosk_any_other_way_is_refused(window: KioskWindow) -> None:
    window.leaving = False
    event = QCloseEvent()
    window.closeEvent(event)
    assert not event.isAccepted()
    window.leaving = True
    event = QCloseEvent()
    window.closeEvent(event)
    assert event.isAccepted()


def test_exit_chord_state_is_plain_logic() -> None:
    chord = ExitChord()
    assert not chord.press(0)
    assert chord.armed(CHORD_WINDOW_MS)
    assert chord.press(CHORD_WINDOW_MS)
    assert not chord.armed(CHORD_WINDOW_MS)


# -- refusing, and one real loop --------------------------------------------------------------


@pytest.mark.parametrize("env", ["prod", "prod-usw", "euid-prod", "https://prod.uidapi.com"])
def test_the_kiosk_refuses_production_before_any_window_opens(
    env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    refusal = kiosk_refusal(env, None)
    assert refusal is not None
    assert "refuses" in refusal
    assert "production operator" in refusal
    args = type("Args", (), {"env": env, "scenario": None, "data_dir": None})()
    assert run_kiosk(args, open_services) == 2
    assert "production operator" in capsys.readouterr().err


def test_the_kiosk_refuses_integ_an_unknown_or_unrepeatable_scenario() -> None:
    assert "only on the embedded local operator" in (kiosk_refusal("integ", None) or "")
    assert "no scenario called 'nope'" in (kiosk_refusal("local", "nope") or "")
    assert "for good" in (kiosk_refusal("local", "user-opts-out-later") or "")
    assert kiosk_refusal("local", "server-only") is None
    assert kiosk_refusal("local", None) is None


def test_one_loop_of_the_real_shell_draws_the_flow_and_the_tv(
    qtbot: QtBot, runner: LoopRunner, services: DeskServices, clock: ManualClock
) -> None:
    window = KioskWindow(services.clock, clock)
    qtbot.addWidget(window)

    async def fast(seconds: float) -> None:
        clock.advance(round(seconds * 1000))
        await asyncio.sleep(0)

    shell = KioskShell(
        window,
        services,
        [find_scenario("bid")],
        pacing=KioskPacing(step_pause_s=1, wait_cap_s=1, end_card_s=1),
        pacing_clock=clock,
        sleep=fast,
    )
    at_end: list[tuple[str, list[str]]] = []

    def on_status(status: KioskStatus) -> None:
        shell._on_status(status)
        if status.phase is KioskPhase.END_CARD:  # what the screen shows at the end card
            window.feed.flush()
            labels = [a.label for a in window.diagram.diagram.arrows]
            at_end.append((window.device.state.ad_title, labels))

    shell.autoplay._on_status = on_status
    runner.run(shell.run(max_loops=1), timeout_ms=30_000)
    ad_title, labels = at_end[0]
    assert "1-d POST /v2/token/generate" in labels
    assert "2-a Token to the SSP" in labels
    assert ad_title == "Ad bought with UID2 token"
    assert window.status.phase is KioskPhase.END_CARD
    assert window.caption.heading.text() == f"That was: {find_scenario('bid').title}"
    assert shell.host.stage is None
    assert not shell.ticker.active
    window.leaving = True


def test_the_exit_chord_ends_the_shell_mid_run(
    qtbot: QtBot, runner: LoopRunner, services: DeskServices, clock: ManualClock
) -> None:
    window = KioskWindow(services.clock, clock)
    qtbot.addWidget(window)
    shell = KioskShell(window, services, [find_scenario("server-only")], pacing_clock=clock)
    task = runner.loop.create_task(shell.run())
    qtbot.waitUntil(lambda: window.status.result is not None, timeout=10_000)
    chord = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    _key(window, Qt.Key.Key_Q, chord)
    _key(window, Qt.Key.Key_Q, chord)
    qtbot.waitUntil(task.done, timeout=10_000)
    task.result()
    assert shell.host.stage is None
    assert services.publisher.users() == []


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--kiosk", "--env", "prod"], "never send requests to a production operator"),
        (["--kiosk", "--scenario", "nope"], "There is no scenario called 'nope'"),
    ],
)
def test_the_command_line_kiosk_refuses_with_a_clear_message_and_exit_code_2(
    argv: list[str], says: str, tmp_path: Path
) -> None:
    env = {**os.environ, "UID2_DESK_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "uid2_desk", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert says in result.stderr
    assert not (tmp_path / "kiosk").exists()  # nothing was started


def test_the_kiosk_scales_its_type_to_the_screen_from_720p_to_4k() -> None:
    from uid2_desk.ui.kiosk.kiosk_look import kiosk_scale, scaled_style_sheet

    assert kiosk_scale(1920, 1080) == 1.0
    assert kiosk_scale(1280, 720) == pytest.approx(2 / 3)
    assert kiosk_scale(3840, 2160) == 2.0
    assert kiosk_scale(1920, 1200) == 1.0  # the tighter side decides
    sheet = "QLabel { font-size: 30px; border: 1px solid #ccc; padding: 6px; }"
    assert scaled_style_sheet(sheet, 2.0) == (
        "QLabel { font-size: 60px; border: 1px solid #ccc; padding: 12px; }"
    )
    assert "font-size: 20px" in scaled_style_sheet(sheet, 2 / 3)
