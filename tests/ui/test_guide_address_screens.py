"""Where a person types an original guide's test address, the sign-in panel explains it.

The custom publisher and v1 guides use ``validate@email.com`` and ``optout@email.com``;
operators have used ``@example.com`` since October 2023. Offscreen tests check the note's
words and when it shows; a screenshot under Xvfb checks that a person sees all of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tests.ui.xvfb_display import REPO, SCREENSHOTS, xvfb
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.ui.identity.sign_in_panel import SignInPanel


@pytest.mark.parametrize(
    ("typed", "current"),
    [("validate@email.com", "validate@example.com"), (" OptOut@Email.com", "optout@example.com")],
)
def test_an_old_guide_address_gets_a_note_naming_the_current_one(
    qtbot: QtBot, typed: str, current: str
) -> None:
    panel = SignInPanel()
    qtbot.addWidget(panel)
    panel.set_actions_enabled(True)
    QTest.keyClicks(panel.value, typed)
    note = panel.guide_note
    assert not note.isHidden()
    assert note.current == current
    assert "October 2023" in note.text()
    assert f"Use {current}" in note.text()
    assert panel.button.isEnabled()  # an ordinary address: signing in with it is allowed


@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        (DiiKind.EMAIL, "validate@example.com"),
        (DiiKind.EMAIL, "jane@email.com"),
        (DiiKind.EMAIL, "validate@email.co"),
        (DiiKind.PHONE, "+12345678901"),
    ],
)
def test_other_input_gets_no_note(qtbot: QtBot, kind: DiiKind, typed: str) -> None:
    panel = SignInPanel()
    qtbot.addWidget(panel)
    panel.set_input(kind, typed)
    assert panel.guide_note.isHidden()
    assert panel.guide_note.current is None


def test_the_note_goes_when_the_address_is_corrected(qtbot: QtBot) -> None:
    panel = SignInPanel()
    qtbot.addWidget(panel)
    panel.set_input(DiiKind.EMAIL, "validate@email.com")
    assert not panel.guide_note.isHidden()
    panel.set_input(DiiKind.EMAIL, "validate@example.com")
    assert panel.guide_note.isHidden()


@pytest.mark.screenshot
def test_a_person_sees_the_whole_explanation_on_screen() -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / "sign-in-old-guide-address.png"
    out.unlink(missing_ok=True)
    with xvfb(800, 600) as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        result = subprocess.run(
            [sys.executable, "-m", "tests.ui.sign_in_shots", str(out)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.is_file()
    report = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert report["typed"] == "validate@email.com"
    assert report["note_visible"] is True
    assert "validate@example.com" in report["note_text"]
    assert "October 2023" in report["note_text"]
    _, _, _, height = report["note_rect"]
    assert height >= report["note_needs_height"]  # every wrapped line fits
    assert report["clipped"] == []
