"""Screenshots of an outside client in the real desk window, checked for what is on screen.

Runs :mod:`tests.ui.watch_shots` under Xvfb (``xvfb-run``; ``QT_QPA_PLATFORM=xcb``): the
official SDK as the team's backend calls the desk's operator; the PNGs go to
``artifacts/screenshots/``. The report says what the window showed: the log's *Client*
column, the inspector on the outside generate (decrypted, who sent it, key masked), the
diagram's own lane for the client, the explanation of the wrong secret, the checks, and a
Connect dialog with no secret on screen.
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


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if shutil.which("xvfb-run") is None or shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb xauth)")
    report_path = tmp_path_factory.mktemp("watch-shots") / "report.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, "-m",
         "tests.ui.watch_shots", str(ARTIFACTS), str(report_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=150,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    data: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    return data


def test_the_outside_clients_exchanges_are_listed_under_its_name(report: dict[str, Any]) -> None:
    assert report["clients"] == ["Your backend"] * 3
    assert (ARTIFACTS / "desk-outside-client.png").stat().st_size > 10_000


def test_the_inspector_shows_the_outside_generate_decrypted_and_who_sent_it(
    report: dict[str, Any],
) -> None:
    assert report["inspector_title"].startswith("#1 · Your backend · POST /v2/token/generate")
    assert "Sent by\nYour backend" in report["summary"]
    assert "Client version\nuid2-client-python-" in report["summary"]
    assert "UID2-C-L-999-…" in report["summary"]
    assert '"email_hash"' in report["request"]


def test_the_diagram_gives_the_client_a_lane_of_its_own(report: dict[str, Any]) -> None:
    assert report["lanes"][-1] == "Your backend"
    assert report["lanes"].count("Your backend") == 1


def test_the_wrong_secret_is_explained_and_checked(report: dict[str, Any]) -> None:
    assert report["why"].startswith("Why: The envelope does not decrypt")
    assert report["checks"][0].startswith("FAIL wrong_secret")
    assert any(line.startswith("WARN early_refresh") for line in report["checks"])


def test_the_connect_dialog_shows_the_address_and_no_secret(report: dict[str, Any]) -> None:
    assert report["connect_base_url"].startswith("http://127.0.0.1:")
    assert report["connect_secrets_on_screen"] == []


def test_devices_on_the_network_get_a_lan_url_and_the_window_a_red_band(
    report: dict[str, Any],
) -> None:
    assert report["lan_url"].startswith("http://")
    assert report["band_shown"] is True
    assert report["lan_url"] in report["band_text"]
    assert report["band_after_off"] is False
    assert (ARTIFACTS / "desk-connect-lan-on.png").stat().st_size > 10_000
