"""Screenshots of the desk following a browser-held identity, checked for what is on screen.

Runs :mod:`tests.ui.handoff_shots` under Xvfb (``xvfb-run``; ``QT_QPA_PLATFORM=xcb``): the
desk hands Jane's identity off through the Hand off dialog and Prebid.js (built from npm as
tests/web does) refreshes it in headless Debian Chromium. The PNGs go to
``artifacts/screenshots/``; the report says what the window showed: the browser's rows in the
log, the client-server diagram's browser lane, the identity panel on the browser's newest
identity with its "Held by the browser" badge, the dialog with no secret on screen, and the
Refresh the desk did not send.
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

pytestmark = [pytest.mark.screenshot, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
#: "Held by the browser" (sky blue) and "Refreshed" (teal), as the person sees them.
HELD_BLUE = "#0369a1"
REFRESHED_TEAL = "#0f766e"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if shutil.which("xvfb-run") is None or shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb xauth)")
    report_path = tmp_path_factory.mktemp("handoff-shots") / "report.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, "-m",
         "tests.ui.handoff_shots", str(ARTIFACTS), str(report_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=170,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    data: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    return data


def test_the_browsers_refreshes_are_logged_under_the_browser_client(
    report: dict[str, Any],
) -> None:
    assert report["page"]["client"].startswith("Prebid.js v11.36")
    assert len(report["page"]["tokens"]) >= 3  # the handed token, then two browser refreshes
    assert report["browser_rows"] >= 2
    assert report["clients"].count("Browser: Prebid.js 11.36") >= 2
    assert report["inspector_title"].startswith("#")
    assert (
        "Browser: Prebid.js 11.36 · POST /v2/token/refresh → 200 success"
        in (report["inspector_title"])
    )
    assert (ARTIFACTS / "desk-browser-held.png").stat().st_size > 10_000


def test_the_diagram_draws_the_client_server_guides_browser_lane(report: dict[str, Any]) -> None:
    assert report["lanes"] == ["Browser: UID2 client", "Publisher server", "UID2 operator", "SSP"]


def test_the_identity_panel_follows_the_browsers_newest_identity(report: dict[str, Any]) -> None:
    # The panel shows the newest identity the operator issued to the browser, which the page
    # showed too (the browser may be one refresh further by the time it closes).
    issued = report["issued_to_the_browser"]
    assert len(issued) >= 2
    assert report["panel_token"] == issued[-1]
    assert report["page"]["tokens"][-1] in issued
    assert report["page_latest_token"] in issued
    assert report["panel_state"] == "Refreshed"
    assert report["state_badge_pixel"] == REFRESHED_TEAL
    assert report["held_badge_visible"] is True
    assert report["held_badge_text"] == "Held by the browser"
    assert report["held_badge_pixel"] == HELD_BLUE
    assert report["users_mode_text"] == "Held by the browser"
    assert report["users_held_pixel"] == HELD_BLUE
    assert report["panel_policy"].endswith(
        "the browser's UID2 client refreshes it; the desk follows"
    )
    assert all(text and text != "—" for text in report["countdowns"]), report["countdowns"]


def test_the_desk_sends_no_refresh_of_its_own(report: dict[str, Any]) -> None:
    assert report["banner_title"] == "Refresh not sent"
    assert report["banner_text"].startswith("Refresh not sent: the browser holds this identity")
    assert report["take_back_enabled"] is True
    assert "UID2 Desk" not in [
        c for c, e in zip(report["clients"], report["endpoints"], strict=True)
        if e == "/v2/token/refresh"
    ]  # fmt: skip


def test_the_hand_off_dialog_shows_no_secret(report: dict[str, Any]) -> None:
    assert report["dialog_title"] == "Hand off jane.browser@example.com to a web page"
    assert report["dialog_address"].startswith("http://localhost:")
    assert report["dialog_go_enabled_after"] is False  # no second hand-off of a held identity
    assert report["handed_key_on_screen"] is False
    assert report["dialog_snippet_fonts"] == ["DejaVu Sans Mono"] * 2  # code, in a code font
    for snippet in report["dialog_snippets"]:
        assert '"refresh_response_key": "(hidden: Copy gives it)"' in snippet
        assert '"advertising_token": "A4AAAAAB…' in snippet
    assert (ARTIFACTS / "handoff-dialog.png").stat().st_size > 10_000
    assert (ARTIFACTS / "handoff-dialog-handed.png").stat().st_size > 10_000
