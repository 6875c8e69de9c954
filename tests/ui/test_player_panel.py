"""The in-window scenario player: play, pause, step, reset, skip ahead; green and red steps.

The panel plays on the real publisher and the real local operator (in process); only the
clock is fake, so a wait step waits until "Skip ahead" is pressed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.ui.stage_desk import LoopRunner
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.publisher.scenario.loader import load_all, parse_scenario
from uid2_desk.publisher.scenario.model import Scenario
from uid2_desk.services import DeskServices
from uid2_desk.ui.walkthrough.player_steps_model import RowState, StepColumn
from uid2_desk.ui.walkthrough.scenario_player_panel import ScenarioPlayerPanel

#: A scenario whose second expectation cannot hold: the step list must show it red.
_WRONG = parse_scenario(
    {
        "name": "wrong-expectation",
        "title": "An expectation that does not hold",
        "step": [
            {
                "id": "sign-in",
                "do": "sign_in",
                "dii": "email",
                "value": "validate@example.com",
                "caption": {"title": "Sign in", "user": "Types their email on the TV."},
                "expect": {"state": "established"},
            },
            {
                "id": "refresh",
                "do": "refresh",
                "caption": {"title": "Refresh"},
                "expect": {"status": "optout"},
            },
        ],
    }
)


@pytest.fixture
def stage_services(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> Iterator[tuple[DeskServices, LoopRunner]]:
    runner = LoopRunner(qtbot, loop)
    services = runner.open_desk(tmp_path, ManualClock())
    yield services, runner
    runner.run(services.aclose())


def _panel(qtbot: QtBot, services: DeskServices, scenarios: list[Scenario]) -> ScenarioPlayerPanel:
    panel = ScenarioPlayerPanel(scenarios)
    qtbot.addWidget(panel)
    panel.step_pause_s = 0.01
    panel.attach(services.stage, services.clock)
    return panel


def _states(panel: ScenarioPlayerPanel) -> list[RowState]:
    return [row.state for row in panel.steps_model.rows]


def _idle(qtbot: QtBot, panel: ScenarioPlayerPanel) -> None:
    qtbot.waitUntil(lambda: not panel.runner.busy, timeout=15_000)


def test_the_panel_offers_the_same_scenarios_as_the_command_line(
    qtbot: QtBot, stage_services: tuple[DeskServices, LoopRunner]
) -> None:
    scenarios = load_all()
    panel = _panel(qtbot, stage_services[0], scenarios)
    names = [panel.chooser.itemData(i) for i in range(panel.chooser.count())]
    assert names == [s.name for s in scenarios]
    assert "server-only" in names


def test_step_plays_one_step_and_its_row_turns_green_with_the_caption(
    qtbot: QtBot, stage_services: tuple[DeskServices, LoopRunner]
) -> None:
    panel = _panel(qtbot, stage_services[0], load_all())
    panel.choose("server-only")
    assert panel.caption.heading.text().startswith("Next: The user signs in")
    QTest.mouseClick(panel.step_button, Qt.MouseButton.LeftButton)
    _idle(qtbot, panel)
    assert _states(panel)[:2] == [RowState.PASSED, RowState.PENDING]
    mark = panel.steps_model.index(0, StepColumn.MARK)
    assert mark.data() == "✓"
    assert mark.data(Qt.ItemDataRole.ForegroundRole).name() == "#15803d"
    assert "validate@example.com" in panel.caption.line("user")
    assert "/v2/token/generate" in panel.caption.line("publisher")
    assert panel.caption.verdict.text().startswith("✓ As expected: ")
    assert "state established" in panel.caption.verdict.text()
    assert panel.caption.verdict_colour == "#15803d"


def test_play_runs_to_the_end_and_reports_every_expectation_held(
    qtbot: QtBot, stage_services: tuple[DeskServices, LoopRunner]
) -> None:
    panel = _panel(qtbot, stage_services[0], load_all())
    panel.choose("server-only")
    with qtbot.waitSignal(panel.finished, timeout=15_000) as finished:
        QTest.mouseClick(panel.play_button, Qt.MouseButton.LeftButton)
    assert finished.args == [True]
    _idle(qtbot, panel)
    assert set(_states(panel)) == {RowState.PASSED}
    assert not panel.play_button.isEnabled()  # nothing left to play
    assert panel.reset_button.isEnabled()


def test_an_expectation_that_does_not_hold_turns_red_and_says_why(
    qtbot: QtBot, stage_services: tuple[DeskServices, LoopRunner]
) -> None:
    panel = _panel(qtbot, stage_services[0], [_WRONG])
    with qtbot.waitSignal(panel.finished, timeout=15_000) as finished:
        panel.play()
    assert finished.args == [False]
    assert _states(panel) == [RowState.PASSED, RowState.FAILED]
    assert panel.steps_model.index(1, StepColumn.MARK).data() == "✗"
    assert panel.caption.verdict.text() == (
        "✗ Expectation failed: expected status optout, got success"
    )
    assert panel.caption.verdict_colour == "#b91c1c"


def test_pause_stops_after_the_step_in_progress(
    qtbot: QtBot, stage_services: tuple[DeskServices, LoopRunner]
) -> None:
    panel = _panel(qtbot, stage_services[0], load_all())
    panel.choose("server-only")
    panel.step_pause_s = 30.0  # a long rest after the first step: pause lands in it
    panel.play()
    qtbot.waitUntil(lambda: _states(panel)[0] is RowState.PASSED, timeout=15_000)
    assert panel.pause_button.isEnabled()
    QTest.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    _idle(qtbot, panel)
    assert _states(panel)[1:] == [RowState.PENDING] * 3
    assert panel.play_button.isEnabled()


def test_reset_removes_the_scenario_user_and_starts_over(
    qtbot: QtBot, stage_services: tuple[DeskServices, LoopRunner]
) -> None:
    services = stage_services[0]
    panel = _panel(qtbot, services, load_all())
    panel.choose("server-only")
    panel.step()
    _idle(qtbot, panel)
    assert [s.user.entered for s in services.publisher.users()] == ["validate@example.com"]
    QTest.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    _idle(qtbot, panel)
    assert services.publisher.users() == []
    assert set(_states(panel)) == {RowState.PENDING}
    assert panel.caption.heading.text().startswith("Next: ")


def test_a_wait_step_waits_until_skip_ahead_jumps_it(
    qtbot: QtBot, stage_services: tuple[DeskServices, LoopRunner]
) -> None:
    panel = _panel(qtbot, stage_services[0], load_all())
    panel.choose("expiry")
    panel.step()
    _idle(qtbot, panel)
    panel.step()  # "refresh_from is reached": the fake clock never gets there by itself
    qtbot.waitUntil(lambda: panel.wait_label.text() != "", timeout=5_000)
    assert panel.wait_label.text() == ("Waiting for refresh_from: 0:30 left (Skip ahead jumps it)")
    assert _states(panel)[1] is RowState.RUNNING
    assert panel.skip_button.isEnabled()
    qtbot.wait(300)
    assert panel.runner.busy  # still waiting
    QTest.mouseClick(panel.skip_button, Qt.MouseButton.LeftButton)
    _idle(qtbot, panel)
    assert _states(panel)[1] is RowState.PASSED
    assert panel.wait_label.text() == ""
    assert "refresh_due" in panel.caption.verdict.text()
