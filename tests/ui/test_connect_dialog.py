"""Connect your client: the desk's operator, its credentials and snippets, secrets masked.

The dialog opens from Environment ▸ Connect your client… on the real desk. Nothing that could
call the operator is on screen until *Show*; Copy puts the real value on the clipboard; the
copied snippets work as they are: the Python one (the official SDK) and the Node.js one (the
envelope by hand) each generate a token on the desk's operator, and the log shows their calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import shutil
import socket
import subprocess

import httpx
import pytest
from PySide6.QtGui import QGuiApplication

from tests.ui.desk_fixture import Desk
from uid2_desk.ui.connect.connect_dialog import ConnectDialog
from uid2_desk.ui.connect.connect_facts import ConnectFacts
from uid2_desk.ui.connect.snippets import SNIPPETS, snippet

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _dialog(desk: Desk) -> ConnectDialog:
    action = desk.window.connect_client.action
    assert action.text().replace("&", "") == "Connect your client…"
    menus = [a.menu() for a in desk.window.menuBar().actions() if "Environment" in a.text()]
    assert action in menus[0].actions()  # type: ignore[union-attr]
    dialog = desk.window.connect_client.open()
    assert dialog is not None
    desk.qtbot.addWidget(dialog)
    return dialog


def _on_screen(dialog: ConnectDialog) -> str:
    rows = [dialog.field_text(label) for label, _, _ in dialog.facts.rows()]
    return "\n".join(rows + [dialog.snippet_text(title) for title, _ in SNIPPETS])


def test_the_dialog_shows_the_base_url_and_masks_every_secret_until_shown(desk: Desk) -> None:
    dialog = _dialog(desk)
    facts = dialog.facts
    assert desk.services.server is not None
    assert dialog.field_text("Base URL") == desk.services.server.base_url
    cstg = desk.services.operator.cstg.settings  # type: ignore[union-attr]
    assert dialog.field_text("CSTG subscription id") == cstg.subscription_id
    assert dialog.field_text("CSTG server public key") == cstg.server_public_key
    screen = _on_screen(dialog)
    for secret in facts.secrets():
        assert secret not in screen
    assert dialog.field_text("Publisher API key").endswith("***")

    dialog.show_button.click()
    screen = _on_screen(dialog)
    for secret in facts.secrets():
        assert secret in screen
    assert facts.publisher_secret in dialog.snippet_text("Python")
    dialog.show_button.click()
    assert facts.publisher_secret not in _on_screen(dialog)


def test_copy_puts_the_real_value_and_the_filled_in_snippet_on_the_clipboard(desk: Desk) -> None:
    dialog = _dialog(desk)
    copied: list[str] = []
    dialog.copied.connect(copied.append)
    labels = [label for label, _, _ in dialog.facts.rows()]
    dialog.copy_row(labels.index("Publisher secret"))
    assert QGuiApplication.clipboard().text() == dialog.facts.publisher_secret
    dialog.tabs.setCurrentIndex([t for t, _ in SNIPPETS].index("Java"))
    dialog.copy_snippet()
    assert dialog.facts.publisher_key in QGuiApplication.clipboard().text()
    assert copied == ["Publisher secret", "Java snippet"]  # names, never values
    assert dialog.facts.publisher_secret not in _on_screen(dialog)


def _backend_rows(desk: Desk) -> int:
    model = desk.window.log_model
    model.flush()
    return sum(1 for i in range(model.rowCount()) if model.row_at(i).client == "Your backend")


def test_the_python_snippet_as_copied_generates_a_token_on_the_desks_operator(
    desk: Desk,
) -> None:
    facts = ConnectFacts.of(desk.services)
    assert facts is not None
    code = snippet("Python", facts)
    printed = io.StringIO()

    def run() -> None:
        with contextlib.redirect_stdout(printed):
            exec(code, {})  # the snippet exactly as the Copy button gives it

    desk.run(asyncio.to_thread(run))
    assert printed.getvalue().strip()  # the advertising token
    desk.qtbot.waitUntil(lambda: _backend_rows(desk) >= 2, timeout=10_000)  # generate, refresh


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_node_snippet_as_copied_generates_a_token_on_the_desks_operator(desk: Desk) -> None:
    facts = ConnectFacts.of(desk.services)
    assert facts is not None
    code = snippet("Node.js", facts)
    result = desk.run(
        asyncio.to_thread(
            subprocess.run, ["node", "-e", code], capture_output=True, text=True, timeout=30
        )
    )
    assert result.returncode == 0, result.stderr
    status, token = result.stdout.split()
    assert status == "success"
    assert len(token) > 100
    desk.qtbot.waitUntil(lambda: _backend_rows(desk) >= 1, timeout=10_000)


def test_allow_devices_on_my_network_serves_the_lan_shows_a_qr_code_and_a_red_band(
    desk: Desk,
) -> None:
    connect = desk.window.connect_client
    connect.lan.host = _own_address()  # this machine only: no socket to another one
    dialog = _dialog(desk)
    lan = dialog.lan
    assert lan is not None
    assert not lan.check.isChecked()  # off at every start
    assert not connect.band_shown
    assert lan.qr.isHidden()
    lan.check.setChecked(True)
    desk.qtbot.waitUntil(lambda: connect.lan.url is not None and not connect.lan.busy)
    url = connect.lan.url
    assert url is not None
    assert url.startswith(f"http://{connect.lan.host}:")
    assert lan.url.text() == url
    assert not lan.qr.pixmap().isNull()
    assert lan.qr.pixmap().width() > 100
    assert connect.band_shown
    assert url in connect.band.text()
    assert httpx.get(f"{url}/ops/healthcheck").status_code == 200
    token = desk.services.operator.admin_token  # type: ignore[union-attr]
    admin = httpx.get(f"{url}/_desk/admin/requests", headers={"Authorization": f"Bearer {token}"})
    assert admin.status_code == 404
    lan.check.setChecked(False)
    desk.qtbot.waitUntil(lambda: connect.lan.url is None and not connect.lan.busy)
    assert lan.qr.isHidden()
    assert "(off)" in lan.url.text()
    assert not connect.band_shown
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/ops/healthcheck")


def _own_address() -> str:
    """A non-loopback address of this machine, else a loopback alias."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    addresses = [str(info[4][0]) for info in infos]
    return next((a for a in addresses if not a.startswith("127.")), "127.0.0.2")
