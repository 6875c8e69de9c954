"""A menu or toolbar item's status tip never takes the environment chip's place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import QWidget

from tests.ui.desk_fixture import Desk

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def test_hovering_a_toolbar_action_keeps_the_local_chip_in_sight(desk: Desk) -> None:
    window = desk.window
    window.show()
    desk.qtbot.waitExposed(window)
    desk.qtbot.wait(50)
    status = window.status
    chip = status.findChild(QWidget, "status_environment_chip")
    assert chip is not None
    assert chip.isVisible()
    before = chip.mapTo(window, chip.rect().topLeft())
    # What Qt sends when the mouse rests on a toolbar button or a menu item.
    QCoreApplication.sendEvent(window, QStatusTipEvent("Refresh the selected user's identity now"))
    assert chip.isVisible()
    assert status.tip_text == "Refresh the selected user's identity now"
    assert status.chip_text == "LOCAL"
    assert chip.mapTo(window, chip.rect().topLeft()) == before
    QCoreApplication.sendEvent(window, QStatusTipEvent(""))  # the mouse moved on
    assert status.tip_text == ""
    assert status.operator_text
    assert chip.isVisible()
