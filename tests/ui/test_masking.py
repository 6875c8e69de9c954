"""View ▸ Mask tokens: one rule, applied wherever a token, raw UID or key is drawn, live.

The desk runs on its real local operator; the test collects the real secrets of a signed-in
user (advertising and refresh tokens, ``refresh_response_key``, the raw UID2 the buyer
decrypts) and checks that none of them is in any text the masked desk draws: the Send to SSP
snippet and buyer's view, the inspector's tabs and title, the log's tooltips, the identity
panel. The screenshot of the same is in ``tests/ui/test_masking_screens.py``.
"""

from __future__ import annotations

import base64

import pytest

from tests.ui.desk_fixture import Desk
from uid2_desk.protocol.screen_mask import SCREEN_MASK, holds_secret
from uid2_desk.ui.common.qt_values import TOOLTIP_ROLE
from uid2_desk.ui.identity.ssp_dialog import SendToSspDialog
from uid2_desk.ui.log.log_model import LogColumn
from uid2_desk.ui.log.log_rows import LogRow

# Offscreen Qt cannot raise a dialog; the screenshot test shows it under a real X server.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _secrets(desk: Desk) -> list[str]:
    identity = desk.selected().identity
    assert identity is not None
    assert identity.refresh_response_key is not None
    return [
        identity.advertising_token,
        identity.refresh_token,
        base64.b64encode(identity.refresh_response_key).decode("ascii"),
    ]


def _leaks(texts: list[str], secrets: list[str]) -> list[str]:
    """Texts that show a secret whole, or any token-sized run the rule should have hidden."""
    return [t[:120] for t in texts if holds_secret(t) or any(s in t for s in secrets)]


def _open_ssp(desk: Desk) -> SendToSspDialog:
    desk.window.desk_actions.send_to_ssp.trigger()
    dialog = desk.window.findChild(SendToSspDialog, "ssp_dialog")
    assert dialog is not None
    desk.settle()
    desk.qtbot.waitUntil(lambda: "Raw UID2" in dialog.buyer_text, timeout=10_000)
    return dialog


def test_send_to_ssp_masks_the_snippet_and_the_raw_uid_and_follows_the_switch(
    desk: Desk,
) -> None:
    desk.sign_in("mask.ssp@example.com")
    secrets = _secrets(desk)
    token = secrets[0]
    desk.window.desk_actions.mask_tokens.setChecked(True)
    dialog = _open_ssp(desk)
    raw_uid = dialog.buyer_text.split("Raw UID2", 1)[1].split()[0]
    assert raw_uid == SCREEN_MASK.split()[0]  # masked from the first frame
    assert "\\u2022" not in dialog.snippet  # drawn as bullets, not JSON escapes
    assert SCREEN_MASK in dialog.snippet
    assert _leaks([dialog.snippet, dialog.buyer_text], secrets) == []
    # Unmasking while it is open shows the token and the raw UID2 again...
    desk.window.desk_actions.mask_tokens.setChecked(False)
    assert token in dialog.snippet
    assert holds_secret(dialog.buyer_text)  # the raw UID2, in full
    # ... and masking again hides them, without reopening the dialog.
    desk.window.desk_actions.mask_tokens.setChecked(True)
    assert _leaks([dialog.snippet, dialog.buyer_text], secrets) == []
    dialog.close()


def test_the_inspector_log_and_identity_panel_hide_every_token_and_key(desk: Desk) -> None:
    desk.sign_in("mask.reply@example.com")
    secrets = _secrets(desk)
    window = desk.window
    window.desk_actions.refresh.trigger()
    desk.settle()
    secrets += _secrets(desk)  # the refreshed identity's too
    model = window.log_model
    rows: list[LogRow] = [model.row_at(i) for i in range(model.rowCount())]
    generate = next(r for r in rows if r.endpoint == "/v2/token/generate")
    window.log_panel.select_seq(generate.seq)
    inspector = window.inspector
    desk.qtbot.waitUntil(lambda: inspector.entry is not None, timeout=5000)
    tabs = ("Summary", "Request", "Envelope", "Reply", "Headers", "Timings")
    assert holds_secret(inspector.tab_text("Reply"))  # unmasked: the reply's tokens in full
    window.desk_actions.mask_tokens.setChecked(True)
    reply = inspector.tab_text("Reply")
    assert "advertising_token" in reply
    assert "refresh_response_key" in reply
    texts = [inspector.tab_text(t) for t in tabs]
    refresh = next(r for r in rows if r.endpoint == "/v2/token/refresh")
    window.log_panel.select_seq(refresh.seq)
    desk.qtbot.waitUntil(
        lambda: inspector.entry is not None and inspector.entry.seq == refresh.seq, timeout=5000
    )
    texts += [inspector.tab_text(t) for t in tabs]  # the refresh token is the request's body
    tooltips = [model.index(i, LogColumn.TIME).data(TOOLTIP_ROLE) for i in range(model.rowCount())]
    texts += [t for t in tooltips if t]
    identity = window.identity
    texts += [identity.advertising.shown_text, identity.refresh.shown_text]
    texts.append(identity.inspector.text)
    assert _leaks(texts, secrets) == []
    window.desk_actions.mask_tokens.setChecked(False)
    assert holds_secret(inspector.tab_text("Envelope"))  # the refresh token, drawn again


def test_the_hand_off_snippets_follow_the_switch(desk: Desk) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    from uid2_desk.ui.identity.handoff_dialog import HandOffDialog

    desk.sign_in("mask.handoff@example.com")
    secrets = _secrets(desk)
    identity = desk.selected().identity
    assert identity is not None
    dialog = HandOffDialog("them", identity.to_body(), "http://127.0.0.1:1", "", masked=True)
    desk.qtbot.addWidget(dialog)

    def shown() -> list[str]:
        views = dialog.findChildren(QPlainTextEdit, "handoff_snippet")
        assert len(views) == 2
        return [v.toPlainText() for v in views]

    assert _leaks(shown(), secrets) == []
    assert all("refresh_response_key" in text or "refreshResponseKey" in text for text in shown())
    dialog.set_masked(False)  # unmasked: the token's ends, for recognising it; the key stays hidden
    from uid2_desk.journal.masking import shorten_token

    assert all(shorten_token(identity.advertising_token) in text for text in shown())
    assert not any(secret in text for secret in secrets for text in shown())
    dialog.set_masked(True)
    assert _leaks(shown(), secrets) == []
