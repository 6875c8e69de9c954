"""Client-side sign-in in the real window: the mode switch, the badge, the CSTG inspector.

The window, its composition root and the local operator are real; the sign-in is clicked.
The test saves what the window shows to ``artifacts/screenshots/client-side-sign-in.png``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.desk_fixture import Desk
from uid2_desk.publisher.model import SignInMode
from uid2_desk.publisher.refresh.policy import PolicyKind
from uid2_desk.ui.identity.users_panel import MODE_ROLE

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

SHOT = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _sign_in_client_side(desk: Desk, email: str, device: str = "") -> None:
    panel = desk.window.sign_in
    panel.mode_box.set_client_side(True)
    panel.mode_box.device.setText(device)
    panel.set_input("email", "")
    QTest.keyClicks(panel.value, email)
    before = desk.window.users.model.rowCount()
    QTest.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    desk.qtbot.waitUntil(lambda: desk.window.users.model.rowCount() > before, timeout=15_000)


def test_a_client_side_sign_in_is_badged_refreshes_automatically_and_is_inspectable(
    desk: Desk,
) -> None:
    window = desk.window
    assert window.sign_in.mode_box.device.isEnabled() is False  # server-side by default

    _sign_in_client_side(desk, "jane.doe@example.com")
    desk.qtbot.waitUntil(lambda: desk.selected().policy is PolicyKind.AUTOMATIC, timeout=15_000)
    desk.settle()

    snapshot = desk.selected()
    assert snapshot.user.mode is SignInMode.CLIENT
    assert snapshot.user.device == "com.uid2desk.app"
    model = window.users.model
    assert model.index(0, 0).data(MODE_ROLE) == "Client-side (SDK)"
    rows = [window.log_model.row_at(i) for i in range(window.log_model.rowCount())]
    (generate,) = [r for r in rows if r.endpoint == "/v2/token/client-generate"]
    assert window.log_panel.select_seq(generate.seq)
    desk.qtbot.waitUntil(lambda: window.inspector.entry is not None, timeout=15_000)
    envelope = window.inspector.tab_text("Envelope")
    assert "Client-side token generation (CSTG)" in envelope
    assert "Client public key" in envelope
    assert '"com.uid2desk.app"]' in envelope  # the AAD: [timestamp,"app name"]
    assert "email_hash" in envelope  # the decrypted payload

    window.resize(1500, 950)
    window.inspector.tabs.setCurrentIndex(2)  # the Envelope tab: the CSTG parts
    desk.settle()
    SHOT.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(SHOT / "client-side-sign-in.png"))


def test_an_unregistered_app_is_refused_on_the_banner_with_the_fix(desk: Desk) -> None:
    _sign_in_client_side(desk, "jane.doe@example.com", "com.example.unknown")
    desk.qtbot.waitUntil(lambda: desk.window.banner.level == "error", timeout=15_000)
    desk.settle()
    assert desk.window.banner.title == "Sign in client-side failed"
    text = desk.window.banner.text
    assert "unexpected app name" in text
    assert "allowed list" in text


def test_the_site_dialog_shows_the_operators_key_pair_and_edits_its_names(desk: Desk) -> None:
    from uid2_desk.ui.window.cstg_dialog import CstgSiteDialog

    services = desk.services
    view = services.cstg_site()
    dialog = CstgSiteDialog(view, desk.window)
    desk.qtbot.addWidget(dialog)
    assert dialog.public_key.isReadOnly()
    assert dialog.public_key.text().startswith("UID2-X-L-")
    dialog.apps.setText("com.uid2desk.app, com.example.tv")
    edited = dialog.edited()
    assert edited.app_names == ("com.uid2desk.app", "com.example.tv")
    assert edited.domain_names == view.domain_names
