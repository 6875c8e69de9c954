"""Tools ▸ Inspect a token (Ctrl+I): paste any advertising token, read it off the GUI thread.

The desk runs on its real local operator: a token it issued is decrypted with that
operator's keys; text that is no token gets a sentence, not an exception; the raw UID follows
View ▸ Mask tokens while the dialog is open.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer

from tests.ui.desk_fixture import Desk
from uid2_desk.protocol import token_reading
from uid2_desk.protocol.screen_mask import SCREEN_MASK, holds_secret
from uid2_desk.protocol.tokens import key_lookup
from uid2_desk.ui.identity.paste_token_dialog import (
    HIDDEN_PLACEHOLDER,
    SETTLE_MS,
    PasteTokenDialog,
)

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _open(desk: Desk) -> PasteTokenDialog:
    desk.window.desk_actions.inspect_token.trigger()
    dialog = desk.window.findChild(PasteTokenDialog, "paste_token_dialog")
    assert dialog is not None
    assert dialog.isVisible()
    return dialog


def _paste(desk: Desk, dialog: PasteTokenDialog, text: str, expect: str) -> str:
    dialog.box.setPlainText(text)
    desk.qtbot.waitUntil(lambda: expect in dialog.result_text, timeout=10_000)
    return dialog.result_text


def test_a_pasted_local_token_shows_its_header_and_its_contents(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = desk.sign_in("paste.me@example.com")
    assert snapshot.identity is not None
    token = snapshot.identity.advertising_token
    threads: list[str] = []
    original = token_reading.read_token

    def spy(*args: object, **kwargs: object) -> token_reading.TokenReading:
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(token_reading, "read_token", spy)
    dialog = _open(desk)
    # Pasted as people copy it: quoted, wrapped over lines.
    text = _paste(desk, dialog, f'"{token[:100]}\n{token[100:]}",', "Decrypted")
    for line in ("Version\nv4", "Scope\nUID2", "Identity type\nemail", "Encoding\nbase64url"):
        assert line in text
    assert "Raw UID" in text
    assert "Site id\n999" in text
    assert threads
    assert threading.main_thread().name not in threads  # read in a worker, not the GUI thread
    # Masking hides the raw UID at once, with the dialog open.
    desk.window.desk_actions.mask_tokens.setChecked(True)
    assert f"Raw UID\n{SCREEN_MASK}" in dialog.result_text
    assert not holds_secret(dialog.result_text)
    desk.window.desk_actions.mask_tokens.setChecked(False)
    assert SCREEN_MASK not in dialog.result_text
    dialog.close()


def test_with_masking_on_the_pasted_token_leaves_the_box_and_comes_back_after(desk: Desk) -> None:
    snapshot = desk.sign_in("paste.hidden@example.com")
    assert snapshot.identity is not None
    token = snapshot.identity.advertising_token
    desk.window.desk_actions.mask_tokens.setChecked(True)
    dialog = _open(desk)
    text = _paste(desk, dialog, token, "Decrypted")
    assert "Scope\nUID2" in text  # read as it was pasted
    desk.qtbot.waitUntil(lambda: dialog.hidden_token == token, timeout=5_000)
    assert dialog.box.toPlainText() == ""  # nothing on screen holds the token
    assert dialog.box.placeholderText() == HIDDEN_PLACEHOLDER
    assert not holds_secret(dialog.result_text)
    settle = dialog.findChild(QTimer)
    assert settle is not None
    assert settle.interval() == SETTLE_MS
    assert not settle.isActive()  # emptying the box asks for no new reading
    assert "Scope\nUID2" in dialog.result_text
    desk.window.desk_actions.mask_tokens.setChecked(False)
    assert dialog.box.toPlainText() == token
    assert dialog.hidden_token is None
    dialog.close()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not a token at all", "This is not an advertising token:"),
        ("   ", "This is not an advertising token: nothing was pasted."),
        ("A" * 5000, "This is 5,000 characters: too long for an advertising token"),
    ],
)
def test_text_that_is_no_token_gets_a_clear_sentence(desk: Desk, text: str, words: str) -> None:
    dialog = _open(desk)
    result = _paste(desk, dialog, text, words)
    assert result.startswith(words)
    assert "Traceback" not in result
    assert dialog.box.toPlainText() == text  # nothing lost: the paste stays to be corrected
    dialog.close()


def test_a_token_the_keys_cannot_open_says_why_it_stays_closed(desk: Desk) -> None:
    snapshot = desk.sign_in("closed@example.com")
    assert snapshot.identity is not None
    reading = token_reading.read_token(
        snapshot.identity.advertising_token, key_lookup([]), no_keys="unused"
    )
    assert reading.header is not None
    assert reading.contents is None
    assert reading.closed[:1].isupper()
    assert "master key" in reading.closed.lower()
