"""The Environments dialog as people see it: URLs filled in, notes where they matter, no jumps."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from uid2_desk.client.environments import KNOWN_ENVIRONMENTS
from uid2_desk.ui.window.credentials_flow import CredentialsFlow
from uid2_desk.ui.window.environment_dialog import EnvironmentDialog

INTEG_URL = "https://operator-integ.uidapi.com"


def _dialog(qtbot: QtBot, env: str) -> EnvironmentDialog:
    dialog = EnvironmentDialog(CredentialsFlow(), env, set())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=5000)
    return dialog


def _choose(qtbot: QtBot, dialog: EnvironmentDialog, env: str) -> None:
    dialog.environment.setCurrentIndex(dialog.environment.findData(env))
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=5000)


def _where(widget: QWidget, dialog: EnvironmentDialog) -> QPoint:
    return widget.mapTo(dialog, QPoint(0, 0))


def test_a_known_environment_shows_its_url_and_custom_keeps_what_was_typed(
    qtbot: QtBot, loop: object, memory_keyring: object
) -> None:
    dialog = _dialog(qtbot, "integ")
    assert dialog.url.text() == INTEG_URL
    assert not dialog.url.isEnabled()  # read-only: it is the environment's own
    for env in KNOWN_ENVIRONMENTS:
        _choose(qtbot, dialog, env.id)
        assert dialog.url.text() == env.base_url
    _choose(qtbot, dialog, "__custom__")
    assert dialog.url.text() == ""
    assert dialog.url.placeholderText().startswith("https://")
    dialog.url.setFocus()
    qtbot.keyClicks(dialog.url, "https://op.example.test")
    _choose(qtbot, dialog, "integ")
    _choose(qtbot, dialog, "__custom__")
    assert dialog.url.text() == "https://op.example.test"
    _choose(qtbot, dialog, "local")
    assert dialog.url.text() == ""
    assert "loopback" in dialog.url.placeholderText()


def test_the_no_keychain_note_shows_for_remote_environments_only_and_in_words(
    qtbot: QtBot, loop: object, no_keychain: None
) -> None:
    dialog = _dialog(qtbot, "local")
    assert dialog.keychain_problem is not None
    assert dialog.keychain_text == ""  # Local needs no credentials: the note would not matter
    _choose(qtbot, dialog, "integ")
    note = dialog.keychain_text
    assert note.startswith("No OS keychain is available on this machine: no keychain service")
    assert "keyring." not in note
    assert "backends" not in note  # no Python class name (keyring.backends.fail.Keyring)
    assert "session only" in note
    _choose(qtbot, dialog, "local")
    assert dialog.keychain_text == ""


def test_notes_coming_and_going_do_not_move_the_fields_or_buttons(
    qtbot: QtBot, loop: object, no_keychain: None
) -> None:
    dialog = _dialog(qtbot, "integ")
    watched = (dialog.api_key, dialog.secret, dialog.test_button, dialog.switch_button)
    before = [_where(w, dialog) for w in watched]
    size = dialog.size()
    _choose(qtbot, dialog, "local")  # the keychain note goes
    assert [_where(w, dialog) for w in watched] == before
    dialog.secret.setText("not base64!")
    _choose(qtbot, dialog, "integ")
    dialog.api_key.setText("UID2-C-I-1234-abcdef")
    dialog.test_connection()  # a two-line error under the fields
    assert "not valid base64" in dialog.result_text
    qtbot.wait(50)
    assert [_where(w, dialog) for w in watched] == before
    assert dialog.size() == size
