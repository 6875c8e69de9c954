"""Dialogs and flows around the window: credentials, Send to SSP, the inspector, exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from tests.client.memory_keyring import MemoryKeyring
from tests.ui.desk_fixture import Desk
from uid2_desk.ui.identity.ssp_dialog import SendToSspDialog, openrtb_eids
from uid2_desk.ui.window.credentials_flow import CredentialsFlow
from uid2_desk.ui.window.environment_dialog import EnvironmentDialog

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

INTEG_KEY = "UID2-C-I-1234-abcdefABCDEF0123456789abcdefABCDEF0123="
SECRET = "ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo="


def _dialog(qtbot: QtBot, flow: CredentialsFlow, env: str = "integ") -> EnvironmentDialog:
    dialog = EnvironmentDialog(flow, env, set())
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=5000)
    return dialog


def test_credentials_go_to_the_keychain_and_come_back_masked(
    qtbot: QtBot, loop: object, memory_keyring: MemoryKeyring
) -> None:
    flow = CredentialsFlow()
    dialog = _dialog(qtbot, flow)
    assert dialog.keychain_problem is None
    assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password
    assert "No credentials stored" in dialog.stored_text
    dialog.api_key.setText(INTEG_KEY)
    dialog.secret.setText(SECRET)
    dialog.save()
    qtbot.waitUntil(lambda: "Stored in OS keychain" in dialog.stored_text, timeout=5000)
    assert memory_keyring.items[("uid2-desk", "integ:secret")] == SECRET
    assert dialog.secret.text() == ""  # never shown again
    assert SECRET not in dialog.stored_text
    assert SECRET not in dialog.result_text
    assert INTEG_KEY not in dialog.stored_text
    assert "UID2-C-I-1234-***" in dialog.stored_text


def test_without_a_keychain_the_dialog_says_so_and_keeps_them_for_the_session(
    qtbot: QtBot, loop: object, no_keychain: None
) -> None:
    flow = CredentialsFlow()
    dialog = _dialog(qtbot, flow)
    assert dialog.keychain_problem is not None
    assert "No OS keychain" in dialog.keychain_text
    assert dialog.session_only.isChecked()
    assert not dialog.session_only.isEnabled()
    dialog.api_key.setText(INTEG_KEY)
    dialog.secret.setText(SECRET)
    dialog.save()
    qtbot.waitUntil(lambda: "this session only" in dialog.stored_text, timeout=5000)


def test_a_bad_secret_is_explained_before_anything_is_sent(
    qtbot: QtBot, loop: object, memory_keyring: MemoryKeyring
) -> None:
    dialog = _dialog(qtbot, CredentialsFlow())
    dialog.api_key.setText(INTEG_KEY)
    dialog.secret.setText("not base64!")
    dialog.test_connection()
    assert "not valid base64" in dialog.result_text
    assert not dialog.runner.busy


def test_production_asks_before_the_first_call(
    qtbot: QtBot, loop: object, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def refuse(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[1]))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "warning", refuse)
    dialog = _dialog(qtbot, CredentialsFlow(), env="prod")
    dialog.api_key.setText("UID2-C-P-1234-abcdefABCDEF0123456789abcdefABCDEF0123=")
    dialog.secret.setText(SECRET)
    dialog.test_connection()
    assert asked == ["Call a production operator?"]
    assert "not confirmed" in dialog.result_text
    assert not dialog.runner.busy  # nothing was sent


def test_connection_test_reaches_a_real_operator(desk: Desk, memory_keyring: MemoryKeyring) -> None:
    operator = desk.services.operator
    assert operator is not None
    url = desk.services.environment.base_url
    assert url is not None
    dialog = EnvironmentDialog(CredentialsFlow(), url, set())
    desk.qtbot.addWidget(dialog)
    assert dialog.chosen_env() == url
    creds = operator.credentials.publisher
    dialog.api_key.setText(creds.api_key)
    dialog.secret.setText(creds.secret)
    dialog.test_connection()
    desk.qtbot.waitUntil(lambda: dialog.result_text.startswith("Connected"), timeout=10_000)
    assert "answered success" in dialog.result_text
    dialog.secret.setText(SECRET)  # a wrong secret for this key
    dialog.test_connection()
    desk.qtbot.waitUntil(
        lambda: not dialog.runner.busy and not dialog.result_text.startswith("Testing"),
        timeout=10_000,
    )
    assert not dialog.result_text.startswith("Connected")
    assert SECRET not in dialog.result_text


def test_the_openrtb_snippet_carries_the_token_in_user_eids() -> None:
    assert openrtb_eids("AgAAAA") == {
        "user": {"eids": [{"source": "uidapi.com", "uids": [{"id": "AgAAAA", "atype": 3}]}]}
    }
    assert openrtb_eids("x", "EUID")["user"]["eids"][0]["source"] == "euid.eu"  # type: ignore[index]


def test_send_to_ssp_shows_the_snippet_and_the_buyers_view(desk: Desk) -> None:
    snapshot = desk.sign_in("buyer@example.com")
    assert snapshot.identity is not None
    desk.window.desk_actions.send_to_ssp.trigger()
    dialog = desk.window.findChild(SendToSspDialog, "ssp_dialog")
    assert dialog is not None
    assert json.loads(dialog.snippet) == openrtb_eids(snapshot.identity.advertising_token)
    desk.settle()
    assert "success" in dialog.buyer_text
    assert "Raw UID2" in dialog.buyer_text
    assert "Established" in dialog.buyer_text
    dialog.close()


def test_inspector_shows_request_envelope_reply_headers_and_timings(desk: Desk) -> None:
    desk.sign_in("inspect@example.com")
    window = desk.window
    model = window.log_model
    generate_row = next(
        i for i in range(model.rowCount()) if model.row_at(i).endpoint == "/v2/token/generate"
    )
    window.log_panel.select_seq(model.row_at(generate_row).seq)
    inspector = window.inspector
    desk.qtbot.waitUntil(lambda: inspector.entry is not None, timeout=5000)
    assert "email_hash" in inspector.tab_text("Request")
    envelope = inspector.tab_text("Envelope")
    for field in ("version", "IV", "ciphertext", "tag", "timestamp", "nonce"):
        assert field in envelope
    reply = inspector.tab_text("Reply")
    assert "nonce echoed" in reply
    assert "advertising_token" in reply
    headers = inspector.tab_text("Headers")
    api_key = desk.services.operator.credentials.publisher.api_key  # type: ignore[union-attr]
    assert "authorization" in headers.lower()
    assert api_key not in headers
    assert "***" in headers
    assert "Total" in inspector.tab_text("Timings")
    inspector.copy_as_json()
    copied = json.loads(QGuiApplication.clipboard().text())
    assert copied["name"] == "/v2/token/generate"
    assert api_key not in QGuiApplication.clipboard().text()


@pytest.mark.parametrize(
    ("key", "suffix"), [("har", ".har"), ("jsonl", ".jsonl"), ("markdown", ".md")]
)
def test_export_writes_the_session_off_the_gui_thread_without_secrets(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, suffix: str
) -> None:
    desk.sign_in("export@example.com")
    target = tmp_path / f"session{suffix}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    desk.window.handlers.export(key)
    desk.settle()
    assert desk.window.banner.title == "Exported", desk.window.banner.text
    text = target.read_text(encoding="utf-8")
    assert "/v2/token/generate" in text
    creds = desk.services.operator.credentials.publisher  # type: ignore[union-attr]
    assert creds.api_key not in text
    assert creds.secret not in text
    if key == "har":
        assert json.loads(text)["log"]["version"] == "1.2"


def test_the_export_banner_says_what_the_file_holds_and_the_next_dialog_opens_there(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: the banner said "40 entries written" for a HAR file holding 11."""
    desk.sign_in("export@example.com")
    target = tmp_path / "out" / "session.har"
    target.parent.mkdir()
    offered: list[str] = []

    def save_as(*args: object, **kwargs: object) -> tuple[str, str]:
        offered.append(str(args[2]))
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    desk.window.handlers.export("har")
    desk.settle()
    entries = json.loads(target.read_text(encoding="utf-8"))["log"]["entries"]
    assert f": {len(entries)} exchanges as HAR entries, " in desk.window.banner.text
    assert not offered[0].startswith(str(desk.services.data_dir))  # not the app's data folder
    desk.window.handlers.export("jsonl")
    desk.settle()
    assert offered[1].startswith(str(target.parent))
