"""Screenshots of an earlier session reopened read-only, checked for what is on screen.

Runs :mod:`tests.ui.earlier_shots` under Xvfb (``xvfb-run``; ``QT_QPA_PLATFORM=xcb``): the
desk run once, closed and relaunched on the same data folder; the PNGs go to
``artifacts/screenshots/``. The report says what the windows showed: the relaunch's rows
each saying why, the list of sessions with the live one marked, and the earlier session
with its amber band (colour read back from the X server), its rows, inspector and diagram.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor

pytestmark = pytest.mark.screenshot

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
#: The band's amber, written here (not read from the module under test).
AMBER = "#fef3c7"
RESTORED = "Automatic: restored at start-up from the data folder"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if shutil.which("xvfb-run") is None or shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb xauth)")
    report_path = tmp_path_factory.mktemp("earlier-shots") / "report.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, "-m",
         "tests.ui.earlier_shots", str(ARTIFACTS), str(report_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=150,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    data: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    return data


def test_the_relaunch_rows_each_say_why(report: dict[str, Any]) -> None:
    rows = report["live_rows"]
    assert rows[0] == f"· user_returns — {RESTORED}"
    assert f"/v2/token/refresh — {RESTORED}" in rows  # the on-return policy refreshed
    assert all(row.endswith(f" — {RESTORED}") for row in rows)
    assert (ARTIFACTS / "desk-relaunch-automatic-rows.png").stat().st_size > 10_000


def test_the_list_shows_both_sessions_newest_first_the_live_one_marked(
    report: dict[str, Any],
) -> None:
    live, earlier = report["list"]
    assert live[0].endswith(" (live)")
    assert earlier[0] == report["earlier"]
    assert earlier[2:] == ["desk", "4", "13"]
    assert (ARTIFACTS / "desk-earlier-sessions-list.png").stat().st_size > 5_000


def test_the_earlier_session_is_marked_read_only_in_amber(report: dict[str, Any]) -> None:
    session = report["earlier"]
    assert report["title"] == f"UID2 Desk — earlier session {session} (read-only)"
    assert report["band_text"].startswith(f"EARLIER SESSION (read-only) · {session} · started ")
    assert report["band_text"].endswith("produced by desk · 4 exchanges, 13 entries")
    on_screen, expected = QColor(report["band_colour"]), QColor(AMBER)
    assert abs(on_screen.red() - expected.red()) <= 12
    assert abs(on_screen.green() - expected.green()) <= 12
    assert abs(on_screen.blue() - expected.blue()) <= 12
    assert report["back_text"] == "Back to the live session"
    assert report["back_hides"] is True


def test_the_earlier_session_shows_its_rows_inspector_and_diagram(report: dict[str, Any]) -> None:
    rows = report["rows"]
    assert len(rows) == 13
    assert rows[0] == ["jane@example.com", "· sign_in_requested"]
    assert rows[1] == ["jane@example.com", "/v2/token/generate"]
    assert ["+12345678901", "/v2/token/generate"] in rows
    assert report["count"] == "13 entries · read-only"
    assert report["inspector_title"].startswith("#2 · POST /v2/token/generate → 200 success")
    assert report["arrows"] >= 8
    assert report["caption"].startswith("Sequence diagram of rows 1–13")
    assert (ARTIFACTS / "desk-earlier-session.png").stat().st_size > 20_000
