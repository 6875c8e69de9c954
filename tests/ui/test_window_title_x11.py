"""The title the window system shows is exactly ``UID2 Desk — <environment>``.

The widget's own ``windowTitle()`` can be right while the X server holds another string: Qt
appends the application display name to every platform window title when one is set. Only a
real window on a real (virtual) X server shows what a person sees in the task bar.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ui.xvfb_display import REPO, xvfb

pytestmark = [pytest.mark.screenshot, pytest.mark.slow]


def _window_name(env: dict[str, str], deadline_s: float) -> str | None:
    """The desk window's title once it names the environment (the frame paints before the
    services say which one), or the last title seen when the deadline passes."""
    end = time.monotonic() + deadline_s
    seen: str | None = None
    while time.monotonic() < end:
        found = subprocess.run(
            ["xdotool", "search", "--name", "^UID2 Desk"], env=env, capture_output=True, text=True
        )
        window = found.stdout.split()
        if window:
            name = subprocess.run(
                ["xdotool", "getwindowname", window[0]], env=env, capture_output=True, text=True
            )
            seen = name.stdout.strip()
            if " — " in seen:
                return seen
        time.sleep(0.2)
    return seen


def test_the_x11_window_title_names_the_app_once_then_the_environment(tmp_path: Path) -> None:
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (apt-get install xdotool)")
    with xvfb() as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "UID2_DESK_HOME": str(tmp_path),
        }
        with subprocess.Popen(
            [sys.executable, "-m", "uid2_desk"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ) as app:
            try:
                title = _window_name(env, deadline_s=30)
            finally:
                app.terminate()
                try:
                    app.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    app.kill()
                    app.wait()
    assert title == "UID2 Desk — Local operator"
