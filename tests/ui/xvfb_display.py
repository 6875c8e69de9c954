"""A private Xvfb display at 1920×1080 for screenshot tests that run a child process on it.

The test session itself renders offscreen (tests/conftest.py); a screenshot must come from a
real X server at the kiosk's resolution, so each screenshot test starts its child (see
:mod:`tests.ui.kiosk_shots`) on a display of its own. ``-displayfd`` lets Xvfb pick a free
display number and tell us, so parallel runs never collide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"


@contextmanager
def xvfb(width: int = 1920, height: int = 1080) -> Iterator[str]:
    """Run Xvfb for the duration of the block; yield its ``DISPLAY`` value."""
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb) so no screenshot can be taken")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [binary, "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
         "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not report a display number")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def shoot(scene: str, data_home: Path, size: tuple[int, int] | None = None) -> Path:
    """Render ``scene`` on a fresh display; return the PNG (its JSON report sits beside it).

    ``size`` gives the kiosk window a screen of that size (default: the display's 1920×1080).
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if size is None else f"-{size[0]}x{size[1]}"
    out = SCREENSHOTS / f"{scene}{suffix}.png"
    out.unlink(missing_ok=True)
    with xvfb() as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "UID2_DESK_HOME": str(data_home),
        }
        result = subprocess.run(
            [sys.executable, "-m", "tests.ui.kiosk_shots", scene, str(out)]
            + ([] if size is None else [f"{size[0]}x{size[1]}"]),
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=150,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.is_file(), result.stderr
    return out
