"""The masked desk on a real X display: no full token, raw UID or key anywhere on screen.

Runs :mod:`tests.ui.mask_shots` on a private Xvfb display (``QT_QPA_PLATFORM=xcb``): a user
signed in and refreshed, Send to SSP opened *before* View ▸ Mask tokens is switched on, the
inspector on the generate's Reply tab. Every text the window and the dialog draw (labels,
text views, table cells, tooltips) is compared with the user's real secrets; the PNGs
(``artifacts/screenshots/desk-masked-*.png``) are the picture of the same moment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.ui.xvfb_display import REPO, SCREENSHOTS, xvfb
from uid2_desk.protocol.screen_mask import SCREEN_MASK, holds_secret

pytestmark = pytest.mark.screenshot

ARTIFACTS = SCREENSHOTS


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report_path = tmp_path_factory.mktemp("mask-shots") / "report.json"
    with xvfb() as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        result = subprocess.run(
            [sys.executable, "-m", "tests.ui.mask_shots", str(ARTIFACTS), str(report_path)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=150,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    data: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    return data


def _leaks(texts: list[str], secrets: list[str]) -> list[str]:
    return [t[:160] for t in texts if holds_secret(t) or any(s in t for s in secrets)]


def test_the_secrets_were_on_screen_before_masking(report: dict[str, Any]) -> None:
    # Proves the comparison can fail: unmasked, the dialog shows the token and the raw UID2.
    assert len(report["secrets"]) >= 5
    assert report["raw_uid"] != SCREEN_MASK.split()[0]
    assert _leaks(report["unmasked_dialog"], report["secrets"]) != []


def test_no_full_token_uid_or_key_is_on_screen_once_masked(report: dict[str, Any]) -> None:
    assert _leaks(report["window"], report["secrets"]) == []
    assert _leaks(report["dialog"], report["secrets"]) == []
    assert (ARTIFACTS / "desk-masked-1280x900.png").stat().st_size > 10_000
    assert (ARTIFACTS / "desk-masked-ssp.png").stat().st_size > 5_000


def test_the_masked_views_still_read(report: dict[str, Any]) -> None:
    reply = report["reply"]
    for field in ('"advertising_token"', '"refresh_token"'):
        assert f'{field}: "{SCREEN_MASK}"' in reply
    assert '"refresh_response_key": "[masked]"' in reply  # the journal never held it
    assert SCREEN_MASK in report["snippet"]
    assert "\\u2022" not in report["snippet"]
    assert '"source": "uidapi.com"' in report["snippet"]


def test_a_pasted_token_is_read_with_its_raw_uid_masked(report: dict[str, Any]) -> None:
    text = report["inspect"]
    assert "Version\nv4" in text
    assert "Decrypted with the local operator's keys" in text
    assert f"Raw UID\n{SCREEN_MASK}" in text
    # The box holds what the person pasted; the reading below it shows no secret.
    assert _leaks([text], report["secrets"]) == []
    assert (ARTIFACTS / "desk-inspect-token.png").stat().st_size > 5_000


def test_the_looks_banner_over_the_panels_tip_beside_the_chip_dock_inside(
    report: dict[str, Any],
) -> None:
    looks = report["looks"]
    assert looks["banner_title"] == "Refresh failed"
    assert looks["button_moved"] is False
    assert looks["chip_visible"] is True
    assert looks["tip"] == "Refresh the selected user's identity"
    assert looks["dock_floating"] is False
    assert looks["dock_left_of_window_right"] is True
    assert _leaks(looks["window"], report["secrets"]) == []  # the diagram too, masked
    assert (ARTIFACTS / "desk-looks-1280x900.png").stat().st_size > 10_000
