"""A screenshot of the desk's proxy, checked for what is on screen: the band and the log.

Runs :mod:`tests.ui.proxy_shots` under Xvfb (``xvfb-run``; ``QT_QPA_PLATFORM=xcb``): the desk
forwards the official SDK to a real operator, then points its proxy at the integration
environment; the PNG goes to ``artifacts/screenshots/desk-proxy-integ-band.png``. The band's
colour is read from the screen's pixels, and compared with a colour written here.
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

pytestmark = pytest.mark.screenshot

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
#: Integration blue, as the band must show it (written here, not read from the theme).
INTEG_BLUE = "#1d4ed8"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if shutil.which("xvfb-run") is None or shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb xauth)")
    report_path = tmp_path_factory.mktemp("proxy-shots") / "report.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, "-m",
         "tests.ui.proxy_shots", str(ARTIFACTS), str(report_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=150,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    data: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    return data


def test_the_band_reads_proxy_to_integ_on_integration_blue(report: dict[str, Any]) -> None:
    assert report["chip"] == "PROXY → INTEG"
    assert report["band_pixel"] == INTEG_BLUE
    assert report["strip_name"].startswith("Environment: PROXY → INTEG, Proxy on http://127.0.0.1:")
    assert report["strip_name"].endswith("→ UID2 integration")
    assert report["detail"].startswith("point your client at http://127.0.0.1:")
    assert report["stop_enabled"] is True
    assert (ARTIFACTS / "desk-proxy-integ-band.png").stat().st_size > 10_000


def test_what_passed_through_the_proxy_is_in_the_log_decrypted_and_no_secret_shown(
    report: dict[str, Any],
) -> None:
    assert report["clients"] == ["Your backend"]
    assert '"email_hash"' in report["request_tab"]
    assert report["secret_on_screen"] is False


def test_stopping_the_proxy_gives_the_band_back_to_the_desk(report: dict[str, Any]) -> None:
    assert report["chip_after_stop"] == "LOCAL"


def test_calls_the_capture_could_not_keep_are_counted_on_screen_when_it_stops(
    report: dict[str, Any],
) -> None:
    assert report["banner_after_dropped"].startswith(
        "The proxy stopped. 3 forwarded calls were not captured"
    )
    assert report["banner_level"] == "error"
    assert (ARTIFACTS / "desk-proxy-dropped-banner.png").stat().st_size > 10_000
