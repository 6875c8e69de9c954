"""Paint first: what the desk window's first paint does without, and that it is still whole.

The window is measured against a bare PySide6 window (tests/benchmarks/bench_ui.py); these
tests keep the reasons it can be fast from quietly coming back: no ``Qt`` namespace enums
(95 enums, ~40 ms), no QStyle enums, no style sheet, none of the services' modules and none
of the widgets nobody sees yet before the first paint.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from tests.ui.child_process import reported, run_child
from tests.ui.stall_probe import measure_stalls
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.ui.common import qt_values
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.common.look import Card
from uid2_desk.ui.identity.identity_panel import IdentityPanel
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow

FIRST_PAINT_CHILD = """
import builtins, json, os, sys
os.environ["UID2_DESK_EXIT_WHEN"] = "first-paint"
from uid2_desk.app import run_gui
from uid2_desk.cli.main import build_parser
from uid2_desk.ui.window.main_window import DeskWindow

at_first_paint = {}
complete = DeskWindow.complete

def complete_noting_what_the_first_paint_loaded(window):
    if not window.is_complete:
        at_first_paint["painted"] = window.first_paint_at is not None
        at_first_paint["modules"] = sorted(sys.modules)
    complete(window)

DeskWindow.complete = complete_noting_what_the_first_paint_loaded
code = run_gui(build_parser().parse_args(["--data-dir", sys.argv[1]]))
import PySide6.QtCore, PySide6.QtWidgets
from PySide6.QtWidgets import QApplication

app = QApplication.instance()
print("report " + json.dumps({
    "code": code,
    "qt_enums": "Qt" in vars(PySide6.QtCore),
    "qstyle": "QStyle" in vars(PySide6.QtWidgets),
    "style_sheet": app.styleSheet(),
    "import_hook": builtins.__import__.__name__,
    "painted_before_completing": at_first_paint["painted"],
    "modules_at_first_paint": at_first_paint["modules"],
    "modules": sorted(sys.modules),
}), flush=True)
"""

#: Modules the window must not wait for: the services, and what is built after it paints.
LATER = (
    "asyncio",
    "qasync",
    "httpx",
    "uid2_desk.services",
    "uid2_desk.publisher",
    "uid2_desk.journal",
    "uid2_desk.operator",
    "uid2_desk.client",
    "uid2_desk.ui.window.walkthrough_dock",
    "uid2_desk.ui.log.log_rows",
    "uid2_desk.ui.identity.countdown_reading",
)
#: Modules of what the window completes after its first paint (the frame's was enough).
AFTER_FIRST_PAINT = (
    "uid2_desk.ui.window.action_rules",
    "uid2_desk.ui.identity.identity_panel",
    "uid2_desk.ui.log.log_panel",
    "uid2_desk.ui.log.log_model",
    "uid2_desk.ui.log.exchange_inspector",
    "uid2_desk.ui.identity.users_panel",
    "uid2_desk.ui.window.handlers",
)


def _loaded(modules: object, names: tuple[str, ...]) -> list[str]:
    assert isinstance(modules, list)
    return [m for m in modules for name in names if m == name or m.startswith(name + ".")]


@pytest.fixture(scope="module")
def first_paint(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    data_dir = tmp_path_factory.mktemp("first-paint")
    return reported(run_child(FIRST_PAINT_CHILD, str(data_dir)), "report")


def test_the_window_paints_without_creating_the_qt_namespace_enums(
    first_paint: dict[str, object],
) -> None:
    assert first_paint["code"] == 0
    assert first_paint["qt_enums"] is False


def test_the_desk_runs_without_pysides_feature_import_hook(
    first_paint: dict[str, object],
) -> None:
    assert first_paint["import_hook"] != "__feature_import__"


def test_the_window_paints_without_a_style_sheet_or_a_qstyle_in_python(
    first_paint: dict[str, object],
) -> None:
    assert first_paint["style_sheet"] == ""
    assert first_paint["qstyle"] is False


def test_the_window_waits_for_no_service_and_nothing_built_later(
    first_paint: dict[str, object],
) -> None:
    assert _loaded(first_paint["modules"], LATER) == []
    assert "uid2_desk.ui.identity.identity_panel" in first_paint["modules"]  # the window is whole


def test_the_first_paint_is_the_frame_and_the_panels_come_after_it(
    first_paint: dict[str, object],
) -> None:
    assert first_paint["painted_before_completing"] is True
    at_first_paint = first_paint["modules_at_first_paint"]
    assert _loaded(at_first_paint, AFTER_FIRST_PAINT + LATER) == []
    assert "uid2_desk.ui.identity.sign_in_panel" in at_first_paint  # the frame's one live panel


def test_the_ints_used_before_the_first_paint_are_the_qt_enum_values() -> None:
    role = Qt.ItemDataRole
    align = Qt.AlignmentFlag
    assert role.DisplayRole.value == qt_values.DISPLAY_ROLE
    assert role.ToolTipRole.value == qt_values.TOOLTIP_ROLE
    assert role.TextAlignmentRole.value == qt_values.TEXT_ALIGNMENT_ROLE
    assert role.ForegroundRole.value == qt_values.FOREGROUND_ROLE
    assert role.AccessibleTextRole.value == qt_values.ACCESSIBLE_TEXT_ROLE
    assert role.UserRole.value == qt_values.USER_ROLE
    assert align.AlignLeft.value == qt_values.ALIGN_LEFT
    assert align.AlignRight.value == qt_values.ALIGN_RIGHT
    assert align.AlignHCenter.value == qt_values.ALIGN_HCENTER
    assert align.AlignVCenter.value == qt_values.ALIGN_VCENTER


def test_a_mistyped_enum_key_is_refused_not_ignored(qtbot: QtBot) -> None:
    window = DeskWindow(DeskBridge(), ManualClock(0), EnvironmentView.preview("local"))
    qtbot.addWidget(window)
    with pytest.raises(ValueError, match="textFormat"):
        qt_values.set_enum_properties(window.status, textFormat="PlainTxt")


def test_before_the_services_are_up_the_window_enables_what_the_rules_say(
    qtbot: QtBot,
) -> None:
    window = DeskWindow(DeskBridge(), ManualClock(0), EnvironmentView.preview("local"))
    qtbot.addWidget(window)

    def shown() -> dict[str, bool]:
        actions = window.desk_actions.findChildren(QAction)
        states = {a.objectName(): a.isEnabled() for a in actions}
        states["sign_in_button"] = window.sign_in.button.isEnabled()
        states["policy_combo"] = window.policy_combo.isEnabled()
        states["lifetimes_combo"] = window.lifetimes_combo.isEnabled()
        return states

    at_construction = shown()
    window.update_actions()  # the rules, as applied once the services report
    assert shown() == at_construction
    assert at_construction["action_environments"] is True
    assert at_construction["action_sign_in"] is False


def test_the_keyboard_shortcuts_are_the_documented_ones(qtbot: QtBot) -> None:
    window = DeskWindow(DeskBridge(), ManualClock(0), EnvironmentView.preview("local"))
    qtbot.addWidget(window)
    a = window.desk_actions
    expected = {
        a.sign_in: "Ctrl+Return",
        a.refresh: "F5",
        a.validate: "F6",
        a.log_out: "Ctrl+Shift+L",
        a.user_returns: "Ctrl+U",
        a.remove_user: "Ctrl+Del",
        a.auto_refresh: "Ctrl+T",
        a.opt_out: "Ctrl+Shift+O",
        a.send_to_ssp: "Ctrl+B",
        a.mask_tokens: "Ctrl+M",
        a.export_markdown: "Ctrl+S",
        a.environments: "Ctrl+E",
        a.find: "Ctrl+F",
        a.dismiss: "Esc",
        a.quit: "Ctrl+Q",
    }
    for action, keys in expected.items():
        assert action.shortcut().toString() == keys, action.objectName()
        assert action.shortcutContext() == Qt.ShortcutContext.WindowShortcut


def _painted_whole(qtbot: QtBot, *, complete: bool) -> DeskWindow:
    window = DeskWindow(
        DeskBridge(), ManualClock(0), EnvironmentView.preview("local"), complete=complete
    )
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.completed_at is not None)
    return window


def test_a_window_completed_after_its_first_paint_looks_exactly_like_one_built_whole(
    qtbot: QtBot,
) -> None:
    built_whole = _painted_whole(qtbot, complete=True).grab().toImage()
    completed_later = _painted_whole(qtbot, complete=False)
    assert completed_later.first_paint_at is not None
    assert completed_later.completed_at is not None
    assert completed_later.completed_at > completed_later.first_paint_at
    assert completed_later.grab().toImage() == built_whole


def test_the_frame_shows_every_card_title_and_the_sign_in_panel_only(qtbot: QtBot) -> None:
    window = DeskWindow(
        DeskBridge(), ManualClock(0), EnvironmentView.preview("local"), complete=False
    )
    qtbot.addWidget(window)
    titles = sorted(card.title() for card in window.findChildren(Card))
    assert titles == ["Exchange inspector", "Exchange log", "Identity", "Sign in", "Test users"]
    assert window.sign_in.isVisibleTo(window)
    assert not hasattr(window, "identity")
    assert window.desk_actions.sign_in.isEnabled() is False


def test_completing_twice_builds_the_panels_once(qtbot: QtBot) -> None:
    window = DeskWindow(DeskBridge(), ManualClock(0), EnvironmentView.preview("local"))
    qtbot.addWidget(window)
    identity = window.identity
    window.complete()
    assert window.identity is identity
    assert len(window.findChildren(IdentityPanel)) == 1


def test_a_window_closed_before_it_completed_closes_quietly(qtbot: QtBot) -> None:
    window = DeskWindow(
        DeskBridge(), ManualClock(0), EnvironmentView.preview("local"), complete=False
    )
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.closing):
        window.close()


def test_completing_the_window_leaves_the_focus_where_it_was(qtbot: QtBot) -> None:
    window = DeskWindow(
        DeskBridge(), ManualClock(0), EnvironmentView.preview("local"), complete=False
    )
    qtbot.addWidget(window)
    focus_at_first_paint: list[bool] = []

    def type_into_the_value_field() -> None:  # before the window completes
        window.sign_in.value.setFocus()
        focus_at_first_paint.append(window.sign_in.value.hasFocus())

    window.first_painted.connect(type_into_the_value_field)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.completed_at is not None)
    assert focus_at_first_paint == [True]
    assert window.sign_in.value.hasFocus()


#: Well above what the desk shows (70 to 90 ms here: the window completing, native libraries
#: loading with the GIL held) and well below importing the services on the GUI thread (about
#: 310 ms here).
LONGEST_STALL_MS = 200.0


@pytest.mark.slow
def test_the_window_keeps_answering_while_the_services_start(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    figures = measure_stalls(tmp_path_factory.mktemp("stalls"), tmp_path_factory.mktemp("pyc"))
    assert figures["code"] == 0
    assert figures["ticks"] > 20  # the probe ran from the first paint to ready
    assert figures["longest_ms"] < LONGEST_STALL_MS


EARLY_CHILD = """
import sys
from uid2_desk.app import run_gui
from uid2_desk.cli.main import build_parser
from uid2_desk.ui.window.desk_app import DeskApp
from uid2_desk.ui.window.main_window import DeskWindow

data_dir, when, ask = sys.argv[1:4]
init = DeskWindow.__init__

def init_and_ask_early(self, *args, **kwargs):
    init(self, *args, **kwargs)
    signal = self.first_painted if when == "frame" else self.completed
    signal.connect(self.close if ask == "close" else self.environments_requested.emit)

def open_environments_and_leave(self):
    print("environments dialog opened", flush=True)
    self.window.close()

DeskWindow.__init__ = init_and_ask_early
DeskApp.open_environments = open_environments_and_leave
print("exit", run_gui(build_parser().parse_args(["--data-dir", data_dir])), flush=True)
"""


def _start_and_ask_early(tmp_path: Path, when: str, ask: str) -> subprocess.CompletedProcess[str]:
    return run_child(EARLY_CHILD, str(tmp_path), when, ask, timeout=60)


@pytest.mark.parametrize("when", ["frame", "whole"])
def test_closing_the_window_while_the_desk_starts_ends_the_desk(tmp_path: Path, when: str) -> None:
    result = _start_and_ask_early(tmp_path, when, "close")
    assert "exit 0" in result.stdout, result.stderr[-2000:]
    assert "did not paint" not in result.stderr


@pytest.mark.parametrize("when", ["frame", "whole"])
def test_the_environments_dialog_asked_for_while_the_desk_starts_opens_once_it_can(
    tmp_path: Path, when: str
) -> None:
    result = _start_and_ask_early(tmp_path, when, "environments")
    assert result.stdout.count("environments dialog opened") == 1, result.stderr[-2000:]
    assert "exit 0" in result.stdout


def test_a_window_completed_before_its_first_paint_is_whole_at_that_paint(qtbot: QtBot) -> None:
    window = DeskWindow(
        DeskBridge(), ManualClock(0), EnvironmentView.preview("local"), complete=False
    )
    qtbot.addWidget(window)
    announced: list[str] = []
    window.first_painted.connect(lambda: announced.append("frame"))
    window.completed.connect(lambda: announced.append("whole"))
    window.show()
    window.complete()  # before the loop has run, so before any paint
    qtbot.waitUntil(lambda: window.completed_at is not None)
    qtbot.wait(50)
    assert announced == ["frame", "whole"]


def test_masking_asked_for_before_the_window_completed_is_applied(qtbot: QtBot) -> None:
    window = DeskWindow(
        DeskBridge(), ManualClock(0), EnvironmentView.preview("local"), complete=False
    )
    qtbot.addWidget(window)
    window.desk_actions.mask_tokens.setChecked(True)
    window.complete()
    assert window.handlers.masked is True
