"""Screenshots of the real window under Xvfb, checked for what a person would see.

Each size runs :mod:`tests.ui.screenshot_driver` in a subprocess on its own Xvfb display
(``xvfb-run``, a 1920×1080×24 screen) with ``QT_QPA_PLATFORM=xcb``: a real X window, grabbed
from the X server. PNGs go to ``artifacts/screenshots/`` (CI keeps them). The checks are
OCR-free: the state badge's words and its colour on screen, the environment strip's colour,
the banner's colour and words, the countdown visibly changing, and no label cut off.
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
SIZES = ("1366x768", "1920x1080")
#: The colours a person must see, written here (not read from the theme under test, so a wrong
#: theme colour fails these tests): the badges, the LOCAL band, the error banner.
BADGE_COLOURS = {
    "No identity": "#6b7280",
    "Established": "#15803d",
    "Refresh due": "#b45309",
    "Opted out": "#7e22ce",
}
LOCAL_GREEN = "#166534"
ERROR_BANNER = "#fee2e2"
STATES = {
    "no_identity": "No identity",
    "established": "Established",
    "refresh_due": "Refresh due",
    "error_banner": "Refresh due",  # a failed refresh keeps the identity as it was
    "opted_out": "Opted out",
}


def _close(actual: str, expected: str, tolerance: int = 12) -> bool:
    a, e = QColor(actual), QColor(expected)
    pairs = ((a.red(), e.red()), (a.green(), e.green()), (a.blue(), e.blue()))
    return all(abs(x - y) <= tolerance for x, y in pairs)


@pytest.fixture(scope="module", params=SIZES)
def report(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    if shutil.which("xvfb-run") is None or shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb xauth)")
    size = str(request.param)
    out = tmp_path_factory.mktemp(f"shots-{size}")
    report_path = out / "report.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1920x1080x24",
            sys.executable,
            "-m",
            "tests.ui.screenshot_driver",
            size,
            str(ARTIFACTS),
            str(report_path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("state", list(STATES))
def test_state_badge_shows_the_state_held_in_words_and_colour(
    report: dict[str, Any], state: str
) -> None:
    shot = report["states"][state]
    width, height = report["size"]
    assert shot["image_size"] == [width, height]
    assert Path(shot["png"]).is_file()
    assert shot["badge_visible"]
    assert shot["badge_text"] == STATES[state]
    assert _close(shot["badge_pixel"], BADGE_COLOURS[STATES[state]]), shot


@pytest.mark.parametrize("state", list(STATES))
def test_environment_is_visible_and_green_for_local(report: dict[str, Any], state: str) -> None:
    shot = report["states"][state]
    assert shot["window_title"] == "UID2 Desk — Local operator"
    assert shot["strip_text"] == "LOCAL"
    assert _close(shot["strip_pixel"], LOCAL_GREEN), shot
    assert shot["status"].startswith("Local operator ready at http://127.0.0.1:")


@pytest.mark.parametrize("state", list(STATES))
def test_nothing_is_cut_off(report: dict[str, Any], state: str) -> None:
    assert report["states"][state]["clipped"] == []


def test_the_error_banner_says_what_failed_in_the_error_colour(report: dict[str, Any]) -> None:
    shot = report["states"]["error_banner"]
    assert shot["banner_visible"]
    assert shot["banner_title"] == "Refresh failed"
    assert "503" in shot["banner_text"]
    assert "try again" in shot["banner_text"]
    assert _close(shot["banner_pixel"], ERROR_BANNER), shot
    for calm in ("no_identity", "established", "refresh_due", "opted_out"):
        assert not report["states"][calm]["banner_visible"]


def test_countdowns_move_on_screen(report: dict[str, Any]) -> None:
    assert report["countdown_changed_on_screen"]
    assert report["states"]["established"]["countdown"][0].startswith("in 0:2")
    assert report["states"]["refresh_due"]["countdown"][0].endswith("ago")
    assert report["states"]["no_identity"]["countdown"] == ["—", "—", "—"]


def test_users_and_log_fill_up_as_the_session_goes(report: dict[str, Any]) -> None:
    states = report["states"]
    assert states["no_identity"]["users"] == 0
    assert states["established"]["users"] == 2
    assert states["opted_out"]["users"] == 3
    assert states["no_identity"]["log_rows"] < states["established"]["log_rows"]
    assert states["established"]["log_rows"] < states["opted_out"]["log_rows"]
