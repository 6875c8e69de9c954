"""The *Proxy to …* dialog: every named remote environment, or a URL typed in, and a port."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from uid2_desk.client.environments import KNOWN_ENVIRONMENTS
from uid2_desk.ui.window.proxy_dialog import ProxyDialog


def test_the_dialog_offers_every_named_environment_with_its_full_name(qtbot: QtBot) -> None:
    dialog = ProxyDialog()
    qtbot.addWidget(dialog)
    combo = dialog.upstream
    assert [combo.itemText(i) for i in range(combo.count())] == [
        env.id for env in KNOWN_ENVIRONMENTS
    ]
    tips = [combo.itemData(i, Qt.ItemDataRole.ToolTipRole) for i in range(combo.count())]
    assert tips == [env.display_name for env in KNOWN_ENVIRONMENTS]
    assert "local" not in [combo.itemText(i) for i in range(combo.count())]


def test_start_says_the_typed_url_and_the_port(qtbot: QtBot) -> None:
    dialog = ProxyDialog()
    qtbot.addWidget(dialog)
    chosen: list[tuple[str, int]] = []
    dialog.chosen.connect(lambda upstream, port: chosen.append((upstream, port)))
    dialog.upstream.setEditText("  https://gw.example.com/uid2 ")
    dialog.port.setValue(8899)
    dialog.accept()
    assert chosen == [("https://gw.example.com/uid2", 8899)]
